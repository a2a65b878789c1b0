"""Who is in the demo: the support desk, its teams and rules, and three institutions.

Every role in ``Role`` is held by at least one person; support people belong to no
institution. All demo accounts share one password, printed by ``hypercare demo``.
"""

import datetime as dt
from dataclasses import dataclass

from hypercare.accounts.choices import Role, WorkArea
from hypercare.orgs.choices import IntegrationKind, ModuleCode, Tier
from hypercare.tickets.choices import Category

DEMO_PASSWORD = "hypercare-demo"  # noqa: S105 (printed for everyone to use: it is the demo)
ADMIN_USERNAME = "admin"
SUPPORT_DOMAIN = "erpdesk.example"


@dataclass(frozen=True)
class Person:
    """A demo account. ``persona`` is how ticket texts pick a requester (fees, exams, ...)."""

    username: str
    name: str
    roles: tuple[Role, ...]
    erp_role: str = ""
    persona: str = ""
    owns: tuple[ModuleCode, ...] = ()

    @property
    def work_area(self) -> str:
        return PERSONA_WORK_AREAS.get(self.persona, "")

    @property
    def first_name(self) -> str:
        return self.name.split(" ", 1)[0]

    @property
    def last_name(self) -> str:
        return self.name.split(" ", 1)[1]


@dataclass(frozen=True)
class IntegrationSpec:
    kind: IntegrationKind
    name: str
    provider: str
    contact: str
    contact_email: str
    contact_phone: str


@dataclass(frozen=True)
class Flavour:
    """The words that make an institution's tickets sound like its own."""

    currency: str
    terms: tuple[str, ...]
    programmes: tuple[str, ...]
    departments: tuple[str, ...]
    exams: tuple[str, ...]
    campuses: tuple[str, ...]
    courses: tuple[str, ...]
    newcomers: tuple[str, ...]
    amounts: tuple[int, ...]
    student_id: str
    staff_id: str
    receipt: str


@dataclass(frozen=True)
class InstitutionSpec:
    name: str
    slug: str
    time_zone: str
    go_live_date: dt.date
    domain: str
    people: tuple[Person, ...]
    integrations: tuple[IntegrationSpec, ...]
    flavour: Flavour

    def by_persona(self, persona: str) -> Person:
        return next(person for person in self.people if person.persona == persona)

    def owner_of(self, module: ModuleCode) -> Person:
        return next(person for person in self.people if module in person.owns)


@dataclass(frozen=True)
class TeamSpec:
    """A support team; ``modules`` are the ones whose configuration and data work it takes."""

    name: str
    slug: str
    tier: Tier
    lead: str
    members: tuple[str, ...]
    modules: tuple[ModuleCode, ...] = ()


SUPPORT_PEOPLE = (
    Person("meera.nair", "Meera Nair", (Role.SUPPORT_MANAGER,)),
    Person("daniel.reyes", "Daniel Reyes", (Role.ESCALATION_MANAGER,)),
    Person("tara.singh", "Tara Singh", (Role.TIER1,)),
    Person("owen.hughes", "Owen Hughes", (Role.TIER1,)),
    Person("lucia.gomez", "Lucia Gomez", (Role.TIER1,)),
    Person("arjun.mehta", "Arjun Mehta", (Role.TIER2,)),
    Person("grace.obi", "Grace Obi", (Role.TIER2,)),
    Person("fatima.khan", "Fatima Khan", (Role.TIER2,)),
    Person("liam.walsh", "Liam Walsh", (Role.TIER2,)),
    Person("priya.raman", "Priya Raman", (Role.TIER2,)),
    Person("noah.berg", "Noah Berg", (Role.TIER2,)),
    Person("kenji.sato", "Kenji Sato", (Role.TIER3,)),
    Person("ana.silva", "Ana Silva", (Role.TIER3,)),
)
# The admin is created last: its presence marks a complete load.
ADMIN = Person(ADMIN_USERNAME, "Sam Admin", (Role.ADMIN,))

