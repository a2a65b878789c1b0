"""The operator's endpoints, at the site's root where probes and Prometheus expect them."""

from django.urls import path

from hypercare.ops import views

app_name = "ops"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
