"""Putting people through enrolment with codes computed as their phone would."""

from datetime import timedelta

import pyotp
from django.test import Client

from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.security.services.two_factor import begin_enrolment, confirm_enrolment
from tests import factories


def code_for(user: User, *, steps: int = 0) -> str:
    """The code the person's authenticator shows now, or ``steps`` 30-second steps on."""
    user.two_factor_device.refresh_from_db()
    at = clock.now() + timedelta(seconds=30 * steps)
    return pyotp.TOTP(user.two_factor_device.secret).at(at)


def enrolled(user: User) -> list[str]:
    """Turn two-factor on for ``user``; their recovery codes."""
    device = begin_enrolment(user=user)
    return confirm_enrolment(user=user, code=pyotp.TOTP(device.secret).at(clock.now()))


def password_step(client: Client, login: str, password: str = factories.PASSWORD) -> str:
    """Sign in with the password; where the desk sends the browser next."""
    answer = client.post("/login/", {"login": login, "password": password})
    assert answer.status_code == 302
    return str(answer["Location"])
