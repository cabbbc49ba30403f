"""The upload, run and data-quality pages: who may use them, what they say, and their cost."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from kombu.exceptions import OperationalError

from core.forms import DATE_NOT_IN_FUTURE
from core.services import today
from returns import imports
from returns.data_quality import NOT_INSTALLED, Finding, RulesResult, issues_replace, live_years
from returns.imports import WAITING_FOR_WORKER
from returns.models import DataQualityCheck, ImportKind, ImportRun, ImportStatus, ReturnName
from tests.factories import ChildFactory
from tests.returns.conftest import celery_settings
from tests.returns.ssda903 import sample

pytestmark = pytest.mark.django_db

IMPORTERS = ["business_support", "administrator"]
OTHERS = ["iro", "head_of_service", "no_role"]
Outcome = DataQualityCheck.Outcome


def user_of(request, persona):
    value = request.getfixturevalue(persona)
    return value.user if persona == "iro" else value


def sample_files() -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv")
        for p in sorted(sample("2024-25").glob("*.csv"))
    ]


def a_run(user, status=ImportStatus.SUCCEEDED, **values) -> ImportRun:
    run = ImportRun.objects.create(
        kind=ImportKind.SSDA903, uploaded_by=user, status=status, **values
    )
    run.files.create(name="header.csv", size=10, file=f"imports/{run.pk}/header.csv")
    run.files.create(name="reviews.csv", size=10, file=f"imports/{run.pk}/reviews.csv")
    return run


# Who may use them ------------------------------------------------------------------------


def pages(run) -> list[str]:
    return ["/imports/", "/imports/upload/", f"/imports/{run.pk}/", f"/imports/{run.pk}/status/"]


@pytest.mark.parametrize("persona", IMPORTERS)
def test_business_support_and_administrators_upload_returns(request, client, persona):
    user = user_of(request, persona)
    client.force_login(user)
    for url in pages(a_run(user)):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", OTHERS)
def test_no_one_else_may_upload_or_see_uploads(request, client, persona, business_support):
    client.force_login(user_of(request, persona))
    for url in pages(a_run(business_support)):
        assert client.get(url).status_code == 403, url
    response = client.post("/imports/upload/", {"kind": "ssda903", "files": sample_files()})
    assert response.status_code == 403
    assert ImportRun.objects.count() == 1


@pytest.mark.parametrize("persona", ["iro", "head_of_service", *IMPORTERS])
def test_everyone_in_the_unit_sees_the_data_quality_page(request, client, persona):
    client.force_login(user_of(request, persona))
    assert client.get("/data-quality/").status_code == 200
    assert client.get("/data-quality/issues.csv").status_code == 200


def test_someone_without_a_role_does_not_see_data_quality(client, no_role):
    client.force_login(no_role)
    assert client.get("/data-quality/").status_code == 403
    assert client.get("/data-quality/issues.csv").status_code == 403


@pytest.mark.parametrize("persona", ["iro", "head_of_service"])
def test_only_importers_may_run_the_rules_at_once(request, client, persona):
    client.force_login(user_of(request, persona))
    assert client.post("/data-quality/check/").status_code == 403
    assert b"Check " not in client.get("/data-quality/").content


# Uploading -----------------------------------------------------------------------------


def test_an_upload_with_a_wrong_file_shows_the_error_and_saves_nothing(client, business_support):
    client.force_login(business_support)
    files = [*sample_files(), SimpleUploadedFile("notes.docx", b"PK")]
    response = client.post("/imports/upload/", {"kind": "ssda903", "files": files})
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text
    assert 'href="#id_files"' in text
    assert "notes.docx is not a CSV file: the SSDA903 return is uploaded as CSV files" in text
    assert not ImportRun.objects.exists()


def test_an_empty_upload_asks_for_the_return_and_the_files(client, business_support):
    client.force_login(business_support)
    response = client.post("/imports/upload/", {})
    assert response.status_code == 400
    assert response.context["error_list"] == [
        ("id_kind_1", "Select which return the files are"),
        ("id_files", "Select the files to upload"),
    ]


def test_an_upload_is_loaded_and_its_page_shows_the_counts(
    client, business_support, eager, django_capture_on_commit_callbacks
):
    client.force_login(business_support)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/imports/upload/", {"kind": "ssda903", "year": "2024", "files": sample_files()}
        )
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{run.pk}/"
    page = client.get(response["Location"])
    text = page.content.decode()
    assert run.status == ImportStatus.SUCCEEDED
    assert "The SSDA903 return is loaded" in text
    assert "What changed (2024-25)" in text
    added = run.summary["counts"]["Children"]["added"]
    assert f'<td class="govuk-table__cell govuk-table__cell--numeric">{added}</td>' in text


def test_with_the_broker_down_the_upload_page_says_it_will_load_later(
    client, business_support, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(business_support)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/imports/upload/", {"kind": "ssda903", "year": "2024", "files": sample_files()}
        )
    run = ImportRun.objects.get()
    assert response.status_code == 302
    page = client.get(f"/imports/{run.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Waiting to load the SSDA903 return" in text
    assert WAITING_FOR_WORKER in text
    assert "Refresh this page" in text
    assert client.get(f"/imports/{run.pk}/status/").json() == {
        "status": "queued",
        "status_label": "Waiting to start",
        "progress": "",
        "percent": None,
        "waiting": WAITING_FOR_WORKER,
        "finished": False,
    }


def test_a_refused_upload_lists_its_problems(client, business_support):
    run = a_run(
        business_support,
        status=ImportStatus.FAILED,
        problems=["episodes.csv, row 3, column LS: 'Z9' is not a recognised LS code"],
        error="ValueError: for administrators",
    )
    client.force_login(business_support)
    text = client.get(f"/imports/{run.pk}/").content.decode()
    assert "Nothing was loaded" in text
    assert "episodes.csv, row 3, column LS: &#x27;Z9&#x27; is not a recognised LS code" in text
    assert "for administrators" not in text


def test_administrators_see_what_went_wrong(client, administrator):
    run = a_run(administrator, status=ImportStatus.FAILED, error="ValueError: disk full")
    client.force_login(administrator)
    assert "ValueError: disk full" in client.get(f"/imports/{run.pk}/").content.decode()


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_of_uploads_costs_the_same_however_many_there_are(client, business_support):
    client.force_login(business_support)
    a_run(business_support)
    few = queries_for(client, "/imports/")
    for _ in range(8):
        a_run(business_support)
    assert queries_for(client, "/imports/") == few


# Data quality ----------------------------------------------------------------------------


def record(
    findings, *, return_name=ReturnName.SSDA903, year=None, outcome=Outcome.CHECKED, message=""
):
    year = year or live_years(today())[0]
    issues_replace(
        return_name=return_name, year=year, result=RulesResult(outcome, message, findings)
    )
    return year


def rule_440(child_ref: str) -> Finding:
    return Finding(
        child_ref,
        "440",
        "Participation method indicates child was under 4 years old at the time of the review",
        ("DOB", "REVIEW", "REVIEW_CODE"),
        "Reviews",
        "REVIEW 20/05/2026, REVIEW_CODE PN0",
    )


def test_the_page_lists_each_childs_issues_with_rule_description_and_field(client, iro):
    child = ChildFactory(child_id="C1", first_name="Amy", last_name="Brown")
    record([rule_440("C1"), rule_440("GONE")])
    client.force_login(iro.user)
    text = client.get("/data-quality/").content.decode()
    assert "2 issues for 2 children" in text
    assert f'href="/children/{child.child_id}/">Amy Brown</a>, child C1' in text
    assert "SSDA903 rule 440" in text
    assert "Participation method indicates child was under 4" in text
    assert "Fields: DOB, REVIEW, REVIEW_CODE (Reviews)" in text
    assert "Child GONE (not in Oversight)" in text


def test_the_page_filters_by_return(client, iro):
    ChildFactory(child_id="C1")
    year = record([rule_440("C1")])
    record([Finding("C1", "8770Q", "UPN?", severity="query")], return_name=ReturnName.CIN)
    client.force_login(iro.user)
    text = client.get(f"/data-quality/?return_name=cin&year={year}").content.decode()
    assert "CIN census rule 8770Q" in text and "SSDA903 rule 440" not in text


def test_a_validator_not_installed_is_said_plainly(client, iro):
    record(
        [], return_name=ReturnName.CIN, outcome=Outcome.NOT_INSTALLED, message=NOT_INSTALLED["cin"]
    )
    client.force_login(iro.user)
    text = client.get("/data-quality/").content.decode()
    assert "The DfE rules for the CIN census are not installed on this server" in text


def test_the_issues_download_as_csv(client, iro):
    ChildFactory(child_id="C1")
    year = record([rule_440("C1")])
    client.force_login(iro.user)
    response = client.get(f"/data-quality/issues.csv?return_name=ssda903&year={year}")
    lines = response.content.decode().splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert lines[0].startswith("Return,Year,Child ID,Rule,Type,Description,Fields")
    assert lines[1].startswith("SSDA903,")
    assert ",C1,440,Error," in lines[1]


def test_the_data_quality_page_costs_the_same_however_many_issues(client, iro):
    client.force_login(iro.user)
    ChildFactory(child_id="C1")
    record([rule_440("C1")])
    few = queries_for(client, "/data-quality/")
    refs = [f"K{n}" for n in range(12)]
    for ref in refs:
        ChildFactory(child_id=ref)
    record([rule_440(ref) for ref in ["C1", *refs]])
    assert queries_for(client, "/data-quality/") == few


def test_the_childs_page_shows_their_issues(client, iro):
    child = ChildFactory(child_id="C1")
    record([rule_440("C1")])
    client.force_login(iro.user)
    text = client.get(f"/children/{child.child_id}/").content.decode()
    assert '<h2 class="govuk-heading-m" id="data-quality">Data quality</h2>' in text
    assert "SSDA903 rule 440" in text
    assert "In the return: REVIEW 20/05/2026, REVIEW_CODE PN0" in text


def test_business_support_can_run_the_rules_now(client, business_support, monkeypatch):
    asked = []
    monkeypatch.setattr(
        "returns.views.data_quality_dispatch", lambda years: asked.append(years) or True
    )
    year = live_years(today())[0]
    client.force_login(business_support)
    response = client.post(f"/data-quality/check/?return_name=&year={year}")
    assert response.status_code == 302
    assert asked == [[year]]


def test_running_the_rules_with_the_broker_down_says_so(client, business_support, monkeypatch):
    from returns.tasks import data_quality_check_task

    def unreachable(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(data_quality_check_task, "apply_async", unreachable)
    with celery_settings(task_always_eager=False):
        client.force_login(business_support)
        response = client.post("/data-quality/check/", follow=True)
    assert response.status_code == 200
    assert "The background worker cannot be reached just now" in response.content.decode()


def test_administrators_see_uploads_and_checks_in_the_admin(client, administrator):
    run = a_run(administrator, status=ImportStatus.FAILED, error="ValueError: disk full")
    record([rule_440("C1")])
    client.force_login(administrator)
    for url in [
        "/admin/returns/importrun/",
        f"/admin/returns/importrun/{run.pk}/change/",
        "/admin/returns/dataqualitycheck/",
        "/admin/returns/dataqualityissue/",
    ]:
        assert client.get(url).status_code == 200, url


# Writing returns out -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", OTHERS)
def test_no_one_else_may_download_returns(request, client, persona):
    client.force_login(user_of(request, persona))
    assert client.get("/imports/export/").status_code == 403
    data = {"return-return_name": "ssda903", "return-year": "2024"}
    assert client.post("/imports/export/return/", data).status_code == 403
    assert client.post("/imports/export/annex-a/", {"annex-number": "8"}).status_code == 403


def test_the_ssda903_return_downloads_as_a_zip_of_the_years_csvs(client, business_support):
    from returns.ssda903.importer import returns_import

    returns_import(directories=[sample("2024-25")])
    client.force_login(business_support)
    assert client.get("/imports/export/").status_code == 200
    data = {"return-return_name": "ssda903", "return-year": "2024"}
    response = client.post("/imports/export/return/", data)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ssda903-2024-25.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = set(archive.namelist())
        assert "2024-25/reviews.csv" in names and "2024-25/header.csv" in names
        exported = archive.read("2024-25/reviews.csv").decode()
    assert exported == (sample("2024-25") / "reviews.csv").read_text()


def test_the_census_asks_for_the_la_code_until_one_is_known(client, business_support):
    client.force_login(business_support)
    data = {"return-return_name": "cin", "return-year": "2024"}
    response = client.post("/imports/export/return/", data)
    assert response.status_code == 400
    assert response.context["error_list"] == [("id_return-la_code", imports.NO_LA_CODE)]
    response = client.post("/imports/export/return/", {**data, "return-la_code": "318"})
    assert response.status_code == 400
    assert response.context["error_list"] == [
        ("id_return-year", "There is no child protection activity in 2024-2025")
    ]


def test_an_annex_a_list_downloads_as_csv(client, business_support):
    client.force_login(business_support)
    data = {
        "annex-number": "8",
        "annex-as_of_0": "31",
        "annex-as_of_1": "3",
        "annex-as_of_2": "2025",
        "annex-file_format": "csv",
    }
    response = client.post("/imports/export/annex-a/", data)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="annex-a-list-8-2025-03-31.csv"'
    )
    assert response.content.decode().startswith("Child Unique ID,Gender,Ethnicity")


def test_an_annex_a_list_needs_its_date(client, business_support):
    client.force_login(business_support)
    response = client.post("/imports/export/annex-a/", {"annex-number": "8"})
    assert response.status_code == 400
    assert ("id_annex-as_of_0", "Enter the date of the list") in response.context["error_list"]


def test_an_annex_a_list_as_at_a_future_date_is_refused_naming_the_date(client, business_support):
    client.force_login(business_support)
    data = {
        "annex-number": "8",
        "annex-as_of_0": "31",
        "annex-as_of_1": "3",
        "annex-as_of_2": "2030",
        "annex-file_format": "csv",
    }
    response = client.post("/imports/export/annex-a/", data)
    assert response.status_code == 400
    message = DATE_NOT_IN_FUTURE.format(question="Date of the list")
    assert ("id_annex-as_of_0", message) in response.context["error_list"]


# An SSD extract uploaded -----------------------------------------------------------------

SSD_PEOPLE = ("C00117", "C00118")


def small_extract() -> list[SimpleUploadedFile]:
    """Council-b's SSD extract, cut to two children: every row naming them (their IDs
    begin the others'), and the tables that name no child whole."""
    import csv
    import re

    from tests.returns.test_ssd_sample import EXTRACT

    files = []
    for path in sorted(EXTRACT.glob("*.csv")):
        with path.open(newline="") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        names_a_child = any(re.match(r"C\d{5}", cell) for row in body for cell in row)
        if names_a_child:
            body = [r for r in body if any(c.startswith(SSD_PEOPLE) for c in r)]
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([header, *body])
        files.append(SimpleUploadedFile(path.name, out.getvalue().encode(), "text/csv"))
    return files


