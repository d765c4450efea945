"""Tests of the operational paths every service serves; a service's suite star-imports them
from a test module so each service checks its own schema, docs, health and admin."""

import json

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate


@pytest.mark.django_db
def test_openapi_schema_documents_every_v2_path_and_validates(client, tmp_path):
    out = tmp_path / "schema.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(out))

    schema = json.loads(out.read_text())
    validate(schema)
    from django.urls import get_resolver

    routes = {str(p.pattern) for p in get_resolver().url_patterns[0].url_patterns}
    public = {"/" + r.replace("<str:id>", "{id}") for r in routes if r.startswith("v2/")}
    assert public <= set(schema["paths"]), public - set(schema["paths"])
    assert not [p for p in schema["paths"] if p.startswith("/internal")]
    for path in public:
        params = {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}
        if "random" not in path:
            assert {"limit", "page", "offset", "sort"} <= params, (path, params)


@pytest.mark.django_db
def test_schema_endpoints_serve_yaml_and_json(client):
    yaml_response = client.get("/api/schema/")
    json_response = client.get("/api/schema.json")

    assert yaml_response.status_code == 200
    assert yaml_response.content.startswith(b"openapi: 3.")
    assert json_response.status_code == 200
    assert json.loads(json_response.content)["openapi"].startswith("3.")


@pytest.mark.django_db
def test_swagger_ui_loads_its_assets_locally(client):
    page = client.get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200


@pytest.mark.django_db
def test_readyz_answers_when_the_database_does(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_admin_login_page_renders(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert b"Django administration" in response.content


def test_metrics_are_prometheus_text(client):
    response = client.get("/metrics")

    assert response.status_code == 200
    assert b"django_http_requests_before_middlewares_total" in response.content


def test_unexpected_paths_outside_v2_are_json_404(client):
    response = client.get("/nope")

    assert response.status_code == 404
    assert response.json() == {"success": False, "message": "Not found."}
