"""Demo tickets that ask for a change: access to the ERP, and new features or reports."""

from hypercare.demo.texts import OWNER, TicketText
from hypercare.orgs.choices import ModuleCode as M
from hypercare.tickets.choices import AffectedWorkflow as W
from hypercare.tickets.choices import Category, Level

HIGH, MEDIUM, LOW = Level.HIGH, Level.MEDIUM, Level.LOW

ACCESS_REQUESTS = (
    TicketText(
        Category.ACCESS, M.EXAMS, "admin", W.OTHER, MEDIUM, MEDIUM,
        title="Access for the new head of {department}",
        description=(
            "{newcomer} joins as head of {department} on Monday and needs the head of "
            "department role: marks approval, attendance reports and timetable."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="Marks approval for {department} is blocked without a HOD.",
        details={"user": "{newcomer}", "role": "Head of Department ({department})",
                 "action": "add"},
        resolution=(
            "{newcomer} now has the Head of Department role for {department}. The login "
            "details were sent to their college email."
        ),
    ),
    TicketText(
        Category.ACCESS, M.FEES, "admin", W.FEE_COLLECTION, HIGH, MEDIUM,
        title="Remove access for a fee clerk who has left",
        description=(
            "A fee clerk left on Friday. Please remove their ERP access today; they still "
            "appear as active."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="A leaver with cash-collection rights is a risk.",
        details={"user": "Fee clerk (employee {staff_id})", "role": "Fee collection clerk",
                 "action": "remove"},
        resolution="The account is deactivated and its open cash session closed.",
    ),
    TicketText(
        Category.ACCESS, M.PAYROLL, OWNER, W.PAYROLL_RUN, MEDIUM, HIGH,
        title="Payroll processor role for the new payroll officer",
        description=(
            "{newcomer} has moved into the payroll team and needs to run the {month} "
            "payroll. Currently they only have view access."
        ),
        action_attempted="",
        error_seen="You do not have permission to start a payroll run.",
        operational_impact="Payroll must run before the 25th.",
        details={"user": "{newcomer}", "role": "Payroll processor", "action": "change"},
        resolution="{newcomer}'s role is changed from Payroll viewer to Payroll processor.",
    ),
    TicketText(
        Category.ACCESS, M.EXAMS, OWNER, W.EXAM_SCHEDULING, MEDIUM, MEDIUM,
        title="Temporary exam cell access for the {exam}",
        description=(
            "{newcomer} will coordinate invigilation for the {exam} and needs exam cell "
            "access until the results are out."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="",
        details={"user": "{newcomer}", "role": "Exam cell (temporary)", "action": "add"},
        resolution=(
            "Temporary exam cell access granted to {newcomer}; it expires automatically "
            "after the result publication date."
        ),
    ),
    TicketText(
        Category.ACCESS, M.FINANCE, OWNER, W.PROCUREMENT, MEDIUM, MEDIUM,
        title="Purchase order approval rights for the accounts officer",
        description=(
            "The accounts officer should approve purchase orders up to the level 2 limit. "
            "Orders are waiting for the finance officer, who is travelling."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="{count} purchase orders are waiting for approval.",
        details={"user": "Accounts officer", "role": "PO approver (level 2)", "action": "add"},
        resolution="The accounts officer can now approve purchase orders up to level 2.",
    ),
    TicketText(
        Category.ACCESS, M.ADMISSIONS, "admin", W.ADMISSIONS, LOW, LOW,
        title="Remove admissions access for counsellors after the admission cycle",
        description=(
            "The admission cycle is over. Please remove the Admissions counsellor role from "
            "the {count} temporary counsellors."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="",
        details={"user": "{count} temporary counsellors", "role": "Admissions counsellor",
                 "action": "remove"},
        resolution="The Admissions counsellor role is removed from all temporary counsellors.",
    ),
)  # fmt: skip

ENHANCEMENTS = (
    TicketText(
        Category.ENHANCEMENT, M.FEES, OWNER, W.FEE_COLLECTION, LOW, LOW,
        title="Instalment plans for families in hardship",
        description=(
            "We agree custom instalment plans with families in financial hardship. Today we "
            "track them in a spreadsheet. The ERP should let us set a plan per student."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="",
        details={
            "business_need": "Track agreed instalment plans without spreadsheets.",
            "proposed_solution": "A per-student instalment plan overriding the fee schedule.",
        },
        resolution=(
            "Thank you. Custom instalment plans are scheduled for the next release; we will "
            "post the release notes here."
        ),
    ),
    TicketText(
        Category.ENHANCEMENT, M.EXAMS, OWNER, W.EXAM_RESULTS, LOW, LOW,
        title="Download all grade cards of a programme as one PDF",
        description=(
            "After each result publication we download grade cards for {programme} one by "
            "one to print them. One PDF per programme would save the exam cell a day."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="",
        details={
            "business_need": "Print all grade cards of a programme at once.",
            "proposed_solution": "A 'Download all' button producing one PDF.",
        },
        resolution="Bulk grade card download is in the next release.",
    ),
    TicketText(
        Category.ENHANCEMENT, M.REPORTS, OWNER, W.REPORTING, LOW, LOW,
        title="Daily fee collection dashboard by payment mode",
        description=(
            "The finance office wants a dashboard of each day's fee collection split by "
            "cash, card, bank transfer and online."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="",
        details={
            "business_need": "See daily collection by mode without running three reports.",
            "proposed_solution": "",
        },
        resolution="Added to the reporting backlog; the dashboard is planned for next term.",
    ),
    TicketText(
        Category.ENHANCEMENT, M.PAYROLL, "hr", W.PAYROLL_RUN, LOW, LOW,
        title="Send payslips by email as password-protected PDFs",
        description=(
            "Staff ask for their payslips by email. They should be password protected, with "
            "the password based on the employee's date of birth."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="",
        details={
            "business_need": "Staff get payslips without logging in to the portal.",
            "proposed_solution": "Email a protected PDF when the payroll run is approved.",
        },
        resolution="Payslip emails are planned; we will confirm the release date here.",
    ),
    TicketText(
        Category.ENHANCEMENT, M.ADMISSIONS, OWNER, W.ADMISSIONS, LOW, LOW,
        title="SMS updates to applicants at each admission stage",
        description=(
            "Applicants call the admissions office to ask where their application stands. "
            "An SMS at each stage (received, shortlisted, offer, fee paid) would cut calls."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="",
        details={
            "business_need": "Fewer status calls during the admission season.",
            "proposed_solution": "Stage-change SMS using the existing SMS integration.",
        },
        resolution="Stage-change notifications are in the next release.",
    ),
    TicketText(
        Category.ENHANCEMENT, M.HOSTEL, "key_user", W.HOSTEL_ALLOCATION, LOW, LOW,
        title="Room change requests from the student portal",
        description=(
            "Students ask for room changes on paper forms. The portal should take the "
            "request and route it to the warden."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="",
        details={
            "business_need": "Track room change requests and their approval.",
            "proposed_solution": "A portal form routed to the hostel warden for approval.",
        },
        resolution="Logged for the product team; we will update you when it is scheduled.",
    ),
)  # fmt: skip
