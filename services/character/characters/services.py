"""Writes to the character tables: the import, from CSVs (import_data) or from a /v2 server
(sync_one_api), and the callers' favorites."""

from pathlib import Path

from django.db import transaction

from lotr_kit.csvdata import Collection, Table, read_tables, resource_columns
from lotr_kit.favorites import Favorites
from lotr_kit.importing import SyncResult, sync_rows

from .models import Character, FavoriteCharacter
from .resources import CHARACTER

# PUT and DELETE /v2/me/favorites/characters/{id}, and the list of them.
character_favorites = Favorites(FavoriteCharacter, "character")

# What this service holds, where The One API serves it and which CSV carries it.
COLLECTIONS = (Collection("character", "characters.csv", resource_columns(CHARACTER)),)


def characters_sync(*, tables: dict[str, Table]) -> list[SyncResult]:
    """Make the character table hold exactly this checked table, in one transaction."""
    characters = tables["character"]
    rows = [{**row, "position": i} for i, row in enumerate(characters.rows, start=1)]
    with transaction.atomic():
        return [sync_rows(Character, rows, label=characters.source)]


def characters_import(*, data_dir: Path) -> list[SyncResult]:
    """Make the character table hold exactly characters.csv, in one transaction."""
    return characters_sync(tables=read_tables(data_dir, COLLECTIONS))
