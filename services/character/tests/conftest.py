import pytest

from lotr_kit_testing.testing import csv_documents

pytest_plugins = ["lotr_kit_testing.pytest_plugin"]


@pytest.fixture(scope="session")
def characters(data_dir) -> list[dict]:
    """characters.csv as the API should serve it, in natural order."""
    return csv_documents(data_dir / "characters.csv")
