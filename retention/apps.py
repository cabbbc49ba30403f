from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """How long a child's records are kept, and the nightly job that anonymises them."""

    name = "retention"
    verbose_name = "Retention"