SERVICE_DESK = TeamSpec(
    "Service Desk", "service-desk", Tier.SERVICE_DESK, "tara.singh", ("owen.hughes", "lucia.gomez")
)
ENGINEERING = TeamSpec(
    "Platform Engineering", "platform-engineering", Tier.TECHNICAL, "kenji.sato", ("ana.silva",)
)
FUNCTIONAL_TEAMS = (
    TeamSpec(
        "Finance & Fees",
        "finance-fees",
        Tier.FUNCTIONAL,
        "arjun.mehta",
        ("grace.obi",),
        (
            ModuleCode.FINANCE,
            ModuleCode.FEES,
            ModuleCode.HOSTEL,
            ModuleCode.TRANSPORT,
            ModuleCode.REPORTS,
        ),
    ),
    TeamSpec(
        "Academics & Exams",
        "academics-exams",
        Tier.FUNCTIONAL,
        "fatima.khan",
        ("liam.walsh",),
        (
            ModuleCode.ADMISSIONS,
            ModuleCode.EXAMS,
            ModuleCode.ATTENDANCE,
            ModuleCode.LMS,
            ModuleCode.LIBRARY,
        ),
    ),
    TeamSpec(
        "HR & Payroll",
        "hr-payroll",
        Tier.FUNCTIONAL,
        "priya.raman",
        ("noah.berg",),
        (ModuleCode.HR, ModuleCode.PAYROLL),
    ),
)
TEAMS = (SERVICE_DESK, *FUNCTIONAL_TEAMS, ENGINEERING)
# Categories a functional team takes straight from intake for its modules.
FUNCTIONAL_CATEGORIES = (Category.CONFIGURATION, Category.DATA_CORRECTION)
# Categories that go straight to engineering, whatever the module.
ENGINEERING_CATEGORIES = (Category.INTEGRATION, Category.ENHANCEMENT)

FINANCE_SIDE = (
    ModuleCode.FINANCE,
    ModuleCode.FEES,
    ModuleCode.REPORTS,
    ModuleCode.HOSTEL,
    ModuleCode.TRANSPORT,
)
ACADEMIC_SIDE = (
    ModuleCode.EXAMS,
    ModuleCode.ADMISSIONS,
    ModuleCode.ATTENDANCE,
    ModuleCode.LMS,
    ModuleCode.LIBRARY,
)
PEOPLE_SIDE = (ModuleCode.HR, ModuleCode.PAYROLL)
# Every institution has the same cast of personas: their roles and the modules they own.
PERSONAS: dict[str, tuple[tuple[Role, ...], tuple[ModuleCode, ...]]] = {
    "admin": ((Role.INSTITUTION_ADMIN,), ()),
    "key_user": ((Role.KEY_USER, Role.REQUESTER), ()),
    "owner_finance": ((Role.MODULE_OWNER, Role.REQUESTER), FINANCE_SIDE),
    "owner_academic": ((Role.MODULE_OWNER, Role.REQUESTER), ACADEMIC_SIDE),
    "owner_people": ((Role.MODULE_OWNER, Role.REQUESTER), PEOPLE_SIDE),
    "data_owner": ((Role.DATA_OWNER,), ()),
    "approval": ((Role.APPROVAL_OWNER,), ()),
    "integration": ((Role.INTEGRATION_CONTACT, Role.REQUESTER), ()),
    "fees": ((Role.REQUESTER,), ()),
    "exams": ((Role.REQUESTER,), ()),
    "hr": ((Role.REQUESTER,), ()),
    "faculty": ((Role.REQUESTER,), ()),
}

# Which knowledge articles are written for each persona, besides everyone's.
PERSONA_WORK_AREAS: dict[str, WorkArea] = {
    "owner_finance": WorkArea.ACCOUNTS,
    "fees": WorkArea.ACCOUNTS,
    "owner_academic": WorkArea.EXAM_CELL,
    "exams": WorkArea.EXAM_CELL,
    "owner_people": WorkArea.HR,
    "hr": WorkArea.HR,
    "faculty": WorkArea.FACULTY,
}


