"""Enrolment, the second sign-in step, recovery codes, lockout, and turning it off."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from hypercare.accounts.models import User
from hypercare.errors import InvalidTransition, NotAllowed, ValidationFailed
from hypercare.security.models import RecoveryCode, SecondFactorFailure, TwoFactorDevice
from hypercare.security.services.two_factor import (
    begin_enrolment,
    confirm_enrolment,
    disable_two_factor,
    regenerate_recovery_codes,
    verify_second_factor,
)
from tests import factories
from tests.security.helpers import code_for, enrolled, password_step


def test_enrolment_keeps_its_secret_until_confirmed_and_gives_ten_codes(agent: User) -> None:
    first = begin_enrolment(user=agent)
    assert begin_enrolment(user=agent).secret == first.secret
    with pytest.raises(ValidationFailed) as wrong:
        confirm_enrolment(user=agent, code="000000")
    assert set(wrong.value.errors) == {"code"}
    codes = confirm_enrolment(user=agent, code=code_for(agent))
    assert len(set(codes)) == 10
    stored = set(RecoveryCode.objects.filter(user=agent).values_list("digest", flat=True))
    assert len(stored) == 10
    assert not stored & set(codes)
    with pytest.raises(InvalidTransition):
        begin_enrolment(user=agent)


def test_the_enrolment_page_draws_the_qr_code_inline_and_confirms(agent: User) -> None:
    client = Client()
    client.force_login(agent)
    page = client.get("/account/security/two-factor/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    assert TwoFactorDevice.objects.get(user=agent).secret in html
    wrong = client.post("/account/security/two-factor/", {"code": "123456"})
    assert wrong.status_code == 422
    done = client.post("/account/security/two-factor/", {"code": code_for(agent)})
    assert done.status_code == 200
    assert done.content.decode().count("<li><code>") == 10
    assert TwoFactorDevice.objects.get(user=agent).confirmed_at is not None


def test_sign_in_asks_for_the_code_after_the_password(agent: User) -> None:
    enrolled(agent)
    client = Client()
    assert password_step(client, "tara") == "/login/code/"
    assert "_auth_user_id" not in client.session
    assert client.get("/desk/").status_code == 302
    answer = client.post("/login/code/", {"code": code_for(agent, steps=1)})
    assert answer.status_code == 302
    assert client.session["_auth_user_id"] == str(agent.pk)
    assert client.get("/desk/").status_code == 200


def test_a_wrong_code_is_refused_and_counted(agent: User) -> None:
    enrolled(agent)
    client = Client()
    password_step(client, "tara")
    answer = client.post("/login/code/", {"code": "000000"})
    assert answer.status_code == 422
    assert "That code is not right" in answer.content.decode()
    assert "_auth_user_id" not in client.session
    assert SecondFactorFailure.objects.filter(user=agent).count() == 1


def test_a_code_is_not_accepted_twice(agent: User) -> None:
    enrolled(agent)
    code = code_for(agent, steps=1)
    verify_second_factor(user=agent, code=code, ip_address="192.0.2.1")
    with pytest.raises(ValidationFailed):
        verify_second_factor(user=agent, code=code, ip_address="192.0.2.1")


def test_a_code_two_steps_away_is_refused(agent: User) -> None:
    enrolled(agent)
    with pytest.raises(ValidationFailed):
        verify_second_factor(user=agent, code=code_for(agent, steps=2), ip_address=None)


def test_a_recovery_code_signs_in_once(agent: User) -> None:
    codes = enrolled(agent)
    client = Client()
    password_step(client, "tara")
    typed = codes[3].upper().replace("-", " ")
    assert client.post("/login/code/", {"code": typed}).status_code == 302
    assert RecoveryCode.objects.filter(user=agent, used_at__isnull=False).count() == 1
    again = Client()
    password_step(again, "tara")
    assert again.post("/login/code/", {"code": codes[3]}).status_code == 422


def test_wrong_codes_lock_the_second_step_from_any_address(agent: User) -> None:
    enrolled(agent)
    for number in range(5):
        with pytest.raises(ValidationFailed):
            verify_second_factor(user=agent, code="999999", ip_address=f"192.0.2.{number}")
    with pytest.raises(NotAllowed):
        verify_second_factor(user=agent, code=code_for(agent, steps=1), ip_address="198.51.100.9")
    client = Client()
    password_step(client, "tara")
    locked = client.post("/login/code/", {"code": code_for(agent, steps=1)})
    assert locked.status_code == 429
    assert "Too many wrong codes" in locked.content.decode()
    with time_machine.travel(timedelta(minutes=16), tick=False):
        verify_second_factor(user=agent, code=code_for(agent), ip_address="198.51.100.9")
    assert not SecondFactorFailure.objects.filter(user=agent).exists()


def test_the_code_step_expires(agent: User) -> None:
    enrolled(agent)
    client = Client()
    password_step(client, "tara")
    with time_machine.travel(timedelta(minutes=11), tick=False):
        answer = client.post("/login/code/", {"code": code_for(agent)})
    assert answer["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_the_code_page_without_a_password_first_goes_to_sign_in(db: None) -> None:
    assert Client().get("/login/code/")["Location"] == "/login/"


def test_turning_off_needs_a_code_or_the_password(agent: User) -> None:
    enrolled(agent)
    with pytest.raises(ValidationFailed) as refused:
        disable_two_factor(user=agent, proof="guess", ip_address=None)
    assert set(refused.value.errors) == {"proof"}
    disable_two_factor(user=agent, proof=factories.PASSWORD, ip_address=None)
    assert not TwoFactorDevice.objects.filter(user=agent).exists()
    assert not RecoveryCode.objects.filter(user=agent).exists()
    assert password_step(Client(), "tara") == "/"


def test_new_recovery_codes_replace_the_old_ones(agent: User) -> None:
    old = enrolled(agent)
    new = regenerate_recovery_codes(user=agent, proof=code_for(agent, steps=1), ip_address=None)
    assert not set(old) & set(new)
    with pytest.raises(ValidationFailed):
        verify_second_factor(user=agent, code=old[0], ip_address=None)
    verify_second_factor(user=agent, code=new[0], ip_address=None)


def test_the_security_page_turns_two_factor_off(agent: User) -> None:
    enrolled(agent)
    client = Client()
    client.force_login(agent)
    refused = client.post("/account/security/two-factor/off/", {"proof": "nope"})
    assert refused.status_code == 422
    off = client.post("/account/security/two-factor/off/", {"proof": factories.PASSWORD})
    assert off["Location"] == "/account/security/"
    assert not TwoFactorDevice.objects.filter(user=agent).exists()
