"""The character list with nothing of Django's request cycle: the service's own query language
and lotr_kit.query.listing.paginate (SQL and envelope), then JSON with orjson as the service's
renderer writes it, as a bare WSGI application (`application`); and the same bytes with no
query at all (`constant`). Measuring sticks for bench/floor.py, never served to clients: no
request id, ETag, metrics, authentication or error handling."""

import os
from pathlib import Path

import django

django.setup()  # DJANGO_SETTINGS_MODULE and the service folder on sys.path come from floor.py

import orjson  # noqa: E402
from django.conf import settings  # noqa: E402
from django.http import QueryDict  # noqa: E402

from characters.models import Character  # noqa: E402
from characters.resources import CHARACTER  # noqa: E402
from lotr_kit.query import parse_query  # noqa: E402
from lotr_kit.query.listing import paginate  # noqa: E402

CONTENT_TYPE = "application/json; charset=utf-8"


def application(environ, start_response):
    query = parse_query(QueryDict(environ.get("QUERY_STRING", "")), CHARACTER, max_limit=settings.LOTR_MAX_LIMIT)
    body = orjson.dumps(paginate(query, Character.objects.all(), CHARACTER))
    start_response("200 OK", [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body)))])
    return [body]


CONSTANT = Path(os.environ["FLOOR_BODY"]).read_bytes()


def constant(environ, start_response):
    start_response("200 OK", [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(CONSTANT)))])
    return [CONSTANT]
