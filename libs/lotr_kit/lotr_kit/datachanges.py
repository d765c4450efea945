"""Whether some service's data changed since a process cached from it: the `data.changed`
events (an import or a sync that changed rows, lotr_kit.events) that this service's worker
recorded. A cache keeps the number `latest()` gave when it was filled and starts over when a
later call gives another one.

The newest record is read from the database at most every LOTR_DATA_CHANGES_REFRESH_SECONDS
per process, so asking costs a clock read; a database that fails to answer keeps the last
number (the caches stay as they are, bounded by their own lifetimes).
"""

import logging

from django.db import DatabaseError

from .periodic import PeriodicRead

logger = logging.getLogger("lotr_kit.datachanges")


class DataChanges(PeriodicRead):
    interval_setting = "LOTR_DATA_CHANGES_REFRESH_SECONDS"
    newest: int | None = None

    def latest(self) -> int | None:
        """The newest change recorded (None before any); equal numbers mean nothing changed."""
        self.refresh()
        return self.newest

    def read(self) -> None:
        from .models import DataChange

        try:
            self.newest = DataChange.objects.order_by("-id").values_list("id", flat=True).first()
        except DatabaseError as error:
            logger.warning("the data changes were not read (%s); keeping what is cached", error)


data_changes = DataChanges()
