from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "hypercare.tickets"
    verbose_name = "Tickets"
