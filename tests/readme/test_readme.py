"""The README, followed as written: its `bash` blocks run in one shell against the stack its
own `make run` starts on the default ports, and must take a new user from nothing to a
favorite. Its `sh` blocks hold commands a test cannot run (the test suite itself, a download
from the internet): each must at least name a target the Makefile has.

Run by `make test-readme` (CI runs it after `make test`); not collected by plain `pytest`,
since it takes the ports 8001-8004 and 8080 that `make run` uses.
"""

import json
import re
import socket
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
SAMWISE = "5cd99d4bde30eff6ebccfd0d"
PORTS = (8001, 8002, 8003, 8004, 8080)


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", README, re.MULTILINE | re.DOTALL)


def taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_the_readme_is_a_front_door_under_8_kb():
    assert len(README.encode()) < 8 * 1024
    assert "../shared" not in README
    assert "make run" in blocks("bash")[0]


@pytest.fixture
def free_ports():
    busy = [port for port in PORTS if taken(port)]
    if busy:
        pytest.fail(f"ports {busy} are taken: `make stop` (or stop what holds them) before this test")
    yield
    subprocess.run(["make", "stop"], cwd=REPO, capture_output=True, check=False)


def test_the_readmes_commands_take_a_new_user_to_a_favorite(free_ports):
    script = "set -euo pipefail\n" + "\n".join(blocks("bash"))

    done = subprocess.run(["bash", "-c", script], cwd=REPO, capture_output=True, text=True, timeout=900, check=False)

    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    printed = done.stdout.strip().splitlines()
    assert printed[-2] == "204"  # the favorite kept
    favorites = json.loads(printed[-1])
    assert [doc["_id"] for doc in favorites["docs"]] == [SAMWISE]
    hobbits = next(line for line in done.stdout.splitlines() if line.startswith('{"docs"'))
    assert all(doc["race"] == "Hobbit" for doc in json.loads(hobbits)["docs"])


def test_the_commands_it_cannot_run_are_make_targets_that_exist():
    commands = [line.split("#")[0].strip() for block in blocks("sh") for line in block.splitlines()]
    commands = [command for command in commands if command]

    assert {"make data", "make test", "make stop"} <= set(commands)
    makefile = (REPO / "Makefile").read_text()
    for command in commands:
        assert command.startswith("make "), command
        # A rule of its own: `make -n data` alone would pass on the folder named data/.
        assert re.search(rf"^{re.escape(command.split()[1])}:", makefile, re.MULTILINE), command
        dry_run = subprocess.run([*command.split(), "-n"], cwd=REPO, capture_output=True, text=True, check=False)
        assert dry_run.returncode == 0, f"{command}: {dry_run.stderr}"
