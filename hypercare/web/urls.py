"""The web desk's URL map. Every view answers domain refusals the same way (web.errors)."""

from django.urls import URLPattern, path

from hypercare.web.errors import View, domain_errors
from hypercare.web.views import (
    attachments,
    auth,
    availability,
    escalations,
    portal,
    workspace,
    workspace_ticket,
)

app_name = "web"


def page(route: str, view: View, name: str) -> URLPattern:
    return path(route, domain_errors(view), name=name)


urlpatterns = [
    page("", auth.home, "home"),
    page("login/", auth.sign_in_page, "login"),
    page("logout/", auth.sign_out, "logout"),
    page("account/password/", auth.password_change, "password-change"),
    page("account/password/done/", auth.password_change_done, "password-change-done"),
    page("password-reset/", auth.password_reset, "password-reset"),
    page("password-reset/sent/", auth.password_reset_sent, "password-reset-sent"),
    page("password-reset/<uidb64>/<token>/", auth.password_reset_confirm, "password-reset-confirm"),
    page("password-reset/complete/", auth.password_reset_complete, "password-reset-complete"),
    page("tickets/<int:pk>/", auth.ticket_link, "ticket-link"),
    page("portal/", portal.my_tickets, "portal"),
    page("portal/report/", portal.report, "report"),
    page("portal/tickets/<int:pk>/", portal.ticket_page, "portal-ticket"),
    page("portal/tickets/<int:pk>/reply/", portal.reply, "portal-reply"),
    page("portal/tickets/<int:pk>/files/", portal.add_files, "portal-files"),
    page("portal/tickets/<int:pk>/fixed/", portal.confirm_fixed, "portal-fixed"),
    page("portal/tickets/<int:pk>/not-fixed/", portal.not_fixed, "portal-not-fixed"),
    page("portal/tickets/<int:pk>/escalate/", escalations.portal_request, "portal-escalate"),
    page("desk/", workspace.queue_page, "desk"),
    page("desk/bulk/", workspace.bulk, "bulk"),
    page("desk/saved-replies/", workspace.saved_replies, "saved-replies"),
    page("desk/saved-replies/<int:pk>/", workspace.edit_saved_reply, "saved-reply-edit"),
    page("desk/saved-replies/<int:pk>/delete/", workspace.remove_saved_reply, "saved-reply-delete"),
    page("desk/escalations/", escalations.daily_review, "escalations"),
    page("desk/availability/", availability.my_availability, "availability"),
    page("desk/tickets/<int:pk>/", workspace_ticket.ticket_page, "desk-ticket"),
    page(
        "desk/tickets/<int:pk>/escalation/<str:step>/",
        escalations.escalation_step,
        "desk-escalation",
    ),
    page("desk/tickets/<int:pk>/timeline/", workspace_ticket.timeline_part, "desk-timeline"),
    page("desk/tickets/<int:pk>/sla/", workspace_ticket.sla_part, "desk-sla"),
    page("desk/tickets/<int:pk>/reply/", workspace_ticket.reply, "desk-reply"),
    page("desk/tickets/<int:pk>/note/", workspace_ticket.note, "desk-note"),
    page("desk/tickets/<int:pk>/files/", workspace_ticket.add_files, "desk-files"),
    page("desk/tickets/<int:pk>/take/", workspace_ticket.take, "desk-take"),
    page(
        "desk/tickets/<int:pk>/questions/",
        workspace_ticket.category_questions,
        "desk-category-questions",
    ),
    page(
        "desk/tickets/<int:pk>/saved-replies/<int:reply_pk>/",
        workspace_ticket.saved_reply,
        "desk-saved-reply",
    ),
    page(
        "desk/tickets/<int:pk>/<str:field>/",
        workspace_ticket.change,
        "desk-change",
    ),
    page("attachments/<int:pk>/", attachments.attachment, "attachment"),
]
