"""Pure rules about children and allocation: no database, plain values in and out."""

from __future__ import annotations

import datetime as dt
import re

# The council's child ID (SSDA903 CHILD, CIN census LAchildID): up to 20 characters (CIN
# rule 1570; RULES.md pinned convention 13; the DfE's own sample child is DfEX0000001).
# The DfE's validators check nothing else (the CIN schema's nonEmptyString). Oversight
# also takes only letters, numbers and hyphens, starting with a letter or a number, so
# an ID can never be read as a spreadsheet formula (=1+2, -1, +1, @A1) when a return or
# an export is opened in Excel.
CHILD_ID_MAX_LENGTH = 20
# What a list shows in place of the name of a restricted record its reader may not open
# unasked (iro.selectors.children_mask): no birth date or UPN either, but the row stays.
RESTRICTED_RECORD = "Restricted record"
CHILD_ID_FORMAT = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")

CHILD_ID_TOO_LONG = f"The council child ID must be {CHILD_ID_MAX_LENGTH} characters or fewer"
CHILD_ID_CHARACTERS = (
    "The council child ID must only include letters, numbers and hyphens, "
    "and start with a letter or a number"
)


def child_id_problem(value: str) -> str | None:
    """What is wrong with a council child ID, or None (length first, then characters)."""
    if len(value) > CHILD_ID_MAX_LENGTH:
        return CHILD_ID_TOO_LONG
    if not CHILD_ID_FORMAT.fullmatch(value):
        return CHILD_ID_CHARACTERS
    return None


# A UPN is a check letter, 11 digits, then a digit (permanent) or a letter (temporary);
# the letters I, O and S are never used (DfE, "Unique pupil numbers", and the common
# basic data set's UniquePupilNumber element).
UPN_FORMAT = re.compile(r"^[A-Za-z]\d{11}[A-Za-z0-9]$")
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # remainder 0..22

UPN_WRONG_LENGTH = "The UPN must be 13 characters, like A123456789012"
UPN_WRONG_FORMAT = (
    "The UPN must be a letter, then 11 numbers, then a number or a letter, like A123456789012"
)
UPN_WRONG_LETTER = "The UPN's last letter cannot be I, O or S"
UPN_WRONG_CHECK_LETTER = "The UPN's first letter is not right for its numbers: check the UPN"


def upn_normalised(value: str) -> str:
    """The UPN as stored: spaces taken out, letters in capitals."""
    return "".join(value.split()).upper()


def upn_has_format(value: str) -> bool:
    """The UPN has the shape of one (the returns' loaders check this much)."""
    return bool(UPN_FORMAT.match(value))


def upn_check_letter(value: str) -> str:
    """The check letter for a UPN's characters 2 to 13 (the DfE's modulus 23 sum).

    Each character is weighted by its position (the 2nd by 2 ... the 13th by 13); a
    temporary UPN's final letter counts as its place in the check-letter table.
    """
    total = 0
    for position, char in enumerate(value[1:13].upper(), start=2):
        number = int(char) if char.isdigit() else CHECK_LETTERS.index(char)
        total += position * number
    return CHECK_LETTERS[total % 23]


def upn_problem(value: str) -> str | None:
    """What is wrong with a UPN as typed, or None: format first, then the check letter."""
    upn = upn_normalised(value)
    if len(upn) != 13:
        return UPN_WRONG_LENGTH
    if not upn_has_format(upn):
        return UPN_WRONG_FORMAT
    if not upn[-1].isdigit() and upn[-1] not in CHECK_LETTERS:
        return UPN_WRONG_LETTER
    if upn[0] not in CHECK_LETTERS or upn_check_letter(upn) != upn[0]:
        return UPN_WRONG_CHECK_LETTER
    return None


# A child's date of birth, as a person types it (a new child's, or a correction): a born
# child's is not in the future and within the last 25 years (the oldest care leaver the
# unit still sees is 25); an unborn child's expected date is from 8 weeks ago (a baby who
# is late) to 10 months ahead.
OLDEST_AGE_YEARS = 25
EXPECTED_LATE_WEEKS = 8
EXPECTED_AHEAD_DAYS = 305


def birth_date_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """The earliest and latest date of birth a born child may have, seen from `today`."""
    return today.replace(year=today.year - OLDEST_AGE_YEARS, day=min(today.day, 28)), today


def expected_date_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """The earliest and latest expected date of birth of an unborn child."""
    return (
        today - dt.timedelta(weeks=EXPECTED_LATE_WEEKS),
        today + dt.timedelta(days=EXPECTED_AHEAD_DAYS),
    )
