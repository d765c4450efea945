"""The character list with nothing of Django's request cycle: only the service's own query
language, SQL and JSON, as a bare WSGI application. A measuring stick for bench/floor.py,
never served to clients: no request id, ETag, metrics, authentication or error handling."""

import os

import django

django.setup()  # DJANGO_SETTINGS_MODULE and the service folder on sys.path come from floor.py

import orjson  # noqa: E402
from django.http import QueryDict  # noqa: E402

from characters.models import Character  # noqa: E402
from characters.resources import CHARACTER  # noqa: E402
from lotr_kit import sql  # noqa: E402
from lotr_kit.query import parse_query  # noqa: E402

MAX_LIMIT = int(os.environ.get("LOTR_MAX_LIMIT", "10000"))


def application(environ, start_response):
    query = parse_query(QueryDict(environ.get("QUERY_STRING", "")), CHARACTER, max_limit=MAX_LIMIT)
    rows, total = sql.page_and_total(query, Character.objects.all(), CHARACTER)
    body = orjson.dumps(query.window.envelope(CHARACTER.documents(rows), total or 0))
    start_response("200 OK", [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
