"""Writes to the character tables: the CSV import."""

from pathlib import Path

from django.db import transaction

from lotr_kit.csvdata import Column, object_id, read_table
from lotr_kit.importing import SyncResult, sync_rows

from .models import Character

CHARACTER_COLUMNS = (
    Column("_id", "id", object_id, required=True),
    Column("name", "name", required=True),
    Column("wikiUrl", "wiki_url"),
    Column("race", "race"),
    Column("birth", "birth"),
    Column("gender", "gender"),
    Column("death", "death"),
    Column("hair", "hair"),
    Column("height", "height"),
    Column("realm", "realm"),
    Column("spouse", "spouse"),
)


def characters_import(*, data_dir: Path) -> list[SyncResult]:
    """Make the character table hold exactly characters.csv, in one transaction."""
    table = read_table(data_dir / "characters.csv", CHARACTER_COLUMNS)
    rows = [{**row, "position": i} for i, row in enumerate(table.rows, start=1)]
    with transaction.atomic():
        return [sync_rows(Character, rows, label="characters.csv")]
