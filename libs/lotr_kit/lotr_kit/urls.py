"""The operational paths every service serves next to its API."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularJSONAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.negotiation import DefaultContentNegotiation

from .health import HealthzApi, ReadyzApi

operational_urlpatterns = [
    path("healthz", HealthzApi.as_view(), name="healthz"),
    path("readyz", ReadyzApi.as_view(), name="readyz"),
    # YAML by default, JSON for Accept: application/vnd.oai.openapi+json or at schema.json.
    path("api/schema/", SpectacularAPIView.as_view(content_negotiation_class=DefaultContentNegotiation), name="schema"),
    path("api/schema.json", SpectacularJSONAPIView.as_view(), name="schema-json"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("admin/", admin.site.urls),
    path("", include("django_prometheus.urls")),
]

# Every service's ROOT_URLCONF imports these: JSON bodies for Django's own 400/403/404/500.
handler400 = "lotr_kit.errors.handler400"
handler403 = "lotr_kit.errors.handler403"
handler404 = "lotr_kit.errors.handler404"
handler500 = "lotr_kit.errors.handler500"
