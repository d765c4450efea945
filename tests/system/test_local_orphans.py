"""No orphans (issue 13, item 10): SIGKILL of a server's main process left its workers serving,
`make status` said "stopped" and `make stop` could not reach them. Now workers end with their
main process, the supervisor stops whole process groups, and status tells the truth."""

import os
import signal
import socket
import sys
import time

import pytest
import requests

from lotr_devstack import REPO, Process, ServiceProcess, group_members
from lotr_devstack.local import LocalStack
from lotr_devstack.ports import answers
from tests.localstack import stack_environ

# A main process that forks a worker into its group; the worker outlives a SIGKILLed parent.
FORKING = "import os, time\nif os.fork() == 0:\n    time.sleep(120)\nelse:\n    time.sleep(120)\n"


def wait_until(check, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def book(service_env):
    process = ServiceProcess(REPO / "services" / "book", service_env("book"), workers=2).start()
    yield process
    process.stop()


def test_workers_stop_serving_when_the_main_process_is_killed(book):
    workers = [pid for pid in group_members(book.pgid) if pid != book.pgid]
    assert len(workers) == 2
    assert requests.get(f"{book.url}/healthz", timeout=5).status_code == 200

    os.kill(book.pgid, signal.SIGKILL)

    assert wait_until(lambda: not answers(book.port)), "the workers kept serving without their main process"
    assert wait_until(lambda: not group_members(book.pgid))


def test_stop_ends_the_whole_group_when_its_leader_is_gone():
    process = Process([sys.executable, "-c", FORKING], name="forking program").start()
    assert wait_until(lambda: len(group_members(process.pgid)) == 2)
    os.kill(process.pgid, signal.SIGKILL)
    process.process.wait()
    assert len(group_members(process.pgid)) == 1  # the orphan is left

    process.stop()

    assert group_members(process.pgid) == []


def test_status_reports_orphans_and_stop_reaches_them():
    stack = LocalStack(stack_environ())
    process = Process([sys.executable, "-c", FORKING], name="book").start()
    stack.record("book", process.pgid)
    assert wait_until(lambda: len(group_members(process.pgid)) == 2)
    os.kill(process.pgid, signal.SIGKILL)
    process.process.wait()

    book_line = next(line for line in stack.status() if line.startswith("book"))
    assert "ORPHANED" in book_line

    assert stack.stop() == ["book"]
    assert group_members(process.pgid) == []
    assert next(line for line in stack.status() if line.startswith("book")).split()[2] == "stopped"


def test_status_names_a_port_answered_by_a_process_the_stack_did_not_start():
    stack = LocalStack(stack_environ())
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", stack.port("movie")))
        sock.listen()

        lines = "\n".join(stack.status())

    movie = lines[lines.index("movie") : lines.index("character")]
    assert "stopped" in movie
    assert f"port {stack.port('movie')} is answered by pid {os.getpid()}" in movie
    assert "NOT started by this stack" in movie