def _cast(rows: list[tuple[str, str, str, str]]) -> tuple[Person, ...]:
    """People from (persona, username, name, ERP role) rows."""
    return tuple(
        Person(username, name, PERSONAS[persona][0], erp_role, persona, PERSONAS[persona][1])
        for persona, username, name, erp_role in rows
    )


# fmt: off
SAHYADRI_INTEGRATIONS = (
    IntegrationSpec(IntegrationKind.PAYMENT, "Razorpay fee collection", "Razorpay",
                    "Nikhil Bansal", "nikhil.bansal@razorpay.example", "+91 80 4611 0000"),
    IntegrationSpec(IntegrationKind.SMS, "MSG91 SMS alerts", "MSG91",
                    "Ritu Sharma", "support@msg91.example", "+91 731 467 0000"),
    IntegrationSpec(IntegrationKind.EMAIL, "Google Workspace mail relay", "Google",
                    "Workspace support", "workspace-support@google.example", ""),
    IntegrationSpec(IntegrationKind.BIOMETRIC, "eSSL attendance devices", "eSSL Security",
                    "Manoj Kumar", "service@essl.example", "+91 80 4854 0000"),
    IntegrationSpec(IntegrationKind.LMS, "Moodle LMS", "Moodle (self-hosted)",
                    "Moodle partner desk", "support@moodle-partner.example", ""),
    IntegrationSpec(IntegrationKind.EXPORT_SYNC, "Tally accounts export", "Tally Solutions",
                    "Deepa Raghavan", "partner@tally.example", "+91 80 6665 0000"),
)
# fmt: on

SAHYADRI = InstitutionSpec(
    name="Sahyadri University",
    slug="sahyadri",
    time_zone="Asia/Kolkata",
    go_live_date=dt.date(2026, 9, 7),
    domain="sahyadri-university.example",
    people=_cast(
        [
            ("admin", "vikram.deshpande", "Vikram Deshpande", "ERP coordinator"),
            ("key_user", "sneha.patil", "Sneha Patil", "ERP super-user, Accounts"),
            ("owner_finance", "rajesh.kulkarni", "Rajesh Kulkarni", "Finance Officer"),
            ("owner_academic", "meenakshi.rao", "Meenakshi Rao", "Controller of Examinations"),
            ("owner_people", "suresh.joshi", "Suresh Joshi", "Registrar"),
            ("data_owner", "kavita.shah", "Kavita Shah", "Deputy Registrar, Academic records"),
            ("approval", "anil.gupta", "Anil Gupta", "Dean of Administration"),
            ("integration", "farhan.sheikh", "Farhan Sheikh", "IT systems engineer"),
            ("fees", "ananya.iyer", "Ananya Iyer", "Fee clerk"),
            ("exams", "rohit.verma", "Rohit Verma", "Exam cell assistant"),
            ("hr", "pooja.nair", "Pooja Nair", "HR executive"),
            ("faculty", "sanjay.menon", "Sanjay Menon", "Professor, Mechanical Engineering"),
        ]
    ),
    integrations=SAHYADRI_INTEGRATIONS,
    flavour=Flavour(
        currency="₹",
        terms=("Semester 1", "Semester 3", "Semester 5", "odd semester 2026-27"),
        programmes=("B.Tech Computer Engineering", "MBA", "B.Com", "M.Sc Physics", "BBA"),
        departments=("Mechanical Engineering", "Computer Engineering", "Commerce", "Physics"),
        exams=("mid-semester examinations", "end-semester examinations", "supplementary exams"),
        campuses=("Pune main campus", "Lonavala campus"),
        courses=("ME301 Thermodynamics", "CE205 Data Structures", "BC102 Financial Accounting"),
        newcomers=("Dr. Aditi Kulkarni", "Prof. Mahesh Pawar", "Dr. Nandini Rao"),
        amounts=(4_800, 12_500, 18_750, 26_400, 45_000, 62_000),
        student_id="SU2024{n:04d}",
        staff_id="SUEMP{n:04d}",
        receipt="FR/2026-27/{n:06d}",
    ),
)

