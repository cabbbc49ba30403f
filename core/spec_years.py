"""Which SSDA903 codes each collection year allows: one table per field, read by year.

A code lists in `core.codes` is every code any year has used; what a year allows is
that list less the codes this table dates. A year is the year its collection starts
(2025 for 2025-26, as `core.dates.collection_year_of` gives). The import checks a return
against its own year; the care journey offers the codes of the year the episode's date
falls in; never "the latest" for every year.

Sources (docs/returns/ssda903.md, "Collection years"): the DfE validator's rule files
(csc-validator-be-903 `lac2024_25`, `lac2025_26` rules 146 and 178) and liia-tools'
SSDA903 schemas for 2016-17 to 2023-24 (`SSDA903_schema_2018.yml` is 2017-18).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models

from core.codes import Sex
from core.dates import collection_year_of

# The first year Oversight reads a return of.
FIRST_YEAR = 2017


@dataclass(frozen=True)
class Valid:
    """The collection years a code is valid in: from `since` to `until`, both included."""

    since: int = FIRST_YEAR
    until: int | None = None

    def covers(self, year: int) -> bool:
        return self.since <= year and (self.until is None or year <= self.until)

    def span(self) -> str:
        if self.until is None:
            return f"from {year_label(self.since)}"
        if self.since <= FIRST_YEAR:
            return f"until {year_label(self.until)}"
        return f"from {year_label(self.since)} to {year_label(self.until)}"


# PLACE (rule 146): 2024-25 adds K3; 2025-26 drops H5, P2 and Z1 for Z11 to Z14.
PLACEMENT_YEARS = {
    "H5": Valid(until=2024),
    "P2": Valid(until=2024),
    "Z1": Valid(until=2024),
    "K3": Valid(since=2024),
    "Z11": Valid(since=2025),
    "Z12": Valid(since=2025),
    "Z13": Valid(since=2025),
    "Z14": Valid(since=2025),
}
# REC (rule 149): the special guardianship codes E43 and E44 until 2017-18, split into
# E45 to E48 from 2018-19.
REASON_CEASED_YEARS = {
    "E43": Valid(until=2017),
    "E44": Valid(until=2017),
    "E45": Valid(since=2018),
    "E46": Valid(since=2018),
    "E47": Valid(since=2018),
    "E48": Valid(since=2018),
}
# REASON_PLACE_CHANGE (rule 1009): CUSTOD from 2018-19.
REASON_PLACE_CHANGE_YEARS = {"CUSTOD": Valid(since=2018)}
# Placements with no provider (rule 178, 2025-26): PLACE_PROVIDER is left blank for
# Z11 to Z14, as for the temporary moves T0 to T3, and they have no Ofsted URN.
PLACEMENTS_WITHOUT_PROVIDER = frozenset({"Z11", "Z12", "Z13", "Z14"})

# Rule 233 (from 2025-26): an episode still open (DEC blank) gives no REASON_PLACE_CHANGE,
# which is the ceasing episode's.
NO_PLACE_CHANGE_ON_OPEN_EPISODE_FROM = 2025
# Placements a child deprived of liberty cannot be in (rule 710, with the DoLo table),
# and the placements one is expected to be in (rule 709): a placement in neither is
# refused as unexpected.
PLACEMENTS_NOT_WITH_DOLO = frozenset({"K1", "P1", "R5", "K3"})
PLACEMENTS_EXPECTED_WITH_DOLO = frozenset({"K2", "Z12", "Z13"})

# SEX (rule 101, the header's): `1` male and `2` female until 2023-24 (lac2022_23 rule
# 101; liia-tools' schemas for 2016-17 to 2023-24 have no other code), `M`, `F` or `U`
# from 2024-25 (lac2024_25 rule 101). Each code's meaning is Oversight's (core.codes.Sex).
SEX_YEARS = {
    "1": Valid(until=2023),
    "2": Valid(until=2023),
    "M": Valid(since=2024),
    "F": Valid(since=2024),
    "U": Valid(since=2024),
}
SEX_MEANS = {"1": Sex.MALE, "2": Sex.FEMALE, "M": Sex.MALE, "F": Sex.FEMALE, "U": Sex.UNKNOWN}

# Each episode field's dated codes; a field not here has the same codes every year.
EPISODE_CODE_YEARS: dict[str, dict[str, Valid]] = {
    "placement": PLACEMENT_YEARS,
    "reason_ceased": REASON_CEASED_YEARS,
    "reason_place_change": REASON_PLACE_CHANGE_YEARS,
}

CODE_NOT_IN_YEAR = "'{code}' is not a {column} code in the {year} return (it is used {span})"


def year_label(year: int) -> str:
    """2024 as the DfE writes its collection year: 2024-25."""
    return f"{year}-{(year + 1) % 100:02d}"


def code_valid_in(field: str, code: str, year: int) -> bool:
    """Whether an episode field's code is one the year's return allows."""
    valid = EPISODE_CODE_YEARS.get(field, {}).get(code)
    return valid is None or valid.covers(year)


def code_year_problem(field: str, code: str, year: int, *, column: str) -> str:
    """Why a code is not the year's, naming the years it is used in; "" if it is."""
    if code_valid_in(field, code, year):
        return ""
    span = EPISODE_CODE_YEARS[field][code].span()
    return CODE_NOT_IN_YEAR.format(code=code, column=column, year=year_label(year), span=span)


def choices_in_year(
    field: str, choices: type[models.TextChoices], year: int
) -> list[tuple[str, str]]:
    """A code list's (value, label) pairs that the year allows, in the list's order."""
    return [(value, label) for value, label in choices.choices if code_valid_in(field, value, year)]


def choices_on(
    field: str, choices: type[models.TextChoices], day: dt.date
) -> list[tuple[str, str]]:
    """The codes of the collection year a day falls in (1 April to 31 March)."""
    return choices_in_year(field, choices, collection_year_of(day))


def sex_codes_in_year(year: int) -> list[str]:
    """The SEX codes a year's SSDA903 return allows, in the table's order (rule 101)."""
    return [code for code, valid in SEX_YEARS.items() if valid.covers(year)]


def sex_read(code: str, year: int) -> str | None:
    """Oversight's sex (core.codes.Sex) for a year's SEX code; None if the year has no such
    code. Read as written, in either case."""
    code = code.strip().upper()
    valid = SEX_YEARS.get(code)
    return SEX_MEANS[code] if valid is not None and valid.covers(year) else None


def sex_written(sex: str, year: int) -> str:
    """The SEX code a year's return writes for Oversight's sex; "" if the year has none
    (an unknown sex before 2024-25, left blank for the council)."""
    for code in sex_codes_in_year(year):
        if SEX_MEANS[code] == sex:
            return code
    return ""
