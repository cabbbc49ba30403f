from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic council, benchmarks and screenshots."""

    name = "demo"
    verbose_name = "Demo"
