"""``hypercare manage replan_sla``: re-plan the SLA clocks of open tickets.

The services re-plan by themselves on every change; this is for repairs: after a
configuration change made straight in the database, a restore, or an import.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hypercare.orgs.models import Institution
from hypercare.sla.services import replan_open_tickets


class Command(BaseCommand):
    help = (
        "Re-plan the SLA clocks of every open ticket (or one institution's) by replaying "
        "each ticket's timeline under its current policy and calendar."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--institution", metavar="SLUG", help="only this institution's open tickets"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["institution"]
        institution_ids = None
        if slug is not None:
            institution = Institution.objects.filter(slug=slug).first()
            if institution is None:
                raise CommandError(f"--institution: no institution has the slug {slug!r}")
            institution_ids = [institution.pk]
        count = replan_open_tickets(institution_ids=institution_ids)
        tickets = "ticket" if count == 1 else "tickets"
        where = f" of {slug}" if slug else ""
        self.stdout.write(f"Re-planned the SLA clocks of {count} open {tickets}{where}.")
