"""DfE returns: uploads and their runs, the rows kept to write a return back, and the
findings of the DfE's rules."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from simple_history.models import HistoricalRecords

from core.codes import choices_check
from core.models import TimeStampedModel
from iro.models import Child

# Returns uploaded in the browser, and the DfE rules run on Oversight's records -----------


class ImportKind(models.TextChoices):
    SSDA903 = "ssda903", "SSDA903 (children looked after)"
    CIN_CENSUS = "cin_census", "CIN census"
    # Uploaded from the imports page; loaded by returns.ssd.importer, which keeps what it
    # changed as an SsdImportRun (the nightly load from OVERSIGHT_SSD_FOLDER keeps one too).
    SSD_EXTRACT = "ssd_extract", "SSD extract (Standard Safeguarding Dataset)"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Loaded"
    FAILED = "failed", "Not loaded"
    # The return would remove more records than OVERSIGHT_IMPORT_REMOVAL_CONFIRM_ABOVE:
    # nothing is loaded until someone who loads returns confirms, or discards it.
    AWAITING_CONFIRMATION = "awaiting", "Awaiting confirmation"
    DISCARDED = "discarded", "Discarded"


def import_file_path(instance: "ImportFile", filename: str) -> str:
    return f"imports/{instance.run_id}/{filename}"


class ImportRun(models.Model):
    """One upload of a return's files, loaded by a Celery task (returns.imports), kept after.

    `problems` holds the importer's "FILE, row N, column X: ..." messages when the files
    were refused (nothing was saved); `summary` the added/changed/unchanged counts when
    they were loaded. A run is claimed with a conditional update from queued to running,
    so a retried or repeated task loads nothing twice.

    A load that would remove more records than the council allows without a person's word
    is rolled back and kept awaiting confirmation, `removals` saying what it would remove;
    `decided_by` confirmed (it is queued again, allowed that many) or discarded it.
    A running load's worker writes `heartbeat_at` every few seconds; a run whose heartbeat
    has stopped is failed by returns.tasks.import_runs_resume, and can be tried again
    from its kept files as a new run (`retry_of`).
    """

    ALLOWED_TRANSITIONS = {
        ImportStatus.QUEUED: {ImportStatus.RUNNING, ImportStatus.FAILED},
        ImportStatus.RUNNING: {
            ImportStatus.SUCCEEDED,
            ImportStatus.FAILED,
            ImportStatus.AWAITING_CONFIRMATION,
        },
        ImportStatus.AWAITING_CONFIRMATION: {ImportStatus.QUEUED, ImportStatus.DISCARDED},
        ImportStatus.SUCCEEDED: set(),
        ImportStatus.FAILED: set(),
        ImportStatus.DISCARDED: set(),
    }

    kind = models.CharField(max_length=20, choices=ImportKind)
    status = models.CharField(max_length=20, choices=ImportStatus, default=ImportStatus.QUEUED)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="SSDA903: the collection year given (2024 is 2024-25)."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_runs"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # When the task was last handed to the broker; empty while the broker was unreachable.
    # returns.tasks.import_runs_resume hands on queued runs left waiting.
    dispatched_at = models.DateTimeField(null=True, blank=True)
    waiting_reason = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written by the worker while it loads (returns.imports._Heartbeat); read by
    # import_runs_resume to fail a run whose worker was killed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.CharField(max_length=300, blank=True)
    progress_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, help_text="An unexpected failure, for administrators.")
    removals = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the return would remove: counts per kind of record and the children.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_runs_decided",
        help_text="Who confirmed or discarded the removals.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Set when the stored files were deleted (returns.uploads.upload_files_delete, the
    # retention schedule); the run, its summary and its problems are kept.
    files_deleted_at = models.DateTimeField(null=True, blank=True)
    retry_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retries",
        help_text="The stopped upload whose files this run loads again.",
    )

    class Meta:
        db_table = "core_importrun"
        ordering = ["-uploaded_at", "-pk"]
        indexes = [
            # Read every few minutes by returns.tasks.import_runs_resume.
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
        return self.status in {ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.DISCARDED}

    @property
    def is_awaiting_confirmation(self) -> bool:
        return self.status == ImportStatus.AWAITING_CONFIRMATION

    @property
    def is_moving(self) -> bool:
        """Whether the worker has it (waiting or loading): its page follows it."""
        return self.status in {ImportStatus.QUEUED, ImportStatus.RUNNING}

    @property
    def removals_confirmed(self) -> int | None:
        """How many removals a person has allowed this run, or None if no one has."""
        if self.decided_at is None or self.status == ImportStatus.DISCARDED:
            return None
        return sum(n for _, n in self.removals.get("counts", []))

    @property
    def stopped(self) -> bool:
        """Failed for a reason of the machine's, not the files': trying again may load it."""
        return self.status == ImportStatus.FAILED and bool(self.error)

    @property
    def return_noun(self) -> str:
        return {
            ImportKind.SSDA903: "SSDA903 return",
            ImportKind.CIN_CENSUS: "CIN census",
            ImportKind.SSD_EXTRACT: "SSD extract",
        }.get(self.kind, "upload")


class ImportFile(models.Model):
    """A file of an upload, under MEDIA_ROOT/imports/<run>/, with the name it was sent as."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to=import_file_path, max_length=400)
    size = models.PositiveBigIntegerField()

    class Meta:
        db_table = "core_importfile"
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

    return_name = models.CharField(max_length=10, choices=ReturnName)
    year = models.PositiveSmallIntegerField(help_text="2024 means 2024-25.")
    checked_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    message = models.TextField(blank=True)
    issue_count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "core_dataqualitycheck"
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

    return_name = models.CharField(max_length=10, choices=ReturnName)
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
    severity = models.CharField(max_length=10, choices=IssueSeverity, default=IssueSeverity.ERROR)
    description = models.TextField()
    fields = models.JSONField(default=list)
    table = models.CharField(max_length=40, blank=True)
    # The affected values of the row, e.g. "REVIEW 21/05/2024, REVIEW_CODE PN0".
    values = models.CharField(max_length=500, blank=True)
    found_at = models.DateTimeField()

    class Meta:
        db_table = "core_dataqualityissue"
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


