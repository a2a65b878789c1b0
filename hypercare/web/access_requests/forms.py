"""The forms of access requests: the request, a decision, the ledger's filters, a review
line's answer, the months between reviews. The access-request services judge every
answer."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from hypercare.access_requests.choices import FLAG_ACTIONS, AccessAction, ReviewAnswer
from hypercare.access_requests.models import (
    COMMENT_MAX,
    NAME_MAX,
    REVIEW_MONTHS_RANGE,
    ROLE_MAX,
)
from hypercare.access_requests.services.requests import RequestDetails
from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from hypercare.web.escalations.forms import DATE
from hypercare.web.forms import CHOOSE, TEXT, ServiceErrors


class AccessRequestForm(ServiceErrors, forms.Form):
    """An access request, as ``RequestDetails`` holds it."""

    needed_when = {
        "person_name": "no user of the institution is chosen",
        "old_role": "the access changes",
    }

    action = forms.ChoiceField(choices=[("", CHOOSE), *AccessAction.choices], label="Action")
    person = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Whose access: a user of the institution",
        empty_label="Someone who is no user here",
    )
    person_name = forms.CharField(max_length=NAME_MAX, required=False, label="Or their name")
    erp_login = forms.CharField(max_length=NAME_MAX, required=False, label="ERP login")
    role = forms.CharField(max_length=ROLE_MAX, label="ERP role")
    old_role = forms.CharField(
        max_length=ROLE_MAX, required=False, label="The role it changes from"
    )
    effective_on = forms.DateField(widget=DATE, label="Effective from")
    ends_on = forms.DateField(
        widget=DATE,
        required=False,
        label="Temporary access ends on",
        help_text="Leave empty for access without an end.",
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]

    def details(self) -> RequestDetails:
        data = self.cleaned_data
        return RequestDetails(
            action=data["action"],
            role=data["role"],
            effective_on=data["effective_on"],
            person=data["person"],
            person_name=data["person_name"],
            erp_login=data["erp_login"],
            old_role=data["old_role"],
            ends_on=data["ends_on"],
        )

    @classmethod
    def initial_from(cls, details: RequestDetails) -> dict[str, object]:
        return {
            "action": details.action,
            "role": details.role,
            "effective_on": details.effective_on,
            "person": details.person,
            "person_name": details.person_name,
        }


class DecisionForm(ServiceErrors, forms.Form):
    needed_when = {"comment": "you reject it"}

    comment = forms.CharField(max_length=COMMENT_MAX, required=False, widget=TEXT, label="Comment")


class LedgerFilterForm(forms.Form):
    """The ledger's filters: every field optional by design."""

    person = forms.CharField(max_length=NAME_MAX, required=False, label="Person or ERP login")
    role = forms.CharField(max_length=ROLE_MAX, required=False, label="Role")
    action = forms.ChoiceField(
        choices=[("", "Any action"), *AccessAction.choices], required=False, label="Action"
    )
    done_from = forms.DateField(widget=DATE, required=False, label="Done from")
    done_to = forms.DateField(widget=DATE, required=False, label="Done until")
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(),
        required=False,
        label="Institution",
        empty_label="Every institution",
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution] | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if institutions is None:
            del self.fields["institution"]
        else:
            self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]


class ReviewAnswerForm(ServiceErrors, forms.Form):
    """A review line's answer: confirmed, or flagged to be removed or changed."""

    needed_when = {"action": "you flag the line", "new_role": "it should change"}

    answer = forms.ChoiceField(
        choices=ReviewAnswer.choices, widget=forms.RadioSelect, label="Answer"
    )
    action = forms.ChoiceField(
        choices=[("", CHOOSE), *((a.value, a.label) for a in FLAG_ACTIONS)],
        required=False,
        label="If flagged",
    )
    new_role = forms.CharField(max_length=ROLE_MAX, required=False, label="Change it to")
    comment = forms.CharField(max_length=COMMENT_MAX, required=False, label="Comment")


class ReviewIntervalForm(ServiceErrors, forms.Form):
    """How many months pass between an institution's access reviews."""

    months_between_reviews = forms.IntegerField(
        label="Months between reviews",
        help_text=(
            f"From {REVIEW_MONTHS_RANGE[0]} to {REVIEW_MONTHS_RANGE[1]}; 3 is quarterly. The "
            "next review is due that long after the last one opened."
        ),
        widget=forms.NumberInput(
            attrs={"min": REVIEW_MONTHS_RANGE[0], "max": REVIEW_MONTHS_RANGE[1]}
        ),
    )
