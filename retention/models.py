"""The retention job's runs: what each found due and, when applied, what it changed."""

from django.conf import settings
from django.db import models


class RetentionRun(models.Model):
    """One run of the retention job (retention.services.retention_run), a dry run or
    applied. Appended, never changed: it is the record of what was anonymised, when, and
    on whose say. Children are named only by Oversight's internal ids, never by name or
    council ID, so the record itself identifies nobody once they are anonymised."""

    ran_at = models.DateTimeField(auto_now_add=True)
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the nightly job.",
    )
    as_of = models.DateField(help_text="The day whose keeping periods were applied.")
    applied = models.BooleanField(help_text="Anonymised what was due, or only reported it.")
    # {"looked_after": n, "protection_only": n, "on_hold": n, "still_open": n, "uploads": n}
    due = models.JSONField(default=dict, help_text="What was due, per kind.")
    # Rows changed per kind of record when applied ({"children": n, "disputes": n, ...}).
    changed = models.JSONField(default=dict, blank=True)
    child_pks = models.JSONField(
        default=list, help_text="Oversight's internal ids of the children due (no names)."
    )

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self) -> str:
        return f"Retention {'run' if self.applied else 'report'} of {self.as_of}"
