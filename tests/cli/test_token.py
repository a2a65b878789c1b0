from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hypercare import cli
from hypercare.accounts.models import ApiToken, User
from hypercare.accounts.services import authenticate_token


def test_token_create_prints_a_token_that_authenticates(
    agent: User, capsys: pytest.CaptureFixture[str]
) -> None:
    # A command run from the command line closes the database connections when it ends;
    # here that connection is the test's own, so it stays open.
    with patch("django.core.management.base.connections.close_all"):
        assert cli.main(["token", "create", agent.username, "--name", "Nightly export"]) == 0

    captured = capsys.readouterr()
    plain = captured.out.strip()
    assert authenticate_token(plain) == agent
    assert ApiToken.objects.get(user=agent).name == "Nightly export"
    assert "shown only now" in captured.err


def test_token_list_shows_a_person_s_tokens(
    agent: User, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("token", "create", agent.username, "--name", "Reporting")
    capsys.readouterr()

    call_command("token", "list", agent.username)

    out = capsys.readouterr().out
    assert "Reporting" in out
    assert "active" in out
    assert "never used" in out


def test_token_revoke_stops_the_token_working(
    agent: User, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("token", "create", agent.username)
    plain = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=agent)

    call_command("token", "revoke", str(token.pk))

    assert authenticate_token(plain) is None
    assert f"Revoked token {token.pk}" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already revoked"):
        call_command("token", "revoke", str(token.pk))


def test_token_for_an_unknown_person_is_refused_by_name(db: None) -> None:
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("token", "create", "nobody")


def test_token_revoke_of_an_unknown_id_is_refused(db: None) -> None:
    with pytest.raises(CommandError, match="No token with id 999"):
        call_command("token", "revoke", "999")
