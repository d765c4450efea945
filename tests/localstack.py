"""The local stack (`make run`'s supervisor, lotr_devstack) driven as a user drives it, from
its command line, in a state folder and on ports of the test's own, on SQLite and the sample."""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from lotr_devstack import REPO, free_port
from lotr_devstack.local import PARTS, SERVICES, LocalStack

# Every stack's state folder lives under one folder of the run, removed when the run ends.
ROOT = Path(tempfile.mkdtemp(prefix="lotr-stacks-"))
ROOT.chmod(0o755)
atexit.register(shutil.rmtree, ROOT, ignore_errors=True)


def stack_environ(**overrides: str) -> dict[str, str]:
    """An environment for a stack of its own: state folder, free ports, SQLite files, sample data."""
    state = Path(tempfile.mkdtemp(prefix="stack-", dir=ROOT))
    state.chmod(0o755)  # nginx workers run unprivileged when the tests run as root
    env = {name: value for name, value in os.environ.items() if not name.endswith("_DATABASE_URL")}
    env.update(
        {
            "LOTR_STACK_DIR": str(state),
            "LOTR_DATA_DIR": str(REPO / "data" / "sample"),
            "JWT_PRIVATE_KEY_FILE": str(state / "jwt.pem"),
            "DJANGO_SECRET_KEY": "system-test-only",
            "SERVER_WORKERS": "2",
            "STACK_START_TIMEOUT": "60",
        }
    )
    for part in PARTS:
        env[f"{part.upper()}_PORT"] = str(free_port())
    for service in SERVICES:
        env[f"{service.upper()}_DATABASE_URL"] = f"sqlite:///{state / f'{service}.sqlite3'}"
    env.update(overrides)
    return env


def cli(env: dict[str, str], *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lotr_devstack", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def processes_of(env: dict[str, str]) -> list[int]:
    """Every process started for this stack: its services carry LOTR_STACK_DIR in their
    environment, and every part's group is recorded under <state>/run/."""
    marker = f"LOTR_STACK_DIR={env['LOTR_STACK_DIR']}".encode()
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.add(int(entry.name))
            except OSError:
                continue
    stack = LocalStack(env)
    for part in PARTS:
        found.update(stack.state(part).pids)
    return sorted(found)
