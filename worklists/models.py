"""The nightly digests: recorded once per person per day, sent once."""

from django.conf import settings
from django.db import models


class DeadlineDigest(models.Model):
    """One person's nightly alert for one day: recorded before it is sent, sent once.

    The unique (recipient, for_date) row is the guard that makes a rerun, a retry or a
    second beat process send nothing twice; `sent_at` stays empty until the mail server
    has accepted the message, so a failure is retried and shown to administrators.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deadline_digests"
    )
    for_date = models.DateField()
    role = models.CharField(max_length=20)
    items = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        db_table = "core_deadlinedigest"
        ordering = ["-for_date", "recipient"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "for_date"], name="one_digest_a_day")
        ]
        indexes = [
            # Read by worklists.tasks.deadline_alerts_send to catch up on anything unsent.
            models.Index(
                fields=["for_date"], condition=models.Q(sent_at__isnull=True), name="unsent_digest"
            )
        ]

    def __str__(self) -> str:
        return f"Deadline alert for {self.recipient} on {self.for_date}"
