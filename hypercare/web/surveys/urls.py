from hypercare.web.errors import page
from hypercare.web.surveys import views

urlpatterns = [
    page("surveys/<str:survey_token>/", views.answer_by_link, "survey-link"),
    page("portal/tickets/<int:pk>/survey/", views.answer_from_portal, "portal-survey"),
    page("desk/surveys/", views.results, "survey-results"),
]
