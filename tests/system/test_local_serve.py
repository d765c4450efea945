"""`make serve SERVICE=movie` runs with the settings of `make run` (issue 13, item 12): before,
it ignored MOVIE_DATABASE_URL and served an empty SQLite file of its own."""

import sys
from pathlib import Path

import requests

from lotr_devstack import REPO, Process, free_port
from tests.localstack import stack_environ


def test_serve_uses_the_database_and_settings_of_run():
    env = stack_environ()
    del env["DJANGO_SECRET_KEY"]  # as `make run` does: the key kept in the state folder
    database = Path(env["MOVIE_DATABASE_URL"].removeprefix("sqlite:///"))
    port = free_port()
    serve = Process(
        [sys.executable, "-m", "lotr_devstack", "serve", "movie", "--port", str(port), "--import"],
        name="make serve",
        cwd=REPO,
        env=env,
        health_url=f"http://127.0.0.1:{port}/readyz",
    )
    try:
        serve.start(timeout=90)
        movies = requests.get(f"http://127.0.0.1:{port}/v2/movie", timeout=10)
    finally:
        serve.stop()

    assert movies.status_code == 200, movies.text
    assert movies.json()["total"] == 8  # data/sample/movies.csv, imported into MOVIE_DATABASE_URL
    assert database.is_file()
    assert (Path(env["LOTR_STACK_DIR"]) / "secret-key").is_file()
