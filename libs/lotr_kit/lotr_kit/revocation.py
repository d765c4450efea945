"""Users whose tokens this service refuses: those deleted (the `user.deleted` event,
lotr_kit.events). A JWT signed before the deletion is still valid by its signature until it
expires, and an API key check may be cached: both are refused here once the service's worker
has recorded the deletion (docs/events.md).

The list is read from the database at most every LOTR_REVOCATION_REFRESH_SECONDS per process,
so a token check costs a set lookup; a database that fails to answer keeps the list held.
"""

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

logger = logging.getLogger("lotr_kit.revocation")

# Long enough to outlive every token a deleted user held (access JWTs live 15 minutes by
# default, cached API key checks seconds); older rows are pruned by the worker.
KEEP = timedelta(days=1)


class RevokedUsers:
    def __init__(self):
        self.lock = threading.Lock()
        self.ids: frozenset[str] = frozenset()
        self.read_at = float("-inf")

    def __contains__(self, user_id: str) -> bool:
        if time.monotonic() - self.read_at >= settings.LOTR_REVOCATION_REFRESH_SECONDS and self.lock.acquire(
            blocking=False
        ):
            try:
                self._read()
            finally:
                self.lock.release()
        return user_id in self.ids

    def _read(self) -> None:
        from .models import RevokedUser

        try:
            since = timezone.now() - KEEP
            self.ids = frozenset(RevokedUser.objects.filter(revoked_at__gte=since).values_list("user_id", flat=True))
        except DatabaseError as error:
            logger.warning("the revoked users were not read (%s); keeping the %d held", error, len(self.ids))
        self.read_at = time.monotonic()


revoked_users = RevokedUsers()
