"""What readers do with articles: deflections (a suggested article solved the problem
before it was reported), views and helpful / not-helpful votes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('knowledge', '0005_kbagent_article_sources'),
        ('orgs', '0004_institution_unknown_senders'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ArticleView',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('viewed_at', models.DateTimeField()),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='views', to='knowledge.article')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-viewed_at', '-pk'],
                'indexes': [models.Index(fields=['article', 'user', 'viewed_at'], name='article_view_recent')],
            },
        ),
        migrations.CreateModel(
            name='ArticleVote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('helpful', models.BooleanField()),
                ('comment', models.TextField(blank=True)),
                ('voted_at', models.DateTimeField()),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='votes', to='knowledge.article')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-voted_at', '-pk'],
                'constraints': [models.UniqueConstraint(fields=('article', 'user'), name='article_vote_unique')],
            },
        ),
        migrations.CreateModel(
            name='Deflection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('module_code', models.CharField(blank=True, choices=[('finance', 'Finance/Accounts'), ('fees', 'Fees'), ('admissions', 'Admissions'), ('exams', 'Exams'), ('hr', 'HR'), ('payroll', 'Payroll'), ('library', 'Library'), ('attendance', 'Attendance'), ('lms', 'LMS'), ('hostel', 'Hostel'), ('transport', 'Transport'), ('reports', 'Reports')], max_length=30)),
                ('query', models.CharField(blank=True, max_length=500)),
                ('at', models.DateTimeField()),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deflections', to='knowledge.article')),
                ('institution', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.institution')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-at', '-pk'],
                'indexes': [models.Index(fields=['article', 'at'], name='deflection_article_at')],
            },
        ),
    ]
