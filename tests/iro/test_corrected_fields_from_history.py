"""Children corrected before Child.corrected_fields existed are marked from their history
(migration iro 0010): the details a person changed, not those a load changed."""

import importlib

import pytest
from django.apps import apps

from iro.models import Child
from iro.services import CHILD_DETAILS, child_details_correct, child_update
from tests.factories import ChildFactory, UserFactory

pytestmark = pytest.mark.django_db

fill = importlib.import_module(
    "iro.migrations.0010_child_corrected_fields_from_history"
).corrected_from_history


def test_a_detail_a_person_corrected_is_marked_and_one_a_load_changed_is_not():
    child = ChildFactory(ethnicity="WBRI", upn="")
    details = {f: getattr(child, f) for f in CHILD_DETAILS} | {"ethnicity": "WIRI"}
    child_details_correct(child=child, **details, reason="Checked", by=UserFactory())
    child_update(child=Child.objects.get(pk=child.pk), upn="B801200005001")  # as a load does
    untouched = ChildFactory(child_id="OTHER1")
    Child.objects.update(corrected_fields=[])  # as before the field existed

    fill(apps, None)

    assert Child.objects.get(pk=child.pk).corrected_fields == ["ethnicity"]
    assert Child.objects.get(pk=untouched.pk).corrected_fields == []
