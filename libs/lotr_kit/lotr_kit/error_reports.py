"""Django's error reports (debug pages, mail to ADMINS) without the caller's credentials;
settings.DEFAULT_EXCEPTION_REPORTER(_FILTER) name these."""

from pprint import pformat

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from .redact import REDACTED, redact_query, redact_text


class RedactingExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's error reports (debug pages, mail to ADMINS) without the caller's token: the
    Authorization header, the query string's access_token, cookies."""

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        for name in ("HTTP_AUTHORIZATION", "HTTP_X_API_KEY", "HTTP_COOKIE"):
            if name in meta:
                meta[name] = self.cleansed_substitute
        if "QUERY_STRING" in meta:
            meta["QUERY_STRING"] = redact_query(meta["QUERY_STRING"])
        return meta

    def is_active(self, request):
        return True  # also in DEBUG: a token is no less secret on a developer's screen

    def get_traceback_frame_variables(self, request, tb_frame):
        # Local variables named like a secret (token, key, password, ...) are hidden, and any
        # other whose text holds a credential is shown as that text, redacted.
        shown = []
        for name, value in super().get_traceback_frame_variables(request, tb_frame):
            if self.hidden_settings.search(name):
                value = self.cleansed_substitute
            else:
                text = pformat(value)
                if redact_text(text) != text:
                    value = redact_text(text)
            shown.append((name, value))
        return shown


class RedactingExceptionReporter(ExceptionReporter):
    """Django's error report, its request URL and GET parameters without access_token."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            data["request_GET_items"] = [
                (name, REDACTED if name.lower() == "access_token" else value)
                for name, value in self.request.GET.items()
            ]
            data["request_insecure_uri"] = redact_text(data.get("request_insecure_uri", ""))
        if "exception_value" in data:
            data["exception_value"] = redact_text(data["exception_value"])
        return data
