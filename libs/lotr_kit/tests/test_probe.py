"""The containers' health check, run as the engines run it: `python -m lotr_kit.probe ...`."""

import os
import subprocess
import sys
import time


def probe(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lotr_kit.probe", *args], capture_output=True, text=True, check=False, timeout=30
    )


def test_a_fresh_heartbeat_is_healthy(tmp_path):
    beat = tmp_path / "heartbeat"
    beat.touch()

    assert probe(f"--heartbeat={beat}").returncode == 0


def test_a_stale_heartbeat_is_unhealthy_and_says_how_old(tmp_path):
    beat = tmp_path / "heartbeat"
    beat.touch()
    old = time.time() - 120
    os.utime(beat, (old, old))

    result = probe(f"--heartbeat={beat}")

    assert result.returncode == 1
    assert "last touched 120 s ago" in result.stderr


def test_no_heartbeat_yet_is_unhealthy(tmp_path):
    result = probe(f"--heartbeat={tmp_path / 'never-written'}")

    assert result.returncode == 1
    assert "never-written" in result.stderr


def test_a_web_check_with_nothing_listening_is_unhealthy():
    result = subprocess.run(
        [sys.executable, "-m", "lotr_kit.probe", "/readyz"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
        env={**os.environ, "SERVER_BIND": "127.0.0.1:9"},
    )

    assert result.returncode == 1
    assert "/readyz" in result.stderr
