from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('corrections', '0001_correction_records_and_sign_offs'),
    ]

    operations = [
        migrations.AddField(
            model_name='signoff',
            name='void_reason',
            field=models.CharField(blank=True, choices=[('record_changed', 'the correction record changed after it'), ('data_owner_changed', 'another data owner is named')], max_length=20),
        ),
    ]
