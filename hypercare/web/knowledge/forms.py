"""The training-gap flag on a ticket's desk page, and an article's content and related
articles; the knowledge services judge every answer."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from hypercare.knowledge.choices import Audience, Visibility
from hypercare.knowledge.models import (
    ARTICLE_TITLE_MAX,
    NOTE_LINE_MAX,
    ROLE_MAX,
    TOPIC_MAX,
    VOTE_COMMENT_MAX,
    Article,
)
from hypercare.knowledge.services import ARTICLE_BODY_MAX, NOTE_MAX, ArticleContent
from hypercare.orgs.choices import ModuleCode
from hypercare.orgs.models import Institution
from hypercare.web.forms import CHOOSE, TEXT, ServiceErrors


class TrainingGapForm(ServiceErrors, forms.Form):
    needed_when = {"erp_role": "the requester's profile names no ERP role"}

    topic = forms.CharField(
        max_length=TOPIC_MAX, label="Topic", help_text="What they need training on."
    )
    erp_role = forms.CharField(
        required=False,
        max_length=ROLE_MAX,
        label="ERP role",
        help_text="Who needs it; left empty, the requester's ERP role.",
    )
    note = forms.CharField(required=False, max_length=NOTE_MAX, widget=TEXT, label="Note")


class ArticleForm(ServiceErrors, forms.Form):
    """An article's whole content, as ``ArticleContent`` holds it."""

    needed_when = {"institutions": "the article is for chosen institutions"}

    title = forms.CharField(max_length=ARTICLE_TITLE_MAX, label="Title")
    body = forms.CharField(
        max_length=ARTICLE_BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 16}),
        label="Text",
        help_text="Markdown: **bold**, lists, headings, [links](https://…). HTML shows as text.",
    )
    module_code = forms.ChoiceField(choices=[("", CHOOSE), *ModuleCode.choices], label="Module")
    audiences = forms.MultipleChoiceField(
        choices=Audience.choices, widget=forms.CheckboxSelectMultiple, label="Written for"
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices, widget=forms.RadioSelect, label="Who may read it"
    )
    institutions = forms.ModelMultipleChoiceField(
        queryset=Institution.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Chosen institutions",
    )
    note = forms.CharField(
        max_length=NOTE_LINE_MAX,
        required=False,
        label="What changed",
        help_text="Kept with the version.",
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institutions"].queryset = institutions  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(article: Article) -> dict[str, object]:
        return {
            "title": article.title,
            "body": article.body,
            "module_code": article.module_code,
            "audiences": [row.audience for row in article.audiences.all()],
            "visibility": article.visibility,
            "institutions": list(article.institutions.all()),
        }

    def content(self) -> ArticleContent:
        data = self.cleaned_data
        return ArticleContent(
            title=data["title"],
            body=data["body"],
            module_code=data["module_code"],
            audiences=list(data["audiences"]),
            visibility=data["visibility"],
            institutions=list(data["institutions"]),
        )


class RelatedForm(ServiceErrors, forms.Form):
    related = forms.ModelMultipleChoiceField(
        queryset=Article.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Related articles",
    )

    def __init__(self, *args: Any, articles: QuerySet[Article], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["related"].queryset = articles  # type: ignore[attr-defined]


class TicketAnswerForm(forms.Form):
    """The article that answers a ticket, by its number (shown on every article page)."""

    article = forms.IntegerField(
        min_value=1, label="Article number", help_text="The number on the article's page."
    )


class ReportForm(forms.Form):
    """The knowledge report's period and how many repeats make a question worth writing."""

    since = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))
    repeats = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=1000,
        label="Repeats",
        help_text="Resolved tickets of one module and category without an article.",
    )


class TrainingNoteForm(forms.Form):
    module_code = forms.ChoiceField(choices=ModuleCode.choices, widget=forms.HiddenInput)
    erp_role = forms.CharField(max_length=ROLE_MAX, widget=forms.HiddenInput)


class SendNoteForm(forms.Form):
    """Which published training note goes to one institution's people of one ERP role."""

    article = forms.ModelChoiceField(queryset=Article.objects.none(), label="Training note")
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(), widget=forms.HiddenInput
    )
    erp_role = forms.CharField(max_length=ROLE_MAX, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        notes: QuerySet[Article],
        institutions: QuerySet[Institution],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = notes  # type: ignore[attr-defined]
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]


class VoteForm(ServiceErrors, forms.Form):
    """Whether an article helped its reader, as ``knowledge.reading.vote_on_article`` takes it."""

    helpful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Did this article help?",
    )
    comment = forms.CharField(
        required=False,
        max_length=VOTE_COMMENT_MAX,
        widget=TEXT,
        label="What was missing or unclear?",
    )
