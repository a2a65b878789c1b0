"""The demo's product feedback: the enhancement requests gathered into ideas, the most
asked one planned for the next release and one declined."""

from hypercare.accounts.models import User
from hypercare.feedback.choices import IdeaStatus
from hypercare.feedback.models import Idea
from hypercare.feedback.services import change_idea_status, create_idea, link_ticket
from hypercare.releases.models import Release
from hypercare.tickets.choices import Category
from hypercare.tickets.models import Ticket

AGENT = "kenji.sato"
DECLINE_REASON = (
    "The ERP vendor will not change the printed layout of statutory forms; a report "
    "built on the same data gives the extra columns."
)


def gather_enhancements(*, manager: User) -> list[Idea]:
    """One idea per module's enhancement requests: the tickets of one module ask for the
    same thing in the demo's stories. The most asked is planned, the least declined."""
    agent = User.objects.get(username=AGENT)
    by_module: dict[str, list[Ticket]] = {}
    for ticket in Ticket.objects.filter(category=Category.ENHANCEMENT).select_related("module"):
        by_module.setdefault(ticket.module.code, []).append(ticket)
    ideas = []
    for tickets in sorted(by_module.values(), key=len, reverse=True):
        first, *others = tickets
        idea = create_idea(
            actor=agent,
            title=first.title,
            description=first.category_details.get("business_need") or first.description,
            module_code=first.module.code,
            ticket=first,
        )
        for ticket in others:
            link_ticket(idea=idea, ticket=ticket, actor=agent)
        ideas.append(idea)
    upcoming = Release.objects.filter(shipped_at__isnull=True).order_by("pk").first()
    if len(ideas) >= 2 and upcoming is not None:
        change_idea_status(
            idea=ideas[0], actor=manager, status=IdeaStatus.PLANNED, release=upcoming
        )
        change_idea_status(
            idea=ideas[-1], actor=manager, status=IdeaStatus.DECLINED, reason=DECLINE_REASON
        )
    return ideas
