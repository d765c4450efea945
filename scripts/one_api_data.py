"""`make data`: the full dataset from ONE_API_URL into data/one-api/, as the CSVs import_data
reads, then into the databases of a running `make run`.

Each data service's `sync_one_api --csv-dir` fetches and checks its own collections (the same
checks as import_data) into a fresh folder beside the target; only when all three succeeded
does that folder replace data/one-api, so a failure leaves the previous folder as it was.
When the files are the same as before, nothing is replaced. Then, for each service of the
local stack that is running, `import_data` loads the folder into that service's database.
"""

import argparse
import filecmp
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lotr_devstack.local import LocalStack
from lotr_kit.one_api import DEFAULT_URL, display_url

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SERVICES = ("book", "movie", "character")
FILES = ("books.csv", "chapters.csv", "movies.csv", "quotes.csv", "characters.csv")


def manage(service: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """manage.py of one service; its output passes through, its error (one line) is kept."""
    env = dict(env or os.environ)
    # Neither command signs anything: a throwaway key spares the user from setting one.
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(40))
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=REPO / "services" / service,
        env=env,
        stdout=None,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )


def error_line(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    return lines[-1].removeprefix("CommandError: ") if lines else f"exit status {result.returncode}"


def fetch(target: Path) -> bool:
    """Fetch into a new folder, then put it in place of `target`; True when the data changed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-new-"))
    try:
        for service in SERVICES:
            print(f"== {service}: sync_one_api --csv-dir", flush=True)
            result = manage(service, "sync_one_api", "--csv-dir", str(fresh))
            if result.returncode != 0:
                sys.exit(f"make data: {service}: {error_line(result)} ({target} was left as it was)")
        fresh.chmod(0o755)
        if all((target / f).is_file() and filecmp.cmp(fresh / f, target / f, shallow=False) for f in FILES):
            return False
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-old-"))
            os.rename(target, old / target.name)
            os.rename(fresh, target)
            shutil.rmtree(old)
        else:
            os.rename(fresh, target)
        return True
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def running(service: str) -> bool:
    """Started by `make run` and alive (the supervisor's record under var/run/)."""
    return LocalStack().state(service).state == "running"


def stack_env(service: str) -> dict[str, str]:
    """The environment `make run` gave the service: its database, secret key and data folder."""
    return LocalStack().service_env(service)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=REPO / "data" / "one-api", help="Where the CSVs go.")
    parser.add_argument("--no-import", action="store_true", help="Leave a running `make run` alone.")
    args = parser.parse_args()
    target = args.dir.resolve()
    started = time.monotonic()
    changed = fetch(target)
    shown = target.relative_to(REPO) if target.is_relative_to(REPO) else target
    print(
        f"{shown}: {'updated' if changed else 'nothing changed'} "
        f"({time.monotonic() - started:.1f} s, from {display_url(os.environ.get('ONE_API_URL') or DEFAULT_URL)})",
        flush=True,
    )
    live = [] if args.no_import else [service for service in SERVICES if running(service)]
    for service in live:
        print(f"== {service} (running): import_data", flush=True)
        result = manage(service, "import_data", "--data-dir", str(target), env=stack_env(service))
        if result.returncode != 0:
            sys.exit(f"make data: the import into the running {service} service failed: {error_line(result)}")
    if not live and target == REPO / "data" / "one-api":
        print(f"`make run` serves {shown} (LOTR_DATA_DIR defaults to it while it holds the CSVs).")


if __name__ == "__main__":
    main()
