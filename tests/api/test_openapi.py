"""The OpenAPI document validates, and every documented list answers as it documents."""

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from tests.api.records import TODAY, V1, carer, case_records, import_runs
from worklists.notifications import overdue_deadlines_announce

pytestmark = pytest.mark.django_db

# Every list the document has, read from the document itself, so a new endpoint is checked
# here as soon as it is routed.
DOCUMENTED = sorted(
    path
    for path, operations in SchemaGenerator().get_schema(request=None, public=True)["paths"].items()
    if "get" in operations
)


def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def as_json_schema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema's null, for jsonschema: a type list
    where there is a type, else "this or null" (a nullable `allOf` of a component)."""
    if isinstance(node, list):
        return [as_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    converted = {k: as_json_schema(v) for k, v in node.items() if k != "nullable"}
    if not node.get("nullable"):
        return converted
    if "type" in node:
        converted["type"] = [node["type"], "null"]
        return converted
    return {"anyOf": [converted, {"type": "null"}]}


@pytest.fixture
def unit(time_machine, iro, business_support):
    """One of every record the lists show, so each response has rows to check."""
    time_machine.move_to(TODAY, tick=False)
    case_records(held_by=iro, chair=iro, child_id="DOC1")
    carer("FC-0101")
    import_runs(uploaded_by=business_support)
    overdue_deadlines_announce(as_of=TODAY.date())  # the outbox's events


def test_the_openapi_document_validates_against_openapi_3():
    validate_schema(schema())


def test_every_v1_list_is_documented():
    assert set(V1) <= set(DOCUMENTED)


@pytest.mark.parametrize("path", DOCUMENTED)
def test_a_sample_response_matches_its_documented_schema(client, head_of_service, unit, path):
    document = schema()
    documented = document["paths"][path]["get"]["responses"]["200"]["content"]
    body_schema = documented["application/json"]["schema"]
    client.force_login(head_of_service)
    response = client.get(path)
    assert response.status_code == 200
    body = response.json()
    assert body["results"] if isinstance(body, dict) else body, f"{path} returned no rows"
    jsonschema.validate(body, as_json_schema({**body_schema, "components": document["components"]}))
