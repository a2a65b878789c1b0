"""Demo tickets that ask for something: questions and configuration changes."""

from hypercare.demo.texts import OWNER, TicketText
from hypercare.orgs.choices import ModuleCode as M
from hypercare.tickets.choices import AffectedWorkflow as W
from hypercare.tickets.choices import Category, Level

HIGH, MEDIUM, LOW = Level.HIGH, Level.MEDIUM, Level.LOW

QUESTIONS = (
    TicketText(
        Category.QUESTION, M.FEES, "fees", W.FEE_COLLECTION, LOW, MEDIUM,
        title="How do I reprint a fee receipt for an online payment?",
        description=(
            "A parent has asked for a duplicate receipt for {student_id}'s {term} fee of "
            "{currency}{amount}, paid online. I can see the payment in the student ledger "
            "but there is no reprint option on the Receipts screen."
        ),
        action_attempted="Opened Fees > Collection > Receipts and searched for {receipt}.",
        error_seen="No error; the Print button is greyed out for online payments.",
        operational_impact="Parents are waiting at the fee counter for their receipts.",
        details={"screen_or_report": "Fees > Collection > Receipts"},
        resolution=(
            "Online receipts are reprinted from Fees > Student ledger > {receipt} > Actions > "
            "Duplicate receipt; the Receipts screen lists counter payments only. The copy is "
            "marked 'Duplicate' and the reprint is logged. I have added this to the fee desk "
            "quick guide."
        ),
    ),
    TicketText(
        Category.QUESTION, M.EXAMS, "exams", W.EXAM_RESULTS, MEDIUM, MEDIUM,
        title="Difference between Provisional and Final on the result publishing screen",
        description=(
            "We publish the {exam} results for {programme} next week. The Publish screen "
            "offers 'Provisional' and 'Final'. Which one lets students apply for "
            "revaluation, and can a Final result still be corrected?"
        ),
        action_attempted="Read the help text on Exams > Results > Publish.",
        error_seen="",
        operational_impact="Result publication is planned for next week.",
        details={"screen_or_report": "Exams > Results > Publish"},
        resolution=(
            "Provisional shows results on the student portal with a watermark and keeps "
            "moderation open; Final locks the marks and generates grade cards. Revaluation "
            "requests can be raised against Final results only. A Final result is corrected "
            "through a revaluation or a marks amendment approved by the exam controller."
        ),
    ),
    TicketText(
        Category.QUESTION, M.REPORTS, "key_user", W.REPORTING, LOW, MEDIUM,
        title="Fee defaulters report total does not match the fee ledger",
        description=(
            "The defaulters report for {programme} shows {currency}{amount} outstanding "
            "for the {term}, but the fee ledger summary shows a higher figure. Which one "
            "should we send to the heads of department?"
        ),
        action_attempted="Ran Reports > Fees > Defaulters with the default filters.",
        error_seen="",
        operational_impact="The list goes to heads of department on Monday.",
        details={"screen_or_report": "Reports > Fees > Defaulters"},
        resolution=(
            "The defaulters report leaves out instalments not yet due and fines waived after "
            "the cut-off date; the ledger summary includes every demand raised. For the heads "
            "of department use the defaulters report with 'As on' set to today."
        ),
    ),
    TicketText(
        Category.QUESTION, M.ATTENDANCE, "faculty", W.ATTENDANCE, LOW, LOW,
        title="How do I take attendance for a combined class of two sections?",
        description=(
            "I teach {course} to two sections together on Thursdays. The attendance screen "
            "only lets me pick one section, so half the class is marked absent."
        ),
        action_attempted="Attendance > Mark attendance, picked the first section.",
        error_seen="",
        operational_impact="Students of the second section show as absent.",
        details={"screen_or_report": "Attendance > Mark attendance"},
        resolution=(
            "Combined classes are set up under Timetable > Combined sessions by the timetable "
            "coordinator. Once linked, both sections appear on one attendance sheet. I have "
            "linked your Thursday session; last week's absences can be corrected from "
            "Attendance > Edit past sessions."
        ),
    ),
    TicketText(
        Category.QUESTION, M.PAYROLL, "hr", W.PAYROLL_RUN, MEDIUM, MEDIUM,
        title="Where can I see how arrears were calculated in the {month} payroll?",
        description=(
            "Several staff in {department} got arrears in the {month} payroll and are asking "
            "how the amount was worked out. The payslip only shows the total."
        ),
        action_attempted="Looked at the payslip and the salary register.",
        error_seen="",
        operational_impact="Staff questions are piling up at the HR desk.",
        details={"screen_or_report": "Payroll > Arrears register"},
        resolution=(
            "Payroll > Arrears register > choose the run > Computation sheet shows the old "
            "and new rates month by month for each employee. It can be exported to Excel and "
            "shared with staff on request."
        ),
    ),
    TicketText(
        Category.QUESTION, M.LMS, "faculty", W.OTHER, LOW, MEDIUM,
        title="Students cannot see my course in the LMS",
        description=(
            "I created {course} in the LMS last week and uploaded the first assignments, but "
            "my students say the course does not appear on their dashboard."
        ),
        action_attempted="Checked the course visibility setting: it is 'Shown'.",
        error_seen="",
        operational_impact="First assignment is due on Friday.",
        details={"screen_or_report": "LMS > My courses"},
        resolution=(
            "Courses created directly in the LMS stay empty until they are linked to an ERP "
            "section; the roster comes from the ERP. I linked {course} to its section under "
            "LMS > Course settings > ERP section, and the students arrived with the next "
            "hourly sync."
        ),
    ),
    TicketText(
        Category.QUESTION, M.LIBRARY, "key_user", W.LIBRARY_CIRCULATION, LOW, LOW,
        title="Extending due dates for all faculty loans at once",
        description=(
            "The library wants to extend the due date of every book issued to faculty until "
            "the end of the {term}. Is there a bulk option, or do we renew one by one?"
        ),
        action_attempted="Looked under Library > Circulation.",
        error_seen="",
        operational_impact="",
        details={"screen_or_report": "Library > Circulation > Bulk renewal"},
        resolution=(
            "Library > Circulation > Bulk renewal, filter on member type 'Faculty', set the "
            "new due date and run. It skips items with reservations and lists them at the end."
        ),
    ),
    TicketText(
        Category.QUESTION, M.HOSTEL, "fees", W.HOSTEL_ALLOCATION, LOW, MEDIUM,
        title="How is the hostel fee pro-rated for a student joining mid-{term}?",
        description=(
            "{student_id} joined the hostel three weeks into the {term}. The system charged "
            "the full hostel fee of {currency}{amount}. Should it not be pro-rated?"
        ),
        action_attempted="Checked the student's fee demand.",
        error_seen="",
        operational_impact="",
        details={"screen_or_report": "Hostel > Fee rules"},
        resolution=(
            "Pro-rating applies only when the allocation date is entered before the demand "
            "is raised. Cancel the demand from Fees > Demands, correct the allocation date "
            "and raise it again: the amount is then pro-rated by days."
        ),
    ),
)  # fmt: skip

