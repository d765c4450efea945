"""`make run` checks every port before it starts anything (issue 13, item 8): granian listens
with SO_REUSEPORT, so without the check a second stack on the same ports started "healthy"
and the kernel split requests between two databases."""

import socket

import pytest

from lotr_devstack import port_taken
from lotr_devstack.ports import holder
from tests.localstack import cli, processes_of, stack_environ


@pytest.fixture
def reuseport_listener():
    """A listening socket as granian opens it: SO_REUSEPORT, so another could join it silently."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    yield sock.getsockname()[1]
    sock.close()


def test_a_port_shared_through_so_reuseport_counts_as_taken(reuseport_listener):
    assert port_taken(reuseport_listener)
    assert "python" in holder(reuseport_listener)  # names the holder: this test's process


@pytest.mark.parametrize("part", ["book", "gateway"])
def test_run_stops_before_starting_anything_when_a_port_is_taken(reuseport_listener, part):
    env = stack_environ(**{f"{part.upper()}_PORT": str(reuseport_listener)})

    result = cli(env, "run")

    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"Port {reuseport_listener} ({part.upper()}_PORT)" in lines[0]
    assert f"set {part.upper()}_PORT=" in lines[0]
    assert "Traceback" not in result.stdout + result.stderr
    assert "Starting" not in result.stdout  # checked before anything started
    assert processes_of(env) == []
