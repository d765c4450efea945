"""Something a process reads from the database at most every N seconds, so asking costs a
clock read: the read happens in the asking thread, under a lock no thread waits for (one
reads while the others go on with what is held)."""

import threading
import time

from django.conf import settings


class PeriodicRead:
    interval_setting: str  # the setting that holds the seconds between reads

    def __init__(self):
        self.lock = threading.Lock()
        self.read_at = float("-inf")

    def refresh(self) -> None:
        """Read again if the last read is older than the interval, unless a read is under way."""
        interval = getattr(settings, self.interval_setting)
        if time.monotonic() - self.read_at >= interval and self.lock.acquire(blocking=False):
            try:
                self.read()
            finally:
                self.read_at = time.monotonic()
                self.lock.release()

    def read(self) -> None:
        raise NotImplementedError
