"""Schema, Swagger UI, health, readiness, admin and metrics of this service."""

from lotr_kit.operational_tests import *  # noqa: F403
