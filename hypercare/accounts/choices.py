from django.db import models


class Role(models.TextChoices):
    """Every role a person can hold. A person may hold several."""

    # Institution side: the holder belongs to one institution.
    REQUESTER = "requester", "Requester"
    KEY_USER = "key_user", "Key user"
    MODULE_OWNER = "module_owner", "Module owner"
    DATA_OWNER = "data_owner", "Data owner"
    APPROVAL_OWNER = "approval_owner", "Approval owner"
    INSTITUTION_ADMIN = "institution_admin", "Institution admin"
    INTEGRATION_CONTACT = "integration_contact", "Integration contact"
    # Support side: the holder works for the desk and belongs to no institution.
    TIER1 = "tier1", "Tier 1 analyst"
    TIER2 = "tier2", "Tier 2 consultant"
    TIER3 = "tier3", "Tier 3 engineer"
    ESCALATION_MANAGER = "escalation_manager", "Escalation manager"
    SUPPORT_MANAGER = "support_manager", "Support manager"
    ADMIN = "admin", "System admin"


INSTITUTION_ROLES = frozenset(
    {
        Role.REQUESTER,
        Role.KEY_USER,
        Role.MODULE_OWNER,
        Role.DATA_OWNER,
        Role.APPROVAL_OWNER,
        Role.INSTITUTION_ADMIN,
        Role.INTEGRATION_CONTACT,
    }
)
SUPPORT_ROLES = frozenset(set(Role) - INSTITUTION_ROLES)


class WorkArea(models.TextChoices):
    """Where an institution's person works, in the words knowledge articles are written
    for. Their ERP role is free text ("Fee clerk", "Exams administrator"); this is the
    controlled set an article's audience names."""

    ACCOUNTS = "accounts", "Accounts staff"
    EXAM_CELL = "exam_cell", "Exam cell"
    FACULTY = "faculty", "Faculty"
    HR = "hr", "HR and payroll staff"
    ADMISSIONS = "admissions", "Admissions office"
    LIBRARY = "library", "Library staff"
