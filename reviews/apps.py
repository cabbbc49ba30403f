from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Looked after"

    def ready(self) -> None:
        from core.meetings import meeting_providers
        from core.record import child_record_sections
        from iro.restricted import child_lookups_register
        from reviews.selectors import booked_reviews_between, looked_after_section

        meeting_providers.register(booked_reviews_between)
        child_record_sections.register(looked_after_section)
        # Pages numbered by a review, an invitation, a decision, a contact or an episode
        # are the child's record: a restricted one asks why first (iro.restricted).
        child_lookups_register(
            "reviews",
            {
                "review_pk": "lac_reviews__pk",
                "invitation_pk": "lac_reviews__invitations__pk",
                "decision_pk": "lac_reviews__decisions__pk",
                "contact_pk": "iro_contacts__pk",
                "episode_pk": "episodes__pk",
            },
        )
