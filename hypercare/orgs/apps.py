from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "hypercare.orgs"
    verbose_name = "Institutions and teams"

    def ready(self) -> None:
        from hypercare import setup_cache
        from hypercare.orgs.models import Module, Team

        setup_cache.track(Module)
        # A team's round-robin turn moves with every ticket it is given, and is read
        # fresh under a row lock anyway: only the columns a routed ticket reads count.
        setup_cache.track(Team, "name", "slug", "tier", "lead", "auto_assignment")
