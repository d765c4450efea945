"""Databases made for a run: `<name>_system` beside <SERVICE>_DATABASE_URL, or SQLite."""

import os
from pathlib import Path

import dj_database_url
import psycopg


def admin_connection(url: str) -> psycopg.Connection:
    config = dj_database_url.parse(url)
    return psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def fresh_database(url: str, name: str) -> str:
    """Drop and create database `name` on the server of `url`; its URL."""
    with admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + f"/{name}"


def system_database_url(service: str, tmp_dir: Path) -> str:
    """`<name>_system` on the PostgreSQL of <SERVICE>_DATABASE_URL, made anew; else SQLite."""
    url = os.environ.get(f"{service.upper()}_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp_dir / f'{service}.sqlite3'}"
    return fresh_database(url, f"{dj_database_url.parse(url)['NAME']}_system")
