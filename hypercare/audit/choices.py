from django.db import models


class Action(models.TextChoices):
    """What happened to a configuration record. Role grants read as granted and revoked
    rather than created and deleted: the words of an access review."""

    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"
    GRANTED = "granted", "Granted"
    REVOKED = "revoked", "Revoked"


class Channel(models.TextChoices):
    """Which door a change came through. Outside any request it is the shell: a
    management command, ``hypercare manage shell``, a job."""

    WEB = "web", "Desk pages"
    ADMIN = "admin", "Django admin"
    API = "api", "API"
    SHELL = "shell", "Shell"


class Area(models.TextChoices):
    """The parts of the desk's configuration, as the audit page filters them."""

    ROUTING = "routing", "Routing rules"
    SLA = "sla", "SLA policies and targets"
    CALENDARS = "calendars", "Calendars and holidays"
    TEAMS = "teams", "Teams and memberships"
    ROLES = "roles", "Role grants"
    TEMPLATES = "templates", "Templates"
    MAIL = "mail", "Mailboxes and mail domains"
    EXIT_GATES = "exit_gates", "Exit criteria"
    ESCALATION_RULES = "escalation_rules", "Escalation rules"
    INSTITUTIONS = "institutions", "Institutions, modules and integrations"
    TAGS = "tags", "Ticket tags"
