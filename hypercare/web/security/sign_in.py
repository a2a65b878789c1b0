"""The step between the first factor and a signed-in session: a code, or enrolment.

Nobody is signed in (Django's ``login``) until their second factor is done, so no page,
endpoint or session-authenticated API call has to ask whether it was: the half-signed-in
person's session holds only who they are and which step they are on, for a few minutes.
"""

from datetime import datetime, timedelta

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from hypercare.accounts.models import User
from hypercare.lib import clock
from hypercare.security.choices import SecondFactorStep
from hypercare.security.selectors import second_factor_step

PENDING = "security_pending_sign_in"
PENDING_FOR = timedelta(minutes=10)


def begin_session(
    request: HttpRequest,
    user: User,
    *,
    next_url: str | None,
    via_identity_provider: bool = False,
    backend: str | None = None,
) -> HttpResponse:
    """Sign ``user`` in after their first factor, or send them to their second.

    Every way of signing in calls this once the person is known: the password page, and
    single sign-on with ``via_identity_provider=True`` when the institution relies on
    its identity provider's own second factor (the one hook for that). ``backend`` names
    the authentication backend when the person was not found by ``authenticate()``.
    """
    backend = backend or getattr(user, "backend", None)
    step = second_factor_step(user, via_identity_provider=via_identity_provider)
    if step is SecondFactorStep.NONE:
        login(request, user, backend=backend)
        return redirect(next_url or "web:home")
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": backend,
        "step": str(step),
        "at": clock.now().isoformat(),
        "next": next_url or "",
    }
    return redirect("web:sign-in-code" if step is SecondFactorStep.CODE else "web:sign-in-enrol")


def pending_user(request: HttpRequest, step: SecondFactorStep) -> User | None:
    """The person half-way through signing in at ``step``, while that is recent."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("step") != step:
        return None
    if clock.now() - datetime.fromisoformat(pending["at"]) > PENDING_FOR:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def finish_session(request: HttpRequest, user: User) -> str:
    """Sign in the person whose second factor is done; where they were going."""
    pending = request.session.pop(PENDING, {})
    login(request, user, backend=pending.get("backend"))
    return str(pending.get("next") or "")
