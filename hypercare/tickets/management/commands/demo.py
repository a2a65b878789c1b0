"""``hypercare demo``: load the demo desk, institutions, people and tickets."""

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from hypercare.demo import cast
from hypercare.demo.loader import TICKET_COUNT, DemoRefused, load_demo

COLUMNS = ("USERNAME", "ROLES", "INSTITUTION", "PASSWORD")


class Command(BaseCommand):
    help = (
        "Apply migrations and load demo data: 3 institutions, their people and support "
        f"teams, {TICKET_COUNT} tickets. Running it again changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        started = time.monotonic()
        try:
            loaded = load_demo()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        if loaded:
            seconds = time.monotonic() - started
            self.stdout.write(
                f"Loaded the demo: {len(cast.INSTITUTIONS)} institutions, "
                f"{len(cast.TEAMS)} support teams, {TICKET_COUNT} tickets ({seconds:.1f} s)."
            )
        else:
            self.stdout.write("The demo is already loaded; nothing changed.")
        self.stdout.write("")
        self.stdout.write(accounts_table())
        self.stdout.write("")
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(f"Sign in at {site}/ with any account above.")
        self.stdout.write(
            f"Admin: {site}/admin/ user {cast.ADMIN_USERNAME} / password {cast.DEMO_PASSWORD}"
        )


def accounts_table() -> str:
    rows = [COLUMNS] + [
        (account.username, account.roles, account.institution, account.password)
        for account in cast.accounts()
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
