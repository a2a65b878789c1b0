"""The caller's two-factor state and open browser sessions; ending sessions.

API tokens are not asked for a second factor: a token is already a second secret, and
is listed and revoked under /tokens.
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from hypercare.accounts.models import User
from hypercare.api.common import DbId, actor, errors
from hypercare.errors import NotFound
from hypercare.security import selectors
from hypercare.security.models import SignedInSession
from hypercare.security.services.sessions import end_session, end_sessions_of
from hypercare.security.services.two_factor import reset_two_factor

router = Router(tags=["security"])
NO_SESSION = "No such session of yours (support managers: of anyone)."
NO_PERSON = "No such person, or you may not end their sessions."


class TwoFactorOut(Schema):
    enabled: bool = Field(description="An authenticator is set up and asked for at sign-in.")
    required: bool = Field(description="The desk or the caller's institution requires it.")
    recovery_codes_left: int


class SessionOut(Schema):
    id: int
    user_agent: str
    ip_address: str | None
    signed_in_at: datetime
    last_seen_at: datetime


class EndedOut(Schema):
    ended: int = Field(description="How many sessions were signed out.")


@router.get("/security/two-factor", response={200: TwoFactorOut, **errors(401)})
def two_factor_status(request: HttpRequest) -> dict[str, object]:
    user = actor(request)
    return {
        "enabled": selectors.confirmed_device(user) is not None,
        "required": selectors.two_factor_required(user),
        "recovery_codes_left": selectors.recovery_codes_left(user),
    }


@router.get("/security/sessions", response={200: list[SessionOut], **errors(401)})
def list_sessions(request: HttpRequest) -> list[SignedInSession]:
    return list(selectors.open_sessions(actor(request)))


@router.delete(
    "/security/sessions/{session_id}",
    response={200: SessionOut, **errors(401, 422, not_found=NO_SESSION)},
)
def end_one_session(request: HttpRequest, session_id: DbId) -> SignedInSession:
    """The browser holding the session is signed out at its next request."""
    return end_session(session_id=session_id, actor=actor(request))


@router.post(
    "/security/people/{user_id}/end-sessions",
    response={200: EndedOut, **errors(401, 422, not_found=NO_PERSON)},
)
def end_all_sessions(request: HttpRequest, user_id: DbId) -> dict[str, int]:
    """Sign a person out of every browser: yourself (but for the session making this
    call), or anyone for support managers and system admins."""
    caller = actor(request)
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise NotFound(NO_PERSON)
    ended = end_sessions_of(
        person=person, actor=caller, keep_session_key=request.session.session_key
    )
    return {"ended": ended}


@router.post(
    "/security/people/{user_id}/reset-two-factor",
    response={204: None, **errors(401, 409, 422, not_found=NO_PERSON)},
)
def reset_second_factor(request: HttpRequest, user_id: DbId) -> Status[None]:
    """Take away a person's authenticator and recovery codes (they lost both) and sign
    them out everywhere: support managers and system admins, for anyone but themselves.
    409 when the person has none."""
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        raise NotFound(NO_PERSON)
    reset_two_factor(person=person, actor=actor(request))
    return Status(204, None)
