"""The child process ``bench.run`` starts for each size: Django first, then the scenario."""

import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hypercare.settings")
    django.setup()
    from bench import scenario  # imports models, which need the app registry set up

    scenario.main()


if __name__ == "__main__":
    main()
