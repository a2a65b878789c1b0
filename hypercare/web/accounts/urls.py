from hypercare.web.accounts import people, views
from hypercare.web.errors import page

urlpatterns = [
    page("account/", views.profile, "profile"),
    page("account/notifications/", views.notification_settings, "notification-settings"),
    page("portal/people/", people.people, "portal-people"),
    page("portal/people/bulk/", people.bulk_invite, "portal-people-bulk"),
    page("portal/people/<int:pk>/", people.person, "portal-person"),
    page("portal/people/<int:pk>/active/", people.person_active, "portal-person-active"),
    page(
        "portal/invitations/<int:pk>/resend/",
        people.invitation_resend,
        "portal-invitation-resend",
    ),
    page(
        "portal/invitations/<int:pk>/revoke/",
        people.invitation_revoke,
        "portal-invitation-revoke",
    ),
    page("invitations/<str:token>/", people.accept, "invitation"),
]
