"""The shared shape of every data service's `import_data` and `sync_one_api` commands."""

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from .csvdata import Collection, DataFileError, Table, check_collections, read_tables, records_table, write_tables
from .env import env_float, env_int, env_str
from .events import outbox_add, publish_pending
from .importing import SyncResult
from .models import OutboxEvent
from .one_api import DEFAULT_URL, OneApiClient, UpstreamError, display_url

MAX_PROBLEMS_SHOWN = 50


class ImportDataCommand(BaseCommand):
    """Loads this service's tables from One-API-format CSVs, all or nothing.

    Reads --data-dir, else LOTR_DATA_DIR, else the sample data the project ships.
    Touches only this service's own tables; a second run with the same files changes nothing.
    """

    help = __doc__
    # Django's system checks load every URL and view to check them: a quarter of this
    # command's CPU when nothing changed (0.6 -> 0.45 s). They run with `migrate`, which comes
    # first wherever data is imported (make run, compose's and Kubernetes' init steps).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, help="Folder of CSVs (default: LOTR_DATA_DIR, else the sample).")

    def load(self, data_dir: Path) -> list[SyncResult]:
        raise NotImplementedError

    def handle(self, *args, data_dir=None, **options):
        data_dir = Path(data_dir or settings.LOTR_DATA_DIR)
        if not data_dir.is_dir():
            raise CommandError(f"Data folder {data_dir} does not exist: set LOTR_DATA_DIR or pass --data-dir.")
        try:
            results = load_announced(lambda: self.load(data_dir))
        except DataFileError as error:
            shown = error.problems[:MAX_PROBLEMS_SHOWN]
            more = len(error.problems) - len(shown)
            lines = "\n".join(shown) + (f"\n... and {more} more" if more > 0 else "")
            raise CommandError(f"Nothing was imported from {data_dir}; fix these rows:\n{lines}") from None
        for result in results:
            self.stdout.write(str(result))
        vacuum([result.table for result in results if result.changed])
        announce(self)
        if any(result.changed for result in results):
            self.stdout.write(self.style.SUCCESS(f"Imported {data_dir}."))
        else:
            self.stdout.write(f"Nothing changed: the database already matches {data_dir}.")


