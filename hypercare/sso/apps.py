from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "hypercare.sso"
    verbose_name = "Single sign-on"
