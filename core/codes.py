"""DfE code lists (RULES.md §5.3, §6, §8) as Django choices.

They are the vocabularies of the SSDA903 return and the CIN census, so the database and
the returns speak the same codes.
"""

from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Unknown or unborn"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WOTH = "WOTH", "Any other White background"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


def ethnic_group(code: str) -> str:
    """The reporting group of an ethnicity code (pinned convention 10)."""
    if code in {"REFU", "NOBT", ""}:
        return "not_recorded"
    return {"W": "white", "M": "mixed", "A": "asian", "B": "black"}.get(code[:1], "other")


class ReasonNewEpisode(models.TextChoices):
    S = "S", "S: started to be looked after"
    L = "L", "L: change of legal status only"
    P = "P", "P: change of placement and carer only"
    T = "T", "T: change of placement, same carer"
    U = "U", "U: change of legal status and placement, same carer"
    B = "B", "B: change of legal status and placement/carer on the same day"


class LegalStatus(models.TextChoices):
    C1 = "C1", "C1: interim care order"
    C2 = "C2", "C2: full care order"
    D1 = "D1", "D1: freeing order granted"
    E1 = "E1", "E1: placement order granted"
    V2 = "V2", "V2: single period of accommodation under section 20"
    V3 = "V3", "V3: short breaks, individual episodes"
    V4 = "V4", "V4: short breaks, agreement"
    J1 = "J1", "J1: remanded to local authority accommodation"
    J2 = "J2", "J2: PACE accommodation"
    J3 = "J3", "J3: youth rehabilitation order with residence or fostering requirement"
    L1 = "L1", "L1: police protection"
    L2 = "L2", "L2: emergency protection order"
    L3 = "L3", "L3: child assessment order"


SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})
ADOPTION_AUTHORITY_STATUSES = frozenset({"E1", "D1"})


class CategoryOfNeed(models.TextChoices):
    N1 = "N1", "N1: abuse or neglect"
    N2 = "N2", "N2: child's disability"
    N3 = "N3", "N3: parental illness or disability"
    N4 = "N4", "N4: family in acute stress"
    N5 = "N5", "N5: family dysfunction"
    N6 = "N6", "N6: socially unacceptable behaviour"
    N7 = "N7", "N7: low income"
    N8 = "N8", "N8: absent parenting"


class Placement(models.TextChoices):
    """Every PLACE code of the years Oversight reads; each year's own list is
    `core.spec_years.PLACEMENT_YEARS` (2025-26 drops H5, P2 and Z1 for Z11 to Z14)."""

    A3 = "A3", "A3: placed for adoption with consent, with a former foster carer"
    A4 = "A4", "A4: placed for adoption with consent, not with a former foster carer"
    A5 = "A5", "A5: placed for adoption with placement order, with a former foster carer"
    A6 = "A6", "A6: placed for adoption with placement order, not with a former foster carer"
    H5 = "H5", "H5: semi-independent living"
    K1 = "K1", "K1: secure children's home"
    K2 = "K2", "K2: children's home"
    K3 = "K3", "K3: supported accommodation"
    P1 = "P1", "P1: placed with own parent(s)"
    P2 = "P2", "P2: independent living"
    P3 = "P3", "P3: residential employment"
    R1 = "R1", "R1: residential care home"
    R2 = "R2", "R2: NHS or health trust"
    R3 = "R3", "R3: family centre or mother and baby unit"
    R5 = "R5", "R5: young offender institution or prison"
    S1 = "S1", "S1: residential school"
    T0 = "T0", "T0: temporary move, all types"
    T1 = "T1", "T1: temporary periods in hospital"
    T2 = "T2", "T2: temporary absences on holiday"
    T3 = "T3", "T3: temporary accommodation while normal carer unavailable"
    T4 = "T4", "T4: temporary accommodation of seven days or less"
    U1 = "U1", "U1: foster placement with relative or friend, long term"
    U2 = "U2", "U2: foster placement with relative or friend, FFA or concurrent"
    U3 = "U3", "U3: foster placement with relative or friend, other"
    U4 = "U4", "U4: foster placement with other carer, long term"
    U5 = "U5", "U5: foster placement with other carer, FFA or concurrent"
    U6 = "U6", "U6: foster placement with other carer, other"
    Z1 = "Z1", "Z1: other placement"
    Z11 = "Z11", "Z11: other placement (11)"
    Z12 = "Z12", "Z12: other placement (12)"
    Z13 = "Z13", "Z13: other placement (13)"
    Z14 = "Z14", "Z14: other placement (14)"


ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})


