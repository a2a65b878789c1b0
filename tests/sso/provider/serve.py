"""Start the test identity provider: migrate its own SQLite database, give it a signing
key, the people of ``PEOPLE`` and the desk as a client, then serve on a free loopback
port, printed as the first line so the test knows where to go."""

import json
import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

import django

PASSWORD = "provider-password"  # noqa: S105 (a test fixture's people)
# Each person by username: their address, whether the provider verified it, their groups.
PEOPLE = {
    "ada": ("ada@northfield.example", True, ["erp-admins"]),
    "ben": ("ben@northfield.example", False, []),
    "nia": ("nia@northfield.example", True, ["erp-key-users", "library"]),
    "tara": ("tara@desk.example", True, []),
    "sam": ("sam@southbank.example", True, []),
}


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """No access log on the test's output."""


def seed(client: dict[str, str]) -> None:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    call_command("creatersakey", stdout=open(os.devnull, "w"))  # noqa: SIM115
    verified = Group.objects.create(name="email-verified")
    for username, (email, is_verified, groups) in PEOPLE.items():
        user = User.objects.create_user(username, email, PASSWORD, first_name=username.title())
        if is_verified:
            user.groups.add(verified)
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    desk = Client.objects.create(
        name="Hypercare",
        client_type="confidential",
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        jwt_alg="RS256",
        require_consent=True,
        reuse_consent=False,
    )
    desk.redirect_uris = client["redirect_uris"]
    desk.save()
    desk.response_types.add(ResponseType.objects.get(value="code"))


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.sso.provider.settings"
    django.setup()
    seed(json.loads(sys.argv[1]))
    from django.core.wsgi import get_wsgi_application

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
