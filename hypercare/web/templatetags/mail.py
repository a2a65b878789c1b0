"""The mail quarantine in the workspace's navigation; a received message on the timeline."""

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import SafeString

from hypercare import access
from hypercare.accounts.models import User
from hypercare.mail.parsing import with_images_in_place
from hypercare.mail.selectors import quarantine_count
from hypercare.tickets.models import TicketEvent

register = template.Library()


@register.simple_tag
def quarantined_for(user: User) -> int | None:
    """How many messages wait in the quarantine; None for whoever may not see it."""
    if not access.can_manage_quarantine(user):
        return None
    return quarantine_count(user)


@register.filter
def as_received(event: TicketEvent) -> SafeString:
    """A received message kept with its inline images: its sanitised HTML with each image
    where a ``cid:`` named it, or its text; images it did not place follow. Each image is
    served by the access-checked attachment download. "" for a message without any."""
    try:
        shown = event.shown_message
    except ObjectDoesNotExist:
        return SafeString("")
    urls = [(content_id, reverse("web:attachment", args=[pk])) for content_id, pk in shown.images]
    if shown.html:
        body, placed = with_images_in_place(shown.html, {cid: url for cid, url in urls if cid})
    else:
        body, placed = linebreaks(shown.text, autoescape=True), frozenset()
    after = format_html_join(
        "",
        '<p><img src="{}" alt="An image in the message" loading="lazy"></p>',
        ((url,) for content_id, url in urls if content_id not in placed),
    )
    # nh3's output, or the text escaped by ``linebreaks``: safe to show as it is.
    shown_body = SafeString(body)
    return format_html('<div class="event__body event__received">{}{}</div>', shown_body, after)
