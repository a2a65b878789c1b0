"""Second factors, the institutions that require them, and the sessions people have open."""

from django.conf import settings
from django.db import models


class TwoFactorDevice(models.Model):
    """A person's authenticator app: the TOTP secret it shares with the desk.

    Unconfirmed while enrolment is under way; only a confirmed device is asked for at
    sign-in. The secret must be readable to check codes, so it is kept as given, like the
    session secret; backups hold it. ``last_used_step`` is the 30-second step of the last
    accepted code, so a code seen over someone's shoulder cannot be used again.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor_device"
    )
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "being set up"
        return f"Authenticator of {self.user} ({state})"


class RecoveryCode(models.Model):
    """One single-use recovery code; only its SHA-256 digest is stored, the code is shown
    once when the set is made. A new set replaces the old one whole."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="recovery_code_unique"),
        ]

    def __str__(self) -> str:
        return f"Recovery code of {self.user}{' (used)' if self.used_at else ''}"


class SecondFactorFailure(models.Model):
    """One wrong code at sign-in, counted per person, whatever the address: whoever types
    it already knows the password, so spreading guesses over addresses must not help."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="second_factor_failure_lookup")]

    def __str__(self) -> str:
        return f"{self.user} from {self.ip_address} @ {self.created_at:%Y-%m-%d %H:%M}"


class TwoFactorPolicy(models.Model):
    """Whether an institution requires its people to use two-factor authentication,
    as its institution admin (or the desk's support managers) set it."""

    institution = models.OneToOneField(
        "orgs.Institution", on_delete=models.CASCADE, related_name="two_factor_policy"
    )
    required = models.BooleanField(default=False)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "two-factor policies"

    def __str__(self) -> str:
        return f"{self.institution}: two-factor {'required' if self.required else 'optional'}"


class SignedInSession(models.Model):
    """One browser session a person has open: where and when it began, when it was last
    seen. Ending it deletes the session itself, so the browser holding it is signed out."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    signed_in_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "last_seen_at"], name="signed_in_session_recent")]

    def __str__(self) -> str:
        return f"{self.user} from {self.ip_address} since {self.signed_in_at:%Y-%m-%d %H:%M}"
