from characters.services import characters_import
from lotr_kit.commands import ImportDataCommand


class Command(ImportDataCommand):
    """Loads characters.csv into the character table (nothing else), all or nothing."""

    help = __doc__

    def load(self, data_dir):
        return characters_import(data_dir=data_dir)
