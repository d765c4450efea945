"""/v2/character answered by the character service's Django cycle (its middleware, and the
kit's read view, which answers an open read without DRF's dispatch as the service's list does)
with no query behind it: the page it renders is the one the service returned, read once from
FLOOR_BODY."""

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
