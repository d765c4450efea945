"""The contract of the operational paths every service serves: a service's test module
subclasses `OperationalContract` (and `StoredDataContract` when it keeps /v2 data), so each
service checks its own schema, docs, health, admin, metrics and logs."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from openapi_spec_validator import validate


class OperationalContract:
    """What every service serves besides its API: schema, docs, health, admin, metrics, logs."""

    @pytest.mark.django_db
    def test_openapi_schema_documents_every_v2_path_and_validates(self, client, tmp_path):
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
            operations = schema["paths"][path]
            if "get" not in operations:  # a favorite: PUT adds, DELETE removes
                assert set(operations) >= {"put", "delete"}, path
                continue
            params = {p["name"] for p in operations["get"].get("parameters", [])}
            if "random" not in path:
                assert {"limit", "page", "offset", "sort"} <= params, (path, params)
        assert "bearerAuth" in schema["components"]["securitySchemes"]

    @pytest.mark.django_db
    def test_schema_endpoints_serve_yaml_and_json(self, client):
        yaml_response = client.get("/api/schema/")
        json_response = client.get("/api/schema.json")

        assert yaml_response.status_code == 200
        assert yaml_response.content.startswith(b"openapi: 3.")
        assert json_response.status_code == 200
        assert json.loads(json_response.content)["openapi"].startswith("3.")

    @pytest.mark.django_db
    def test_swagger_ui_loads_its_assets_locally(self, client):
        page = client.get("/api/docs/")

        assert page.status_code == 200
        html = page.content.decode()
        assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
        assert "cdn" not in html.lower()
        asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
        assert asset.status_code == 200

    @pytest.mark.django_db
    def test_readyz_answers_when_the_database_does(self, client):
        response = client.get("/readyz")

        assert response.status_code == 200
        assert response.json() == {"status": "ready"}

    def test_healthz_answers_without_the_database(self, client):
        response = client.get("/healthz")

        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    @pytest.mark.django_db
    def test_admin_login_page_renders(self, client):
        response = client.get("/admin/login/")

        assert response.status_code == 200
        assert b"Django administration" in response.content

    def test_metrics_are_prometheus_text(self, client):
        response = client.get("/metrics")

        assert response.status_code == 200
        assert b"django_http_requests_before_middlewares_total" in response.content

    def test_metrics_count_each_response_by_status_view_and_method(self, client):
        from prometheus_client import REGISTRY

        def served(status: str, method: str = "GET") -> float:
            labels = {"status": status, "view": "healthz", "method": method}
            return REGISTRY.get_sample_value("django_http_responses_total_by_status_view_method_total", labels) or 0.0

        ok, refused = served("200"), served("405", "POST")
        for _ in range(3):
            assert client.get("/healthz").status_code == 200
        assert client.post("/healthz").status_code == 405
        assert (served("200"), served("405", "POST")) == (ok + 3, refused + 1)

    @pytest.mark.django_db
    @pytest.mark.urls("lotr_kit_testing.testing_urls")
    def test_metrics_move_the_same_samples_as_django_prometheus_itself(self, settings):
        """lotr_kit.metrics' two middlewares stand in for django-prometheus's own pair: the same
        requests move the same samples by the same amounts (latencies: how many, not how long)."""
        from django.test import Client
        from prometheus_client import REGISTRY

        def samples() -> dict:
            return {
                (sample.name, tuple(sorted(sample.labels.items()))): sample.value
                for family in REGISTRY.collect()
                if family.name.startswith("django_http")
                for sample in family.samples
                if not sample.name.endswith("_created")
                and not ("latency" in sample.name and sample.name.endswith(("_bucket", "_sum")))
            }

        def moved(pair: tuple[str, str]) -> dict:
            settings.MIDDLEWARE = [pair[0], *settings.MIDDLEWARE[1:-1], pair[1]]
            client = Client(raise_request_exception=False)
            before = samples()
            client.get("/healthz")
            client.head("/healthz", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
            client.post("/healthz", data=b'{"a": 1}', content_type="application/json")
            client.get("/nowhere")
            client.get("/__crash__")
            client.get("/__stream__")
            after = samples()
            return {key: after[key] - before.get(key, 0.0) for key in after if after[key] != before.get(key, 0.0)}

        assert settings.MIDDLEWARE[0] == "lotr_kit.metrics.PrometheusBeforeMiddleware"
        assert settings.MIDDLEWARE[-1] == "lotr_kit.metrics.PrometheusAfterMiddleware"
        theirs = moved(
            (
                "django_prometheus.middleware.PrometheusBeforeMiddleware",
                "django_prometheus.middleware.PrometheusAfterMiddleware",
            )
        )
        ours = moved(("lotr_kit.metrics.PrometheusBeforeMiddleware", "lotr_kit.metrics.PrometheusAfterMiddleware"))

        assert ours == theirs
        names = {name for name, _ in ours}
        assert {
            "django_http_responses_streaming_total",
            "django_http_requests_total_by_method_total",
            "django_http_exceptions_total_by_type_total",
            "django_http_ajax_requests_total",
        } <= names, names

    @pytest.mark.django_db
    @pytest.mark.urls("lotr_kit_testing.testing_urls")
    @pytest.mark.parametrize(
        ("ours", "djangos"),
        [
            ("lotr_kit.middleware.ConditionalGetMiddleware", "django.middleware.http.ConditionalGetMiddleware"),
            ("lotr_kit.middleware.CommonMiddleware", "django.middleware.common.CommonMiddleware"),
        ],
    )
    def test_the_kits_middlewares_answer_as_the_djangos_they_stand_in_for(self, settings, ours, djangos):
        from django.test import Client

        assert ours in settings.MIDDLEWARE
        kept = list(settings.MIDDLEWARE)
        etag = Client().get("/api/schema.json")["ETag"]
        requests = [
            ("get", "/api/schema.json", {}),
            ("get", "/api/schema.json", {"HTTP_IF_NONE_MATCH": etag}),
            ("get", "/api/schema.json", {"HTTP_IF_NONE_MATCH": '"another"'}),
            ("get", "/api/schema.json", {"HTTP_IF_MATCH": '"another"'}),
            ("get", "/api/schema.json", {"HTTP_IF_MODIFIED_SINCE": "Wed, 21 Oct 2015 07:28:00 GMT"}),
            ("get", "/api/schema.json", {"HTTP_IF_UNMODIFIED_SINCE": "Wed, 21 Oct 2015 07:28:00 GMT"}),
            ("head", "/api/schema.json", {}),
            ("get", "/healthz", {}),
            ("post", "/healthz", {}),
            ("get", "/nowhere", {}),
            ("get", "/healthz", {"HTTP_HOST": "not-allowed.example"}),
            ("get", "/__stream__", {}),
        ]

        def answers(middleware: str) -> list:
            settings.MIDDLEWARE = [middleware if name == ours else name for name in kept]
            client = Client(raise_request_exception=False)
            out = []
            for method, path, extra in requests:
                response = getattr(client, method)(path, **extra)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                headers = [(name, value) for name, value in response.items() if name != "X-Request-ID"]
                out.append((method, path, extra, response.status_code, headers, body))
            return out

        ours_answer, djangos_answer = answers(ours), answers(djangos)
        assert ours_answer == djangos_answer
        assert {status for *_, status, _, _ in ours_answer} >= {200, 304, 400, 404, 405, 412}

    @pytest.mark.urls("lotr_kit_testing.testing_urls")
    @pytest.mark.parametrize("path", ["/__crash__", "/__crash_api__"])
    def test_unexpected_faults_answer_500_json_without_a_trace(self, client, path):
        client.raise_request_exception = False

        response = client.get(path)

        assert response.status_code == 500
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"success": False, "message": "Something went wrong."}

    @pytest.mark.django_db
    def test_admin_manages_the_services_own_tables(self, admin_client):
        from django.apps import apps

        app = next(a for a in apps.get_app_configs() if a.path.startswith(str(settings.BASE_DIR)))

        index = admin_client.get("/admin/")

        assert index.status_code == 200
        for model in app.get_models():
            changelist = admin_client.get(f"/admin/{app.label}/{model._meta.model_name}/")
            assert changelist.status_code == 200, (model, changelist.status_code)

    def test_unexpected_paths_outside_v2_are_json_404(self, client):
        response = client.get("/nope")

        assert response.status_code == 404
        assert response.json() == {"success": False, "message": "Not found."}

    @pytest.mark.django_db
    def test_a_statement_repeated_on_a_connection_is_prepared_on_postgresql(self):
        """psycopg prepares a statement once a connection has run it five times, so PostgreSQL
        stops planning the same list query on every request (lotr_kit.settings.database_from_env)."""
        from django.db import connection

        if connection.vendor != "postgresql":
            return  # SQLite's statements are compiled per connection by Python's sqlite3 module
        statement = "SELECT %s::integer + 1 AS prepared_probe"
        with connection.cursor() as cursor:
            for value in range(6):
                cursor.execute(statement, [value])
                assert cursor.fetchone() == (value + 1,)
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%prepared_probe%"])
            assert cursor.fetchone() == (1,)

    def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler(self, monkeypatch, tmp_path):
        from lotr_kit.settings import database_from_env

        monkeypatch.setenv("DATABASE_URL", "postgres://lotr@db.example:5432/lotr")
        assert database_from_env(tmp_path / "unused.sqlite3")["OPTIONS"]["prepare_threshold"] == 5
        monkeypatch.setenv("DB_PREPARED_STATEMENTS", "false")
        assert "prepare_threshold" not in database_from_env(tmp_path / "unused.sqlite3")["OPTIONS"]

    def test_django_logs_and_error_reports_hold_no_token(self, rf):
        import logging
        import sys

        from django.views.debug import get_exception_reporter_class

        from lotr_kit.middleware import JsonLogFormatter

        key = "lotr_" + "K" * 43
        # Built, not written whole: the report quotes this function's source lines.
        jwt = ".".join(["eyJhbGciOiJSUzI1NiJ9", "eyJzdWIiOiJmcm9kbyJ9", "c2lnbmF0" + "dXJlc2ln"])
        request = rf.get(f"/v2/book?access_token={key}&limit=2", HTTP_AUTHORIZATION=f"Bearer {jwt}")
        try:
            token = key  # noqa: F841  a local variable named like a secret, shown in the report's frames
            raise ValueError(f"failed for /v2/book?access_token={key}")
        except ValueError:
            exc_info = sys.exc_info()
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "GET %s", (request.get_full_path(),), exc_info)
        reporter = get_exception_reporter_class(request)(request, *exc_info)

        outputs = {
            "log": JsonLogFormatter().format(record),
            "html report": reporter.get_traceback_html(),
            "text report": reporter.get_traceback_text(),
        }

        for name, text in outputs.items():
            assert key not in text, name
            assert jwt.split(".")[2] not in text, name
        assert "[REDACTED]" in outputs["log"]


class StoredDataContract:
    """What a service that stores /v2 data owes its tables: the binary collation and the sort indexes."""

    @pytest.mark.django_db
    def test_text_columns_compare_in_binary_order(self):
        """MongoDB's string order on PostgreSQL needs the "C" collation on each text column (the
        sort tests alone would pass on a server whose default collation happens to be C)."""
        from django.apps import apps
        from django.db import connection

        from lotr_kit.fields import BinaryTextField

        app = next(a for a in apps.get_app_configs() if a.path.startswith(str(settings.BASE_DIR)))
        columns = [
            (model._meta.db_table, field.column)
            for model in app.get_models()
            for field in model._meta.concrete_fields
            if isinstance(field, BinaryTextField)
        ]
        assert columns
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT table_name, column_name, collation_name FROM information_schema.columns "
                    "WHERE table_name = ANY(%s)",
                    [sorted({table for table, _ in columns})],
                )
                found = {(table, column): collation for table, column, collation in cursor.fetchall()}
                collations = {key: found.get(key) for key in columns}
            assert collations == dict.fromkeys(columns, "C")
        else:  # SQLite's default collation, BINARY, already compares bytes
            with connection.cursor() as cursor:
                cursor.execute("SELECT 'Z' < 'a', 'a' < 'Ó'")
                assert cursor.fetchone() == (1, 1)

    @pytest.mark.django_db
    def test_every_listed_field_has_an_index_in_the_apis_sort_order(self):
        """On PostgreSQL, (field ASC NULLS FIRST, position) for each field of the tables the API
        lists (those with a `position`): sorted pages and a parent's children read in index order."""
        from django.apps import apps
        from django.db import connection

        app = next(a for a in apps.get_app_configs() if a.path.startswith(str(settings.BASE_DIR)))
        tables = {
            model._meta.db_table: [f.column for f in model._meta.concrete_fields if f.column != "position"]
            for model in app.get_models()
            if any(f.name == "position" for f in model._meta.concrete_fields)
        }
        assert tables
        if connection.vendor != "postgresql":
            return  # SQLite's CREATE INDEX has no NULLS FIRST (lotr_kit.sort_indexes)
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [list(tables)])
            definitions = cursor.fetchall()
        for table, columns in tables.items():
            for column in columns:
                wanted = f"({column} NULLS FIRST, position)"  # PostgreSQL quotes some names, not others
                assert any(t == table and d.replace('"', "").endswith(wanted) for t, d in definitions), (table, column)
