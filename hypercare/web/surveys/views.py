"""Satisfaction surveys on the web: the page of the mailed link (no sign-in), answering
from the portal's ticket page, and the results for support managers and team leads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare.errors import NotFound
from hypercare.surveys import services
from hypercare.surveys.selectors import DIMENSIONS, Period, survey_for_link, survey_results
from hypercare.tickets.selectors import get_visible_ticket
from hypercare.web.errors import refusal
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.surveys.forms import AnswerForm, PeriodForm, checked

THANKS = "Thank you for your answer."


def answer_by_link(request: HttpRequest, survey_token: str) -> HttpResponse:
    """The link's page: the question until answered, then the answer given. A link not
    ours answers 404, an expired one 422, a second answer 409."""
    try:
        survey = survey_for_link(survey_token)
    except NotFound as exc:
        # The shell's 404 page says nothing of why; someone holding a mailed link is told.
        return refusal(request, 404, exc.message)
    form = AnswerForm(request.POST or None, auto_id="id_survey-%s")
    if request.method == "POST":
        values = checked(form)
        services.answer_by_link(
            token=survey_token, rating=values["rating"], comment=values["comment"]
        )
        messages.success(request, THANKS)
        return redirect("web:survey-link", survey_token=survey_token)
    return render(request, "web/surveys/answer.html", {"survey": survey, "form": form})


@login_required
@require_POST
def answer_from_portal(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    ticket = get_visible_ticket(user, pk)
    values = checked(AnswerForm(request.POST))
    services.answer_survey(
        ticket=ticket,
        actor=user,
        rating=values["rating"],
        comment=values["comment"],
    )
    messages.success(request, THANKS)
    return redirect("web:portal-ticket", pk=ticket.pk)


@workspace_view
def results(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    values = checked(form)
    period = Period(since=values["since"], until=values["until"])
    found = survey_results(signed_in_user(request), period)
    breakdowns = [(dimension, found.by[dimension]) for dimension in DIMENSIONS]
    return render(
        request,
        "web/surveys/results.html",
        {"form": form, "results": found, "breakdowns": breakdowns},
    )
