"""Rules shared by every import of DfE returns (SSDA903, CIN census)."""

from __future__ import annotations

import datetime as dt
import re

from core.codes import Sex
from core.dates import add_days

# A looked-after review recorded in Oversight and one in a return for the same child,
# this many days apart or fewer, neither matching another by its day, are taken to be the
# same review with its day recorded differently (RULES.md's reviews are months apart;
# the extra reviews around adoption weeks): the difference is shown, the return's not
# added (returns.ssda903.importer).
SAME_REVIEW_WITHIN_DAYS = 14


def same_review_pairs(ours: list[dt.date], theirs: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Pair days recorded in Oversight with a return's days for the same child, each at
    most once, closest first, no further apart than SAME_REVIEW_WITHIN_DAYS."""
    near = sorted(
        (abs((t - o).days), o, t)
        for o in ours
        for t in theirs
        if abs((t - o).days) <= SAME_REVIEW_WITHIN_DAYS
    )
    paired: list[tuple[dt.date, dt.date]] = []
    used_ours: set[dt.date] = set()
    used_theirs: set[dt.date] = set()
    for _, o, t in near:
        if o not in used_ours and t not in used_theirs:
            paired.append((o, t))
            used_ours.add(o)
            used_theirs.add(t)
    return sorted(paired)


def sex_from_return(code: str) -> str:
    """Both sex code schemes: 1/2 (before 2024-25, CIN 0 and 9 too) and M/F/U after."""
    code = code.strip().upper()
    mapping = {"1": Sex.MALE, "2": Sex.FEMALE, "0": Sex.UNKNOWN, "9": Sex.UNKNOWN}
    if code in mapping:
        return mapping[code]
    if code in Sex.values:
        return code
    raise ValueError(f"'{code}' is not a sex code (1, 2, M, F or U)")


# A collection year in a file or folder name: 2019-20, 2019_20, 2019/20, 201920, or a
# single year after a return's name (SSDA903_2019, 903_2019-20, cin_2019), the year it
# starts. Four digits not part of a longer number; a two-digit end must follow on.
_YEAR_PAIR = re.compile(r"(?<!\d)(20\d{2})\s*[-_/ ]?\s*(\d{2})(?!\d)")
_YEAR_ALONE = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def return_year_from_name(name: str) -> int | None:
    """The collection year a return's file or folder name gives: 2019 for '2019-20'.

    A pair of years must follow on ('2019-20', not '2019-21'); a single year is the
    year the collection starts ('SSDA903_2019' is 2019-20). None when the name gives
    no year, or gives two different ones.
    """
    stem = name.rsplit(".", 1)[0] if "." in name else name
    years: set[int] = set()
    rest = stem
    for match in _YEAR_PAIR.finditer(stem):
        start, end = int(match[1]), int(match[2])
        if (start + 1) % 100 != end:
            return None
        years.add(start)
        rest = rest.replace(match[0], " ")
    years.update(int(m[1]) for m in _YEAR_ALONE.finditer(rest))
    return years.pop() if len(years) == 1 else None


def collection_year(text: str) -> int:
    """A year as a council writes it on the command line: '2019-20' or '2019' is 2019."""
    year = return_year_from_name(text.strip())
    if year is None or not re.fullmatch(r"\s*20\d{2}(\s*[-_/]\s*\d{2})?\s*", text):
        raise ValueError(f"'{text}' is not a collection year (2019-20, or 2019)")
    return year


def year_label(year: int) -> str:
    """2019 as a collection year: '2019-20'."""
    return f"{year}-{(year + 1) % 100:02d}"


def upload_delete_on(
    *, finished_on: dt.date, failed: bool, kept_days: int, failed_kept_days: int
) -> dt.date:
    """The day an uploaded return's stored files are deleted, counted from the day its
    import finished: `kept_days` after it was loaded and checked (0: that day), and
    `failed_kept_days` after it failed or was discarded (to look into it, or try again)."""
    return add_days(finished_on, failed_kept_days if failed else kept_days)
