from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """The figure catalogue, the annual report and the Head of Service's dashboards."""

    name = "reporting"
    verbose_name = "Reporting"
