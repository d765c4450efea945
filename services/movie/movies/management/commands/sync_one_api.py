from lotr_kit.commands import SyncOneApiCommand
from movies.services import COLLECTIONS, movies_sync


class Command(SyncOneApiCommand):
    __doc__ = SyncOneApiCommand.__doc__
    help = __doc__
    collections = COLLECTIONS

    def sync(self, tables):
        return movies_sync(tables=tables)
