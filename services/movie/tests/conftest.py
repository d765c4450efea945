import re

import pytest

from lotr_kit_testing.testing import csv_documents

pytest_plugins = ["lotr_kit_testing.pytest_plugin"]


def clean_dialog(text: str) -> str:
    """A quote's dialog as the original serves it: runs of whitespace made one space, trimmed
    (an independent reading, not the importer's code)."""
    return re.sub(r"\s{2,}", " ", text).strip()


def _number(text):
    value = float(text)
    return int(value) if value.is_integer() else value


@pytest.fixture(scope="session")
def movies(data_dir) -> list[dict]:
    """movies.csv as the API should serve it: numbers as JSON numbers."""
    return [
        {key: value if key in ("_id", "name") else _number(value) for key, value in doc.items()}
        for doc in csv_documents(data_dir / "movies.csv")
    ]


@pytest.fixture(scope="session")
def quotes(data_dir) -> list[dict]:
    """quotes.csv as the API should serve it: dialog cleaned, `id` repeated at the end."""
    return [
        {**doc, "dialog": clean_dialog(doc["dialog"]), "id": doc["_id"]}
        for doc in csv_documents(data_dir / "quotes.csv")
    ]
