"""Schema, Swagger UI, health, readiness, admin and metrics of this service (it has no /v2 data,
so the checks of text collation do not apply)."""

from lotr_kit.operational_tests import (  # noqa: F401
    test_a_statement_repeated_on_a_connection_is_prepared_on_postgresql,
    test_admin_login_page_renders,
    test_admin_manages_the_services_own_tables,
    test_healthz_answers_without_the_database,
    test_metrics_are_prometheus_text,
    test_metrics_count_each_response_by_status_view_and_method,
    test_openapi_schema_documents_every_v2_path_and_validates,
    test_prepared_statements_can_be_turned_off_for_a_transaction_pooler,
    test_readyz_answers_when_the_database_does,
    test_schema_endpoints_serve_yaml_and_json,
    test_swagger_ui_loads_its_assets_locally,
    test_unexpected_faults_answer_500_json_without_a_trace,
    test_unexpected_paths_outside_v2_are_json_404,
)
