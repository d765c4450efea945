from lotr_kit.commands import ImportDataCommand
from movies.services import movies_import


class Command(ImportDataCommand):
    """Loads movies.csv and quotes.csv into the movie and quote tables (nothing else), all or nothing."""

    help = __doc__

    def load(self, data_dir):
        return movies_import(data_dir=data_dir)
