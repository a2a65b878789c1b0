"""``hypercare token``: personal API tokens from the server's command line.

The operator of the server acts here; what each token may do is still decided by its
owner's roles when it is used.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hypercare.accounts.models import ApiToken, User
from hypercare.accounts.selectors import user_tokens
from hypercare.accounts.services import TOKEN_PREFIX, issue_token, revoke_token
from hypercare.errors import DomainError

DEFAULT_NAME = "Command line"


class Command(BaseCommand):
    help = "Create, list or revoke a person's personal API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="issue a token and print it once")
        create.add_argument("username")
        create.add_argument("--name", default=DEFAULT_NAME, help="what the token is for")
        listing = actions.add_parser("list", help="list a person's tokens")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options["username"], options["name"])
            elif options["action"] == "list":
                self._list(options["username"])
            else:
                self._revoke(options["token_id"])
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _create(self, username: str, name: str) -> None:
        user = _user(username)
        token, plain = issue_token(user=user, name=name)
        self.stderr.write(
            f"Token {token.pk} ({token.name}) for {user.username}. It is shown only now: "
            "keep it somewhere safe."
        )
        self.stdout.write(plain)

    def _list(self, username: str) -> None:
        tokens = user_tokens(_user(username))
        if not tokens:
            self.stdout.write(f"{username} has no tokens.")
        for token in tokens:
            self.stdout.write(_describe(token))

    def _revoke(self, token_id: int) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"No token with id {token_id}.")
        revoke_token(token_id=token.pk, actor=token.user)
        self.stdout.write(f"Revoked token {token.pk} ({token.name}) of {token.user.username}.")


def _user(username: str) -> User:
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        raise CommandError(f"No user named {username!r}.")
    return user


def _describe(token: ApiToken) -> str:
    state = "active" if token.is_active else f"revoked {token.revoked_at:%Y-%m-%d %H:%M}"
    used = f"last used {token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
    return (
        f"{token.pk:>5}  {TOKEN_PREFIX}{token.prefix}_…  {token.name}  "
        f"created {token.created_at:%Y-%m-%d %H:%M}  {used}  {state}"
    )
