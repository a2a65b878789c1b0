from django.contrib import admin
from django.urls import include, path

from hypercare.api.site import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("hypercare.ops.urls")),
    path("", include("hypercare.web.urls")),
]

handler403 = "hypercare.web.errors.permission_denied"
handler404 = "hypercare.web.errors.page_not_found"
handler500 = "hypercare.web.errors.server_error"
