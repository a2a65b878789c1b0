from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hypercare.accounts"
    verbose_name = "People, roles and tokens"
