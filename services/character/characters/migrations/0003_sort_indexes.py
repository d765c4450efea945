from django.db import migrations

from lotr_kit.sort_indexes import sort_indexes

CHARACTER_COLUMNS = ["id", "name", "wiki_url", "race", "birth", "gender", "death", "hair", "height", "realm", "spouse"]


class Migration(migrations.Migration):
    dependencies = [("characters", "0002_favoritecharacter")]

    operations = [sort_indexes("characters_character", CHARACTER_COLUMNS)]
