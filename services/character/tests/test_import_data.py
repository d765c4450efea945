"""import_data for characters: null tokens, all or nothing, file:line errors."""

import pytest
from django.core.management import CommandError

from characters.models import Character
from lotr_kit_testing.pytest_plugin import run_import

pytestmark = pytest.mark.django_db


def test_import_twice_changes_nothing_and_says_so(data_dir, characters):
    output = run_import(data_dir)

    assert output == (
        f"characters.csv: {len(characters)} rows: 0 created, 0 updated, {len(characters)} unchanged, 0 deleted\n"
        f"Nothing changed: the database already matches {data_dir}.\n"
    )


def test_import_turns_null_tokens_into_null_and_keeps_spaces(tmp_path):
    (tmp_path / "characters.csv").write_text(
        "name,wikiUrl,race,birth,gender,death,hair,height,realm,spouse,_id\n"
        "Daeron,,NaN,#N/A,n/a,None,Dark ,<NA>,NULL,null,ObjectId(5cd99d4bde30eff6ebccfc7e)\n",
        encoding="utf-8",
    )

    run_import(tmp_path)

    assert list(Character.objects.values_list("name", "race", "birth", "gender", "death", "hair", "spouse")) == [
        ("Daeron", None, None, None, None, "Dark ", None)
    ]


def test_import_with_a_bad_row_writes_nothing(tmp_path, characters):
    (tmp_path / "characters.csv").write_text(
        "name,wikiUrl,race,birth,gender,death,hair,height,realm,spouse,_id\n"
        "Someone,,,,,,,,,,ObjectId(5cd99d4bde30eff6ebccfc7e)\n"
        "NaN,,,,,,,,,,ObjectId(5cd99d4bde30eff6ebccfc7f)\n"
        "Twin,,,,,,,,,,ObjectId(5cd99d4bde30eff6ebccfc7e)\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError) as raised:
        run_import(tmp_path)

    assert str(raised.value).endswith(
        "characters.csv:3: name is empty\ncharacters.csv:4: duplicate id 5cd99d4bde30eff6ebccfc7e (first on line 2)"
    )
    assert Character.objects.count() == len(characters)
