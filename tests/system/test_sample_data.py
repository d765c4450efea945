"""The sample dataset the repository ships keeps real ids that join up across services."""

from lotr_kit_testing.testing import csv_documents
from tests.stack import REPO

SAMPLE = REPO / "data" / "sample"


def ids(name):
    return {doc["_id"] for doc in csv_documents(SAMPLE / name)}


def test_every_reference_in_the_sample_points_to_a_row_of_the_sample():
    quotes = csv_documents(SAMPLE / "quotes.csv")
    chapters = csv_documents(SAMPLE / "chapters.csv")

    assert {q["character"] for q in quotes} <= ids("characters.csv")
    assert {q["movie"] for q in quotes} <= ids("movies.csv")
    assert {c["book"] for c in chapters} <= ids("books.csv")


def test_the_sample_holds_the_documents_the_spec_quotes():
    assert {"5cd99d4bde30eff6ebccfea0", "5cd99d4bde30eff6ebccfbe6", "5cdbe49b7ed9587226e794a0"} <= ids("characters.csv")
    assert "5cd96e05de30eff6ebcce8d1" in ids("quotes.csv")
    assert len(ids("books.csv")) == 3
