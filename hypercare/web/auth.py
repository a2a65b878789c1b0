"""Signing in and out, the landing page for each side, and passwords."""

import logging
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse_lazy
from django.views.decorators.debug import sensitive_post_parameters

from hypercare import access
from hypercare.accounts.models import User
from hypercare.accounts.services import clear_sign_in_failures, request_password_reset, sign_in
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.lib.text import one_line
from hypercare.mail.outgoing import automatic_headers, html_body
from hypercare.web.forms import SignInForm
from hypercare.web.guards import is_portal_user, signed_in_user
from hypercare.web.pages import client_ip, safe_next
from hypercare.web.security.sign_in import begin_session

logger = logging.getLogger(__name__)


@sensitive_post_parameters("password")
def sign_in_page(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url or "web:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_in(
                login=form.cleaned_data["login"],
                password=form.cleaned_data["password"],
                ip_address=client_ip(request),
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.errors.get("login", exc.message))
        except NotAllowed as exc:
            form.add_error(None, exc.message)
        else:
            return begin_session(request, user, next_url=next_url)
    return render(request, "web/auth/sign_in.html", {"form": form, "next": next_url or ""})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Support staff land in the workspace, institution users in the portal."""
    user = signed_in_user(request)
    if access.is_agent(user):
        return redirect("web:desk")
    if is_portal_user(user):
        return redirect("web:portal")
    raise NotAllowed(
        "Your account has no role on the desk yet. Ask your desk administrator to give you one."
    )


@login_required
def ticket_link(request: HttpRequest, pk: int) -> HttpResponse:
    """The one ticket address mail links to; it opens the reader's own view of the ticket."""
    user = signed_in_user(request)
    return redirect("web:desk-ticket" if access.is_agent(user) else "web:portal-ticket", pk=pk)


class PasswordResetMailForm(PasswordResetForm):
    """Django's form, whose mail is marked as the desk's automatic mail, with an HTML part."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = one_line(loader.render_to_string(subject_template_name, context))
        body = loader.render_to_string(email_template_name, context)
        email = EmailMultiAlternatives(
            subject, body, from_email, [to_email], headers=automatic_headers(replies=False)
        )
        email.attach_alternative(html_body(body), "text/html")
        try:
            email.send()
        except Exception:
            # As Django's own form: the answer must not tell whether the account exists.
            logger.exception("Failed to send the password reset email to %s", context["user"].pk)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, counted per account and per client address (``request_password_reset``).

    A request past the account's limit is answered as a sent link would be, so the answer
    tells nothing about the account; one past the client address's limit is refused (429).
    """

    template_name = "web/auth/password_reset.html"
    form_class = PasswordResetMailForm
    email_template_name = "web/auth/password_reset_email.txt"
    subject_template_name = "web/auth/password_reset_subject.txt"
    success_url = reverse_lazy("web:password-reset-sent")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        try:
            send = request_password_reset(
                email=form.cleaned_data["email"], ip_address=client_ip(self.request)
            )
        except NotAllowed as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if not send:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset, which also lifts a sign-in lockout: the owner proved who they are."""

    template_name = "web/auth/password_reset_confirm.html"
    success_url = reverse_lazy("web:password-reset-complete")

    def form_valid(self, form: "SetPasswordForm[Any]") -> HttpResponse:
        response = super().form_valid(form)
        if isinstance(form.user, User):
            clear_sign_in_failures(user=form.user)
        return response


sign_out = auth_views.LogoutView.as_view()
password_change = auth_views.PasswordChangeView.as_view(
    template_name="web/auth/password_change.html",
    success_url=reverse_lazy("web:password-change-done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="web/auth/password_change_done.html"
)
password_reset = PasswordResetView.as_view()
password_reset_sent = auth_views.PasswordResetDoneView.as_view(
    template_name="web/auth/password_reset_sent.html"
)
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="web/auth/password_reset_complete.html"
)
