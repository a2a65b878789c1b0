import pytest
from django.db import connection


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a():
    data = getattr(connection, "_test_serialized_contents", None)
    print(
        "HAS",
        data is not None,
        data and data.count("notifications.notificationtemplate"),
        data and len(data),
    )
    from hypercare.notifications.models import NotificationTemplate

    print("COUNT", NotificationTemplate.objects.count())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_b():
    from hypercare.notifications.models import NotificationTemplate

    print("COUNT B", NotificationTemplate.objects.count())
