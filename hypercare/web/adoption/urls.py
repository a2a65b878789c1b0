from hypercare.web.adoption import views
from hypercare.web.errors import page

urlpatterns = [
    page("reports/adoption/", views.adoption_page, "report-adoption"),
    page(
        "desk/institutions/<int:institution_pk>/module-usage/",
        views.usage_upload,
        "module-usage",
    ),
]
