"""Password sign-in by username or by email address."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from hypercare.accounts.models import User
from hypercare.accounts.selectors import with_email


class UsernameOrEmailBackend(ModelBackend):
    """Accepts a username (any case) or an email address that names exactly one account.

    Email is not unique on accounts, so an address shared by two people signs in neither:
    guessing which one was meant would hand one person's account to the other.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = _account_for(username.strip())
        if user is None:
            # Hash anyway so an unknown login takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def _account_for(login: str) -> User | None:
    by_username = list(User.objects.filter(username__iexact=login)[:2])
    if len(by_username) == 1:
        return by_username[0]
    if "@" not in login:
        return None
    by_email = list(with_email(login)[:2])
    return by_email[0] if len(by_email) == 1 else None
