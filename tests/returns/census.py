"""Helpers for the CIN census tests: the sample council's returns, small hand-made
returns, and the records an import leaves, as comparable values."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from iro.models import Child
from protection.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    Section47Enquiry,
)
from returns.models import CinCensusChild, CinCensusReturn

REPO = Path(__file__).resolve().parents[2]
SAMPLES = Path(os.environ.get("OVERSIGHT_SAMPLES", REPO / "tests" / "data"))
COUNCIL_A = SAMPLES / "council-a"
YEARS = {2022: "2022-23", 2023: "2023-24", 2024: "2024-25"}


def sample(year: int) -> Path:
    path = COUNCIL_A / "cin" / f"{YEARS[year]}.xml"
    if not path.exists():
        pytest.fail(f"The sample council's returns are missing: {path} (set OVERSIGHT_SAMPLES)")
    return path


def records() -> dict[str, list]:
    """Everything an import writes, without primary keys or timestamps."""
    return {
        "children": sorted(
            Child.objects.values_list(
                "child_id",
                "first_name",
                "last_name",
                "date_of_birth",
                "expected_date_of_birth",
                "sex",
                "ethnicity",
                "upn",
                "disability",
                "return_year",
            )
        ),
        "enquiries": sorted(
            Section47Enquiry.objects.values_list(
                "child__child_id",
                "strategy_discussion_on",
                "icpc_not_required",
                "concluded_on",
                "icpc_due",
                "icpc_due_reason",
                "return_year",
            )
        ),
        "plans": sorted(
            ChildProtectionPlan.objects.values_list(
                "child__child_id",
                "started_on",
                "ended_on",
                "initial_category",
                "latest_category",
                "previous_plans",
                "reference",
                "next_review_due",
                "next_review_reason",
                "return_year",
            ),
            key=str,
        ),
        "conferences": sorted(
            ConferenceChild.objects.values_list(
                "child__child_id",
                "conference__kind",
                "conference__status",
                "conference__held_on",
                "conference__return_year",
                "section47__strategy_discussion_on",
                "plan__started_on",
                "outcome",
                "due_on",
                "due_reason",
            ),
            key=str,
        ),
        "conference_count": [ChildProtectionConference.objects.count()],
        "census_entries": sorted(
            (
                e.child.child_id,
                e.return_year,
                e.upn_unknown,
                e.former_upn,
                e.died_on,
                e.disabilities,
                e.episodes,
            )
            for e in CinCensusChild.objects.select_related("child")
        ),
        "returns": sorted(CinCensusReturn.objects.values_list("return_year", "la_code")),
    }


def wipe() -> None:
    ChildProtectionConference.objects.all().delete()
    Child.objects.all().delete()
    CinCensusReturn.objects.all().delete()


def cp_data(xml: bytes) -> dict[str, dict]:
    """The child protection parts of a census, per child with any, as plain values."""
    root = ET.fromstring(xml)
    result = {}
    for child in root.iter("Child"):
        ids = child.find("ChildIdentifiers")
        enquiries, plans, icpcs = [], [], []
        for episode in child.iter("CINdetails"):
            if episode.findtext("DateOfInitialCPC"):
                icpcs.append(episode.findtext("DateOfInitialCPC"))
            for s in episode.iter("Section47"):
                enquiries.append(
                    (
                        s.findtext("S47ActualStartDate"),
                        s.findtext("DateOfInitialCPC"),
                        s.findtext("ICPCnotRequired"),
                    )
                )
            for p in episode.iter("ChildProtectionPlans"):
                plans.append(
                    (
                        p.findtext("CPPstartDate"),
                        p.findtext("CPPendDate"),
                        p.findtext("InitialCategoryOfAbuse"),
                        p.findtext("LatestCategoryOfAbuse"),
                        p.findtext("NumberOfPreviousCPP"),
                        tuple(r.text for r in p.iter("CPPreviewDate")),
                    )
                )
        if enquiries or plans or icpcs:
            result[ids.findtext("LAchildID")] = {
                "identifiers": [(e.tag, e.text) for e in ids],
                "ethnicity": child.findtext("ChildCharacteristics/Ethnicity"),
                "disabilities": [d.text for d in child.iter("Disability")],
                "enquiries": sorted(enquiries),
                "plans": sorted(plans),
                "episode_icpcs": sorted(icpcs),
            }
    return result


# `child_xml`'s default sex: a girl, written in the element of the census's own year.
_GIRL = "<!-- a girl in the year's sex element -->"


def census_xml(children: str, *, reference_date: str = "2025-03-31") -> str:
    """A small return around hand-written <Child> elements; a child given no sex is a girl
    in the year's element (GenderCurrent 2 until 2023-24, Sex F from 2024-25)."""
    year = reference_date[:4]
    girl = "<Sex>F</Sex>" if int(year) >= 2025 else "<GenderCurrent>2</GenderCurrent>"
    children = children.replace(_GIRL, girl)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>{year}</Year>
      <ReferenceDate>{reference_date}</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>318</LEA>
    </Source>
  </Header>
  <Children>
{children}
  </Children>
</Message>
"""


def child_xml(
    child_id: str,
    *,
    section47: str = "",
    plans: str = "",
    episode_icpc: str = "",
    sex: str = _GIRL,
    referral: str = "2024-05-01",
) -> str:
    icpc = f"<DateOfInitialCPC>{episode_icpc}</DateOfInitialCPC>" if episode_icpc else ""
    return f"""    <Child>
      <ChildIdentifiers>
        <LAchildID>{child_id}</LAchildID>
        <UPNunknown>UN1</UPNunknown>
        <PersonBirthDate>2020-02-03</PersonBirthDate>
        {sex}
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>NONE</Disability></Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>{referral}</CINreferralDate>
        <ReferralSource>6</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        {icpc}
        {section47}
        <ReferralNFA>false</ReferralNFA>
        {plans}
      </CINdetails>
    </Child>"""


def section47_xml(start: str, icpc: str = "", not_required: str = "false") -> str:
    held = f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>" if icpc else ""
    return (
        f"<Section47><S47ActualStartDate>{start}</S47ActualStartDate>{held}"
        f"<ICPCnotRequired>{not_required}</ICPCnotRequired></Section47>"
    )


def plan_xml(
    start: str,
    *,
    end: str = "",
    reviews: tuple[str, ...] = (),
    initial: str = "NEG",
    latest: str = "NEG",
    previous: str = "0",
) -> str:
    ended = f"<CPPendDate>{end}</CPPendDate>" if end else ""
    held = "".join(f"<CPPreviewDate>{r}</CPPreviewDate>" for r in reviews)
    return (
        f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>{ended}"
        f"<InitialCategoryOfAbuse>{initial}</InitialCategoryOfAbuse>"
        f"<LatestCategoryOfAbuse>{latest}</LatestCategoryOfAbuse>"
        f"<NumberOfPreviousCPP>{previous}</NumberOfPreviousCPP>"
        + (f"<Reviews>{held}</Reviews>" if held else "")
        + "</ChildProtectionPlans>"
    )
