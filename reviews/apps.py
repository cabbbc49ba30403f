from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Looked after"

    def ready(self) -> None:
        from core.meetings import meeting_providers
        from reviews.selectors import booked_reviews_between

        meeting_providers.register(booked_reviews_between)
