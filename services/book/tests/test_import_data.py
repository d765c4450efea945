"""import_data: idempotent, all or nothing, bad rows reported as file:line."""

import pytest
from django.core.management import CommandError

from books.models import Book, Chapter
from lotr_kit_testing.pytest_plugin import run_import

pytestmark = pytest.mark.django_db


def test_import_twice_changes_nothing_and_says_so(data_dir, books, chapters):
    output = run_import(data_dir)

    assert output == (
        f"books.csv: {len(books)} rows: 0 created, 0 updated, {len(books)} unchanged, 0 deleted\n"
        f"chapters.csv: {len(chapters)} rows: 0 created, 0 updated, {len(chapters)} unchanged, 0 deleted\n"
        f"Nothing changed: the database already matches {data_dir}.\n"
    )
    assert Book.objects.count() == len(books)
    assert Chapter.objects.count() == len(chapters)


def test_import_updates_changed_rows_and_deletes_missing_ones(copy_of_data, books, chapters):
    lines = (copy_of_data / "books.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("The Fellowship Of The Ring", "The Fellowship")
    (copy_of_data / "books.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    chapter_lines = (copy_of_data / "chapters.csv").read_text(encoding="utf-8").splitlines()
    (copy_of_data / "chapters.csv").write_text("\n".join(chapter_lines[:-1]) + "\n", encoding="utf-8")

    output = run_import(copy_of_data)

    assert f"books.csv: {len(books)} rows: 0 created, 1 updated, {len(books) - 1} unchanged, 0 deleted" in output
    assert (
        f"chapters.csv: {len(chapters) - 1} rows: 0 created, 0 updated, {len(chapters) - 1} unchanged, 1 deleted"
        in output
    )
    assert Book.objects.get(name="The Fellowship").position == 1


def test_import_with_one_bad_row_writes_nothing_and_names_file_and_line(copy_of_data):
    path = copy_of_data / "books.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("The Two Towers", "The Two Towers Renamed") + "A Book Without Id,\n,ObjectId(zz)\n",
        encoding="utf-8",
    )
    before = list(Book.objects.values_list("name", flat=True))

    with pytest.raises(CommandError) as raised:
        run_import(copy_of_data)

    bad_line = len(text.splitlines()) + 1
    assert str(raised.value) == (
        f"Nothing was imported from {copy_of_data}; fix these rows:\n"
        f"books.csv:{bad_line}: _id is empty\n"
        f"books.csv:{bad_line + 1}: _id: 'ObjectId(zz)' is not an id (ObjectId(<24 hex>) or 24 hex); name is empty"
    )
    assert list(Book.objects.values_list("name", flat=True)) == before


def test_import_rejects_a_chapter_of_an_unknown_book(copy_of_data):
    path = copy_of_data / "chapters.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join([*lines, "Lost,ObjectId(000000000000000000000000),ObjectId(6091b6d6d58360f988133fff)"]) + "\n"
    )

    with pytest.raises(CommandError, match=rf"chapters.csv:{len(lines) + 1}: book 000000000000000000000000 is not in"):
        run_import(copy_of_data)


def test_import_rejects_a_file_with_wrong_columns(copy_of_data):
    (copy_of_data / "books.csv").write_text("title,_id\nX,ObjectId(5cf5805fb53e011a64671582)\n")

    with pytest.raises(CommandError, match=r"books.csv:1: missing columns name; unknown columns title"):
        run_import(copy_of_data)


def test_import_rejects_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="does not exist: set LOTR_DATA_DIR or pass --data-dir"):
        run_import(tmp_path / "nowhere")
