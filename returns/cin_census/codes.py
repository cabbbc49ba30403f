"""CIN census code lists that only the census uses (the shared ones are in core.codes),
and the rules that differ by collection year (docs/returns/cin-census.md)."""

from dataclasses import dataclass

from core.spec_years import year_label

DISABILITIES = {
    "NONE": "No disability",
    "MOB": "Mobility",
    "HAND": "Hand function",
    "PC": "Personal care",
    "INC": "Incontinence",
    "COMM": "Communication",
    "LD": "Learning",
    "HEAR": "Hearing",
    "VIS": "Vision",
    "BEH": "Behaviour",
    "CON": "Consciousness",
    "AUT": "Autism",
    "DDA": "Other",
}
NO_DISABILITY = "NONE"

# Individuals 1A-1D, schools and education 2A-2B, health 3A-3F, housing 4, LA services
# 5A-5D, police 6, other legal agency 7, other 8, anonymous 9, unknown 10.
REFERRAL_SOURCES = frozenset(
    {"1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4"}
    | {"5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"}
)
# Used when Oversight writes a CIN episode it holds no referral for.
REFERRAL_SOURCE_UNKNOWN = "10"

PRIMARY_NEEDS = frozenset(f"N{n}" for n in range(10))

CLOSURE_REASONS = frozenset(f"RC{n}" for n in range(1, 10))

UPN_UNKNOWN_REASONS = frozenset(f"UN{n}" for n in range(1, 11))

ASSESSMENT_FACTORS = frozenset(
    {f"{n}{letter}" for n in range(1, 7) for letter in "ABC"}
    | {"7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A", "15A"}
    | {"16A", "17A", "18A", "18B", "18C", "19A", "19B", "19C", "20", "21", "22A", "23A", "24A"}
)

YES_NO = {"true": True, "1": True, "false": False, "0": False}

# GenderCurrent, the sex element until 2023-24: 0 not recorded or unborn, 9 indeterminate.
GENDER_CURRENT_FROM_SEX = {"M": "1", "F": "2", "U": "0"}
# From 2024-25 the element is Sex (M, F or U; U for an unborn child).
FIRST_YEAR_WITH_SEX = 2024


# Each collection year's rules (a year is the year it starts: 2024 for 2024-25) ---------


@dataclass(frozen=True)
class SexRule:
    """A year's sex element, its codes and the code of an unborn child (DfE rules 4180
    and 8750)."""

    element: str
    codes: frozenset[str]
    unborn: str


GENDER_CURRENT = SexRule("GenderCurrent", frozenset({"0", "1", "2", "9"}), unborn="0")
SEX = SexRule("Sex", frozenset({"M", "F", "U"}), unborn="U")


def sex_rule(year: int) -> SexRule:
    """The sex element the year's census uses: GenderCurrent until 2023-24, Sex after."""
    return SEX if year >= FIRST_YEAR_WITH_SEX else GENDER_CURRENT


@dataclass(frozen=True)
class FactorQuery:
    since: int
    instead: str
    rule: str


# Assessment factors the DfE queries from 2024-25 (rules 8945Q and 8950Q): a query, a
# warning the council answers, not a refusal.
FACTORS_QUERIED = {
    "18A": FactorQuery(2024, instead="18B or 18C", rule="8945Q"),
    "19A": FactorQuery(2024, instead="19B or 19C", rule="8950Q"),
}
FACTOR_QUERIED = (
    "the assessment factor '{code}' should not be used from {year} ({instead} instead) "
    "(DfE rule {rule}, a query: the file is read)"
)


def factor_query(code: str, year: int) -> str:
    """The DfE's query about an assessment factor in a year's census; "" if none."""
    queried = FACTORS_QUERIED.get(code)
    if queried is None or year < queried.since:
        return ""
    return FACTOR_QUERIED.format(
        code=code, year=year_label(queried.since), instead=queried.instead, rule=queried.rule
    )
