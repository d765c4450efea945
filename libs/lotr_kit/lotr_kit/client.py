"""HTTP calls to another service: timeouts, retries on idempotent reads, request id passed on.

Written on the standard library's http.client, with connections of its own kept open between
calls, rather than through urllib3's pool (itself built on http.client) or requests: a call
between services sits on the hot path of /v2/character/{id}/quote and of API-key checks.
Measured on the character service's call to the movie service, CPU per call: requests about
0.7 ms; urllib3's pool 309-318 µs; http.client alone 178-192 µs, the difference being urllib3's
retry and timeout objects, its response wrapper and header dict, and a poll of the socket
before each reuse (docs/performance.md, seventh pass). What urllib3 gave is kept here: the
same retries, the same timeouts, a connection the other side closed while idle replaced
without counting as a failure, and urllib3's own encoding of characters that may not stand in
a request target.
"""

import re
import time
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException, HTTPSConnection, RemoteDisconnected
from urllib.parse import urlsplit

import orjson
from urllib3.util import parse_url

from .middleware import request_id_var

# Answers worth asking again for a GET: the other side (or a proxy before it) is restarting.
RETRIED_STATUSES = frozenset({502, 503, 504})
BACKOFF_SECONDS = 0.05  # before the second retry and each after it, doubling; the first goes at once
KEPT_OPEN = 16  # idle connections kept per client (a worker's threads share it)
# A target of only these characters goes out as it is; any other (a percent sign included, which
# urllib3 normalizes) is encoded as urllib3 encodes it.
PLAIN_TARGET = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*")


class ServiceUnavailable(Exception):
    """The other service did not answer in time (or at all)."""


@dataclass(frozen=True)
class ServiceResponse:
    status_code: int
    content: bytes
    headers: dict[str, str]  # names in lower case

    def json(self):
        return orjson.loads(self.content)


class _Unanswered(Exception):
    """No answer came; `retry` says whether asking again is right (never after a read timeout:
    the other side is busy with the request already, and asking again only doubles its load)."""

    def __init__(self, error: Exception, *, retry: bool):
        super().__init__(str(error) or type(error).__name__)
        self.retry = retry


class _Stale(Exception):
    """A kept connection the other side had closed: nothing was answered on it."""


class ServiceClient:
    def __init__(self, base_url: str, *, connect_timeout: float, read_timeout: float, retries: int = 2):
        self.base_url = base_url.rstrip("/")
        url = urlsplit(self.base_url)
        self.connection_class = HTTPSConnection if url.scheme == "https" else HTTPConnection
        self.host, self.port = url.hostname, url.port
        self.prefix = url.path
        self.connect_timeout, self.read_timeout, self.retries = connect_timeout, read_timeout, retries
        # Connections open and idle; list.append and list.pop are atomic, so threads share it.
        self.idle: list[HTTPConnection] = []

    @classmethod
    def from_settings(cls, base_url: str) -> "ServiceClient":
        """A client with the SERVICE_* timeouts and retries every service is configured with."""
        from django.conf import settings

        return cls(
            base_url,
            connect_timeout=settings.SERVICE_CONNECT_TIMEOUT,
            read_timeout=settings.SERVICE_READ_TIMEOUT,
            retries=settings.SERVICE_RETRIES,
        )

    def get(self, path: str, *, query_string: str = "", headers: dict | None = None) -> ServiceResponse:
        """The answer, whatever its status, after up to `retries` more tries on a connection
        failure or a 502/503/504; ServiceUnavailable when no answer came."""
        target = f"{self.prefix}{path}?{query_string}" if query_string else f"{self.prefix}{path}"
        if not PLAIN_TARGET.fullmatch(target):
            target = parse_url(target).request_uri  # ", <, > and the like, percent-encoded
        sent = {"X-Request-ID": request_id_var.get(), **(headers or {})}
        failures = 0
        while True:
            try:
                response = self._exchange(target, sent)
                if response.status_code not in RETRIED_STATUSES or failures >= self.retries:
                    return response
            except _Unanswered as error:
                if not error.retry or failures >= self.retries:
                    raise ServiceUnavailable(f"GET {self.base_url}{target}: {error}") from error
            failures += 1
            if failures > 1:
                time.sleep(BACKOFF_SECONDS * 2 ** (failures - 2))

    def _exchange(self, target: str, headers: dict) -> ServiceResponse:
        """One request and its answer, on an idle connection if there is one. A kept connection
        the other side closed meanwhile gives no answer at all: then once more on a new one."""
        try:
            connection = self.idle.pop()
        except IndexError:
            return self._exchange_on(self._connect(), target, headers)
        try:
            return self._exchange_on(connection, target, headers, stale=True)
        except _Stale:
            return self._exchange_on(self._connect(), target, headers)

    def _connect(self) -> HTTPConnection:
        connection = self.connection_class(self.host, self.port, timeout=self.connect_timeout)
        try:
            connection.connect()
        except OSError as error:  # refused, unreachable, or no answer within the connect timeout
            connection.close()
            raise _Unanswered(error, retry=True) from error
        connection.sock.settimeout(self.read_timeout)
        return connection

    def _exchange_on(self, connection: HTTPConnection, target: str, headers: dict, stale=False) -> ServiceResponse:
        try:
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except TimeoutError as error:
            connection.close()
            raise _Unanswered(error, retry=False) from error
        except (RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
            connection.close()
            if stale:
                raise _Stale from error
            raise _Unanswered(error, retry=True) from error
        except (OSError, HTTPException) as error:
            connection.close()
            raise _Unanswered(error, retry=True) from error
        if response.will_close or len(self.idle) >= KEPT_OPEN:
            connection.close()
        else:
            self.idle.append(connection)
        return ServiceResponse(
            status_code=response.status,
            content=content,
            headers={name.lower(): value for name, value in response.getheaders()},
        )
