from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member of the unit. What they may do comes from their role (a group)."""

    # The secret in a person's calendar feed address (calendar apps cannot sign in).
    calendar_token = models.CharField(max_length=43, unique=True, null=True, blank=True)

    class Meta:
        permissions = [
            ("view_unit_dashboards", "Can view the unit's dashboards and annual report"),
            ("import_returns", "Can import and export DfE returns"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_names(self) -> list[str]:
        return [g.name for g in self.groups.all()]


def return_year_field():
    """Which DfE return a row was last loaded from: later returns win (core.returns)."""
    return models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Collection year of the DfE return this row was last loaded from "
        "(2024 means 2024-25); empty when entered in Oversight.",
    )


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class DeadlineDigest(models.Model):
    """One person's nightly alert for one day: recorded before it is sent, sent once.

    The unique (recipient, for_date) row is the guard that makes a rerun, a retry or a
    second beat process send nothing twice; `sent_at` stays empty until the mail server
    has accepted the message, so a failure is retried and shown to administrators.
    """

    recipient = models.ForeignKey(
        "core.User", on_delete=models.CASCADE, related_name="deadline_digests"
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
        ordering = ["-for_date", "recipient"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "for_date"], name="one_digest_a_day")
        ]
        indexes = [
            # Read by core.tasks.deadline_alerts_send to catch up on anything unsent.
            models.Index(
                fields=["for_date"], condition=models.Q(sent_at__isnull=True), name="unsent_digest"
            )
        ]

    def __str__(self) -> str:
        return f"Deadline alert for {self.recipient} on {self.for_date}"


class PopulationEstimate(models.Model):
    """The council's 0-17 population for a reporting year, entered by an administrator.

    Rates per 10,000 children use it. Which mid-year estimate DfE pairs with each 31 March
    is not confirmed, so the estimate's own year is stored beside it.
    """

    year = models.PositiveSmallIntegerField(
        unique=True, help_text="Reporting year: 2024 means 2024-25 (rates at 31 March 2025)."
    )
    children_0_to_17 = models.PositiveIntegerField()
    source = models.CharField(
        max_length=120, blank=True, help_text="e.g. ONS mid-2023 estimate, Census 2021 based."
    )

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}: {self.children_0_to_17:,} children"


class Benchmark(models.Model):
    """A comparator's value for one indicator and year: region, statistical neighbours,
    England. Entered by an administrator and shown beside the council's own figure."""

    class Comparator(models.TextChoices):
        REGION = "region", "Region"
        STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours"
        ENGLAND = "england", "England"

    indicator = models.CharField(max_length=80, help_text="The figure's key, e.g. lac_rate.")
    year = models.PositiveSmallIntegerField()
    comparator = models.CharField(max_length=30, choices=Comparator.choices)
    value = models.DecimalField(max_digits=8, decimal_places=1)

    class Meta:
        ordering = ["indicator", "-year", "comparator"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "comparator"], name="one_benchmark_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year} {self.get_comparator_display()}: {self.value}"
