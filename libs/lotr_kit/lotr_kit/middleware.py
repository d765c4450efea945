"""Request plumbing shared by every service: /v2 path rules, the request id, private answers,
and stand-ins for two of Django's middlewares that do their usual case with less work."""

import contextvars
import logging
import re
import uuid
from hashlib import md5

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.middleware import common, http
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class ApiPathMiddleware:
    """/v2 paths are case-insensitive and take a trailing slash, as Express routes do.

    Only `path_info` (what URL resolution sees) changes; `request.path` keeps what the
    client sent, so a 404's plural hint quotes the client's own spelling.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path[:4].lower() in ("/v2/", "/v2"):
            path = path.lower()
            if len(path) > 1 and path.endswith("/"):
                path = path[:-1]
            request.path_info = path
        return self.get_response(request)


class RequestIdMiddleware:
    """Keeps the gateway's X-Request-ID (or makes one), logs with it and sends it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")  # request.headers would parse every header
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line, with the request id, for log shippers; no credential in it."""

    def format(self, record):
        import orjson

        from .redact import redact_text

        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": redact_text(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = redact_text(self.formatException(record.exc_info))
        return orjson.dumps(entry).decode()


class PrivateResponseMiddleware:
    """An answer to a request that carried credentials is for that caller only: no shared
    cache (the gateway's included) may keep it, however the token was spelled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _sent_token(request) or getattr(getattr(request, "user", None), "via", None):
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Authorization"])
        return response


def _sent_token(request) -> bool:
    """Whether the request carries a token, in any spelling: open reads do not look at tokens,
    so the request itself is asked."""
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    try:
        return "access_token" in request.GET
    except SuspiciousOperation:  # too many parameters: already answered with a 400
        return False


# What a request sends to make its answer conditional (Django's get_conditional_response reads these).
_CONDITIONS = ("HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE")


class ConditionalGetMiddleware(http.ConditionalGetMiddleware):
    """Django's: an ETag on every GET answer, and 304 or 412 for a request's conditions.

    Most requests send no condition, and then Django's middleware can only add the ETag; this one
    does just that for them (the same ETag: the quoted MD5 of the body, and none on a `no-store`
    answer) and hands any request with a condition to Django's own code. With the stand-in for
    CommonMiddleware below: 3% fewer instructions for a filtered list (docs/performance.md,
    "Fourth pass"); a contract test (`lotr_kit_testing.operational_tests`) compares both with
    Django's own on the same requests.
    """

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "GET":
            return response
        meta = request.META
        if any(name in meta for name in _CONDITIONS):
            return self.process_response(request, response)
        if not response.streaming and self.needs_etag(response) and not response.has_header("ETag"):
            content = response.content
            if content:
                response.headers["ETag"] = quote_etag(md5(content, usedforsecurity=False).hexdigest())
        return response


class CommonMiddleware(common.CommonMiddleware):
    """Django's, which here checks the Host header and sets Content-Length.

    The services turn off everything else it does (`APPEND_SLASH`, `PREPEND_WWW`,
    `DISALLOWED_USER_AGENTS`: settings a process never changes), so with those off it does only
    those two things, without reading the settings again on every request; with any of them on,
    it is Django's own.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self._host_and_length_only = not (
            settings.APPEND_SLASH or settings.PREPEND_WWW or settings.DISALLOWED_USER_AGENTS
        )

    def __call__(self, request):
        if not self._host_and_length_only:
            return super().__call__(request)
        request.get_host()  # a Host outside ALLOWED_HOSTS raises DisallowedHost: a 400
        response = self.get_response(request)
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        return response
