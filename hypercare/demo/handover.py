"""The demo's handover records: one for each institution, written by the support manager
from the desk's records with the backups and risks agreed; the first institution's is
signed by its admin and by the desk, so the demo shows a finished handover and others
still open. Each institution's exit scorecard is recorded for the day."""

from hypercare.accounts.models import User
from hypercare.demo.history import Site
from hypercare.handover.choices import Side
from hypercare.handover.content import HandoverText
from hypercare.handover.services import save_handover, sign_handover
from hypercare.handover.steady_state import record_scorecards

MANAGER = "meera.nair"
ADMIN_PERSONA = "admin"
SIGNED_INSTITUTION = "sahyadri"
RISKS = {
    "sahyadri": ["Payment gateway settlement files arrive late on bank holidays"],
    "kingsbridge": [
        "Payroll runs for the first time in the ERP at the end of the month",
        "Exam results publication falls in the first week of steady state",
    ],
}


def write_handover_records(*, sites: list[Site]) -> None:
    manager = User.objects.get(username=MANAGER)
    for site in sites:
        slug = site.spec.slug
        text = HandoverText(
            backup_what="The ERP database, uploaded documents and the integration logs.",
            backup_frequency="Nightly full backup, hourly transaction logs",
            restore_time="Within 4 hours",
            open_risks=RISKS.get(slug, []),
            notes="" if slug == SIGNED_INSTITUTION else "Waiting for the institution's review.",
        )
        save_handover(institution=site.institution, actor=manager, text=text, read_version=0)
        if slug == SIGNED_INSTITUTION:
            admin = site.people[ADMIN_PERSONA]
            sign_handover(
                institution=site.institution, actor=admin, side=Side.INSTITUTION, version=1
            )
            sign_handover(institution=site.institution, actor=manager, side=Side.DESK, version=1)
    record_scorecards()
