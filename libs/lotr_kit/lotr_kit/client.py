"""HTTP calls to another service: timeouts, retries on idempotent reads, request id passed on."""

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .middleware import request_id_var


class ServiceUnavailable(Exception):
    """The other service did not answer in time (or at all)."""


class ServiceClient:
    def __init__(self, base_url: str, *, connect_timeout: float, read_timeout: float, retries: int = 2):
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        # Connection failures and 502/503/504 are retried; a read timeout is not: the other
        # side is busy with the request already, and asking again only doubles its load.
        retry = Retry(
            total=retries,
            connect=retries,
            read=0,
            status=retries,
            backoff_factor=0.05,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET", "HEAD"}),
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=16)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

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

    def get(self, path: str, *, query_string: str = "", headers: dict | None = None) -> requests.Response:
        url = f"{self.base_url}{path}"
        if query_string:
            url = f"{url}?{query_string}"
        sent = {"X-Request-ID": request_id_var.get(), **(headers or {})}
        try:
            return self.session.get(url, headers=sent, timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as error:
            raise ServiceUnavailable(f"GET {url}: {error}") from error
