"""Mailboxes are configured here; the password is written, never shown."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from hypercare.mail.imap import MailboxUnreachable, poll
from hypercare.mail.models import BouncedAddress, Mailbox, MailDomain

WHERE_MAIL_GOES = ("name", "address", "institution", "team", "category")
HOW_IT_IS_READ = (
    "polls",
    "host",
    "port",
    "security",
    "username",
    "password",
    "folder",
    "after_fetch",
    "move_to",
)


class MailboxForm(forms.ModelForm[Mailbox]):
    """The password field starts empty; left empty, the stored password is kept."""

    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to keep the current password.",
    )

    class Meta:
        model = Mailbox
        fields = (*WHERE_MAIL_GOES, *HOW_IT_IS_READ)

    def clean_password(self) -> str:
        given: str = self.cleaned_data["password"]
        return given or (self.instance.password if self.instance.pk else "")


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    form = MailboxForm
    list_display = ("name", "address", "host", "security", "institution", "polls", "last_polled_at")
    list_filter = ("polls", "security")
    search_fields = ("name", "address", "host")
    readonly_fields = ("last_polled_at", "last_error")
    actions = ("read_now",)
    fieldsets = (
        (None, {"fields": WHERE_MAIL_GOES}),
        ("Reading over IMAP", {"fields": (*HOW_IT_IS_READ, "last_polled_at", "last_error")}),
    )

    @admin.action(description="Read the selected mailboxes now")
    def read_now(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        for mailbox in queryset.exclude(host=""):
            try:
                result = poll(mailbox)
            except MailboxUnreachable as exc:
                self.message_user(request, f"{mailbox.name}: {exc}", messages.ERROR)
                continue
            self.message_user(
                request, f"{mailbox.name}: {result.stored} new of {result.fetched} read."
            )


@admin.register(MailDomain)
class MailDomainAdmin(admin.ModelAdmin[MailDomain]):
    """Which institution an unknown sender's domain belongs to; what then happens to their
    mail is the institution's "unknown senders" setting."""

    list_display = ("domain", "institution")
    list_filter = ("institution",)
    search_fields = ("domain", "institution__name")


class FlaggedFilter(admin.SimpleListFilter):
    title = "flagged"
    parameter_name = "flagged"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Flagged for correction"), ("no", "Not flagged")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[BouncedAddress]
    ) -> QuerySet[BouncedAddress]:
        if self.value() in ("yes", "no"):
            return queryset.filter(flagged_at__isnull=self.value() == "no")
        return queryset


@admin.register(BouncedAddress)
class BouncedAddressAdmin(admin.ModelAdmin[BouncedAddress]):
    """Addresses our mail bounced from, written by intake only: flagged ones need the
    person's address corrected (on their user)."""

    list_display = (
        "email",
        "flagged_at",
        "hard_bounces",
        "soft_bounces",
        "last_status",
        "last_bounced_at",
    )
    list_filter = (FlaggedFilter,)
    search_fields = ("email",)
    readonly_fields = list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
