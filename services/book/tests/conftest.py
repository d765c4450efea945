import pytest

from lotr_kit.testing import csv_documents

pytest_plugins = ["lotr_kit.pytest_plugin"]


@pytest.fixture(scope="session")
def books(data_dir) -> list[dict]:
    return csv_documents(data_dir / "books.csv")


@pytest.fixture(scope="session")
def chapters(data_dir) -> list[dict]:
    return csv_documents(data_dir / "chapters.csv")
