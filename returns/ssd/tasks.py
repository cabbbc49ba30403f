"""The nightly SSD load: a thin task over returns.ssd.importer (registered in returns.tasks)."""

import logging
from pathlib import Path

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)

NO_FOLDER = "OVERSIGHT_SSD_FOLDER is not set: no SSD extract is loaded tonight"
NOT_A_FOLDER = "OVERSIGHT_SSD_FOLDER is {folder}, which is not a folder: nothing was loaded"


@shared_task(
    ignore_result=True,
    soft_time_limit=settings.OVERSIGHT_IMPORT_SOFT_TIME_LIMIT,
    time_limit=settings.OVERSIGHT_IMPORT_TIME_LIMIT,
)
def ssd_nightly_import_task() -> int | None:
    """Load the extract the council's case system leaves in OVERSIGHT_SSD_FOLDER.

    Returns the SsdImportRun kept, or None when no folder is configured. A refused
    extract is kept as a failed run, saying what is wrong by table, row and column.
    """
    from returns.ssd.importer import SsdRefused, ssd_import

    folder = settings.OVERSIGHT_SSD_FOLDER
    if not folder:
        logger.info(NO_FOLDER)
        return None
    if not Path(folder).is_dir():
        logger.error(NOT_A_FOLDER.format(folder=folder))
        return None
    try:
        summary = ssd_import(directory=Path(folder), progress=logger.info)
    except SsdRefused as refused:
        logger.error("The SSD extract in %s was not loaded: %s", folder, refused)
        return None
    logger.info(
        "Loaded the SSD extract in %s (run %s): %s change(s), %s row(s) awaiting confirmation",
        folder,
        summary.run_id,
        len(summary.changes),
        summary.awaiting,
    )
    return summary.run_id
