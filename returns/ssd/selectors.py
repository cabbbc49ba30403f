"""Reads about the SSD extracts loaded."""

from __future__ import annotations

from returns.models import CinCensusReturn
from returns.ssd.importer import CENSUS_FILE
from returns.ssda903.reading import year_label

PLANS_BEFORE_NOT_KNOWN = (
    "Plans started that were a second or subsequent plan: not known. This year's child "
    "protection records were last loaded from an SSD extract, which carries no count of "
    "the plans a child had before those on record, so the figure counts only the plans on "
    "record."
)
FIGURE = "child_protection.plans_started_second_or_subsequent"


def ssd_report_notes(year: int) -> list[dict[str, str]]:
    """The annual report's note when the year's CIN census records came from an SSD load."""
    census = CinCensusReturn.objects.filter(return_year=year).first()
    if census is None or census.file_name != CENSUS_FILE.format(year=year_label(year)):
        return []
    return [{"figure": FIGURE, "text": PLANS_BEFORE_NOT_KNOWN}]
