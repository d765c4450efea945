"""Schema, Swagger UI, health, readiness, admin, metrics and the tables' collation and indexes of this service."""

from lotr_kit_testing.operational_tests import OperationalContract, StoredDataContract


class TestOperational(OperationalContract, StoredDataContract):
    pass
