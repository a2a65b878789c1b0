"""The shape of a demo ticket's text, and the conversation lines its timeline is made of.

Texts hold ``{placeholders}`` the loader fills per ticket from the institution's flavour
(currency, programmes, terms, ...) and a few random numbers, so 300 tickets read like
300 different days at three different institutions.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from hypercare.orgs.choices import IntegrationKind, ModuleCode
from hypercare.tickets.choices import AffectedWorkflow, Category, Level

OWNER = "owner"  # persona: the owner of the ticket's module at that institution


@dataclass(frozen=True)
class TicketText:
    """One kind of request an institution sends, in its own words."""

    category: Category
    module: ModuleCode
    persona: str
    workflow: AffectedWorkflow
    impact: Level
    urgency: Level
    title: str
    description: str
    action_attempted: str
    error_seen: str
    operational_impact: str
    details: Mapping[str, str | int]
    resolution: str
    integration: IntegrationKind | None = None


ACKNOWLEDGEMENTS = (
    "Hello {first_name}, thank you for reporting this. I have picked it up and will update "
    "you here as soon as I know more.",
    "Hi {first_name}, thanks for the details. I'm looking into this now.",
    "Hello {first_name}, we have received your request and I am working on it. You can "
    "reply to this ticket at any time to add information.",
)

# What an agent asks the requester, and what the requester answers.
CLARIFICATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    Category.QUESTION: (
        (
            "Could you tell us which screen you started from and what you expected to see? "
            "A screenshot helps.",
            "Screenshot attached; I started from the link on the dashboard.",
        ),
    ),
    Category.CONFIGURATION: (
        (
            "Before we make the change, could you confirm who at {institution} approved it? "
            "We need the approver's name on the ticket.",
            "Approved by our head of department by email this morning; I have forwarded it "
            "to the support mailbox.",
        ),
        (
            "Should the change apply from today, or from the start of the next {term}?",
            "From the start of the next {term}, please.",
        ),
    ),
    Category.DATA_CORRECTION: (
        (
            "Could you attach the list of affected records as a spreadsheet, with the "
            "correct values in a separate column?",
            "Spreadsheet attached, with the corrected values in the last column.",
        ),
        (
            "Could you confirm that the data owner has signed off this correction?",
            "Yes, our data owner signed it off this morning.",
        ),
    ),
    Category.INTEGRATION: (
        (
            "Could you send two or three transaction references that failed, with the time "
            "of each?",
            "Three references with their times are in the attached sheet.",
        ),
    ),
    Category.INCIDENT: (
        (
            "Is this still happening? If so, could you send the exact time and the full "
            "error message?",
            "Yes, it failed again at 11:40 with the same message.",
        ),
    ),
    Category.ACCESS: (
        (
            "Could you confirm that the approval owner has approved this access change? We "
            "need it on record before we act.",
            "Approved; the approval email is forwarded to the support mailbox.",
        ),
    ),
    Category.ENHANCEMENT: (
        (
            "How many people would use this, and how often? It helps the product team prioritise.",
            "About {count} staff, every week during term.",
        ),
    ),
}

INTERNAL_NOTES: dict[str, tuple[str, ...]] = {
    Category.QUESTION: (
        "Third question on this screen this month; worth a knowledge article.",
        "Walked the user through it on a call; adding the steps to the quick guide.",
    ),
    Category.CONFIGURATION: (
        "Change needs the module owner's approval before we touch production; form sent.",
        "Tried the change on the staging copy of the institution; no side effects on "
        "existing records.",
    ),
    Category.DATA_CORRECTION: (
        "Dry run of the correction on last night's copy: {count} rows would change. "
        "Waiting for the data owner's sign-off before running it on production.",
        "Correction script reviewed by a second consultant; backup of the affected rows "
        "taken before the run.",
    ),
    Category.INTEGRATION: (
        "Provider status page shows no outage. Callback log shows HTTP 401 since the last "
        "key rotation on our side.",
        "Replayed one failed message against the provider's sandbox: accepted. The problem "
        "is in the mapping, not the connection.",
    ),
    Category.INCIDENT: (
        "Database connection pool exhausted at the time of the report; long-running report "
        "query holding connections. Killed it and added a statement timeout.",
        "Application server memory at 95 % since the morning deploy; rolled the workers.",
    ),
    Category.ACCESS: (
        "Approval from the institution's approval owner is on file; change done in the ERP "
        "role console and logged in the access-change history.",
        "Checked for conflicting roles (segregation of duties): none.",
    ),
    Category.ENHANCEMENT: (
        "Logged as product feedback; a similar request came from another institution last month.",
        "Discussed with the product owner: fits the roadmap for the next minor release.",
    ),
}

THIRD_PARTY_NOTES = (
    "Raised with {provider} support, their reference {txn}. Waiting on their engineering team.",
    "{provider} confirmed the problem on their side and expect a fix within two working days.",
)

THIRD_PARTY_REPLIES = (
    "We have raised this with {provider} and are waiting for their answer. We will update "
    "you here as soon as we hear back.",
)

HANDOVER_TO_FUNCTIONAL = (
    "Tier 1 checks done: reproduced with the user's account, nothing in the knowledge base "
    "covers it. Handing over to {team} for functional analysis.",
    "Needs configuration knowledge of {module}; passing to {team} with the screenshots and "
    "the steps the user followed.",
)

HANDOVER_TO_ENGINEERING = (
    "Functional analysis done: the configuration is correct and the behaviour is a defect "
    "in {module}. Handing over to engineering with steps to reproduce on staging.",
    "Root cause is outside configuration (stack trace in the application log at the time "
    "of the report). Engineering please investigate.",
)

# The other two parts of a hand-over note (the lines above are its findings).
HANDOVER_TRIED_AT_SERVICE_DESK = (
    "Reproduced it with the user's account, checked their ERP role and searched the "
    "knowledge base.",
    "Walked the user through the steps on a call and cleared their browser cache.",
)
HANDOVER_TRIED_AT_FUNCTIONAL = (
    "Compared the {module} configuration with the signed-off design and replayed the case "
    "on staging.",
    "Checked the workflow steps, the approval rules and the data of the affected records.",
)
HANDOVER_NEEDED = (
    "{team}: please take the analysis from here and tell the requester what comes next.",
    "{team}: a fix or a clear answer on the behaviour, with an estimate for the requester.",
)

PRIORITY_UP = (
    "The deadline for this process is this week; raising the priority.",
    "Affects more people than first reported; raising the priority.",
)

PRIORITY_DOWN = ("Affects one user and a workaround exists; lowering the priority.",)

CONFIRMATIONS = (
    "Confirmed working now, thank you for the quick help.",
    "Checked this morning and it is fine. Thanks!",
    "All good on our side, please close.",
)
