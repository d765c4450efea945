from books.services import COLLECTIONS, books_sync
from lotr_kit.commands import SyncOneApiCommand


class Command(SyncOneApiCommand):
    __doc__ = SyncOneApiCommand.__doc__
    help = __doc__
    collections = COLLECTIONS

    def sync(self, tables):
        return books_sync(tables=tables)
