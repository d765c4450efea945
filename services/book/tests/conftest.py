import pytest

from lotr_kit_testing.testing import csv_documents

pytest_plugins = ["lotr_kit_testing.pytest_plugin"]


@pytest.fixture(scope="session")
def books(data_dir) -> list[dict]:
    return csv_documents(data_dir / "books.csv")


@pytest.fixture(scope="session")
def chapters(data_dir) -> list[dict]:
    return csv_documents(data_dir / "chapters.csv")
