"""Indexes that hold priority, so a queue's page of keys is sorted from the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("tickets", "0006_accent_insensitive_search")]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["team", "status", "priority", "created_at"], name="ticket_team_queue"
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["status", "priority", "created_at"], name="ticket_status_queue"
            ),
        ),
    ]
