from hypercare.web.errors import page
from hypercare.web.feedback import views

urlpatterns = [
    page("desk/ideas/", views.desk_ideas, "ideas"),
    page("desk/ideas/<int:pk>/", views.desk_idea, "idea"),
    page("desk/ideas/<int:pk>/edit/", views.edit_idea, "idea-edit"),
    page("desk/ideas/<int:pk>/status/", views.change_status, "idea-status"),
    page("desk/ideas/<int:pk>/merge/", views.merge, "idea-merge"),
    page("desk/tickets/<int:pk>/idea/", views.record_from_ticket, "desk-ticket-idea"),
    page("portal/ideas/", views.portal_ideas, "portal-ideas"),
    page("portal/ideas/<int:pk>/", views.portal_idea, "portal-idea"),
    page("portal/ideas/<int:pk>/vote/", views.vote, "portal-idea-vote"),
]
