"""/v2/character answered by the whole Django and DRF cycle of the character service (its
middleware, authentication, content negotiation and JSON renderer) with no query behind it:
the page it renders is the one the service returned, read once from FLOOR_BODY."""

import json
import os
from pathlib import Path

from django.urls import path
from rest_framework.response import Response

from lotr_kit.views import ReadOnlyApi

PAGE = json.loads(Path(os.environ["FLOOR_BODY"]).read_bytes())


class NoQueryApi(ReadOnlyApi):
    def get(self, request):
        return Response(PAGE)


urlpatterns = [path("v2/character", NoQueryApi.as_view())]
