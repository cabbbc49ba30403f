"""The SSDA903 tables: DfE's exact columns, the file each is exported to, its date columns.

A table is recognised by its column names, as the DfE validator does
(csc-validator-be-903 `config.py` and `ingress._get_file_type`), never by its file name.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from core.spec_years import sex_written
from returns.models import ReturnTable

# Day and month may lack a leading zero (25/3/2018, as Excel writes), as DfE's validator accepts.
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# PrevPerm's DATE_PERM may give unknown parts as Z (903 rule 1002): zz/zz/2015.
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_PARTIAL_DATE = re.compile(r"(\d{1,2}|ZZ)/(\d{1,2}|ZZ)/(\d{4}|ZZZZ)", re.IGNORECASE)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    filename: str
    dates: tuple[str, ...] = ()
    required: bool = False
    # First collection year the DfE asks for it (DoLo from 2026-27).
    since: int = 0


def _table(name: str, columns: str, filename: str, dates: str = "", **extra) -> Table:
    return Table(name, tuple(columns.split()), filename, tuple(dates.split()), **extra)


TABLES: tuple[Table, ...] = (
    _table(
        ReturnTable.HEADER,
        "CHILD SEX DOB ETHNIC UPN MOTHER MC_DOB",
        "header.csv",
        "DOB MC_DOB",
        required=True,
    ),
    _table(
        ReturnTable.EPISODES,
        "CHILD DECOM RNE LS CIN PLACE PLACE_PROVIDER DEC REC REASON_PLACE_CHANGE HOME_POST "
        "PL_POST URN",
        "episodes.csv",
        "DECOM DEC",
        required=True,
    ),
    _table(
        ReturnTable.REVIEWS,
        "CHILD DOB REVIEW REVIEW_CODE",
        "reviews.csv",
        "DOB REVIEW",
        required=True,
    ),
    _table(ReturnTable.UASC, "CHILD SEX DOB DUC", "uasc.csv", "DOB DUC"),
    _table(
        ReturnTable.OC2,
        "CHILD DOB SDQ_SCORE SDQ_REASON CONVICTED HEALTH_CHECK IMMUNISATIONS TEETH_CHECK "
        "HEALTH_ASSESSMENT SUBSTANCE_MISUSE INTERVENTION_RECEIVED INTERVENTION_OFFERED",
        "oc2.csv",
        "DOB",
    ),
    _table(ReturnTable.OC3, "CHILD DOB IN_TOUCH ACTIV ACCOM", "oc3.csv", "DOB"),
    _table(
        ReturnTable.AD1,
        "CHILD DOB DATE_INT DATE_MATCH FOSTER_CARE NB_ADOPTR SEX_ADOPTR LS_ADOPTR",
        "ad1.csv",
        "DOB DATE_INT DATE_MATCH",
    ),
    _table(
        ReturnTable.PLACED_ADOPTION,
        "CHILD DOB DATE_PLACED DATE_PLACED_CEASED REASON_PLACED_CEASED",
        "placed_for_adoption.csv",
        "DOB DATE_PLACED DATE_PLACED_CEASED",
    ),
    _table(
        ReturnTable.PREV_PERM,
        "CHILD DOB PREV_PERM LA_PERM DATE_PERM",
        "previous_permanence.csv",
        "DOB",
    ),
    _table(
        ReturnTable.MISSING,
        "CHILD DOB MISSING MIS_START MIS_END",
        "missing.csv",
        "DOB MIS_START MIS_END",
    ),
    _table(
        ReturnTable.SW_EPISODES,
        "CHILD DOB SW_ID SW_DECOM SW_DEC SW_REASON",
        "sw_episodes.csv",
        "DOB SW_DECOM SW_DEC",
    ),
    _table(
        ReturnTable.DOLO,
        "CHILD DOB DOLO_START DOLO_END",
        "dolo.csv",
        "DOB DOLO_START DOLO_END",
        since=2026,
    ),
)
BY_NAME = {t.name: t for t in TABLES}
_BY_COLUMNS = {frozenset(t.columns): t for t in TABLES}


def table_for(columns: list[str]) -> Table | None:
    """The table whose columns these are, in any order (the DfE validator's test)."""
    return _BY_COLUMNS.get(frozenset(columns))


def closest_table(columns: list[str]) -> Table | None:
    """The table a file with some columns missing or misspelt was most likely meant to be."""
    given = set(columns)
    best = max(TABLES, key=lambda t: (len(given & set(t.columns)), -len(t.columns)))
    shared = len(given & set(best.columns))
    return best if "CHILD" in given and shared * 2 > len(best.columns) else None


def parse_date(text: str) -> dt.date:
    """dd/mm/YYYY, as every SSDA903 date is; ValueError otherwise."""
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"'{text}' is not a date in the form dd/mm/YYYY")
    day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date") from None


def date_text_normalised(text: str) -> str:
    """A date as DfE writes it (dd/mm/YYYY) from 25/3/2018 or 2018-03-25; anything else as given."""
    iso = _ISO_DATE.fullmatch(text)
    if iso is not None:
        year, month, day = iso.groups()
        return f"{int(day):02d}/{int(month):02d}/{year}"
    match = _DATE.fullmatch(text)
    if match is not None:
        day, month, year = match.groups()
        return f"{int(day):02d}/{int(month):02d}/{year}"
    return text


def is_partial_date(text: str) -> bool:
    return _PARTIAL_DATE.fullmatch(text) is not None


def format_date(day: dt.date | None) -> str:
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year}"


def sex_for_year(sex: str, year: int) -> str:
    """The SEX code a year's return writes for Oversight's sex (core.spec_years.SEX_YEARS)."""
    return sex_written(sex, year)


def tables_for_year(year: int) -> list[Table]:
    return [t for t in TABLES if year >= t.since]
