from books.services import books_import
from lotr_kit.commands import ImportDataCommand


class Command(ImportDataCommand):
    """Loads books.csv and chapters.csv into the book and chapter tables (nothing else), all or nothing."""

    help = __doc__

    def load(self, data_dir):
        return books_import(data_dir=data_dir)
