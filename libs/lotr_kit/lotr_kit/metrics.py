"""django-prometheus's request metrics, the same series, for a fraction of the work per request.

django-prometheus's two middlewares are `MiddlewareMixin`s that look each labelled series up
through `labels()` (which checks and joins the label values and takes a lock) eight times a
request, and re-derive the method, transport and view name at every step. These two keep its
metrics objects (`Metrics.get_instance()`, so `/metrics` and every series name, label and bucket
stay as they were) and differ only in how they reach them:

- every labelled series a request touches is looked up once per process, by one tuple of the
  label values (method, transport, status, view name, charset: the values django-prometheus
  already bounds, so this keeps no more than prometheus_client itself keeps for them);
- the request and response steps are one `__call__` instead of `process_request` and
  `process_response` behind `MiddlewareMixin`'s checks.

A filtered character list runs 13% fewer instructions with them than with django-prometheus's
own pair (callgrind, in-process: see docs/performance.md, "Fourth pass"). A kit contract test
(`lotr_kit_testing.operational_tests`) serves the same requests through both pairs and compares
every sample they move.
"""

from timeit import default_timer

from django_prometheus import middleware
from django_prometheus.middleware import Metrics

_NO_CHARSET = object()
_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS", "CONNECT", "PATCH"))


def _method(request) -> str:
    method = request.method
    return method if method in _METHODS else "<invalid method>"


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name is not None:
        return match.view_name
    return "<unnamed view>"


class PrometheusBeforeMiddleware:
    """Outermost: every request and response counted, latency including all middlewares."""

    def __init__(self, get_response):
        self.get_response = get_response
        metrics = Metrics.get_instance()
        self._requests = metrics.requests_total
        self._responses = metrics.responses_total
        self._latency = metrics.requests_latency_before

    def __call__(self, request):
        self._requests.inc()
        started = request.prometheus_before_middleware_event = default_timer()
        response = self.get_response(request)  # Django turns any exception below into a response
        self._responses.inc()
        self._latency.observe(default_timer() - started)
        return response


class PrometheusAfterMiddleware(middleware.PrometheusAfterMiddleware):
    """Innermost: requests by method and transport, responses by status, view and method.

    `process_view`, `process_template_response` and `process_exception` are django-prometheus's
    own, through the cached `label_metric` below.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._series = {}
        self._request_series = {}
        self._response_series = {}
        self._body_bytes_in = self.metrics.requests_body_bytes
        self._body_bytes_out = self.metrics.responses_body_bytes

    def label_metric(self, metric, request, response=None, **labels):
        if not labels:
            return metric
        key = (metric, *labels.items())
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = metric.labels(**labels)
        return series

    def __call__(self, request):
        method = _method(request)
        transport = "https" if request.is_secure() else "http"
        series = self._request_series.get((method, transport))
        if series is None:
            metrics = self.metrics
            series = self._request_series[(method, transport)] = (
                metrics.requests_by_method.labels(method=method),
                metrics.requests_by_transport.labels(transport=transport),
            )
        by_method, by_transport = series
        by_method.inc()
        by_transport.inc()
        # META, not request.headers: the same values, without a KeyError raised for each absent header.
        meta = request.META
        if meta.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest":
            self.metrics.requests_ajax.inc()
        self._body_bytes_in.observe(int(meta.get("CONTENT_LENGTH") or 0))
        started = request.prometheus_after_middleware_event = default_timer()

        response = self.get_response(request)

        view = _view_name(request)
        charset = getattr(response, "charset", _NO_CHARSET)
        charset = None if charset is _NO_CHARSET else str(charset)
        key = (method, response.status_code, view, charset, request.method)
        series = self._response_series.get(key)
        if series is None:
            metrics = self.metrics
            status = str(response.status_code)
            series = self._response_series[key] = (
                metrics.responses_by_status.labels(status=status),
                metrics.responses_by_status_view_method.labels(status=status, view=view, method=method),
                None if charset is None else metrics.responses_by_charset.labels(charset=charset),
                metrics.requests_latency_by_view_method.labels(view=view, method=request.method),
            )
        by_status, by_status_view_method, by_charset, latency = series
        by_status.inc()
        by_status_view_method.inc()
        if by_charset is not None:
            by_charset.inc()
        if getattr(response, "streaming", False):
            self.metrics.responses_streaming.inc()
        else:
            self._body_bytes_out.observe(len(response.content))
        latency.observe(default_timer() - started)
        return response
