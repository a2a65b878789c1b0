from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('corrections', '0003_earlier_voids_were_record_changes'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='signoff',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('void_reason', ''), ('voided_at__isnull', True)), models.Q(('voided_at__isnull', False), models.Q(('void_reason', ''), _negated=True)), _connector='OR'), name='sign_off_void_with_its_reason'),
        ),
    ]
