"""The indexes the sort indexes (0003) make redundant on PostgreSQL: a column's own index and
its `_like` one under the "C" collation (lotr_kit/sort_indexes.py), and the primary key's `_like`;
a favorite's user_id leads its unique constraint's index already."""

from django.db import migrations

from lotr_kit.fields import BinaryTextField, ObjectIdField
from lotr_kit.sort_indexes import drop_pattern_index, sort_indexes

TEXT = ["wiki_url", "race", "birth", "gender", "death", "hair", "height", "realm", "spouse"]


class Migration(migrations.Migration):
    dependencies = [("characters", "0003_sort_indexes")]

    operations = [
        migrations.AlterField("character", "name", BinaryTextField()),
        *(migrations.AlterField("character", name, BinaryTextField(null=True)) for name in TEXT),
        migrations.AlterField("favoritecharacter", "user_id", ObjectIdField()),
        drop_pattern_index("characters_character", "id"),
        # SQLite rebuilt the table above without them.
        sort_indexes("characters_character", ["id", "name", *TEXT], again=True),
    ]
