"""The indexes the sort indexes (0003) make redundant on PostgreSQL: a column's own index and
its `_like` one under the "C" collation (lotr_kit/sort_indexes.py), and the primary key's `_like`;
a favorite's user_id leads its unique constraint's index already."""

from django.db import migrations

from lotr_kit.fields import BinaryTextField, ObjectIdField
from lotr_kit.sort_indexes import drop_pattern_index, sort_indexes


class Migration(migrations.Migration):
    dependencies = [("books", "0003_sort_indexes")]

    operations = [
        migrations.AlterField("book", "name", BinaryTextField()),
        migrations.AlterField("chapter", "chapter_name", BinaryTextField()),
        migrations.AlterField("chapter", "book", ObjectIdField(null=True)),
        migrations.AlterField("favoritebook", "user_id", ObjectIdField()),
        drop_pattern_index("books_book", "id"),
        drop_pattern_index("books_chapter", "id"),
        # SQLite rebuilt the tables above without them.
        sort_indexes("books_book", ["id", "name"], again=True),
        sort_indexes("books_chapter", ["id", "chapter_name", "book"], again=True),
    ]
