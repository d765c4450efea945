from django.urls import include, path

from lotr_kit.urls import (  # noqa: F401  the handlers are Django's JSON error views
    handler400,
    handler403,
    handler404,
    handler500,
    operational_urlpatterns,
)

urlpatterns = [
    path("", include("movies.urls")),
    *operational_urlpatterns,
]
