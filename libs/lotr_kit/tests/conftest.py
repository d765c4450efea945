"""The kit's own unit tests (the query engine, the health probe, the service client): no service, no
database; the client talks to an HTTP server of its test's own on loopback.

Django is configured here with just enough to name a PostgreSQL backend (the reference
dialect of the SQL snapshots: quoting, collations); nothing ever connects to it.
"""

import django
from django.conf import settings


def pytest_configure(config):
    if not settings.configured:
        settings.configure(
            DATABASES={
                "default": {"ENGINE": "django.db.backends.postgresql", "NAME": "never_connected"},
                "sqlite": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
            },
            USE_TZ=True,
        )
        django.setup()
