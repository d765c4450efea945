"""Request plumbing shared by every service: /v2 path rules and the request id."""

import contextvars
import logging
import re
import uuid

from django.core.exceptions import SuspiciousOperation
from django.utils.cache import patch_cache_control, patch_vary_headers

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
        incoming = request.headers.get("X-Request-ID", "")
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
