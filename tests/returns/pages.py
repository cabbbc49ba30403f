"""The returns area's pages in the every-URL walk (tests/core/test_every_url.py).

PAGES maps each URL name to who may open it and how its parameters come from the world;
QUERIES adds a query string; extend_world(objects) adds this area's records to the world
and returns the parameters they give (objects holds the shared world's records).
OBJECTS declares, for each page that names a record, what it asks of the record
(tests/core/page_roles.py, walked by tests/core/test_object_permissions.py)."""

from django.utils import timezone

from returns.models import (
    ImportDisagreement,
    ImportKind,
    ImportRun,
    ImportStatus,
    SsdExtractRow,
    SsdImportRun,
    SsdImportStatus,
    SsdRowState,
)
from tests.core.page_roles import ALL, IMPORTS, UNITS_RECORD

# Who chooses between an import's value and Oversight's (returns/permissions.py).
DECIDERS = {"business_support", "head_of_service", "administrator"}

PAGES = {
    "imports:list": (IMPORTS, {}),
    "imports:upload": (IMPORTS, {}),
    "imports:detail": (IMPORTS, {"pk": "import_run"}),
    "imports:status": (IMPORTS, {"pk": "import_run"}),
    "imports:decide": (IMPORTS, {"pk": "held_import_run"}),
    "imports:retry": (IMPORTS, {"pk": "stopped_import_run"}),
    "imports:export": (IMPORTS, {}),
    "imports:ssd_list": (IMPORTS, {}),
    "imports:ssd_detail": (IMPORTS, {"pk": "ssd_run"}),
    "imports:ssd_row_decision": (IMPORTS, {"pk": "ssd_row"}),
    "data_quality:list": (ALL, {}),
    "data_quality:csv": (ALL, {}),
    "data_quality:disagreement": (DECIDERS, {"pk": "import_disagreement"}),
}
OBJECTS = {
    "imports:detail": UNITS_RECORD,
    "imports:status": UNITS_RECORD,
    "imports:decide": UNITS_RECORD,
    "imports:retry": UNITS_RECORD,
    "imports:ssd_detail": UNITS_RECORD,
    "imports:ssd_row_decision": UNITS_RECORD,
    "data_quality:disagreement": UNITS_RECORD,
}
QUERIES: dict[str, str] = {}


def extend_world(objects: dict) -> dict:
    """An SSD run with a row missing from its extract, an upload held for its removals,
    and one whose worker stopped."""
    child = objects["child"].child_id
    run = SsdImportRun.objects.create(
        source="/srv/ssd",
        status=SsdImportStatus.SUCCEEDED,
        years=["2024-25"],
        changes=[
            {
                "table": "ssd_cla_episodes",
                "kind": "missing",
                "id": f"{child}-EP-1",
                "child": child,
                "what": "episode of care",
            }
        ],
    )
    row = SsdExtractRow.objects.create(
        table="ssd_cla_episodes",
        row_id=f"{child}-EP-1",
        person_id=child,
        position=2,
        values={"clae_cla_episode_id": f"{child}-EP-1", "clae_person_id": child},
        state=SsdRowState.MISSING,
        missing_since=run,
    )
    uploader = objects["iro"].user
    held = ImportRun.objects.create(
        kind=ImportKind.SSDA903,
        uploaded_by=uploader,
        status=ImportStatus.AWAITING_CONFIRMATION,
        removals={"counts": [["Episodes", 40]], "children": [["W1", [["Episodes", 40]]]]},
    )
    stopped = ImportRun.objects.create(
        kind=ImportKind.SSDA903,
        uploaded_by=uploader,
        status=ImportStatus.FAILED,
        error="No heartbeat from the worker",
    )
    now = timezone.now()
    disagreement = ImportDisagreement.objects.create(
        child=objects["child"],
        record_kind="child",
        record_id=objects["child"].pk,
        record_label="The child's details",
        field="ethnicity",
        field_label="Ethnicity",
        ours="WIRI",
        theirs="WBRI",
        ours_text="White Irish",
        theirs_text="White British",
        source="the SSDA903 return 2024-25",
        found_at=now,
        seen_at=now,
    )
    return {
        "import_disagreement": disagreement.pk,
        "ssd_run": run.pk,
        "ssd_row": row.pk,
        "held_import_run": held.pk,
        "stopped_import_run": stopped.pk,
    }
