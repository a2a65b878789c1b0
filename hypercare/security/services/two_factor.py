"""Two-factor authentication: enrolling an authenticator app, checking its codes at
sign-in, recovery codes, and the institutions that require it.

Codes are TOTP (RFC 6238, 30-second steps, six digits) computed by ``pyotp``. A code of
the step before or after is accepted too (a phone's clock drifts), but never a step
already used, so an observed code cannot be replayed.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

import pyotp
from django.conf import settings

from hypercare import access
from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from hypercare.lib import clock
from hypercare.lib.transactions import composed, use_case
from hypercare.orgs.models import Institution
from hypercare.security.models import (
    RecoveryCode,
    SecondFactorFailure,
    TwoFactorDevice,
    TwoFactorPolicy,
)
from hypercare.security.selectors import second_factor_locked
from hypercare.security.services.sessions import end_sessions_of

ISSUER = "Hypercare"
RECOVERY_CODE_COUNT = 10
# A phone's clock may be one step (30 seconds) off either way.
DRIFT_STEPS = 1
WRONG_CODE = "That code is not right. Type the newest code from your app, or a recovery code."
WRONG_PROOF = "Type the newest code from your authenticator app, or your password."


def begin_enrolment(*, user: User) -> TwoFactorDevice:
    """The device being set up for ``user``: the one already begun, or a new secret.

    Reopening the page shows the same secret, so a phone that scanned it once still
    works. Refused while a confirmed device exists: turn it off first to move it.
    """
    device = TwoFactorDevice.objects.filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise InvalidTransition("Two-factor authentication is already on for your account.")
    if device is not None:
        return device
    with use_case():
        return TwoFactorDevice.objects.create(
            user=user, secret=pyotp.random_base32(), created_at=clock.now()
        )


def provisioning_uri(device: TwoFactorDevice) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.email or device.user.username, issuer_name=ISSUER
    )


def confirm_enrolment(*, user: User, code: str) -> list[str]:
    """Turn two-factor authentication on once ``code`` proves the app holds the secret.

    Returns the new recovery codes, in plain text this once; only digests are kept.
    """
    device = TwoFactorDevice.objects.filter(user=user).first()
    if device is None or device.confirmed_at is not None:
        raise InvalidTransition("There is no authenticator being set up; start again.")
    step = _matching_step(device, code)
    if step is None:
        raise ValidationFailed({"code": "That code does not match. Type the newest code."})
    with use_case():
        device.confirmed_at = clock.now()
        device.last_used_step = step
        device.save(update_fields=["confirmed_at", "last_used_step"])
        return _replace_recovery_codes(user)


def verify_second_factor(*, user: User, code: str, ip_address: str | None) -> None:
    """Accept a current code from ``user``'s authenticator or one unused recovery code.

    Each wrong code is counted for the person; at ``HYPERCARE_SIGN_IN_MAX_FAILURES``
    within ``HYPERCARE_SIGN_IN_LOCKOUT_MINUTES`` even a right code is refused until the
    window has passed, as for passwords. A success clears the count.
    """
    if second_factor_locked(user):
        minutes = settings.HYPERCARE_SIGN_IN_LOCKOUT_MINUTES
        raise NotAllowed(
            f"Too many wrong codes. Sign-in is locked for {minutes} minutes; try again later."
        )
    with use_case():
        accepted = _use_code(user, code)
        if accepted:
            SecondFactorFailure.objects.filter(user=user).delete()
        else:
            _record_failure(user, ip_address)
    if not accepted:
        raise ValidationFailed({"code": WRONG_CODE})


def regenerate_recovery_codes(*, user: User, proof: str, ip_address: str | None) -> list[str]:
    """A new set of recovery codes for ``user``; the old set stops working.
    ``proof`` is a current code or the password, so an unattended session cannot."""
    if TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first() is None:
        raise InvalidTransition("Two-factor authentication is not on for your account.")
    _check_proof(user, proof, ip_address)
    with use_case():
        return _replace_recovery_codes(user)


def disable_two_factor(*, user: User, proof: str, ip_address: str | None) -> None:
    """Turn two-factor authentication off for ``user``: the device and recovery codes go.

    ``proof`` is a current code or the password. A person whose desk or institution
    requires a second factor may do it too (to move to a new phone); their next sign-in
    then sends them to enrol again before anything else.
    """
    if not TwoFactorDevice.objects.filter(user=user).exists():
        raise InvalidTransition("Two-factor authentication is not on for your account.")
    _check_proof(user, proof, ip_address)
    with use_case():
        TwoFactorDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()


def reset_two_factor(*, person: User, actor: User) -> None:
    """Take away ``person``'s authenticator and recovery codes, for someone who lost both,
    and sign them out everywhere: their next sign-in needs only the password, then
    enrolment again where a second factor is required (``access.can_reset_two_factor``)."""
    if not access.can_reset_two_factor(actor, person):
        raise NotFound("No such person.")
    if not TwoFactorDevice.objects.filter(user=person).exists():
        raise InvalidTransition("This person has no two-factor authentication to reset.")
    with composed():
        TwoFactorDevice.objects.filter(user=person).delete()
        RecoveryCode.objects.filter(user=person).delete()
        end_sessions_of(person=person, actor=actor, keep_session_key=None)


def set_two_factor_policy(*, institution_id: int, required: bool, actor: User) -> TwoFactorPolicy:
    """Whether the institution's people must use a second factor.

    An institution admin sets it for their own institution; support managers and system
    admins for any. Anyone else who can see the institution is refused (403); an
    institution they cannot see is not found.
    """
    visible = Institution.objects.filter(access.institution_scope(actor), pk=institution_id)
    institution = visible.first()
    if institution is None:
        raise NotFound("No such institution.")
    allowed = Institution.objects.filter(access.two_factor_policy_scope(actor), pk=institution_id)
    if not allowed.exists():
        raise NotAllowed("Only the institution's admin or a support manager sets this.")
    with use_case():
        policy, _ = TwoFactorPolicy.objects.update_or_create(
            institution=institution,
            defaults={"required": required, "updated_at": clock.now(), "updated_by": actor},
        )
    return policy


def _check_proof(user: User, proof: str, ip_address: str | None) -> None:
    """A current code or the password, counted and locked like codes at sign-in."""
    if second_factor_locked(user):
        raise NotAllowed("Too many wrong attempts. Try again later.")
    with use_case():
        device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
        accepted = bool(proof) and user.check_password(proof)
        if not accepted and device is not None and device.confirmed_at is not None:
            accepted = _use_totp(device, proof)
        if not accepted:
            _record_failure(user, ip_address)
    if not accepted:
        raise ValidationFailed({"proof": WRONG_PROOF})


def _use_code(user: User, code: str) -> bool:
    device = (
        TwoFactorDevice.objects.select_for_update()
        .filter(user=user, confirmed_at__isnull=False)
        .first()
    )
    if device is None:
        return False
    return _use_totp(device, code) or _use_recovery_code(user, code)


def _use_totp(device: TwoFactorDevice, code: str) -> bool:
    step = _matching_step(device, code)
    if step is None or (device.last_used_step is not None and step <= device.last_used_step):
        return False
    device.last_used_step = step
    device.save(update_fields=["last_used_step"])
    return True


def _matching_step(device: TwoFactorDevice, code: str) -> int | None:
    """The time step whose code ``code`` is, within the allowed drift, or None."""
    typed = code.replace(" ", "").strip()
    if not typed.isdigit():
        return None
    totp = pyotp.TOTP(device.secret)
    at = clock.now()
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(at, counter_offset=offset), typed):
            return totp.timecode(at) + offset
    return None


def _use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code; two sign-ins racing with it cannot both win."""
    digest = _digest(code)
    unused = RecoveryCode.objects.filter(user=user, digest=digest, used_at__isnull=True)
    return unused.update(used_at=clock.now()) == 1


def _replace_recovery_codes(user: User) -> list[str]:
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_digest(c)) for c in codes)
    return codes


def _new_recovery_code() -> str:
    raw = secrets.token_hex(5)
    return f"{raw[:5]}-{raw[5:]}"


def _digest(code: str) -> str:
    """Recovery codes are compared without case, spaces or dashes, as people type them."""
    normal = "".join(code.lower().split()).replace("-", "")
    return hashlib.sha256(normal.encode()).hexdigest()


def _record_failure(user: User, ip_address: str | None) -> None:
    at = clock.now()
    window = timedelta(minutes=settings.HYPERCARE_SIGN_IN_LOCKOUT_MINUTES)
    SecondFactorFailure.objects.filter(created_at__lt=at - window).delete()
    SecondFactorFailure.objects.create(user=user, ip_address=ip_address, created_at=at)
