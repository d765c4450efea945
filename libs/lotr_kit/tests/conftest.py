"""The kit's own unit tests (the query engine, the health probe): no service, no database, no network.

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
