"""Declarations of what a resource exposes: its JSON keys, model fields and value types.

One declaration drives the query-language parser (which fields exist and how to cast
their values), the JSON documents (key order, nulls, numbers) and the OpenAPI schema.
"""

from dataclasses import dataclass, field
from typing import Any

STRING = "string"
NUMBER = "number"
OBJECT_ID = "objectid"


@dataclass(frozen=True)
class Field:
    key: str  # the JSON key and the name used in filters and sort
    model_field: str  # the name of the model field behind it (not its database column)
    type: str = STRING
    nullable: bool = True
    description: str = ""


@dataclass(frozen=True)
class Resource:
    name: str
    fields: tuple[Field, ...]
    # Quotes carry an extra `id` key equal to `_id` at the end (the original's mongoose virtual).
    id_alias: bool = False
    _by_key: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_key", {f.key: f for f in self.fields})

    def field(self, key: str) -> Field | None:
        return self._by_key.get(key)

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]

    @property
    def model_fields(self) -> list[str]:
        return [f.model_field for f in self.fields]

    def only(self, *keys: str) -> "Resource":
        """The same resource projected to some of its keys (e.g. chapters of one book)."""
        return Resource(self.name, tuple(f for f in self.fields if f.key in keys), self.id_alias)

    def documents(self, rows: list[tuple]) -> list[dict[str, Any]]:
        """JSON-ready documents from `values_list(*self.model_fields)` rows, keys in declared order."""
        keys = self.keys
        numbers = [i for i, f in enumerate(self.fields) if f.type == NUMBER]
        docs = []
        for row in rows:
            if numbers:
                row = list(row)
                for i in numbers:
                    row[i] = plain_number(row[i])
            doc = dict(zip(keys, row, strict=True))
            if self.id_alias:
                doc["id"] = doc["_id"]
            docs.append(doc)
        return docs


def plain_number(value: float | int | None) -> float | int | None:
    """Whole numbers print without a decimal point, as MongoDB doubles do in the original."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
