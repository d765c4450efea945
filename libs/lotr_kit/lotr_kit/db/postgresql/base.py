"""Django's PostgreSQL backend, with its connection health check skipped while busy and a
client-side deadline on every round trip.

Django's CONN_HEALTH_CHECKS sends a `SELECT 1` at the start of every request that uses a
persistent connection: a whole extra round trip per API call (bench/: about 13% of a list
request). A connection that answered a query moments ago is almost surely alive, so the
check runs only once it has been idle for DB_HEALTH_CHECK_IDLE_SECONDS (0: every request,
Django's own behaviour). What a server restart under load costs then: a thread whose
connection broke within that window fails its next request (a 5xx), and Django drops the
connection so that the request after it reconnects.

A server that accepts bytes but never answers (frozen, swapping, a half-dead failover) is
not caught by statement_timeout (the server's own clock), nor by TCP keepalives or
tcp_user_timeout when its kernel still acknowledges: psycopg would wait forever, and with
it every worker thread. So each wait on the connection (a query, a commit, the health
check) has a deadline, DB_CLIENT_TIMEOUT_MS; past it the connection is closed and the
request fails with psycopg's OperationalError, which the services answer as a 503.
"""

import contextvars
import time
import types
from contextlib import contextmanager

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base

# A shorter deadline for the calls made inside `deadline(seconds)` (the readiness probe).
_deadline_override: contextvars.ContextVar[float | None] = contextvars.ContextVar("db_deadline", default=None)


@contextmanager
def deadline(seconds: float):
    """Database calls in this block give up after `seconds` instead of DB_CLIENT_TIMEOUT_MS."""
    token = _deadline_override.set(seconds)
    try:
        yield
    finally:
        _deadline_override.reset(token)


class DeadlineConnection(psycopg.Connection):
    """psycopg's connection, whose every wait for the server ends at a deadline."""

    client_timeout: float | None = None

    def wait(self, gen, interval=0.1, timeout=None):
        limit = _deadline_override.get() or self.client_timeout
        if timeout is not None or not limit:
            return super().wait(gen, interval, timeout)
        try:
            return super().wait(gen, interval, limit)
        except psycopg.errors._WaitTimeout:  # noqa: SLF001  psycopg's own timeout signal
            # The protocol stopped mid-exchange: this connection cannot be used again.
            self.pgconn.finish()
            raise psycopg.OperationalError(f"the database did not answer within {limit:g} s") from None


# Django connects through `self.Database.connect`: the psycopg module, with that connection.
_psycopg = types.ModuleType("psycopg")
_psycopg.__dict__.update(psycopg.__dict__)
_psycopg.connect = DeadlineConnection.connect


class DatabaseWrapper(base.DatabaseWrapper):
    Database = _psycopg
    last_used = float("-inf")

    def get_connection_params(self):
        params = super().get_connection_params()
        self.client_timeout = params.pop("client_timeout_ms", 0) / 1000
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if isinstance(connection, DeadlineConnection):  # not one from a pool
            connection.client_timeout = self.client_timeout
        return connection

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
