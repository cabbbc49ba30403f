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


# Returns uploaded in the browser, and the DfE rules run on Oversight's records -----------


class ImportKind(models.TextChoices):
    SSDA903 = "ssda903", "SSDA903 (children looked after)"
    CIN_CENSUS = "cin_census", "CIN census"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Loaded"
    FAILED = "failed", "Not loaded"


def import_file_path(instance: "ImportFile", filename: str) -> str:
    return f"imports/{instance.run_id}/{filename}"


class ImportRun(models.Model):
    """One upload of a return's files, loaded by a Celery task (core.imports), kept after.

    `problems` holds the importer's "FILE, row N, column X: ..." messages when the files
    were refused (nothing was saved); `summary` the added/changed/unchanged counts when
    they were loaded. A run is claimed with a conditional update from queued to running,
    so a retried or repeated task loads nothing twice.
    """

    ALLOWED_TRANSITIONS = {
        ImportStatus.QUEUED: {ImportStatus.RUNNING, ImportStatus.FAILED},
        ImportStatus.RUNNING: {ImportStatus.SUCCEEDED, ImportStatus.FAILED},
        ImportStatus.SUCCEEDED: set(),
        ImportStatus.FAILED: set(),
    }

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="SSDA903: the collection year given (2024 is 2024-25)."
    )
    uploaded_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="import_runs"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # When the task was last handed to the broker; empty while the broker was unreachable.
    # core.tasks.import_runs_resume hands on queued runs left waiting.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    waiting_reason = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.CharField(max_length=300, blank=True)
    progress_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, help_text="An unexpected failure, for administrators.")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [
            # Read every few minutes by core.tasks.import_runs_resume.
            models.Index(
                fields=["uploaded_at"],
                condition=models.Q(status__in=["queued", "running"]),
                name="import_run_unfinished",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} upload {self.pk} ({self.get_status_display().lower()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {ImportStatus.SUCCEEDED, ImportStatus.FAILED}

    @property
    def return_noun(self) -> str:
        return "SSDA903 return" if self.kind == ImportKind.SSDA903 else "CIN census"


class ImportFile(models.Model):
    """A file of an upload, under MEDIA_ROOT/imports/<run>/, with the name it was sent as."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to=import_file_path, max_length=400)
    size = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["run", "name"]
        constraints = [
            models.UniqueConstraint(fields=["run", "name"], name="one_file_name_per_import")
        ]

    def __str__(self) -> str:
        return self.name


class ReturnName(models.TextChoices):
    SSDA903 = "ssda903", "SSDA903"
    CIN = "cin", "CIN census"


class IssueSeverity(models.TextChoices):
    ERROR = "error", "Error"
    QUERY = "query", "Query"


class DataQualityCheck(models.Model):
    """The last time the DfE's rules ran on one return and year, and how it went."""

    class Outcome(models.TextChoices):
        CHECKED = "checked", "Checked"
        NOT_INSTALLED = "not_installed", "The DfE rules are not installed"
        FAILED = "failed", "The check could not run"

    return_name = models.CharField(max_length=10, choices=ReturnName.choices)
    year = models.PositiveSmallIntegerField(help_text="2024 means 2024-25.")
    checked_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    message = models.TextField(blank=True)
    issue_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["return_name", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["return_name", "year"], name="one_check_per_return_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_return_name_display()} {self.year}: {self.get_outcome_display()}"


class DataQualityIssue(models.Model):
    """One finding of a DfE rule about one child (or the return as a whole) in a year.

    A check replaces every issue of its return and year at once; an issue found again
    keeps the time it was first found.
    """

    return_name = models.CharField(max_length=10, choices=ReturnName.choices)
    year = models.PositiveSmallIntegerField()
    child = models.ForeignKey(
        "iro.Child",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="data_quality_issues",
    )
    # The child's ID as the return gives it; blank for a finding about the whole return.
    child_ref = models.CharField(max_length=20, blank=True)
    rule = models.CharField(max_length=20)
    severity = models.CharField(
        max_length=10, choices=IssueSeverity.choices, default=IssueSeverity.ERROR
    )
    description = models.TextField()
    fields = models.JSONField(default=list)
    table = models.CharField(max_length=40, blank=True)
    # The affected values of the row, e.g. "REVIEW 21/05/2024, REVIEW_CODE PN0".
    values = models.CharField(max_length=500, blank=True)
    found_at = models.DateTimeField()

    class Meta:
        ordering = ["return_name", "-year", "child_ref", "rule", "pk"]
        indexes = [
            models.Index(fields=["return_name", "year", "child_ref"], name="issue_by_return"),
            models.Index(fields=["child", "return_name"], name="issue_by_child"),
        ]

    def __str__(self) -> str:
        return f"{self.get_return_name_display()} rule {self.rule}: {self.child_ref or 'return'}"

    @property
    def fields_text(self) -> str:
        return ", ".join(self.fields)

    @property
    def year_label(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"
