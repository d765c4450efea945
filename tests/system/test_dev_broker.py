"""The development broker (`make run`'s SQLite one): its tables are made before the relay and
the workers start. kombu's SQLAlchemy transport makes them on first use, and four processes
doing so at once on a new file race ("table kombu_queue already exists"): the loser exited and
failed the start."""

import sqlite3

import pytest

from lotr_devstack.local import StackError, make_broker_tables


def test_the_tables_exist_before_any_client_starts(tmp_path):
    path = tmp_path / "events-broker.sqlite3"

    make_broker_tables(f"sqla+sqlite:///{path}")

    tables = {name for (name,) in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"kombu_queue", "kombu_message"} <= tables


def test_a_broker_that_cannot_be_made_is_one_clear_error(tmp_path):
    with pytest.raises(StackError, match="could not be set up") as raised:
        make_broker_tables(f"sqla+sqlite:///{tmp_path}/no/such/folder/events-broker.sqlite3")

    assert "\n" not in str(raised.value)
