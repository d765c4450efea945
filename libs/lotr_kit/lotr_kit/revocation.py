"""Users whose tokens this service refuses: those deleted (the `user.deleted` event,
lotr_kit.events). A JWT signed before the deletion is still valid by its signature until it
expires, and an API key check may be cached: both are refused here once the service's worker
has recorded the deletion (docs/events.md).

The list is read from the database at most every LOTR_REVOCATION_REFRESH_SECONDS per process,
so a token check costs a set lookup; a database that fails to answer keeps the list held.
"""

import logging
from datetime import timedelta

from django.db import DatabaseError
from django.utils import timezone

from .periodic import PeriodicRead

logger = logging.getLogger("lotr_kit.revocation")

# Long enough to outlive every token a deleted user held (access JWTs live 15 minutes by
# default, cached API key checks seconds); older rows are pruned by the worker.
KEEP = timedelta(days=1)


class RevokedUsers(PeriodicRead):
    interval_setting = "LOTR_REVOCATION_REFRESH_SECONDS"
    ids: frozenset[str] = frozenset()

    def __contains__(self, user_id: str) -> bool:
        self.refresh()
        return user_id in self.ids

    def read(self) -> None:
        from .models import RevokedUser

        try:
            since = timezone.now() - KEEP
            self.ids = frozenset(RevokedUser.objects.filter(revoked_at__gte=since).values_list("user_id", flat=True))
        except DatabaseError as error:
            logger.warning("the revoked users were not read (%s); keeping the %d held", error, len(self.ids))


revoked_users = RevokedUsers()
