from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "protection"
    verbose_name = "Child protection"

    def ready(self) -> None:
        from core.meetings import meeting_providers
        from core.record import child_record_sections
        from protection.record import protection_section
        from protection.selectors import booked_conferences_between

        meeting_providers.register(booked_conferences_between)
        child_record_sections.register(protection_section)
