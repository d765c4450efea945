"""/healthz (the process answers) and /readyz (its database answers too)."""

from django.db import connections
from django.db.utils import DatabaseError
from rest_framework.response import Response

from .errors import unavailable
from .views import ReadOnlyApi


class HealthzApi(ReadOnlyApi):
    """Liveness: answers as long as the process serves requests; never touches the database."""

    schema = None  # operational, not part of the public API (the gateway does not route it)
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        return Response({"status": "ok"})


class ReadyzApi(ReadOnlyApi):
    """Readiness: 503 while the service's database does not answer."""

    schema = None  # operational, not part of the public API (the gateway does not route it)
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        try:
            for alias in connections:
                with connections[alias].cursor() as cursor:
                    cursor.execute("SELECT 1")
                    cursor.fetchone()
        except DatabaseError:
            return unavailable()
        return Response({"status": "ready"})
