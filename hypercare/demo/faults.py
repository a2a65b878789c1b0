"""Demo tickets about something wrong: data corrections, integration failures, incidents.

Data corrections get their data owner, integration tickets their integration and
incidents their start time from the loader, which knows the institution's records.
"""

from hypercare.demo.texts import OWNER, TicketText
from hypercare.orgs.choices import IntegrationKind
from hypercare.orgs.choices import ModuleCode as M
from hypercare.tickets.choices import AffectedWorkflow as W
from hypercare.tickets.choices import Category, Level

HIGH, MEDIUM, LOW = Level.HIGH, Level.MEDIUM, Level.LOW

DATA_CORRECTIONS = (
    TicketText(
        Category.DATA_CORRECTION, M.ADMISSIONS, "key_user", W.ADMISSIONS, HIGH, MEDIUM,
        title="Duplicate student records after the bulk admission import",
        description=(
            "The admission import for {programme} ran twice. {count} students now have two "
            "records each, one with the fee payment and one without, e.g. {student_id}."
        ),
        action_attempted="Searched the student list for the applicant numbers in the file.",
        error_seen="",
        operational_impact="Students cannot see their timetable; fee reports double-count.",
        details={
            "records_affected": "{count} student pairs in {programme}, e.g. {student_id}",
            "correction_wanted": (
                "Merge each pair into the record holding the fee payment and keep the older "
                "enrolment number."
            ),
        },
        resolution=(
            "The {count} duplicate pairs are merged into the records holding the payments; "
            "the import now rejects applicant numbers that already exist. Please check a "
            "few students and confirm."
        ),
    ),
    TicketText(
        Category.DATA_CORRECTION, M.FEES, "fees", W.FEE_COLLECTION, MEDIUM, MEDIUM,
        title="Fee payment posted to the wrong student",
        description=(
            "Receipt {receipt} for {currency}{amount} was posted to {student_id} instead of "
            "their sibling. The parent has complained that the sibling shows as a defaulter."
        ),
        action_attempted="Tried to cancel the receipt: not allowed after the day is closed.",
        error_seen="Receipts of a closed day cannot be cancelled.",
        operational_impact="A student shows as a defaulter and cannot get a hall ticket.",
        details={
            "records_affected": "Receipt {receipt}, student {student_id} and sibling",
            "correction_wanted": "Move the payment to the sibling and regenerate both ledgers.",
        },
        resolution=(
            "The payment is moved to the sibling's ledger with a journal entry dated today; "
            "both ledgers are correct and the defaulter flag is cleared."
        ),
    ),
    TicketText(
        Category.DATA_CORRECTION, M.EXAMS, "exams", W.EXAM_RESULTS, HIGH, HIGH,
        title="Wrong marks uploaded for {course}: columns swapped in the sheet",
        description=(
            "The internal assessment sheet for {course} had the theory and practical columns "
            "swapped. {count} students of {programme} have wrong marks. Results are not "
            "published yet."
        ),
        action_attempted="Tried to upload the corrected sheet; marks are already locked.",
        error_seen="Marks are locked for this assessment.",
        operational_impact="Result publication is blocked until the marks are fixed.",
        details={
            "records_affected": "{count} students of {programme}, {course} internal marks",
            "correction_wanted": "Replace the marks with the corrected sheet (attached).",
        },
        resolution=(
            "Marks for {course} are replaced from the corrected sheet; the moderation report "
            "matches the sheet. You can go ahead with publication."
        ),
    ),
    TicketText(
        Category.DATA_CORRECTION, M.HR, OWNER, W.OTHER, MEDIUM, LOW,
        title="Wrong date of joining for staff migrated from the old system",
        description=(
            "{count} staff in {department} carry the migration date as their date of "
            "joining, e.g. {staff_id}. Leave balances and service years are wrong."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="Leave balances are understated.",
        details={
            "records_affected": "{count} staff in {department}, e.g. {staff_id}",
            "correction_wanted": (
                "Set the date of joining from the appointment letters list and recompute "
                "leave balances."
            ),
        },
        resolution=(
            "Dates of joining are corrected for the {count} staff and leave balances "
            "recomputed; the list of changes is attached for your records."
        ),
    ),
    TicketText(
        Category.DATA_CORRECTION, M.PAYROLL, "hr", W.PAYROLL_RUN, HIGH, HIGH,
        title="Bank account numbers swapped for two employees before the {month} payroll",
        description=(
            "{staff_id} and a colleague have each other's bank account numbers since the "
            "migration. The {month} salary transfer file is generated tomorrow."
        ),
        action_attempted="Tried to edit the bank details: the field is read-only for HR.",
        error_seen="",
        operational_impact="Two salaries would be paid into the wrong accounts.",
        details={
            "records_affected": "{staff_id} and the employee after it",
            "correction_wanted": "Swap the bank account numbers back before the transfer file.",
        },
        resolution=(
            "Bank details are corrected and verified against the cancelled cheques; the "
            "transfer file for {month} is generated with the right accounts."
        ),
    ),
    TicketText(
        Category.DATA_CORRECTION, M.ATTENDANCE, "faculty", W.ATTENDANCE, LOW, MEDIUM,
        title="Students on approved sports leave marked absent",
        description=(
            "{count} students of {programme} were at the inter-college sports meet with "
            "approved leave but are marked absent for those days."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="Their attendance falls below the exam eligibility limit.",
        details={
            "records_affected": "{count} students of {programme}, three days of the sports meet",
            "correction_wanted": "Mark them 'On duty' for those days.",
        },
        resolution="The students are marked 'On duty' for the sports meet days.",
    ),
    TicketText(
        Category.DATA_CORRECTION, M.LIBRARY, "key_user", W.LIBRARY_CIRCULATION, LOW, LOW,
        title="Books still issued to students who graduated",
        description=(
            "The stock verification found {count} loans open against students who graduated "
            "last year. The books were returned or written off."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="",
        details={
            "records_affected": "{count} loans, list from the stock verification",
            "correction_wanted": "Close the loans as returned or lost as per the list.",
        },
        resolution="The {count} loans are closed as per the stock verification list.",
    ),
)  # fmt: skip

INTEGRATION_FAILURES = (
    TicketText(
        Category.INTEGRATION, M.FEES, "fees", W.FEE_COLLECTION, HIGH, HIGH,
        integration=IntegrationKind.PAYMENT,
        title="Online fee payments debited but no receipt generated",
        description=(
            "Since this morning parents report that the money is debited through the "
            "{provider} payment page, but the ERP shows the payment as pending and no "
            "receipt is generated. {count} cases so far."
        ),
        action_attempted="Checked the payment status for {student_id}: still pending.",
        error_seen="Payment status: PENDING (awaiting gateway confirmation)",
        operational_impact="Parents are paying twice; the fee counter is overwhelmed.",
        details={"transaction_reference": "{txn}"},
        resolution=(
            "The gateway's confirmations were rejected after the provider rotated its "
            "signing key. We updated the key and re-ran reconciliation for the affected days: "
            "all {count} payments are receipted and parents have their receipts by email."
        ),
    ),
    TicketText(
        Category.INTEGRATION, M.FINANCE, "fees", W.FINANCIAL_CLOSE, MEDIUM, HIGH,
        integration=IntegrationKind.PAYMENT,
        title="Payment gateway reconciliation mismatch for {date}",
        description=(
            "The {provider} settlement file for {date} has {count} transactions totalling "
            "{currency}{amount}, but the ERP reconciliation matched two fewer."
        ),
        action_attempted="Re-imported the settlement file.",
        error_seen="Reconciliation: 2 unmatched settlement lines",
        operational_impact="Accounts cannot close the day book.",
        details={"transaction_reference": "{txn}"},
        resolution=(
            "The two lines were refunds settled net of charges; the reconciliation rule now "
            "matches refunds on the original order ID. The day book for {date} is closed."
        ),
    ),
    TicketText(
        Category.INTEGRATION, M.EXAMS, "exams", W.EXAM_RESULTS, HIGH, MEDIUM,
        integration=IntegrationKind.SMS,
        title="Result SMS not delivered to parents",
        description=(
            "The result SMS for the {exam} of {programme} was sent from the ERP but parents "
            "did not receive it. The SMS log shows the messages as rejected."
        ),
        action_attempted="Resent the SMS for one student.",
        error_seen="SMS log: REJECTED (template not approved)",
        operational_impact="Parents are calling the exam cell.",
        details={"transaction_reference": "{txn}"},
        resolution=(
            "The result template had changed wording since it was approved with {provider}. "
            "We restored the approved wording and resent the {count} messages; all delivered."
        ),
    ),
    TicketText(
        Category.INTEGRATION, M.FEES, "key_user", W.FEE_COLLECTION, MEDIUM, MEDIUM,
        integration=IntegrationKind.EMAIL,
        title="Fee reminder emails bouncing",
        description=(
            "This week's fee reminders bounced for most parents with webmail addresses. "
            "The bounce messages mention DMARC."
        ),
        action_attempted="",
        error_seen=(
            "550 5.7.26 Unauthenticated email from this domain is not accepted due to "
            "the domain's DMARC policy"
        ),
        operational_impact="Parents miss the fee deadline reminder.",
        details={"transaction_reference": "{txn}"},
        resolution=(
            "The ERP was sending from the college domain without a DKIM signature. DKIM is "
            "now set up through {provider} and the reminders were resent successfully."
        ),
    ),
    TicketText(
        Category.INTEGRATION, M.ATTENDANCE, "hr", W.PAYROLL_RUN, HIGH, MEDIUM,
        integration=IntegrationKind.BIOMETRIC,
        title="Biometric attendance not syncing from the {campus} devices",
        description=(
            "Staff punches from the {campus} biometric devices have not reached the ERP "
            "for three days. The payroll attendance cut-off is on Friday."
        ),
        action_attempted="Restarted the sync service from the admin screen.",
        error_seen="Last sync: 3 days ago. Device status: offline.",
        operational_impact="{count} staff would be marked absent in the {month} payroll.",
        details={"transaction_reference": "Device group {campus}"},
        resolution=(
            "The devices lost their network route after a switch replacement at {campus}. "
            "With the route restored, the backlog of punches was pulled and attendance is "
            "complete up to today."
        ),
    ),
    TicketText(
        Category.INTEGRATION, M.LMS, "faculty", W.OTHER, MEDIUM, MEDIUM,
        integration=IntegrationKind.LMS,
        title="LMS roster sync missing students added after add/drop",
        description=(
            "Students who joined {course} after the add/drop deadline are in the ERP "
            "section but not in the LMS course. {count} students are missing."
        ),
        action_attempted="Waited for the nightly sync; they are still missing.",
        error_seen="Sync report: 0 enrolments created, {count} skipped (section closed)",
        operational_impact="Students cannot submit assignments.",
        details={"transaction_reference": "Sync run {txn}"},
        resolution=(
            "The sync skipped sections marked closed after add/drop. It now syncs late "
            "enrolments approved by the registrar; the {count} students are in the course."
        ),
    ),
    TicketText(
        Category.INTEGRATION, M.FINANCE, OWNER, W.FINANCIAL_CLOSE, HIGH, MEDIUM,
        integration=IntegrationKind.EXPORT_SYNC,
        title="Export to the accounting system failed for the {month} journal",
        description=(
            "The month-end journal export failed. The accounting system rejects the file "
            "because a ledger does not exist on its side."
        ),
        action_attempted="Ran the export again.",
        error_seen="Export failed: ledger 'Fee income - Hostel' not found in target",
        operational_impact="Month-end close is on hold.",
        details={"transaction_reference": "Journal batch {txn}"},
        resolution=(
            "A hostel fee ledger was added in the ERP in {month} but not in the accounting "
            "system. The ledger mapping now has it and the journal was exported."
        ),
    ),
    TicketText(
        Category.INTEGRATION, M.ADMISSIONS, "integration", W.REPORTING, MEDIUM, HIGH,
        integration=IntegrationKind.EXPORT_SYNC,
        title="Statutory data return rejected by the portal",
        description=(
            "The statutory student data return generated by the ERP was rejected. The "
            "deadline for submission is next week."
        ),
        action_attempted="Validated the file with the portal's checker.",
        error_seen="Row {count}: invalid programme code for {programme}",
        operational_impact="Late submission risks funding.",
        details={"transaction_reference": "Return file {txn}"},
        resolution=(
            "The programme code for {programme} was mapped to last year's code list. With "
            "the new code list loaded, the return validates and has been submitted."
        ),
    ),
)  # fmt: skip

INCIDENTS = (
    TicketText(
        Category.INCIDENT, M.EXAMS, "exams", W.EXAM_RESULTS, HIGH, HIGH,
        title="Result publishing stuck at 'Processing' for the {exam}",
        description=(
            "Publishing the {exam} results for {programme} has been stuck at 'Processing' "
            "for over an hour. Students were told results would be out at noon."
        ),
        action_attempted="Cancelled and restarted the publication once.",
        error_seen="504 Gateway Timeout after 60 seconds",
        operational_impact="Results for the whole programme are not published.",
        details={"users_affected": 1800},
        resolution=(
            "The publication job ran grade card generation synchronously and timed out. It "
            "now runs in the background; the {exam} results are published and students "
            "have been notified."
        ),
    ),
    TicketText(
        Category.INCIDENT, M.FEES, "fees", W.FEE_COLLECTION, HIGH, HIGH,
        title="Fee payment page down on the last day of fee collection",
        description=(
            "The online fee payment page shows an error for everyone. Today is the last day "
            "to pay the {term} fee without a late fee."
        ),
        action_attempted="Tried from several computers and phones.",
        error_seen="502 Bad Gateway",
        operational_impact="Hundreds of parents cannot pay; the late fee starts tomorrow.",
        details={"users_affected": 2500},
        resolution=(
            "The payment page was down for 40 minutes after a certificate expired on the "
            "load balancer. It is renewed and monitored; the finance office extended the "
            "deadline by one day."
        ),
    ),
    TicketText(
        Category.INCIDENT, M.PAYROLL, "hr", W.PAYROLL_RUN, HIGH, HIGH,
        title="Payroll run fails at 'Compute statutory deductions'",
        description=(
            "The {month} payroll run stops at the statutory deductions step every time. "
            "Salaries must be credited by the 1st."
        ),
        action_attempted="Ran the step again for a smaller group of staff.",
        error_seen="ProcessingError: division by zero in tax slab for employee {staff_id}",
        operational_impact="No one can be paid until the run completes.",
        details={"users_affected": 640},
        resolution=(
            "An employee record had a zero-day working month, which the tax slab computation "
            "did not handle. The fix is deployed and the {month} payroll completed."
        ),
    ),
    TicketText(
        Category.INCIDENT, M.ATTENDANCE, "key_user", W.ATTENDANCE, MEDIUM, HIGH,
        title="Attendance marking times out for all faculty in the morning",
        description=(
            "Between 9:00 and 10:00 attendance marking takes minutes and often fails. It "
            "works again after 10:30."
        ),
        action_attempted="",
        error_seen="The request timed out. Please try again.",
        operational_impact="Faculty mark attendance on paper and re-enter it later.",
        details={"users_affected": 320},
        resolution=(
            "A scheduled report ran at 9:00 and locked the attendance tables. It now runs at "
            "night and morning attendance is back to normal speed."
        ),
    ),
    TicketText(
        Category.INCIDENT, M.HR, "hr", W.PAYROLL_RUN, MEDIUM, MEDIUM,
        title="Payslip PDFs fail to generate for all staff",
        description="Downloading any payslip for {month} fails since yesterday evening.",
        action_attempted="Tried several employees and months.",
        error_seen="Template rendering error: font 'NotoSans' not found",
        operational_impact="Staff need payslips for loan applications.",
        details={"users_affected": 640},
        resolution=(
            "Yesterday's update removed a font the payslip template uses. The font is "
            "restored and payslips generate again."
        ),
    ),
    TicketText(
        Category.INCIDENT, M.LIBRARY, "key_user", W.LIBRARY_CIRCULATION, MEDIUM, HIGH,
        title="Library desk cannot issue books",
        description="The Issue button on the circulation desk fails for every member.",
        action_attempted="Logged out and in again; cleared the browser cache.",
        error_seen="Server Error (500)",
        operational_impact="The circulation desk is issuing on paper.",
        details={"users_affected": 12},
        resolution=(
            "A member category added yesterday had no loan limit, which the issue check did "
            "not expect. The category has a limit now and a fix for the check is released."
        ),
    ),
    TicketText(
        Category.INCIDENT, M.TRANSPORT, "key_user", W.TRANSPORT, LOW, MEDIUM,
        title="Route allocation screen crashes when a stop is removed",
        description=(
            "Removing a stop from a bus route crashes the transport screen. Other routes "
            "work."
        ),
        action_attempted="Tried on two routes at {campus}.",
        error_seen="Server Error (500)",
        operational_impact="One route cannot be changed.",
        details={"users_affected": 3},
        resolution="Stops with allocated students can now be removed after reassignment.",
    ),
)  # fmt: skip
