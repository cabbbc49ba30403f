"""The OpenAPI document validates, and a sample call matches what it documents."""

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def as_json_schema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema's type list, for jsonschema."""
    if isinstance(node, list):
        return [as_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    converted = {k: as_json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") and "type" in node:
        converted["type"] = [node["type"], "null"]
    return converted


def test_the_openapi_document_validates_against_openapi_3():
    validate_schema(schema())


@pytest.mark.parametrize("path", ["/api/v1/children/", "/api/v1/deadlines/"])
def test_a_sample_response_matches_its_documented_schema(client, head_of_service, path):
    document = schema()
    documented = document["paths"][path]["get"]["responses"]["200"]["content"]
    body_schema = documented["application/json"]["schema"]
    client.force_login(head_of_service)
    response = client.get(path)
    assert response.status_code == 200
    jsonschema.validate(
        response.json(), as_json_schema({**body_schema, "components": document["components"]})
    )
