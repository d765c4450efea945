"""Every failure of `make run` is one clear line, a non-zero exit and nothing left running
(issue 13, item 9): before, a taken gateway port left the four services running behind a
14-line traceback, and a missing data folder left accounts running."""

import pytest

from lotr_devstack import free_port
from lotr_devstack.ports import answers
from tests.localstack import cli, processes_of, stack_environ

FAILURES = {
    "missing data folder": ({"LOTR_DATA_DIR": "/nonexistent/one-api"}, "LOTR_DATA_DIR=/nonexistent/one-api"),
    "a migration failing": (
        {"MOVIE_DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/nothing_listens"},
        "movie: `manage.py migrate",
    ),
    "a service not becoming healthy": ({"SERVER_THREADS": "0"}, "exited with"),
    "the gateway failing after the services started": ({"GATEWAY_RATE_LIMIT": "bogus"}, "nginx -t failed"),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failing_run_says_one_line_and_leaves_nothing_running(failure):
    settings, said = FAILURES[failure]
    env = stack_environ(**settings)

    result = cli(env, "run")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert said in result.stderr
    assert processes_of(env) == []
    ports = [int(env[f"{part}_PORT"]) for part in ("ACCOUNTS", "BOOK", "MOVIE", "CHARACTER", "GATEWAY")]
    assert not [port for port in ports if answers(port)]