# fmt: off
KINGSBRIDGE_INTEGRATIONS = (
    IntegrationSpec(IntegrationKind.PAYMENT, "WPM course payments", "WPM Education",
                    "Gemma Holt", "support@wpm.example", "+44 1293 000000"),
    IntegrationSpec(IntegrationKind.SMS, "Textlocal SMS", "Textlocal",
                    "Textlocal support", "support@textlocal.example", "+44 1244 000000"),
    IntegrationSpec(IntegrationKind.EMAIL, "Microsoft 365 mail", "Microsoft",
                    "Microsoft 365 support", "m365-support@microsoft.example", ""),
    IntegrationSpec(IntegrationKind.BIOMETRIC, "ZKTeco staff clocking", "ZKTeco",
                    "Paul Reid", "service@zkteco.example", "+44 20 0000 0000"),
    IntegrationSpec(IntegrationKind.LMS, "Canvas LMS roster sync", "Instructure",
                    "Canvas support", "support@instructure.example", ""),
    IntegrationSpec(IntegrationKind.EXPORT_SYNC, "ILR funding return export", "ESFA",
                    "Rachel Evans", "rachel.evans@kingsbridge-college.example", ""),
)
# fmt: on

KINGSBRIDGE = InstitutionSpec(
    name="Kingsbridge College",
    slug="kingsbridge",
    time_zone="Europe/London",
    go_live_date=dt.date(2026, 9, 14),
    domain="kingsbridge-college.example",
    people=_cast(
        [
            ("admin", "helen.carter", "Helen Carter", "MIS manager"),
            ("key_user", "james.whitfield", "James Whitfield", "MIS officer (super-user)"),
            ("owner_finance", "sarah.bennett", "Sarah Bennett", "Head of Finance"),
            ("owner_academic", "david.price", "David Price", "Exams officer"),
            ("owner_people", "claire.morgan", "Claire Morgan", "HR manager"),
            ("data_owner", "rachel.evans", "Rachel Evans", "Data and funding manager"),
            ("approval", "tom.fletcher", "Tom Fletcher", "Deputy Principal, Resources"),
            ("integration", "ben.ashworth", "Ben Ashworth", "Network and systems manager"),
            ("fees", "emma.lloyd", "Emma Lloyd", "Finance assistant"),
            ("exams", "oliver.grant", "Oliver Grant", "Exams administrator"),
            ("hr", "sophie.turner", "Sophie Turner", "Payroll officer"),
            ("faculty", "mark.jennings", "Mark Jennings", "Lecturer, Engineering"),
        ]
    ),
    integrations=KINGSBRIDGE_INTEGRATIONS,
    flavour=Flavour(
        currency="£",
        terms=("autumn term", "spring term", "2026/27 academic year"),
        programmes=(
            "BTEC Level 3 Engineering",
            "A-level Biology",
            "HND Business",
            "Access to HE Nursing",
        ),
        departments=("Engineering", "Health and Social Care", "Business", "Science"),
        exams=("November resits", "mock exams", "January BTEC external assessments"),
        campuses=("Riverside campus", "Northgate campus"),
        courses=("ENG3-01 Mechanical Principles", "BIO-A2 Biology", "BUS-HND Management"),
        newcomers=("Dr. Laura Simmons", "Mr. Ian Cooper", "Ms. Priya Shah"),
        amounts=(85, 240, 495, 1_250, 2_600, 4_750),
        student_id="KC{n:06d}",
        staff_id="KCS{n:04d}",
        receipt="KC-REC-{n:06d}",
    ),
)

