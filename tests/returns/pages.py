"""The returns area's pages in the every-URL walk (tests/core/test_every_url.py).

PAGES maps each URL name to who may open it and how its parameters come from the world;
QUERIES adds a query string; extend_world(objects) adds this area's records to the world
and returns the parameters they give (objects holds the shared world's records)."""

from returns.models import ImportKind, ImportRun, ImportStatus
from tests.core.page_roles import ALL, IMPORTS

PAGES = {
    "imports:list": (IMPORTS, {}),
    "imports:upload": (IMPORTS, {}),
    "imports:detail": (IMPORTS, {"pk": "import_run"}),
    "imports:status": (IMPORTS, {"pk": "import_run"}),
    "imports:decide": (IMPORTS, {"pk": "held_import_run"}),
    "imports:retry": (IMPORTS, {"pk": "stopped_import_run"}),
    "imports:export": (IMPORTS, {}),
    "data_quality:list": (ALL, {}),
    "data_quality:csv": (ALL, {}),
}
QUERIES: dict[str, str] = {}


def extend_world(objects: dict) -> dict:
    """An upload held for its removals, and one whose worker stopped."""
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
    return {"held_import_run": held.pk, "stopped_import_run": stopped.pk}
