"""Making a table hold exactly the rows of a data file, touching only what differs."""

from dataclasses import dataclass
from typing import Any

from django.db import connection, models

BATCH = 500


@dataclass
class SyncResult:
    label: str
    table: str = ""
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def __str__(self) -> str:
        total = self.created + self.updated + self.unchanged
        return (
            f"{self.label}: {total} rows: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.deleted} deleted"
        )


def sync_rows(model: type[models.Model], rows: list[dict[str, Any]], *, label: str) -> SyncResult:
    """Create, update and delete rows of `model` (keyed by primary key) to match `rows`.

    Run it inside the caller's transaction so a load is all or nothing.
    """
    result = SyncResult(label, model._meta.db_table)
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    existing = {obj.pk: obj for obj in model.objects.all()}
    to_create, to_update = [], []
    for row in rows:
        current = existing.pop(row["id"], None)
        if current is None:
            to_create.append(model(**row))
        elif any(getattr(current, name) != row.get(name) for name in names):
            for name in names:
                setattr(current, name, row.get(name))
            to_update.append(current)
        else:
            result.unchanged += 1
    if existing:
        model.objects.filter(pk__in=list(existing)).delete()
    model.objects.bulk_create(to_create, batch_size=BATCH)
    model.objects.bulk_update(to_update, names, batch_size=BATCH)
    result.created, result.updated, result.deleted = len(to_create), len(to_update), len(existing)
    if result.changed and connection.vendor == "postgresql":
        # Fresh statistics, so the planner knows the new row counts (not only after autovacuum).
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    return result
