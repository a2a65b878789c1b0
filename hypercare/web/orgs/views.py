"""An agent's own availability: whether auto-assignment gives them new tickets."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hypercare.errors import ValidationFailed
from hypercare.orgs.selectors import agent_availability, own_teams
from hypercare.orgs.services import set_availability
from hypercare.web.forms import show_service_errors
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.orgs.forms import AvailabilityForm


@workspace_view
def my_availability(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    current = agent_availability(user).filter(agent=user).first()
    initial = {
        "on_duty": current.on_duty if current else True,
        "out_of_office_until": current.out_of_office_until if current else None,
    }
    form = AvailabilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            set_availability(
                actor=user,
                agent=user,
                on_duty=form.cleaned_data["on_duty"],
                out_of_office_until=form.cleaned_data["out_of_office_until"],
            )
        except ValidationFailed as exc:
            show_service_errors(exc, form)
        else:
            messages.success(request, "Your availability is saved.")
            return redirect("web:availability")
    context = {"form": form, "teams": own_teams(user)}
    status = 422 if form.errors else 200
    return render(request, "web/orgs/availability.html", context, status=status)
