"""The annual report says when the count of earlier plans cannot be known: the year's
child protection records were last loaded from an SSD extract."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from reporting.annual_report import report_build
from returns.models import CinCensusReturn
from returns.ssd.importer import CENSUS_FILE
from returns.ssd.selectors import FIGURE, PLANS_BEFORE_NOT_KNOWN

pytestmark = pytest.mark.django_db
NOTE = {"figure": FIGURE, "text": PLANS_BEFORE_NOT_KNOWN}


def test_a_year_last_loaded_from_an_ssd_extract_carries_the_note():
    CinCensusReturn.objects.create(return_year=2024, file_name=CENSUS_FILE.format(year="2024-25"))

    assert report_build(2024)["notes"] == [NOTE]
    assert report_build(2023)["notes"] == []


def test_a_year_last_loaded_from_the_cin_census_has_no_note():
    CinCensusReturn.objects.create(return_year=2024, file_name="cin_census_2024-25.xml")

    assert report_build(2024)["notes"] == []


def test_the_json_report_and_the_dashboard_show_the_note(client, head_of_service):
    CinCensusReturn.objects.create(return_year=2024, file_name=CENSUS_FILE.format(year="2024-25"))
    out = io.StringIO()

    call_command("annual_report", "--year", "2024", "--format", "json", stdout=out)

    assert json.loads(out.getvalue())["notes"] == [NOTE]
    client.force_login(head_of_service)
    page = client.get(reverse("dashboard:index"), {"year": 2024}).content.decode()
    assert "carries no count of the plans a child had before those on record" in page
