"""Model fields whose text compares in binary (code point) order on every database.

MongoDB orders strings by their UTF-8 bytes, so "Z" < "a" < "Ó". SQLite's default
BINARY collation already does that; PostgreSQL needs the "C" collation on the column,
which also makes its indexes usable for ORDER BY. SQLite knows no "C" collation, so the
collation is chosen per connection instead of being written into the migration.
"""

from django.db import models


class BinaryTextField(models.TextField):
    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class ObjectIdField(models.CharField):
    """A 24-hex id stored as text: a primary key, or a reference to a row of any service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 24)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 24:
            del kwargs["max_length"]
        return name, path, args, kwargs
