"""Django's PostgreSQL backend, with its connection health check skipped while busy.

Django's CONN_HEALTH_CHECKS sends a `SELECT 1` at the start of every request that uses a
persistent connection: a whole extra round trip per API call (bench/: about 13% of a list
request). A connection that answered a query moments ago is almost surely alive, so the
check runs only once it has been idle for DB_HEALTH_CHECK_IDLE_SECONDS (0: every request,
Django's own behaviour). What a server restart under load costs then: a thread whose
connection broke within that window fails its next request (a 5xx), and Django drops the
connection so that the request after it reconnects.
"""

import time

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    last_used = float("-inf")

    def _cursor(self, name=None):
        cursor = super()._cursor(name)
        self.last_used = time.monotonic()
        return cursor

    def close_if_health_check_failed(self):
        idle = time.monotonic() - self.last_used
        if self.connection is not None and idle < getattr(settings, "DB_HEALTH_CHECK_IDLE_SECONDS", 0):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