def test_an_ssd_extract_is_uploaded_loaded_and_its_page_links_what_it_changed(
    client, business_support, eager, django_capture_on_commit_callbacks
):
    from iro.models import Child
    from returns.models import SsdImportRun

    client.force_login(business_support)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/imports/upload/", {"kind": "ssd_extract", "files": small_extract()}
        )
    run = ImportRun.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    text = client.get(response["Location"]).content.decode()

    assert run.status == ImportStatus.SUCCEEDED, run.problems
    assert "The SSD extract is loaded" in text
    extract_run = SsdImportRun.objects.get(pk=run.summary["ssd_run"])
    assert f"/imports/ssd/{extract_run.pk}/" in text
    assert extract_run.source == f"Uploaded by {business_support} (upload {run.pk})"
    assert set(Child.objects.values_list("child_id", flat=True)) == set(SSD_PEOPLE)


def test_an_ssd_extract_with_a_bad_date_is_refused_by_table_row_and_column(
    client, business_support, eager, django_capture_on_commit_callbacks
):
    from iro.models import Child

    files = small_extract()
    reviews = next(f for f in files if f.name == "ssd_cla_reviews.csv")
    broken = reviews.read().decode().replace("2021-09-21", "21st September", 1)
    files[files.index(reviews)] = SimpleUploadedFile(reviews.name, broken.encode(), "text/csv")
    client.force_login(business_support)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/upload/", {"kind": "ssd_extract", "files": files})
    run = ImportRun.objects.get()

    assert run.status == ImportStatus.FAILED
    assert any("ssd_cla_reviews" in p and "21st September" in p for p in run.problems), run.problems
    assert not Child.objects.exists()


def test_an_ssd_extract_must_be_csv_files(client, business_support):
    client.force_login(business_support)
    response = client.post(
        "/imports/upload/",
        {"kind": "ssd_extract", "files": [SimpleUploadedFile("extract.xml", b"<x/>")]},
    )
    assert response.status_code == 400
    assert "extract.xml is not a CSV file: an SSD extract is uploaded as CSV files" in (
        response.content.decode()
    )
    assert not ImportRun.objects.exists()
