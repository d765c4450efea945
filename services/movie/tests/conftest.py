import pytest

from lotr_kit.testing import clean_dialog, csv_documents

pytest_plugins = ["lotr_kit.pytest_plugin"]


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
