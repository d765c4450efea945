"""import_data for movies and quotes: cleaned dialog, all or nothing, file:line errors."""

import pytest
from django.core.management import CommandError

from lotr_kit_testing.pytest_plugin import run_import
from movies.models import Movie, Quote

pytestmark = pytest.mark.django_db


def test_import_twice_changes_nothing_and_says_so(data_dir, movies, quotes):
    output = run_import(data_dir)

    assert output.endswith(f"Nothing changed: the database already matches {data_dir}.\n")
    assert f"quotes.csv: {len(quotes)} rows: 0 created, 0 updated, {len(quotes)} unchanged, 0 deleted" in output
    assert Movie.objects.count() == len(movies)


def test_import_stores_dialog_cleaned_once(copy_of_data):
    path = copy_of_data / "quotes.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(
        '"\u00a0 Fly,\u00a0\u00a0you fools!\u00a0",ObjectId(5cd95395de30eff6ebccde5c),,'
        "ObjectId(5cd96e05de30eff6ebccffff)"
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    output = run_import(copy_of_data)

    quote = Quote.objects.get(pk="5cd96e05de30eff6ebccffff")
    assert quote.dialog == "Fly, you fools!"
    assert quote.character is None
    assert "1 created" in output


def test_import_rejects_bad_numbers_and_unknown_movies_writing_nothing(copy_of_data):
    movies_path, quotes_path = copy_of_data / "movies.csv", copy_of_data / "quotes.csv"
    movie_lines = movies_path.read_text(encoding="utf-8").splitlines()
    movie_lines[1] = movie_lines[1].replace(",558,", ",lots,")
    movies_path.write_text("\n".join(movie_lines) + "\n", encoding="utf-8")
    quote_lines = quotes_path.read_text(encoding="utf-8").splitlines()
    quote_lines.append("Who?,ObjectId(000000000000000000000000),,ObjectId(5cd96e05de30eff6ebccfffe)")
    quotes_path.write_text("\n".join(quote_lines) + "\n", encoding="utf-8")
    before = Movie.objects.count(), Quote.objects.count()

    with pytest.raises(CommandError) as raised:
        run_import(copy_of_data)

    assert "movies.csv:2: runtimeInMinutes: 'lots' is not a number" in str(raised.value)
    movies_path.write_text(movies_path.read_text().replace(",lots,", ",558,"), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        run_import(copy_of_data)
    assert f"quotes.csv:{len(quote_lines)}: movie 000000000000000000000000 is not in movies.csv" in str(raised.value)
    assert (Movie.objects.count(), Quote.objects.count()) == before
