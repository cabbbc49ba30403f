"""Rules shared by every import of DfE returns (SSDA903, CIN census)."""

from __future__ import annotations

import datetime as dt

from core.codes import Sex


def later_return_wins(stored_year: int | None, incoming_year: int) -> bool:
    """A row from a later collection year updates one from an earlier year, never the
    reverse, so loading returns in any order gives the same records."""
    return stored_year is None or incoming_year >= stored_year


def collection_year_of(reference_date: dt.date) -> int:
    """The collection year a 31 March reference date closes: 2025-03-31 -> 2024 (2024-25)."""
    return reference_date.year - 1 if reference_date.month <= 3 else reference_date.year


def sex_from_return(code: str) -> str:
    """Both sex code schemes: 1/2 (before 2024-25, CIN 0 and 9 too) and M/F/U after."""
    code = code.strip().upper()
    mapping = {"1": Sex.MALE, "2": Sex.FEMALE, "0": Sex.UNKNOWN, "9": Sex.UNKNOWN}
    if code in mapping:
        return mapping[code]
    if code in Sex.values:
        return code
    raise ValueError(f"'{code}' is not a sex code (1, 2, M, F or U)")
