"""The knowledge report on the desk (support managers): articles most used to answer
tickets, questions worth an article, training gaps by module and ERP role; and from a
group of gaps, write a training note and send it to one institution's people of that
role, then see who has it."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hypercare import access
from hypercare.errors import NotAllowed, ValidationFailed
from hypercare.knowledge import report, selectors, training_notes
from hypercare.knowledge.choices import ArticleStatus, Audience
from hypercare.knowledge.models import Article, ArticleAudience
from hypercare.orgs.models import Institution
from hypercare.orgs.selectors import visible_institutions
from hypercare.web.guards import signed_in_user, workspace_view
from hypercare.web.knowledge.forms import ReportForm, SendNoteForm, TrainingNoteForm


def _notes() -> QuerySet[Article]:
    """Published training notes: what may be sent."""
    written_for = ArticleAudience.objects.filter(audience=Audience.TRAINING)
    return Article.objects.filter(
        status=ArticleStatus.PUBLISHED, pk__in=written_for.values("article_id")
    )


@workspace_view
def knowledge_report(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not access.can_read_knowledge_report(user):
        raise NotAllowed(report.REPORT_REFUSED)
    form = ReportForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "web/knowledge/report.html", {"form": form}, status=422)
    wanted = form.cleaned_data if form.is_bound else {}
    period = report.period_of(wanted.get("since"), wanted.get("until"))
    found = report.knowledge_report(user, period, wanted.get("repeats") or report.DEFAULT_REPEATS)
    institutions = {place.name: place for place in visible_institutions(user)}
    notes = _notes()
    groups = [
        {
            "group": group,
            "notes": [note for note in notes if note.module_code == group.module_code],
            "institutions": [
                (institutions[name], count) for name, count in group.institutions.items()
            ],
        }
        for group in found.gaps
    ]
    context = {"form": form, "report": found, "groups": groups}
    return render(request, "web/knowledge/report.html", context)


@workspace_view
@require_POST
def write_training_note(request: HttpRequest) -> HttpResponse:
    form = TrainingNoteForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed({"erp_role": "choose a group of training gaps"})
    note = training_notes.write_training_note(actor=signed_in_user(request), **form.cleaned_data)
    messages.success(request, "Training note drafted from the gaps: finish it, then review it.")
    return redirect("web:article-edit", note.pk)


@workspace_view
@require_POST
def send_training_note(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = SendNoteForm(
        request.POST,
        notes=_notes(),
        institutions=Institution.objects.filter(access.institution_scope(user)),
    )
    if not form.is_valid():
        raise ValidationFailed({"article": "choose a published training note"})
    sent = training_notes.send_training_note(actor=user, **form.cleaned_data)
    messages.success(request, f"Sent to {sent.new} new recipient(s).")
    return redirect("web:article-recipients", form.cleaned_data["article"].pk)


@workspace_view
def recipients(request: HttpRequest, pk: int) -> HttpResponse:
    """Who the training note was sent to, newest first."""
    user = signed_in_user(request)
    article = selectors.get_visible_article(user, pk)
    deliveries = selectors.training_note_deliveries(user, article)
    return render(
        request, "web/knowledge/recipients.html", {"article": article, "deliveries": deliveries}
    )