class SyncOneApiCommand(BaseCommand):
    """Pulls this service's collections from ONE_API_URL (The One API, or any server that speaks
    its /v2, another instance of this project included) and loads them through the same checks
    and the same importer as import_data: all or nothing, a second run with the same data
    changes nothing. With --csv-dir it writes the checked records as the CSVs import_data reads,
    and leaves the database alone.

    ONE_API_URL (default https://the-one-api.dev/v2), ONE_API_KEY (sent as Authorization:
    Bearer; the original needs one for everything but /book), ONE_API_LIMIT (records per page,
    1000), ONE_API_TIMEOUT (seconds without an answer before a try counts as failed, 30),
    ONE_API_TRIES (tries per page, 5), ONE_API_MAX_WAIT (the longest Retry-After waited, 600).
    """

    help = __doc__
    collections: Sequence[Collection] = ()

    def add_arguments(self, parser):
        parser.add_argument("--url", help="The /v2 base URL (default: ONE_API_URL, else The One API).")
        parser.add_argument(
            "--csv-dir", type=Path, help="Write the checked records as CSVs into this folder, not into the database."
        )

    def sync(self, tables: dict[str, Table]) -> list[SyncResult]:
        raise NotImplementedError

    def client(self, url: str | None) -> OneApiClient:
        try:
            return OneApiClient(
                base_url=url or env_str("ONE_API_URL") or DEFAULT_URL,
                key=env_str("ONE_API_KEY").strip(),
                limit=env_int("ONE_API_LIMIT", 1000, minimum=1),
                read_timeout=env_float("ONE_API_TIMEOUT", 30.0),
                tries=env_int("ONE_API_TRIES", 5, minimum=1),
                max_wait=env_int("ONE_API_MAX_WAIT", 600, minimum=0),
                report=self.stdout.write,
            )
        except (ImproperlyConfigured, UpstreamError) as error:
            raise CommandError(f"Nothing was synced: {error}") from None

    def fetch(self, client: OneApiClient) -> dict[str, Table]:
        """Every collection, each record checked as import_data checks a CSV row."""
        tables = {}
        for collection in self.collections:
            records = client.fetch(collection.path)
            tables[collection.path] = records_table(records, collection.columns, source=collection.path)
        return check_collections(tables, self.collections)

    def handle(self, *args, url=None, csv_dir=None, **options):
        # The client reports each retry itself, in one line; urllib3's own warnings would repeat it.
        logging.getLogger("urllib3").setLevel(logging.ERROR)
        client = self.client(url)
        source = display_url(client.base_url)
        if csv_dir is not None and not csv_dir.is_dir():
            raise CommandError(f"Nothing was synced: the folder {csv_dir} does not exist.")
        try:
            tables = self.fetch(client)
            if csv_dir is not None:
                self.write_csv(csv_dir, tables)
                return
            results = load_announced(lambda: self.sync(tables))
        except UpstreamError as error:
            raise CommandError(f"Nothing was synced: {error}") from None
        except DataFileError as error:
            more = f" (and {len(error.problems) - 1} more)" if len(error.problems) > 1 else ""
            raise CommandError(f"Nothing was synced from {source}: {error.problems[0]}{more}") from None
        for result in results:
            self.stdout.write(str(result))
        vacuum([result.table for result in results if result.changed])
        announce(self)
        if any(result.changed for result in results):
            self.stdout.write(self.style.SUCCESS(f"Synced from {source}."))
        else:
            self.stdout.write(f"Nothing changed: the database already matches {source}.")

    def write_csv(self, csv_dir: Path, tables: dict[str, Table]) -> None:
        write_tables(csv_dir, self.collections, tables)
        again = read_tables(csv_dir, self.collections)  # what import_data will read: the same rows
        for collection in self.collections:
            if again[collection.path].rows != tables[collection.path].rows:
                raise DataFileError([f"{collection.file} does not read back as the records of /{collection.path}"])
            self.stdout.write(f"{collection.file}: {len(tables[collection.path].rows)} rows checked and written")


def vacuum(tables: list[str]) -> None:
    """VACUUM freshly loaded tables on PostgreSQL: it marks their pages all-visible, so counts
    read the indexes alone (index-only scans) from the first request on, not after autovacuum.
    VACUUM cannot run inside a transaction (a test's, say); the import's ANALYZE still did."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM {connection.ops.quote_name(table)}")


def load_announced(load: Callable[[], list[SyncResult]]) -> list[SyncResult]:
    """Run a load; if it changed rows and events are on (LOTR_BROKER_URL), a `data.changed`
    event goes into the outbox in the same transaction: both commit, or neither."""
    with transaction.atomic():
        results = load()
        changed = [result.table for result in results if result.changed]
        if settings.LOTR_BROKER_URL and changed:
            outbox_add("data.changed", {"service": settings.LOTR_EVENTS_CONSUMER, "tables": changed})
    return results


def announce(command: BaseCommand) -> None:
    """Publish what the outbox holds (this load's `data.changed`, or an earlier one's), so
    every service drops what it cached of the old data. The data is in already: a broker that
    does not answer is one line on stderr, and the event waits in the outbox."""
    if not settings.LOTR_BROKER_URL or not OutboxEvent.objects.filter(sent_at__isnull=True).exists():
        return
    try:
        sent = publish_pending()
    except Exception as error:
        command.stderr.write(
            f"data.changed is not published yet ({type(error).__name__}: {error}); it waits in the outbox for "
            "the next import or sync, or `python manage.py relay_outbox --once`."
        )
        return
    command.stdout.write(f"data.changed: {sent} event(s) published; the services drop their caches of this data.")
