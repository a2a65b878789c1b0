from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "hypercare.security"
    verbose_name = "Sign-in security"

    def ready(self) -> None:
        # Django's sign-in and sign-out signals are the one place every way of signing in
        # (password, second factor, single sign-on, the test client) passes through.
        from hypercare.security import receivers  # noqa: F401
