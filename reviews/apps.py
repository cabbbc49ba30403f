from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Looked after"

    def ready(self) -> None:
        from core.meetings import meeting_providers
        from core.record import child_record_sections
        from reviews.selectors import booked_reviews_between, looked_after_section

        meeting_providers.register(booked_reviews_between)
        child_record_sections.register(looked_after_section)
