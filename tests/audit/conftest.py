from typing import Any

import pytest
from django.db.models import Model

from hypercare.accounts.choices import Role
from hypercare.accounts.models import User
from hypercare.audit.models import AuditEntry
from tests import factories


@pytest.fixture
def sysadmin(db: None) -> User:
    return factories.user(Role.ADMIN, username="sysadmin", first_name="Sam", last_name="Admin")


@pytest.fixture
def manager(db: None) -> User:
    return factories.agent(Role.SUPPORT_MANAGER, first_name="Meera", last_name="Moss")


def entries_of(record: Model) -> list[AuditEntry]:
    """The audit entries of one record, oldest first."""
    found = AuditEntry.objects.filter(
        record_type=record._meta.label_lower, record_id=str(record.pk)
    )
    return list(found.order_by("at", "pk"))


def steps(record: Model) -> list[tuple[str, str, str, dict[str, Any], dict[str, Any]]]:
    """Each change of ``record`` as (action, who, channel, before, after), oldest first."""
    return [
        (entry.action, entry.who, entry.channel, entry.before, entry.after)
        for entry in entries_of(record)
    ]
