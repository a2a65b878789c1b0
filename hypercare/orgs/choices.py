from django.db import models


class Phase(models.TextChoices):
    HYPERCARE = "hypercare", "Hypercare"
    STEADY_STATE = "steady_state", "Steady state"


class UnknownSenders(models.TextChoices):
    """What mail from an unknown address of one of the institution's domains becomes."""

    HOLD = "hold", "Hold it for review"
    CREATE_REQUESTER = "create_requester", "Create a requester for the sender"


class ModuleCode(models.TextChoices):
    """The ERP modules every institution is seeded with."""

    FINANCE = "finance", "Finance/Accounts"
    FEES = "fees", "Fees"
    ADMISSIONS = "admissions", "Admissions"
    EXAMS = "exams", "Exams"
    HR = "hr", "HR"
    PAYROLL = "payroll", "Payroll"
    LIBRARY = "library", "Library"
    ATTENDANCE = "attendance", "Attendance"
    LMS = "lms", "LMS"
    HOSTEL = "hostel", "Hostel"
    TRANSPORT = "transport", "Transport"
    REPORTS = "reports", "Reports"


class IntegrationKind(models.TextChoices):
    PAYMENT = "payment", "Payment gateway"
    SMS = "sms", "SMS"
    EMAIL = "email", "Email"
    BIOMETRIC = "biometric", "Biometric attendance"
    LMS = "lms", "LMS"
    EXPORT_SYNC = "export_sync", "Export sync"


class Tier(models.IntegerChoices):
    SELF_SERVICE = 0, "Tier 0 · self-service"
    SERVICE_DESK = 1, "Tier 1 · service desk"
    FUNCTIONAL = 2, "Tier 2 · functional"
    TECHNICAL = 3, "Tier 3 · technical"


class AutoAssignment(models.TextChoices):
    """How a team hands a ticket that enters its queue to one of its members."""

    OFF = "off", "Off: members take tickets from the queue"
    ROUND_ROBIN = "round_robin", "Round robin"
    LEAST_OPEN_WORK = "least_open_work", "Least open work"


class TimeEntryRule(models.TextChoices):
    """Whether a team's staff enter the minutes a reply or note took."""

    OFF = "off", "Off: no time is entered"
    OPTIONAL = "optional", "Optional"
    REQUIRED = "required", "Required on every reply and note"