class ReturnTable(models.TextChoices):
    """The tables of the SSDA903 return (csc-validator-be-903 `config.py` names)."""

    HEADER = "Header"
    EPISODES = "Episodes"
    REVIEWS = "Reviews"
    UASC = "UASC"
    OC2 = "OC2"
    OC3 = "OC3"
    AD1 = "AD1"
    PLACED_ADOPTION = "PlacedAdoption"
    PREV_PERM = "PrevPerm"
    MISSING = "Missing"
    SW_EPISODES = "SWEpisodes"
    DOLO = "DoLo"


class ReturnRow(models.Model):
    """One row of an SSDA903 return as it was loaded, kept per child and collection year.

    Oversight's own records (children, episodes, reviews, adoption decisions) are derived
    from every year on file, so the order years are loaded in never matters; the export
    reads the tables Oversight does not model (UASC, OC2, OC3, AD1, PrevPerm, Missing,
    SWEpisodes, DoLo) and the header's yearly values (UPN, MOTHER, MC_DOB) from here.
    Loading a year again replaces that year's rows.
    """

    Table = ReturnTable

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="return_rows")
    year = models.PositiveSmallIntegerField(help_text="Collection year: 2024 means 2024-25.")
    table = models.CharField(max_length=14, choices=Table.choices)
    position = models.PositiveIntegerField(help_text="Row in the file; the column names are 1.")
    values = models.JSONField(help_text="Every column but CHILD, as the text in the file.")

    class Meta:
        db_table = "reviews_returnrow"
        ordering = ["year", "table", "position"]
        constraints = [choices_check("table", ReturnTable, name="reviews_returnrow_table_valid")]
        indexes = [models.Index(fields=["year", "table"], name="return_row_year_table")]

    def __str__(self) -> str:
        return f"{self.child.child_id} {self.table} {self.year} row {self.position}"


