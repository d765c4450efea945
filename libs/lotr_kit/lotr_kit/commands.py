"""The shared shape of every service's `import_data` management command."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .csvdata import DataFileError
from .importing import SyncResult

MAX_PROBLEMS_SHOWN = 50


class ImportDataCommand(BaseCommand):
    """Loads this service's tables from One-API-format CSVs, all or nothing.

    Reads --data-dir, else LOTR_DATA_DIR, else the sample data the project ships.
    Touches only this service's own tables; a second run with the same files changes nothing.
    """

    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, help="Folder of CSVs (default: LOTR_DATA_DIR, else the sample).")

    def load(self, data_dir: Path) -> list[SyncResult]:
        raise NotImplementedError

    def handle(self, *args, data_dir=None, **options):
        data_dir = Path(data_dir or settings.LOTR_DATA_DIR)
        if not data_dir.is_dir():
            raise CommandError(f"Data folder {data_dir} does not exist: set LOTR_DATA_DIR or pass --data-dir.")
        try:
            results = self.load(data_dir)
        except DataFileError as error:
            shown = error.problems[:MAX_PROBLEMS_SHOWN]
            more = len(error.problems) - len(shown)
            lines = "\n".join(shown) + (f"\n... and {more} more" if more > 0 else "")
            raise CommandError(f"Nothing was imported from {data_dir}; fix these rows:\n{lines}") from None
        for result in results:
            self.stdout.write(str(result))
        vacuum([result.table for result in results if result.changed])
        if any(result.changed for result in results):
            self.stdout.write(self.style.SUCCESS(f"Imported {data_dir}."))
        else:
            self.stdout.write(f"Nothing changed: the database already matches {data_dir}.")


def vacuum(tables: list[str]) -> None:
    """VACUUM freshly loaded tables on PostgreSQL: it marks their pages all-visible, so counts
    read the indexes alone (index-only scans) from the first request on, not after autovacuum.
    VACUUM cannot run inside a transaction (a test's, say); the import's ANALYZE still did."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM {connection.ops.quote_name(table)}")
