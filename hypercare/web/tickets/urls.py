from hypercare.web.errors import page
from hypercare.web.tickets import attachments, desk_new, desk_ticket, mail_source, portal, queue

urlpatterns = [
    page("portal/", portal.my_tickets, "portal"),
    page("portal/report/", portal.report, "report"),
    page("portal/tickets/<int:pk>/", portal.ticket_page, "portal-ticket"),
    page("portal/tickets/<int:pk>/reply/", portal.reply, "portal-reply"),
    page("portal/tickets/<int:pk>/files/", portal.add_files, "portal-files"),
    page("portal/tickets/<int:pk>/fixed/", portal.confirm_fixed, "portal-fixed"),
    page("portal/tickets/<int:pk>/not-fixed/", portal.not_fixed, "portal-not-fixed"),
    page("desk/", queue.queue_page, "desk"),
    page("desk/bulk/", queue.bulk, "bulk"),
    page("desk/new/", desk_new.new_ticket, "desk-new"),
    page("desk/new/requesters/", desk_new.requester_search, "desk-new-requesters"),
    page("desk/saved-replies/", queue.saved_replies, "saved-replies"),
    page("desk/saved-replies/<int:pk>/", queue.edit_saved_reply, "saved-reply-edit"),
    page("desk/saved-replies/<int:pk>/delete/", queue.remove_saved_reply, "saved-reply-delete"),
    page("desk/tickets/<int:pk>/", desk_ticket.ticket_page, "desk-ticket"),
    page("desk/tickets/<int:pk>/timeline/", desk_ticket.timeline_part, "desk-timeline"),
    page("desk/tickets/<int:pk>/reply/", desk_ticket.reply, "desk-reply"),
    page("desk/tickets/<int:pk>/note/", desk_ticket.note, "desk-note"),
    page("desk/tickets/<int:pk>/files/", desk_ticket.add_files, "desk-files"),
    page("desk/tickets/<int:pk>/take/", desk_ticket.take, "desk-take"),
    page(
        "desk/tickets/<int:pk>/questions/",
        desk_ticket.category_questions,
        "desk-category-questions",
    ),
    page(
        "desk/tickets/<int:pk>/saved-replies/<int:reply_pk>/",
        desk_ticket.saved_reply,
        "desk-saved-reply",
    ),
    # Last: any other word after a ticket is one of its properties.
    page("desk/tickets/<int:pk>/<str:field>/", desk_ticket.change, "desk-change"),
    page("attachments/<int:pk>/", attachments.attachment, "attachment"),
    page("mail/messages/<int:pk>/raw/", mail_source.raw_source, "mail-raw-source"),
]
