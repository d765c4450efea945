from characters.services import COLLECTIONS, characters_sync
from lotr_kit.commands import SyncOneApiCommand


class Command(SyncOneApiCommand):
    __doc__ = SyncOneApiCommand.__doc__
    help = __doc__
    collections = COLLECTIONS

    def sync(self, tables):
        return characters_sync(tables=tables)
