from django.db import migrations

from lotr_kit.sort_indexes import sort_indexes


class Migration(migrations.Migration):
    dependencies = [("books", "0002_favoritebook")]

    operations = [sort_indexes("books_book", ["id", "name"]), sort_indexes("books_chapter", ["id", "chapter_name", "book"])]
