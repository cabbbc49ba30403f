"""Writes of the returns layer that are not an import (those are returns.imports)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import transaction

from core.history import rows_scrub
from returns.models import CinCensusChild, DataQualityIssue, ReturnRow

# An SSDA903 date as the file gives it, dd/mm/yyyy.
_DAY_OF_DATE = re.compile(r"^\d{2}(/\d{2}/\d{4})$")


@transaction.atomic
def child_returns_anonymise(*, child_ids: Sequence[int]) -> dict[str, int]:
    """Blank what the kept returns say that identifies these children (the retention job,
    core.retention.child_anonymisers): the UPN and former UPN, the date of birth of a
    mother's child, the values quoted by a data-quality finding; the date of birth becomes
    the 1st of its month, as on the child. Codes and dates of care stay, so the export of a
    past year still counts the same."""
    rows = []
    for row in ReturnRow.objects.filter(child__in=child_ids):
        values = dict(row.values)
        for key in ("UPN", "MC_DOB"):
            if values.get(key):
                values[key] = ""
        if isinstance(values.get("DOB"), str) and (found := _DAY_OF_DATE.match(values["DOB"])):
            values["DOB"] = f"01{found[1]}"
        if values != row.values:
            row.values = values
            rows.append(row)
    ReturnRow.objects.bulk_update(rows, ["values"], batch_size=500)
    return {
        "return_rows": len(rows),
        "cin_census_children": rows_scrub(
            CinCensusChild.objects.filter(child__in=child_ids).exclude(former_upn=""),
            {"former_upn": ""},
        ),
        "data_quality_issues": rows_scrub(
            DataQualityIssue.objects.filter(child__in=child_ids).exclude(values=""),
            {"values": ""},
        ),
    }