CONFIGURATIONS = (
    TicketText(
        Category.CONFIGURATION, M.FEES, OWNER, W.FEE_COLLECTION, MEDIUM, MEDIUM,
        title="Late fee rule for the second instalment of the {term}",
        description=(
            "From the second instalment of the {term} a late fee must be charged per day "
            "after the due date, up to the cap in our fee policy. Scholarship students are "
            "exempt."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="Counter staff add the fine by hand and make mistakes.",
        details={
            "area": "workflow",
            "current_behaviour": "No fine is charged after the due date.",
            "wanted_behaviour": (
                "A daily late fee after the due date, capped per the fee policy, waived "
                "automatically for scholarship students."
            ),
        },
        resolution=(
            "The late fee rule is live for the second instalment: daily fine after the due "
            "date, capped, with scholarship categories exempt. Tested on three sample "
            "students before enabling."
        ),
    ),
    TicketText(
        Category.CONFIGURATION, M.EXAMS, OWNER, W.EXAM_RESULTS, MEDIUM, MEDIUM,
        title="Head of department approval before internal marks are locked",
        description=(
            "Faculty can lock internal assessment marks directly. We want the head of "
            "department to review and approve first, starting with the {exam}."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="Wrong marks were locked twice last term.",
        details={
            "area": "workflow",
            "current_behaviour": "Faculty submit and lock marks in one step.",
            "wanted_behaviour": (
                "Faculty submit, the head of department approves or sends back with a "
                "comment, and only approved marks lock."
            ),
        },
        resolution=(
            "The marks workflow now has an approval step for heads of department. Sent-back "
            "marks return to the faculty member with the comment. The step applies from the "
            "{exam} onwards."
        ),
    ),
    TicketText(
        Category.CONFIGURATION, M.FEES, "key_user", W.FEE_COLLECTION, HIGH, MEDIUM,
        title="Fee clerks can edit concession amounts",
        description=(
            "Our fee clerks can change the concession amount on a student's fee demand. "
            "Only the accounts officer should be able to do that."
        ),
        action_attempted="Checked the role 'Fee clerk' in the role console.",
        error_seen="",
        operational_impact="Audit finding: concessions changed without approval.",
        details={
            "area": "permissions",
            "current_behaviour": "The Fee clerk role has 'Edit concession'.",
            "wanted_behaviour": "Only Accounts officer has 'Edit concession'; clerks view only.",
        },
        resolution=(
            "'Edit concession' is removed from the Fee clerk role and kept on Accounts "
            "officer. The change is recorded in the access-change history."
        ),
    ),
    TicketText(
        Category.CONFIGURATION, M.ATTENDANCE, OWNER, W.ATTENDANCE, MEDIUM, LOW,
        title="Alert parents when attendance falls below 75 %",
        description=(
            "We want an SMS and an email to parents when a student's attendance in any "
            "course falls below 75 %, checked weekly."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="Parents find out too late, at the exam eligibility stage.",
        details={
            "area": "alert",
            "current_behaviour": "No alert; class teachers call parents one by one.",
            "wanted_behaviour": "Weekly SMS and email to parents below 75 % in any course.",
        },
        resolution=(
            "A weekly alert runs on Monday mornings for attendance below 75 %. The first "
            "run sent {count} messages; the text was approved by the academic office."
        ),
    ),
    TicketText(
        Category.CONFIGURATION, M.PAYROLL, OWNER, W.PAYROLL_RUN, LOW, MEDIUM,
        title="Add the cost centre column to the salary register export",
        description=(
            "Finance needs the cost centre on every line of the salary register export to "
            "post salaries by department."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="Finance re-keys cost centres by hand every month.",
        details={
            "area": "report",
            "current_behaviour": "The export has employee, grade and amounts only.",
            "wanted_behaviour": "A cost centre column after the department column.",
        },
        resolution="The salary register export now has the cost centre column.",
    ),
    TicketText(
        Category.CONFIGURATION, M.ADMISSIONS, OWNER, W.ADMISSIONS, MEDIUM, HIGH,
        title="National ID field should be optional for international applicants",
        description=(
            "International applicants cannot submit the admission form for {programme} "
            "because the national ID field is mandatory."
        ),
        action_attempted="Tried to submit a test application as an international applicant.",
        error_seen="National ID is required.",
        operational_impact="Applications from abroad are stuck at the last step.",
        details={
            "area": "form",
            "current_behaviour": "National ID is mandatory for everyone.",
            "wanted_behaviour": "Mandatory for domestic applicants; passport number otherwise.",
        },
        resolution=(
            "The admission form now asks for a passport number instead of the national ID "
            "when the applicant's nationality is not domestic."
        ),
    ),
    TicketText(
        Category.CONFIGURATION, M.HR, OWNER, W.OTHER, LOW, LOW,
        title="Leave approval should skip the head of department for office staff",
        description=(
            "Leave requests from the principal's office staff go to a head of department "
            "who is not their manager. They should go straight to the office manager."
        ),
        action_attempted="",
        error_seen="",
        operational_impact="Leave approvals wait for days.",
        details={
            "area": "workflow",
            "current_behaviour": "All leave goes to the head of department first.",
            "wanted_behaviour": "Office staff leave goes to the office manager only.",
        },
        resolution="Leave for the office staff group now routes to the office manager.",
    ),
)  # fmt: skip
