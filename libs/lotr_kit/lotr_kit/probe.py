"""A container health check: `python -m lotr_kit.probe /readyz` exits 0 when the service
answers 200 on 127.0.0.1:8000 (SERVER_BIND's port), 1 otherwise.
`python -m lotr_kit.probe --heartbeat=/tmp/heartbeat` is the check of a process that is no
web server (the events' relay and workers): 0 while it touched that file in the last 60 s.

A module with one argument, because an engine may split a check's arguments at spaces
(podman 4.3 through its Docker-compatible API does), which breaks `python -c "..."`.
"""

import os
import sys
import time
import urllib.error
import urllib.request

HEARTBEAT = "--heartbeat="
HEARTBEAT_MAX_AGE = 60  # seconds: a relay round or a worker's loop touches it far more often


def heartbeat(path: str) -> int:
    try:
        age = time.time() - os.path.getmtime(path)
    except OSError as exc:
        sys.stderr.write(f"{path}: {exc}\n")
        return 1
    if age > HEARTBEAT_MAX_AGE:
        sys.stderr.write(f"{path}: last touched {age:.0f} s ago\n")
        return 1
    return 0


def main(argv: list[str]) -> int:
    if len(argv) > 1 and argv[1].startswith(HEARTBEAT):
        return heartbeat(argv[1].removeprefix(HEARTBEAT))
    path = argv[1] if len(argv) > 1 else "/healthz"
    port = os.environ.get("SERVER_BIND", "0.0.0.0:8000").rpartition(":")[2] or "8000"
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
            return 0 if response.status == 200 else 1
    except (OSError, urllib.error.URLError) as exc:
        sys.stderr.write(f"{path}: {exc}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
