"""Schema, Swagger UI, health, readiness, admin and metrics of this service (it has no /v2 data,
so the checks of text collation and sort indexes do not apply)."""

from lotr_kit_testing.operational_tests import OperationalContract


class TestOperational(OperationalContract):
    pass
