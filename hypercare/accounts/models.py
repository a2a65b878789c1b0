"""People, the roles they hold, and their personal API tokens."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from hypercare.accounts.choices import INSTITUTION_ROLES, SUPPORT_ROLES, Role, WorkArea
from hypercare.lib.text import validate_single_line
from hypercare.orgs.models import validate_time_zone


class User(AbstractUser):
    """A person who signs in. Institution users carry their institution; support staff none."""

    institution = models.ForeignKey(
        "orgs.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    erp_role = models.CharField(
        max_length=120, blank=True, help_text="The person's role in the ERP, e.g. Fee clerk."
    )
    work_area = models.CharField(
        max_length=20,
        choices=WorkArea.choices,
        blank=True,
        help_text="Which knowledge articles are written for them, besides everyone's.",
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Times are shown in this zone; empty means the institution's.",
    )

    class Meta:
        indexes = [models.Index(Lower("email"), name="user_email_lower")]

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(grant.role for grant in self.role_grants.all())

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_support_staff(self) -> bool:
        return self.institution_id is None and not self.roles.isdisjoint(SUPPORT_ROLES)

    @property
    def is_institution_user(self) -> bool:
        return self.institution_id is not None and not self.roles.isdisjoint(INSTITUTION_ROLES)

    @property
    def viewing_time_zone(self) -> str:
        """The zone this person reads times in: their own, their institution's, or UTC."""
        if self.time_zone:
            return self.time_zone
        if self.institution is not None:
            return self.institution.time_zone
        return "UTC"

    @property
    def display_name(self) -> str:
        """How people are shown everywhere: by name, the username only when none is set."""
        return self.get_full_name() or self.username

    def __str__(self) -> str:
        # Choice labels of people pickers and {{ user }} in templates and mails show this.
        return self.display_name


class RoleGrant(models.Model):
    """One role held by one person."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A personal access token. Only a SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, validators=[validate_single_line])
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SignInFailure(models.Model):
    """One failed password sign-in, counted per login and address to slow down guessing."""

    login = models.CharField(max_length=254, help_text="What was typed, lower-cased.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["login", "ip_address", "created_at"], name="signin_failure_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.login} from {self.ip_address} @ {self.created_at:%Y-%m-%d %H:%M}"


class PasswordResetRequest(models.Model):
    """One request for a password reset link, counted per email and per client address.

    The reset form answers anyone: without a count it could flood an inbox with links or
    be used to probe many addresses. Nobody reads these rows; they are forgotten after the
    hour they count in.
    """

    email = models.CharField(max_length=254, help_text="What was typed, lower-cased.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    mailed = models.BooleanField(
        help_text="Whether the link went to the accounts of this email, if it has any."
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["email", "created_at"], name="password_reset_by_email"),
            models.Index(fields=["ip_address", "created_at"], name="password_reset_by_address"),
        ]

    def __str__(self) -> str:
        return f"{self.email} from {self.ip_address} @ {self.created_at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """An institution admin's invitation for someone to join their institution on the desk.

    The link mailed holds a secret token; only its SHA-256 digest is stored, as for API
    tokens, so a copy of the database (a backup) opens no account. The link works once,
    until ``expires_at``; re-sending issues a new token and the old link stops working.
    The roles are the institution roles the account gets when the link is used.
    """

    institution = models.ForeignKey(
        "orgs.Institution", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(max_length=254)
    first_name = models.CharField(max_length=150, blank=True, validators=[validate_single_line])
    last_name = models.CharField(max_length=150, blank=True, validators=[validate_single_line])
    roles = models.JSONField(default=list, help_text="The institution roles to grant.")
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(help_text="When the current link was issued.")
    mailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the current link's mail went out; empty: not yet."
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The account the invitation created.",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address and institution: re-send it, do not repeat it.
            models.UniqueConstraint(
                Lower("email"),
                "institution",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.institution_id}"

    @property
    def is_open(self) -> bool:
        """Neither used nor revoked; an open invitation past its expiry can be re-sent."""
        return self.accepted_at is None and self.revoked_at is None
