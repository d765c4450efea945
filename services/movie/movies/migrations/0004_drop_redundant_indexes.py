"""The indexes the sort indexes (0003) make redundant on PostgreSQL: a column's own index and
its `_like` one under the "C" collation (lotr_kit/sort_indexes.py), and the primary key's `_like`;
a favorite's user_id leads its unique constraint's index already."""

from importlib import import_module

from django.db import migrations, models

from lotr_kit.fields import BinaryTextField, ObjectIdField
from lotr_kit.sort_indexes import drop_pattern_index, sort_indexes

# The columns 0003 gave a sort index: _id, name and the figures.
MOVIE_COLUMNS = import_module("movies.migrations.0003_sort_indexes").MOVIE_COLUMNS
FIGURES = MOVIE_COLUMNS[2:]


class Migration(migrations.Migration):
    dependencies = [("movies", "0003_sort_indexes")]

    operations = [
        migrations.AlterField("movie", "name", BinaryTextField()),
        *(migrations.AlterField("movie", name, models.FloatField(null=True)) for name in FIGURES),
        migrations.AlterField(
            "quote", "dialog", BinaryTextField(help_text="Whitespace already cleaned as the API serves it.")
        ),
        migrations.AlterField("quote", "movie", ObjectIdField(null=True)),
        migrations.AlterField("quote", "character", ObjectIdField(null=True)),
        migrations.AlterField("favoritemovie", "user_id", ObjectIdField()),
        migrations.AlterField("favoritequote", "user_id", ObjectIdField()),
        drop_pattern_index("movies_movie", "id"),
        drop_pattern_index("movies_quote", "id"),
        # SQLite rebuilt the tables above without them.
        sort_indexes("movies_movie", MOVIE_COLUMNS, again=True),
        sort_indexes("movies_quote", ["id", "dialog", "movie", "character"], again=True),
    ]
