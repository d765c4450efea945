"""/healthz (the process answers) and /readyz (it can serve: database, schema, data).

Under the server (lotr_kit.server), /healthz is answered by granian itself, outside the
application's threads, so it answers while every one of them waits on a stalled database;
the view here answers it everywhere else (the test client, another WSGI server).
"""

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError
from rest_framework.response import Response

from .db.postgresql.base import deadline
from .errors import unavailable
from .views import ReadOnlyApi

# Once every migration was found applied, it stays so for this process: not checked again.
_migrated: set[str] = set()


def migrations_applied(alias: str) -> bool:
    if alias not in _migrated:
        executor = MigrationExecutor(connections[alias])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return False
        _migrated.add(alias)
    return True


def data_imported() -> bool:
    """Each model named in LOTR_READY_MODELS ("app.Model") holds at least one row."""
    return all(apps.get_model(label).objects.exists() for label in getattr(settings, "LOTR_READY_MODELS", []))


class HealthzApi(ReadOnlyApi):
    """Liveness: answers as long as the process serves requests; never touches the database."""

    schema = None  # operational, not part of the public API (the gateway does not route it)
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        return Response({"status": "ok"})


class ReadyzApi(ReadOnlyApi):
    """Readiness: 503 while the database does not answer within DB_READY_TIMEOUT seconds,
    while a migration is not applied, or while the service's data is not imported."""

    schema = None  # operational, not part of the public API (the gateway does not route it)
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        try:
            with deadline(settings.DB_READY_TIMEOUT):
                for alias in connections:
                    with connections[alias].cursor() as cursor:
                        cursor.execute("SELECT 1")
                        cursor.fetchone()
                ready = migrations_applied(DEFAULT_DB_ALIAS) and data_imported()
        except DatabaseError:
            return unavailable()
        if not ready:
            return unavailable()
        return Response({"status": "ready"})
