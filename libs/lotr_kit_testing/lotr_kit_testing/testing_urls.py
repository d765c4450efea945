"""A service's own URLs plus views that fail on purpose, for tests of the 500 path, and a streamed answer."""

from django.http import StreamingHttpResponse
from django.urls import path
from rest_framework.views import APIView

from config.urls import urlpatterns as service_urlpatterns  # every service has config.urls
from lotr_kit.urls import handler400, handler403, handler404, handler500  # noqa: F401  JSON error views


def crash(request):
    raise RuntimeError("a fault no handler expects")


class CrashApi(APIView):
    def get(self, request):
        raise ZeroDivisionError("a fault inside an API view")


def stream(request):
    return StreamingHttpResponse(iter([b"[", b"]"]), content_type="application/json")


urlpatterns = [
    path("__crash__", crash),
    path("__crash_api__", CrashApi.as_view()),
    path("__stream__", stream),
    *service_urlpatterns,
]
