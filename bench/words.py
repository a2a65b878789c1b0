"""Ticket text that reads like a campus ERP desk's, so full-text search has real work.

Each module has its own subjects, and symptoms, contexts, error messages and record
references vary independently, so a word like "receipt" is common, "receipt timeout"
narrower, and a receipt number nearly unique: the spread a desk's search box sees.
"""

import random
from dataclasses import dataclass

SUBJECTS: dict[str, tuple[str, ...]] = {
    "finance": (
        "ledger posting",
        "journal voucher",
        "bank reconciliation",
        "trial balance",
        "cost centre report",
        "budget head",
        "GST invoice",
        "payment voucher",
    ),
    "fees": (
        "fee receipt",
        "fee challan",
        "concession approval",
        "late fine",
        "instalment schedule",
        "scholarship adjustment",
        "fee refund",
        "online payment",
    ),
    "admissions": (
        "application form",
        "merit list",
        "seat allotment",
        "document verification",
        "provisional admission letter",
        "entrance score upload",
        "enrolment number",
    ),
    "exams": (
        "hall ticket",
        "mark sheet",
        "grade card",
        "revaluation request",
        "exam timetable",
        "result processing",
        "internal marks entry",
        "backlog registration",
    ),
    "hr": (
        "leave balance",
        "employee master",
        "service book",
        "appraisal form",
        "joining letter",
        "attendance regularisation",
    ),
    "payroll": (
        "salary slip",
        "arrears calculation",
        "provident fund deduction",
        "income tax projection",
        "payroll run",
        "bank transfer file",
        "increment posting",
    ),
    "library": (
        "book issue",
        "return reminder",
        "overdue fine",
        "catalogue search",
        "barcode label",
        "membership card",
    ),
    "attendance": (
        "biometric punch",
        "attendance register",
        "shortage report",
        "class roster",
        "daily muster",
    ),
    "lms": (
        "course shell",
        "assignment upload",
        "quiz grades",
        "content sync",
        "student enrolment sync",
    ),
    "hostel": ("room allotment", "mess bill", "hostel fee", "warden approval", "bed transfer"),
    "transport": (
        "bus route",
        "pickup point",
        "transport fee",
        "vehicle roster",
        "GPS tracking",
    ),
    "reports": (
        "dashboard widget",
        "custom report",
        "Excel export",
        "PDF download",
        "pivot summary",
        "MIS report",
    ),
}

SYMPTOMS = (
    "does not print",
    "shows a blank page",
    "times out",
    "shows wrong totals",
    "is duplicated",
    "is missing for some students",
    "fails with an error",
    "cannot be saved",
    "loads very slowly",
    "shows the previous semester",
    "rounds amounts incorrectly",
    "is not generated",
    "rejects valid input",
    "sends no notification",
    "stays locked for editing",
    "ignores the approval workflow",
)

CONTEXTS = (
    "after last night's update",
    "since Monday morning",
    "for the second semester",
    "only for hostel students",
    "for the commerce batch",
    "when opened in Chrome",
    "for staff on contract",
    "during peak hours",
    "for the new admission batch",
    "for the evening college",
    "at the north campus",
    "for part-time faculty",
    "on the mobile app",
    "for students with a scholarship",
)

DEPARTMENTS = (
    "The accounts section",
    "The exam cell",
    "The registrar's office",
    "The HR department",
    "The admissions office",
    "The principal's office",
    "The library desk",
    "The hostel office",
    "The transport office",
    "The IQAC coordinator",
)

ERRORS = (
    "ORA-01400 cannot insert NULL",
    "HTTP 504 gateway timeout",
    "NullReferenceException in ReceiptService",
    "duplicate key value violates unique constraint",
    "session expired, please sign in again",
    "permission denied for this role",
    "deadlock detected while posting",
    "template not found for this term",
    "amount mismatch with bank statement",
    "invalid date range",
    "SMS gateway returned 401",
    "file exceeds the allowed size",
)

ATTEMPTS = (
    "cleared the browser cache and tried again",
    "logged out and back in",
    "tried from another computer",
    "re-ran the process after office hours",
    "checked the role permissions with the key user",
    "followed the steps in the user manual",
    "asked a colleague to try with their login",
    "exported the data and compared it by hand",
)

IMPACTS = (
    "Students are queuing at the counter.",
    "The payroll deadline is on Friday.",
    "Results must be published this week.",
    "The auditors need the figures tomorrow.",
    "Admissions close at the end of the month.",
    "Faculty cannot finalise their registers.",
    "Parents are calling the office repeatedly.",
)

REFERENCE_KINDS = ("RCPT", "TXN", "STU", "EMP", "VCH", "APP")


@dataclass(frozen=True)
class TicketText:
    title: str
    description: str
    action_attempted: str
    error_seen: str
    operational_impact: str
    record_reference: str


def ticket_text(rng: random.Random, module_code: str) -> TicketText:
    """One ticket's worth of text for ``module_code``."""
    subject = rng.choice(SUBJECTS[module_code])
    symptom = rng.choice(SYMPTOMS)
    context = rng.choice(CONTEXTS)
    reference = f"{rng.choice(REFERENCE_KINDS)}-{rng.randint(100_000, 999_999)}"
    sentences = [
        f"{rng.choice(DEPARTMENTS)} reports that the {subject} {symptom} {context}.",
        f"It affects about {rng.randint(2, 400)} records, such as {reference}.",
        f"The {rng.choice(SUBJECTS[module_code])} looks fine, so the problem seems specific.",
    ]
    rng.shuffle(sentences)
    error = rng.choice(ERRORS) if rng.random() < 0.6 else ""
    return TicketText(
        title=f"{subject[0].upper()}{subject[1:]} {symptom} {context}"[:200],
        description=" ".join(sentences),
        action_attempted=f"We {rng.choice(ATTEMPTS)}.",
        error_seen=error,
        operational_impact=rng.choice(IMPACTS),
        record_reference=reference,
    )


def search_phrases(rng: random.Random, references: list[str], count: int) -> list[str]:
    """What people type into the search box: a subject, a symptom word, or a record number.

    A quarter are record references taken from the seeded tickets, which find one or two
    tickets; the rest are subjects alone or narrowed by a word, which find hundreds.
    """
    subjects = [subject for group in SUBJECTS.values() for subject in group]
    symptom_words = [word for symptom in SYMPTOMS for word in symptom.split() if len(word) > 4]
    phrases = []
    for n in range(count):
        kind = n % 4
        if kind == 0 and references:
            phrases.append(rng.choice(references))
        elif kind == 1:
            phrases.append(rng.choice(subjects))
        elif kind == 2:
            phrases.append(f"{rng.choice(subjects)} {rng.choice(symptom_words)}")
        else:
            phrases.append(rng.choice(subjects).split()[0])
    return phrases