# fmt: off
LAKESHORE_INTEGRATIONS = (
    IntegrationSpec(IntegrationKind.PAYMENT, "Stripe tuition and fee payments", "Stripe",
                    "Stripe support", "support@stripe.example", ""),
    IntegrationSpec(IntegrationKind.SMS, "Twilio parent notifications", "Twilio",
                    "Twilio support", "help@twilio.example", "+1 415 000 0000"),
    IntegrationSpec(IntegrationKind.EMAIL, "SendGrid school email", "SendGrid",
                    "SendGrid support", "support@sendgrid.example", ""),
    IntegrationSpec(IntegrationKind.BIOMETRIC, "Suprema staff time clocks", "Suprema",
                    "Alex Turner", "service@suprema.example", "+1 312 000 0000"),
    IntegrationSpec(IntegrationKind.LMS, "Schoology roster sync", "PowerSchool",
                    "Schoology support", "support@schoology.example", ""),
    IntegrationSpec(IntegrationKind.EXPORT_SYNC, "State reporting export (Ed-Fi)",
                    "State education agency", "Steven Wright",
                    "steven.wright@lakeshore-schools.example", ""),
)
# fmt: on

LAKESHORE = InstitutionSpec(
    name="Lakeshore Schools Group",
    slug="lakeshore",
    time_zone="America/Chicago",
    go_live_date=dt.date(2026, 8, 10),
    domain="lakeshore-schools.example",
    people=_cast(
        [
            ("admin", "karen.mitchell", "Karen Mitchell", "Director of Technology"),
            ("key_user", "brian.foster", "Brian Foster", "SIS coordinator"),
            ("owner_finance", "linda.hayes", "Linda Hayes", "Business manager"),
            ("owner_academic", "marcus.reed", "Marcus Reed", "Registrar and testing coordinator"),
            ("owner_people", "angela.brooks", "Angela Brooks", "HR director"),
            ("data_owner", "steven.wright", "Steven Wright", "Data manager"),
            ("approval", "patricia.young", "Patricia Young", "Assistant superintendent"),
            ("integration", "kevin.nguyen", "Kevin Nguyen", "Systems administrator"),
            ("fees", "maria.garcia", "Maria Garcia", "Bookkeeper"),
            ("exams", "jason.kim", "Jason Kim", "School counselor"),
            ("hr", "rebecca.hall", "Rebecca Hall", "Payroll specialist"),
            ("faculty", "david.ortiz", "David Ortiz", "Teacher, Grade 10 Chemistry"),
        ]
    ),
    integrations=LAKESHORE_INTEGRATIONS,
    flavour=Flavour(
        currency="$",
        terms=("fall semester", "first quarter", "2026-27 school year"),
        programmes=("Grade 9", "Grade 10", "Grade 11 AP track", "Grade 12"),
        departments=("Science", "Mathematics", "English", "Special Education"),
        exams=("fall midterms", "state benchmark assessments", "AP practice exams"),
        campuses=("Lakeshore North High", "Lakeshore South Middle", "Harbor Elementary"),
        courses=("CHEM-10 Chemistry", "ALG-2 Algebra II", "ENG-11 American Literature"),
        newcomers=("Ms. Rachel Adams", "Mr. Carlos Rivera", "Dr. Emily Chen"),
        amounts=(45, 120, 350, 875, 1_400, 3_200),
        student_id="LS{n:06d}",
        staff_id="LSE{n:04d}",
        receipt="LSG-{n:06d}",
    ),
)

INSTITUTIONS = (SAHYADRI, KINGSBRIDGE, LAKESHORE)


@dataclass(frozen=True)
class Account:
    username: str
    roles: str
    institution: str
    password: str


def accounts() -> list[Account]:
    """Every demo sign-in, support side first, as the demo command prints them."""
    rows = [_account(person, "") for person in (ADMIN, *SUPPORT_PEOPLE)]
    for spec in INSTITUTIONS:
        rows.extend(_account(person, spec.name) for person in spec.people)
    return rows


def _account(person: Person, institution: str) -> Account:
    roles = ", ".join(role.label for role in person.roles)
    return Account(person.username, roles, institution or "-", DEMO_PASSWORD)
