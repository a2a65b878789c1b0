"""A real OpenID Connect provider (django-oidc-provider, ``tests/sso/provider``) run on
loopback once per test session, and Northfield set up to sign in through it."""

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.sso.models import IdentityProvider
from hypercare.sso.services import ProviderSettings, configure_provider
from tests import factories

CLIENT_ID = "hypercare-desk"
CLIENT_SECRET = "client-secret-of-the-desk"  # noqa: S105 (the test provider's client)
CALLBACK = "http://testserver/sso/northfield/callback/"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider's issuer URL; the provider runs until the test session ends."""
    database = tmp_path_factory.mktemp("provider") / "provider.sqlite3"
    client = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [CALLBACK]}
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.sso.provider.serve", json.dumps(client)],
        cwd=ROOT,
        env={**os.environ, "PROVIDER_DB": str(database)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    port = process.stdout.readline().strip()
    assert port.isdigit(), "the test identity provider did not start"
    yield f"http://127.0.0.1:{port}/openid"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def support_manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, username="sophie")


def northfield_settings(issuer: str, **changes: object) -> ProviderSettings:
    given: dict[str, object] = {
        "name": "Northfield Login",
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "enabled": True,
        "email_domains": ("northfield.example",),
    }
    return ProviderSettings(**{**given, **changes})  # type: ignore[arg-type]


@pytest.fixture
def northfield_idp(
    issuer: str, institution: Institution, support_manager: User
) -> IdentityProvider:
    return configure_provider(
        actor=support_manager, institution=institution, settings=northfield_settings(issuer)
    )


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