class CinCensusReturn(TimeStampedModel):
    """A year's CIN census as last imported: which council sent it, from which file."""

    return_year = models.PositiveSmallIntegerField(
        unique=True, help_text="Collection year (2024 means 2024-25, reference date 31 March 2025)."
    )
    la_code = models.CharField("LA code", max_length=3, blank=True)
    file_name = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = "protection_cincensusreturn"
        verbose_name = "CIN census return"
        ordering = ["-return_year"]

    def __str__(self) -> str:
        return f"CIN census {self.return_year}-{(self.return_year + 1) % 100:02d}"


class CinCensusChild(TimeStampedModel):
    """A child's entry in one year's CIN census: the parts Oversight has no model for.

    The CIN episodes (referral, closure, assessments, CIN plans), the UPN-unknown reason
    and the disability codes, as the return gave them, so that year's census can be
    written back (returns.cin_census.exporter). The child protection parts are not
    kept here: they live in the enquiries, plans and conferences. Each episode lists the
    start dates of the enquiries and plans it held, to put them back in the same place.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="cin_census_entries")
    return_year = models.PositiveSmallIntegerField()
    upn_unknown = models.CharField("UPN unknown reason", max_length=4, blank=True)
    former_upn = models.CharField("former UPN", max_length=13, blank=True)
    died_on = models.DateField(null=True, blank=True)
    disabilities = models.JSONField(default=list, help_text="CIN disability codes.")
    episodes = models.JSONField(default=list, help_text="CINdetails, as plain values.")

    class Meta:
        db_table = "protection_cincensuschild"
        verbose_name = "child in a CIN census"
        verbose_name_plural = "children in CIN censuses"
        ordering = ["child", "return_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "return_year"], name="one_cin_census_entry_per_child_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child.child_id} in the CIN census {self.return_year}"


# SSD extracts loaded (returns.ssd) ---------------------------------------------------------


class SsdImportStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Loaded"
    FAILED = "failed", "Not loaded"


class SsdImportRun(models.Model):
    """One load of an SSD extract (manage.py import_ssd or the nightly task), kept after.

    `changes` lists what differs from the rows kept from the last load (SsdExtractRow),
    one entry per row: {"table", "kind", "id", "child"}, the kind being added, changed,
    ended (now carries an end), missing (no longer in the extract, awaiting a person's
    confirmation) or removed (a person confirmed it). `problems` holds "TABLE.csv, row N,
    column X: ..." when the extract was refused (nothing was saved).
    """

    source = models.CharField(max_length=500)
    status = models.CharField(
        max_length=20, choices=SsdImportStatus, default=SsdImportStatus.RUNNING
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    years = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)
    # The differences from what people recorded in Oversight this load found: new, still
    # open and now agreed (returns.services.DisagreementTally).
    disagreements = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"SSD extract {self.pk} ({self.get_status_display().lower()})"

    def changes_of(self, kind: str) -> list[dict]:
        return [c for c in self.changes if c["kind"] == kind]


class SsdRowState(models.TextChoices):
    IN_EXTRACT = "in_extract", "In the extract"
    MISSING = "missing", "Missing from the extract, awaiting confirmation"
    KEPT = "kept", "Missing from the extract, kept"
    REMOVED = "removed", "Removed"


class SsdExtractRow(models.Model):
    """One row of the SSD extract as last loaded, by table and the row's id.

    The next extract is compared with these rows. A row that is no longer in the extract
    is not deleted: it stays MISSING, and is carried into every load as it was, until a
    person confirms its removal (REMOVED: the next load leaves it out) or keeps it (KEPT:
    carried on). The decision is kept in the row's history, with who, when and why.
    """

    table = models.CharField(max_length=40)
    row_id = models.CharField(max_length=120)
    person_id = models.CharField(max_length=40, blank=True)
    position = models.PositiveIntegerField(help_text="Row in the file; the header is 1.")
    values = models.JSONField(help_text="Every column of the row, as the text in the file.")
    state = models.CharField(max_length=20, choices=SsdRowState, default=SsdRowState.IN_EXTRACT)
    missing_since = models.ForeignKey(
        SsdImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="missing"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["table", "row_id"]
        constraints = [
            models.UniqueConstraint(fields=["table", "row_id"], name="one_kept_row_per_ssd_id"),
            choices_check("state", SsdRowState, name="ssd_extract_row_state_valid"),
        ]
        indexes = [
            # Read by the SSD runs page: the rows awaiting a person's confirmation.
            models.Index(
                fields=["table", "row_id"],
                condition=models.Q(state="missing"),
                name="ssd_row_awaiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.row_id} ({self.get_state_display().lower()})"

    @property
    def is_missing(self) -> bool:
        return self.state in {SsdRowState.MISSING, SsdRowState.KEPT}


# Where an import disagrees with what a person recorded in Oversight ------------------------


class DisagreementRecord(models.TextChoices):
    CHILD = "child", "The child's details"
    SECTION47 = "section47", "A section 47 enquiry"
    REVIEW = "review", "A looked-after review"
    CONFERENCE = "conference", "A child protection conference"


class DisagreementResolution(models.TextChoices):
    KEPT_OURS = "kept_ours", "Kept Oversight's"
    TOOK_THEIRS = "took_theirs", "Took the import's"
    # A later load gave the unit's own value: nothing left to decide.
    AGREED = "agreed", "The import came to agree"


class ImportDisagreement(models.Model):
    """A value a return or SSD extract gives for something a person recorded or corrected
    in Oversight, where the two differ. The load kept the unit's value; a person chooses
    (returns.services.import_disagreement_resolve). Recorded by
    returns.services.import_disagreements_record: once while open (the next load updates
    it, never doubles it), closed as agreed when a load gives the unit's value, and not
    asked again once a person has kept Oversight's against the same value.

    `ours` and `theirs` are the values as JSON (a date as 2024-05-02); `record_label`
    and `field_label` name them in words, as the banner and the data-quality page show."""

    Record = DisagreementRecord
    Resolution = DisagreementResolution

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="import_disagreements")
    record_kind = models.CharField(max_length=20, choices=DisagreementRecord)
    record_id = models.PositiveBigIntegerField(help_text="The record's primary key.")
    record_label = models.CharField(max_length=200)
    field = models.CharField(max_length=40)
    field_label = models.CharField(max_length=100)
    ours = models.JSONField(encoder=DjangoJSONEncoder, null=True)
    theirs = models.JSONField(encoder=DjangoJSONEncoder, null=True)
    ours_text = models.CharField(max_length=300)
    theirs_text = models.CharField(max_length=300)
    source = models.CharField(max_length=120, help_text="Which load found it, in words.")
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ssd_run = models.ForeignKey(
        SsdImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    found_at = models.DateTimeField()
    seen_at = models.DateTimeField(help_text="The last load that found it.")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(max_length=20, choices=DisagreementResolution, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["child", "found_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "record_kind", "record_id", "field"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_disagreement_per_field",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True, resolution="")
                | (models.Q(resolved_at__isnull=False) & ~models.Q(resolution="")),
                name="disagreement_resolved_with_resolution",
            ),
            choices_check("record_kind", DisagreementRecord, name="disagreement_record_valid"),
            choices_check(
                "resolution",
                DisagreementResolution,
                blank=True,
                name="disagreement_resolution_valid",
            ),
        ]
        indexes = [
            # Read by the child's record and the data-quality page: what is still open.
            models.Index(
                fields=["child"],
                condition=models.Q(resolved_at__isnull=True),
                name="disagreement_open_by_child",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.record_kind} {self.record_id} {self.field}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def key(self) -> tuple[int, str, int, str]:
        return (self.child_id, self.record_kind, self.record_id, self.field)
