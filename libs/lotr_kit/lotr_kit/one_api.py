"""Reading every record of a collection from The One API, or any server that speaks its /v2:
page after page (`limit`/`page` until `pages`), with the key as `Authorization: Bearer`.

The original allows 100 requests per 10 minutes, and the whole dataset is a handful of pages
at limit=1000. A 429 waits for its Retry-After; a 5xx, a refused connection or a stalled
answer is tried again after a growing pause; the tries are bounded (urllib3's Retry). Any
failure is an UpstreamError whose message is one line that never holds the key.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import requests
import requests.auth
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

DEFAULT_URL = "https://the-one-api.dev/v2"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class UpstreamError(Exception):
    """The download failed; nothing was written. The message is one line, safe to log."""


def display_url(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


class _Retry(Retry):
    """urllib3's Retry, telling `report` about each try it makes again (and how long it waits)."""

    report: Callable[[str], None] = staticmethod(lambda line: None)

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        retry = super().increment(method, url, response, error, _pool, _stacktrace)  # raises once used up
        if response is not None and retry.respect_retry_after_header and response.headers.get("Retry-After"):
            wait = retry.get_retry_after(response) or 0
        else:
            wait = retry.get_backoff_time()
        cause = f"{response.status} answer" if response is not None else type(error).__name__
        self.report(f"{cause} to GET {url}: trying again in {wait:g} s")
        return retry


class _Bearer(requests.auth.AuthBase):
    def __init__(self, key: str):
        self.key = key

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.key}"
        return request

    def __repr__(self):
        return "_Bearer(<hidden>)"  # the key never shows in a repr or a traceback's locals


@dataclass
class OneApiClient:
    base_url: str = DEFAULT_URL
    key: str = field(default="", repr=False)  # never in a repr, a log or a message
    limit: int = 1000
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # a stalled upstream: no byte for this long
    tries: int = 5  # per request, the first one included
    backoff: float = 1.0  # the second try is at once, the third after this many seconds, then doubling
    max_wait: int = 600  # the longest Retry-After honoured (the original's window is 10 minutes)
    report: Callable[[str], None] = lambda line: None  # progress: retries, pages

    def __post_init__(self):
        self.base_url = self.base_url.rstrip("/")
        if urlsplit(self.base_url).scheme not in {"http", "https"}:
            raise UpstreamError(f"ONE_API_URL {display_url(self.base_url)!r} is not an http(s) URL")
        retry_class = type("Retry", (_Retry,), {"report": staticmethod(self.report)})
        retry = retry_class(
            total=self.tries - 1,
            connect=self.tries - 1,
            read=self.tries - 1,
            status=self.tries - 1,
            other=0,
            backoff_factor=self.backoff / 2,  # urllib3 waits 0, then factor * 2**(n-1): 0, backoff, 2*backoff...
            backoff_max=60,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=True,
            retry_after_max=self.max_wait,
            raise_on_status=False,
            redirect=3,
        )
        self.session = requests.Session()  # proxies from the environment (HTTPS_PROXY) apply
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        self.session.headers["Accept"] = "application/json"
        if self.key:
            # As the session's auth, so a ~/.netrc entry cannot replace it; requests drops it
            # on a redirect to another host.
            self.session.auth = _Bearer(self.key)

    def fetch(self, path: str) -> list:
        """Every record of /<path>, in the server's order; UpstreamError when any page fails."""
        started = time.monotonic()
        records: list = []
        page, pages, total, limit = 1, 1, None, None
        while page <= pages:
            body, url = self.get_page(path, page)
            if total is None:
                total, pages, limit = body["total"], body["pages"], body["limit"]
            elif (body["total"], body["pages"]) != (total, pages):
                raise UpstreamError(
                    f"/{path} changed while it was read (page {page} says {body['total']} records in "
                    f"{body['pages']} pages, page 1 said {total} in {pages}): try again ({url})"
                )
            docs = body["docs"]
            expected = limit if page < pages else total - limit * (pages - 1)
            if len(docs) != expected:
                raise UpstreamError(
                    f"page {page} of /{path} is incomplete: {len(docs)} records instead of {expected} "
                    f"({total} in {pages} pages of {limit}) ({url})"
                )
            records.extend(docs)
            page += 1
        self.report(
            f"/{path}: {len(records)} records in {pages} page{'s' if pages != 1 else ''} "
            f"({time.monotonic() - started:.1f} s)"
        )
        return records

    def get_page(self, path: str, page: int) -> tuple[dict, str]:
        url = f"{self.base_url}/{path}"
        params = {"limit": self.limit, "page": page}
        shown = f"GET {display_url(url)}?limit={self.limit}&page={page}"
        try:
            response = self.session.get(url, params=params, timeout=(self.connect_timeout, self.read_timeout))
            content = response.content  # read here, so a stall mid-body is a timeout too
        except requests.exceptions.RequestException as error:
            cause = _innermost(error)
            if isinstance(cause, TimeoutError | urllib3.exceptions.TimeoutError):
                raise UpstreamError(
                    f"ONE_API_URL did not answer within {self.read_timeout:g} s, {self.tries} tries ({shown})"
                ) from None
            raise UpstreamError(
                f"ONE_API_URL unreachable after {self.tries} tries ({shown}): {_reason(cause)}"
            ) from None
        status = response.status_code
        if status in {401, 403}:
            raise UpstreamError(f"{status} from ONE_API_URL: check ONE_API_KEY ({shown})")
        if status == 429:
            wait = response.headers.get("Retry-After", "none")
            raise UpstreamError(f"429 from ONE_API_URL after {self.tries} tries, Retry-After {wait} ({shown})")
        if status in RETRY_STATUSES:
            raise UpstreamError(f"{status} from ONE_API_URL after {self.tries} tries ({shown})")
        if status == 404 and page > 1:
            raise UpstreamError(f"page {page} of /{path} is missing: 404 from ONE_API_URL ({shown})")
        if status != 200:
            raise UpstreamError(f"{status} from ONE_API_URL ({shown})")
        try:
            body = json.loads(content)
        except ValueError as error:
            raise UpstreamError(f"malformed JSON from ONE_API_URL ({shown}): {error}") from None
        problem = _envelope_problem(body)
        if problem:
            raise UpstreamError(f"not a /v2 page from ONE_API_URL ({shown}): {problem}")
        return body, shown


def _envelope_problem(body) -> str | None:
    if not isinstance(body, dict):
        return "not a JSON object"
    if not isinstance(body.get("docs"), list):
        return "no docs list"
    for name in ("total", "limit", "pages"):
        value = body.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "total" else 1):
            return f"{name} is {value!r}, not a count"
    return None


def _innermost(error: BaseException) -> BaseException:
    """The first cause: urllib3 wraps it in MaxRetryError, requests in its own exception."""
    seen = set()
    while id(error) not in seen:
        seen.add(id(error))
        reason = getattr(error, "reason", None)
        if isinstance(reason, BaseException):
            error = reason
        elif error.args and isinstance(error.args[0], BaseException):
            error = error.args[0]
        elif error.__context__ is not None:
            error = error.__context__
        else:
            break
    return error


def _reason(error: BaseException) -> str:
    """A short reason: 'Connection refused', 'Name or service not known'."""
    text = str(error).strip() or type(error).__name__
    return text.rsplit("] ", 1)[-1].rsplit(": ", 1)[-1][:200]
