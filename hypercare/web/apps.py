from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hypercare.web"
    verbose_name = "Web desk"
