from hypercare.web.errors import page
from hypercare.web.privacy import views

urlpatterns = [
    page("privacy/", views.people, "privacy"),
    page("privacy/people/<int:pk>/", views.person, "privacy-person"),
    page("privacy/people/<int:pk>/export/", views.export, "privacy-export"),
    page("privacy/people/<int:pk>/anonymise/", views.anonymise, "privacy-anonymise"),
    page("privacy/retention/<int:institution_pk>/", views.retention, "privacy-retention"),
    page("privacy/register/", views.register, "privacy-register"),
]
