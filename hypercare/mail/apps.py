from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "hypercare.mail"
    verbose_name = "Email"
