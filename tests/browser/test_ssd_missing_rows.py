"""Journey: business support find a record the SSD extract no longer holds, are asked for
their answers, and keep it with a reason."""

import pytest

from returns.models import SsdExtractRow, SsdImportRun, SsdImportStatus, SsdRowState
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def missing_episode(db):
    child = ChildFactory(child_id="C09001")
    run = SsdImportRun.objects.create(
        source="/srv/ssd/tonight",
        status=SsdImportStatus.SUCCEEDED,
        years=["2024-25"],
        changes=[
            {
                "table": "ssd_cla_episodes",
                "kind": "missing",
                "id": "C09001-EP-20240401",
                "child": child.child_id,
                "what": "episode of care",
            }
        ],
    )
    return SsdExtractRow.objects.create(
        table="ssd_cla_episodes",
        row_id="C09001-EP-20240401",
        person_id=child.child_id,
        position=2,
        values={"clae_cla_episode_id": "C09001-EP-20240401", "clae_person_id": "C09001"},
        state=SsdRowState.MISSING,
        missing_since=run,
    )


def test_business_support_keep_an_episode_missing_from_the_extract(
    page,
    business_support,
    missing_episode,
):
    sign_in(page, "support")
    page.goto("/imports/")
    page.get_by_role("link", name="SSD extracts").click()
    assert page.get_by_role("heading", level=1).inner_text() == "SSD extracts"
    assert_accessible(page)
    page.get_by_role("link", name="Remove or keep episode of care C09001-EP-20240401").click()
    assert_accessible(page)

    page.get_by_role("button", name="Save the decision").click()
    summary = page.locator(".govuk-error-summary")
    assert "Select whether to remove the record or keep it" in summary.inner_text()
    assert "Enter why" in summary.inner_text()
    assert_accessible(page)

    page.get_by_label("Keep it: it was left out of the extract by mistake").check()
    page.get_by_label("Why?").fill("The case system left it out of tonight's extract")
    page.get_by_role("button", name="Save the decision").click()

    assert page.get_by_role("heading", name="Missing from the extract, kept").is_visible()
    assert_accessible(page)
    missing_episode.refresh_from_db()
    assert missing_episode.state == SsdRowState.KEPT
    assert missing_episode.reason == "The case system left it out of tonight's extract"
