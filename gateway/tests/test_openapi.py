"""The one OpenAPI document of the whole API (gateway/openapi/build.py): merged from the
services' own schemas, committed, valid, served by the gateway, and never out of date."""

import copy
import json

import pytest
import requests
import yaml
from openapi_spec_validator import validate

from gateway.openapi import build

READS = [
    "/v2/book",
    "/v2/book/{id}",
    "/v2/book/{id}/chapter",
    "/v2/chapter",
    "/v2/chapter/{id}",
    "/v2/movie",
    "/v2/movie/{id}",
    "/v2/movie/{id}/quote",
    "/v2/quote",
    "/v2/quote/{id}",
    "/v2/quotes/random",
    "/v2/character",
    "/v2/character/{id}",
    "/v2/character/{id}/quote",
]


@pytest.fixture(scope="module")
def service_schemas() -> dict[str, dict]:
    return {service: build.service_schema(service) for service in build.SERVICES}


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(build.JSON_FILE.read_text(encoding="utf-8"))


def test_every_path_of_every_service_is_in_the_merged_document(service_schemas, committed):
    missing = [
        f"{method.upper()} {path} ({service})"
        for service, schema in service_schemas.items()
        for path, item in schema["paths"].items()
        for method in item
        if method not in committed["paths"].get(path, {})
    ]

    assert not missing, f"run `make openapi`: the committed document lacks {missing}"


def test_the_committed_files_are_the_merge_of_the_services_schemas(service_schemas):
    document = build.merge(service_schemas)

    assert build.JSON_FILE.read_text(encoding="utf-8") == build.as_json(document), "run `make openapi`"
    assert build.YAML_FILE.read_text(encoding="utf-8") == build.as_yaml(document), "run `make openapi`"


def test_the_merged_document_is_valid_openapi(committed):
    validate(committed)
    validate(yaml.safe_load(build.YAML_FILE.read_text(encoding="utf-8")))


def test_the_merged_document_has_one_server_and_each_component_once(committed, service_schemas):
    schemas = committed["components"]["schemas"]

    assert committed["servers"] == [{"url": "/", "description": "This gateway"}]
    assert list(committed["components"]["securitySchemes"]) == ["bearerAuth"]
    for service, schema in service_schemas.items():
        for name, value in schema["components"]["schemas"].items():
            assert schemas[name] == value, (service, name)
    # Shared by services, kept once: the error shape and the quote (movie and character).
    assert {"Error", "Quote", "QuoteList"} <= set(schemas)


def test_only_the_paths_that_need_a_token_show_security(committed):
    for path in READS:
        operation = committed["paths"][path]["get"]
        assert "security" not in operation, path
        assert "401" not in operation["responses"], path
    personal = [p for p in committed["paths"] if p.startswith("/v2/me/")] + ["/auth/me", "/auth/keys", "/auth/password"]
    for path in personal:
        for method, operation in committed["paths"][path].items():
            assert operation["security"] == [{"bearerAuth": []}], (method, path)
            assert "401" in operation["responses"], (method, path)
    for path in ("/auth/register", "/auth/login", "/auth/.well-known/jwks.json"):
        for operation in committed["paths"][path].values():
            assert "security" not in operation, path


def test_the_filter_language_is_described_once(committed, service_schemas):
    text = json.dumps(committed)
    marker = "List paths take The One API's filter language"

    assert marker in committed["info"]["description"]
    assert text.count(marker) == 1
    assert all(marker in s["info"]["description"] for s in service_schemas.values())  # each service's own page


def test_errors_describe_what_the_services_send(committed):
    errors = committed["components"]["schemas"]["Error"]["properties"]["errors"]["additionalProperties"]

    # A sentence per query parameter; a list of sentences per request body field.
    assert {"type": "string"} in errors["oneOf"]
    assert {"type": "array", "items": {"type": "string"}} in errors["oneOf"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["movie"]["paths"].update({"/v2/book": {}}), "/v2/book is described by both"),
        (
            lambda s: s["character"]["components"]["schemas"]["Quote"].update({"type": "string"}),
            "components/schemas/Quote differs between the services",
        ),
        (lambda s: s["accounts"]["info"].update({"version": "9.9.9"}), "the services give different versions"),
    ],
)
def test_the_merge_refuses_what_it_cannot_merge_faithfully(service_schemas, change, message):
    schemas = copy.deepcopy(service_schemas)
    change(schemas)

    with pytest.raises(build.MergeError, match=message):
        build.merge(schemas)


def test_the_gateway_serves_the_document_as_json_and_yaml(start_gateway, committed):
    # Served by nginx itself: no service needs to run.
    gateway = start_gateway(dict.fromkeys(build.SERVICES, "127.0.0.1:9"))

    as_json = requests.get(f"{gateway.url}/openapi.json", timeout=10)
    as_yaml = requests.get(f"{gateway.url}/openapi.yaml", timeout=10)
    posted = requests.post(f"{gateway.url}/openapi.json", timeout=10)
    services_js = requests.get(f"{gateway.url}/docs/services.js", timeout=10).text

    assert as_json.status_code == 200
    assert as_json.headers["Content-Type"] == "application/json; charset=utf-8"
    assert as_json.json() == committed
    assert as_yaml.status_code == 200
    assert as_yaml.headers["Content-Type"] == "application/yaml; charset=utf-8"
    assert yaml.safe_load(as_yaml.text) == committed
    assert posted.status_code == 405
    # The docs page offers the whole API first.
    assert services_js.index('url: "/openapi.json"') < services_js.index('url: "/api/book/schema/"')
