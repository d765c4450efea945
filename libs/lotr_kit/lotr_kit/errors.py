"""One error shape everywhere: The One API's {"success": false, "message": "..."}.

DRF's exceptions go through `exception_handler`; Django's own 400/403/404/500 through
the `handler*` views; anything that escapes a view through `JsonErrorMiddleware`, so
no client ever sees an HTML page or a stack trace.
"""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

from .client import ServiceUnavailable
from .query import QueryError

logger = logging.getLogger("lotr_kit.errors")

NOT_FOUND = "Not found."
SERVER_ERROR = "Something went wrong."
UNAVAILABLE = "Service currently not available."
UNAUTHORIZED = "Unauthorized."
TOO_LARGE = "Request body too large."
# Seconds a client is told to wait (Retry-After) when a 503 says a dependency is down or busy:
# the same vocabulary as the gateway's own 503 (GATEWAY_UNAVAILABLE_RETRY_AFTER).
RETRY_AFTER_SECONDS = "5"


def error_body(message: str, **extra) -> dict:
    return {"success": False, "message": message, **extra}


def error_response(status: int, message: str, **extra) -> JsonResponse:
    # Compact, raw UTF-8: the same bytes the API's renderer writes.
    response = JsonResponse(
        error_body(message, **extra),
        status=status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
    if status == 503:
        response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def unavailable() -> Response:
    """The 503 every service answers when its database or another service does not."""
    return Response(error_body(UNAVAILABLE), status=503, headers={"Retry-After": RETRY_AFTER_SECONDS})


class ApiError(Exception):
    """A request a service refuses: answered with `status`, `message` and, for a 400 about
    fields, `errors` (per-field messages), in the shape above. Raised from a service or an API."""

    def __init__(self, message: str, status: int = 400, errors: dict | None = None):
        super().__init__(message)
        self.message, self.status, self.errors = message, status, errors


def query_error_body(error: QueryError) -> dict:
    extra = dict(error.extra)
    if error.param is not None:
        extra["errors"] = {error.param: error.message}
    return error_body(error.message, **extra)


def exception_handler(exc, context):
    """DRF exception handler: every API error in the One API shape, with the right status."""
    if isinstance(exc, QueryError):
        return Response(query_error_body(exc), status=400)
    if isinstance(exc, ApiError):
        return Response(error_body(exc.message, **({"errors": exc.errors} if exc.errors else {})), status=exc.status)
    if isinstance(exc, Http404):
        return Response(error_body(NOT_FOUND), status=404)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body(TOO_LARGE), status=413)
    if isinstance(exc, SuspiciousOperation):
        return Response(error_body(suspicious_message(exc)), status=400)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        set_rollback()
        return Response(error_body(UNAUTHORIZED), status=401)
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(exc.wait)
        elif exc.status_code == 503:
            headers["Retry-After"] = RETRY_AFTER_SECONDS
        if isinstance(exc, exceptions.MethodNotAllowed):
            allowed = context["view"].allowed_methods
            headers["Allow"] = ", ".join(allowed)
        detail = exc.detail
        if isinstance(detail, dict | list):
            body = error_body(_first_message(detail), errors=detail)
        else:
            body = error_body(str(detail))
        set_rollback()
        return Response(body, status=exc.status_code, headers=headers)
    if isinstance(exc, OperationalError | InterfaceError):
        logger.error("database unavailable: %s", exc)
        return unavailable()
    if isinstance(exc, ServiceUnavailable):
        return unavailable()  # another service did not answer: never a page short of what it promised
    return None  # unexpected: JsonErrorMiddleware logs it and answers 500


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            inner = _first_message(value)
            return inner if key == "non_field_errors" else f"{key}: {inner}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


class JsonErrorMiddleware:
    """Turns any exception that escapes a view into a JSON 500 (or 503 for the database)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return None
        if isinstance(exception, RequestDataTooBig):
            return error_response(413, TOO_LARGE)
        if isinstance(exception, SuspiciousOperation):
            return error_response(400, suspicious_message(exception))
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("database unavailable on %s %s: %s", request.method, request.path, exception)
            return error_response(503, UNAVAILABLE)
        if isinstance(exception, DatabaseError):
            logger.exception("database error on %s %s", request.method, request.path)
            return error_response(500, SERVER_ERROR)
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, SERVER_ERROR)


def suspicious_message(exc: SuspiciousOperation) -> str:
    if isinstance(exc, TooManyFieldsSent):
        return "Too many query parameters."
    return "Bad request."


def not_found_message(path: str) -> str:
    """The original's 404 text: a hint to the singular path when a /v2 path ends in "s"."""
    lowered = path.lower()
    if lowered.startswith("/v2/"):
        inner = path[3:]
        if inner.endswith(("s", "S")):
            return f"Not found. Did you mean to use the singular version of the endpoint, {inner[:-1]}?"
    return NOT_FOUND


def handler400(request, exception=None):
    return error_response(400, "Bad request.")


def handler403(request, exception=None):
    return error_response(403, "Forbidden.")


def handler404(request, exception=None):
    return error_response(404, not_found_message(request.path))


def handler500(request):
    return error_response(500, SERVER_ERROR)