class PlacementProvider(models.TextChoices):
    PR0 = "PR0", "PR0: parent or person with parental responsibility"
    PR1 = "PR1", "PR1: own local authority"
    PR2 = "PR2", "PR2: other local authority"
    PR3 = "PR3", "PR3: other public provision"
    PR4 = "PR4", "PR4: private provision"
    PR5 = "PR5", "PR5: voluntary or third sector"


class ReasonEpisodeCeased(models.TextChoices):
    E11 = "E11", "E11: adopted, application unopposed"
    E12 = "E12", "E12: adopted, consent dispensed with"
    E2 = "E2", "E2: died"
    E3 = "E3", "E3: care taken over by another local authority"
    E4A = "E4A", "E4A: returned home to parents as part of the care plan"
    E4B = "E4B", "E4B: returned home to parents not as part of the care plan"
    E13 = "E13", "E13: left care to live with parents or relatives (not E4)"
    E41 = "E41", "E41: residence order or child arrangements order granted"
    # E43 and E44 until 2017-18, split into E45 to E48 (core.spec_years).
    E43 = "E43", "E43: special guardianship order to former foster carers (until 2017-18)"
    E44 = "E44", "E44: special guardianship order made to other carers (until 2017-18)"
    E45 = "E45", "E45: special guardianship order made to former foster carers"
    E46 = "E46", "E46: special guardianship order made to other carers"
    E47 = "E47", "E47: special guardianship order made to relative or friend (not carer)"
    E48 = "E48", "E48: special guardianship order made to other (not relative or friend)"
    E5 = "E5", "E5: moved into independent living with supportive accommodation"
    E6 = "E6", "E6: moved into independent living without formalised support"
    E7 = "E7", "E7: transferred to residential care funded by adult social care"
    E8 = "E8", "E8: period of being looked after ceased for any other reason"
    E9 = "E9", "E9: sentenced to custody"
    E14 = "E14", "E14: accommodation on remand ended"
    E15 = "E15", "E15: age assessment determined child is 18 or over"
    E16 = "E16", "E16: child moved abroad"
    E17 = "E17", "E17: aged 18 and remained with current carers (staying put)"
    X1 = "X1", "X1: episode ceases and new episode begins on the same day"


class ReasonPlaceChange(models.TextChoices):
    CARPL = "CARPL", "Change to care plan"
    CLOSE = "CLOSE", "Provider closing"
    ALLEG = "ALLEG", "Allegation (s47)"
    STAND = "STAND", "Standards of care concern"
    APPRR = "APPRR", "Approval removed"
    CREQB = "CREQB", "Carer requests placement end: behaviour"
    CREQO = "CREQO", "Carer requests placement end: other"
    CHILD = "CHILD", "Child requests placement end"
    LAREQ = "LAREQ", "Responsible authority requests placement end"
    PLACE = "PLACE", "Change in the status of the placement only"
    CUSTOD = "CUSTOD", "Custody arrangement"
    OTHER = "OTHER", "Other"


class ParticipationCode(models.TextChoices):
    PN0 = "PN0", "PN0: child aged under 4 at the time of the review"
    PN1 = "PN1", "PN1: child attends and speaks for themselves"
    PN2 = "PN2", "PN2: child attends, an advocate speaks for them"
    PN3 = "PN3", "PN3: child attends and conveys views symbolically"
    PN4 = "PN4", "PN4: child attends but does not contribute"
    PN5 = "PN5", "PN5: child does not attend, briefs an advocate"
    PN6 = "PN6", "PN6: child does not attend, conveys views another way"
    PN7 = "PN7", "PN7: child does not attend, views not conveyed"


class PermanencePlan(models.TextChoices):
    """Annex A list 8's permanence plan vocabulary (RULES.md §1.5)."""

    RETURN_TO_FAMILY = "a", "Return to family"
    ADOPTION = "b", "Adoption"
    SGO_CAO = "c", "Special guardianship or child arrangements order"
    SUPPORTED_LIVING = "d", "Supported living in the community"
    LONG_TERM_RESIDENTIAL = "e", "Long-term residential placement"
    LONG_TERM_FOSTERING = "f", "Long-term fostering"
    OTHER = "g", "Other"


class CategoryOfAbuse(models.TextChoices):
    NEGLECT = "NEG", "Neglect"
    EMOTIONAL = "EMO", "Emotional abuse"
    PHYSICAL = "PHY", "Physical abuse"
    SEXUAL = "SAB", "Sexual abuse"
    MULTIPLE = "MUL", "Multiple"


def choices_check(
    field: str,
    choices: type[models.TextChoices],
    *,
    blank: bool = False,
    name: str | None = None,
) -> models.CheckConstraint:
    """A database check that `field` holds one of the code list's values.

    `name` keeps the constraint's name when its model has moved to another app."""
    values = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": values}),
        name=name or "%(app_label)s_%(class)s_" + f"{field}_valid",
    )
