"""`make compose-check`: docker-compose.yml with its events override (docker-compose.events.yml:
RabbitMQ, the outbox relay, a worker per data service) run for real, end to end, and checked
from outside.

1. deploy/offline/bases.sh: podman and its pieces if missing, and the offline stand-ins for
   the python, nginx, postgres and rabbitmq base images (made once, kept in podman's storage);
2. `make images` with those bases (the five images, tagged as docker-compose.yml names them);
3. Debian's docker-compose 1.29 against podman's Docker-compatible socket `up`s the file as it
   is (it waits for `service_healthy` and `service_completed_successfully`, which
   podman-compose 1.x ignores); podman runs no health check by itself here (no systemd), so a
   thread runs `podman healthcheck run` for every container while the stack is up;
4. the checks below, through the published gateway port only; one line each and a total;
5. `down -v`, and a check that nothing of the project is left.

Exit status 1 on any failed check; 2 when the stack could not be built or started.
Settings (environment): LOTR_HTTP_PORT (published port; default: a free one),
COMPOSE_CHECK_PROJECT (default lotr-check), COMPOSE_CHECK_KEEP=1 (leave the stack up).
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PROJECT = os.environ.get("COMPOSE_CHECK_PROJECT", "lotr-check")
SERVICES = ["book", "movie", "character", "accounts"]
START_TIMEOUT = 600
RECOVERY_SECONDS = 30


# Run in a service's container: the resident memory of each granian worker (PID 1's children).
WORKER_RSS = """
import re
from pathlib import Path
for pid in Path("/proc/1/task/1/children").read_text().split():
    print(round(int(re.search(r"VmRSS:\\s+(\\d+) kB", Path(f"/proc/{pid}/status").read_text())[1]) / 1024, 1))
"""


class StackError(Exception):
    """The stack could not be built or started: nothing to check."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args, *, env=None, timeout=900, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-15:]
        raise StackError(f"{' '.join(map(str, args[:4]))} ... failed:\n" + "\n".join(tail))
    return result


class Http:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"

    # A name lookup inside podman's containers here sometimes waits out glibc's 5 s timeout
    # once or twice (a service's /readyz took 15,081 ms, a PUT 10,022 ms, both answered): the
    # checks are about answers, so a request may take 30 s, and any slower than 5 s is printed.
    def request(self, method: str, path: str, *, body=None, token=None, timeout=30):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        began = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()
        except OSError as error:
            return 0, {}, str(error).encode()
        finally:
            took = time.monotonic() - began
            if took > 5:
                print(f"   slow: {method} {path} took {took:.1f} s", flush=True)

    def json(self, method: str, path: str, **kwargs):
        status, headers, raw = self.request(method, path, **kwargs)
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, None


class HealthLoop(threading.Thread):
    """podman 4.3 schedules health checks with systemd timers; without systemd, run them."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(2):
            for name in containers(running=True):
                subprocess.run(["podman", "healthcheck", "run", name], capture_output=True, timeout=30, check=False)


def containers(*, running=False) -> list[str]:
    args = ["podman", "ps", "--format", "{{.Names}}", "--filter", f"label=com.docker.compose.project={PROJECT}"]
    if not running:
        args.insert(2, "-a")
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    return [line for line in result.stdout.split() if line]


def inspect(name: str) -> dict:
    result = subprocess.run(["podman", "inspect", name], capture_output=True, text=True, check=False)
    return json.loads(result.stdout)[0] if result.returncode == 0 else {}


def container_of(service: str) -> str:
    for name in containers():
        if inspect(name).get("Config", {}).get("Labels", {}).get("com.docker.compose.service") == service:
            return name
    raise StackError(f"no container for {service}")


def show_logs(services: list[str], lines: int = 40) -> None:
    """The last lines each service's container wrote: what a failed check leaves to go on."""
    for service in services:
        result = run(["podman", "logs", "--tail", str(lines), container_of(service)], check=False)
        print(f"   --- last {lines} log lines of {service}", flush=True)
        for line in (result.stdout + result.stderr).splitlines()[-lines:]:
            print(f"   | {line[:300]}", flush=True)


def wait_until(predicate, seconds: float, step: float = 1.0) -> float | None:
    """Seconds until predicate() held, or None."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if predicate():
            return time.monotonic() - start
        time.sleep(step)
    return None


class Checks:
    def __init__(self):
        self.rows: list[tuple[bool, str, str]] = []

    def record(self, ok: bool, name: str, detail: str = "") -> bool:
        self.rows.append((ok, name, detail))
        print(f"{'PASS' if ok else 'FAIL'}  {name}{'  (' + detail + ')' if detail else ''}", flush=True)
        return ok


def main() -> int:
    started = time.monotonic()
    compose_file = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    events_file = yaml.safe_load((REPO / "docker-compose.events.yml").read_text())
    # The override's services added to the base's (the sync's entries there only add settings).
    for name, spec in events_file["services"].items():
        compose_file["services"][name] = {**compose_file["services"].get(name, {}), **spec}
    port = int(os.environ.get("LOTR_HTTP_PORT") or free_port())
    checks = Checks()
    workdir = Path(tempfile.mkdtemp(prefix="lotr-compose-check-"))
    socket_path = workdir / "podman.sock"
    service_proc = None
    health = HealthLoop()
    try:
        print("== base images (deploy/offline/bases.sh)", flush=True)
        bases = run(["bash", "deploy/offline/bases.sh"], timeout=1200).stdout.strip().splitlines()[-1]
        base_env = dict(pair.split("=", 1) for pair in bases.split())
        print(f"== make images ({bases})", flush=True)
        t = time.monotonic()
        images = run(
            [
                "make",
                "images",
                "ENGINE=podman",
                f"PYTHON_IMAGE={base_env['PYTHON_IMAGE']}",
                f"NGINX_IMAGE={base_env['NGINX_IMAGE']}",
            ],
            timeout=3600,
        ).stdout
        print(images.strip().splitlines()[-5:] and "\n".join(images.strip().splitlines()[-5:]), flush=True)
        print(f"   images built in {time.monotonic() - t:.0f} s", flush=True)

        if shutil.which("docker-compose") is None:
            raise StackError("docker-compose is missing: apt-get install docker-compose")
        env = {
            **os.environ,
            "DOCKER_HOST": f"unix://{socket_path}",
            "POSTGRES_IMAGE": base_env["POSTGRES_IMAGE"],
            "RABBITMQ_IMAGE": base_env["RABBITMQ_IMAGE"],
            "LOTR_HTTP_PORT": str(port),
            "COMPOSE_HTTP_TIMEOUT": "300",
        }
        compose = ["docker-compose", "-p", PROJECT, "-f", "docker-compose.yml", "-f", "docker-compose.events.yml"]
        service_proc = subprocess.Popen(
            ["podman", "system", "service", "--time=0", f"unix://{socket_path}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        if wait_until(socket_path.exists, 20, 0.2) is None:
            raise StackError("podman system service did not open its socket")
        run([*compose, "down", "-v", "--remove-orphans"], env=env, check=False)
        health.start()
        print(f"== docker-compose up (gateway on 127.0.0.1:{port})", flush=True)
        t = time.monotonic()
        run([*compose, "up", "-d", "--no-build"], env=env, timeout=START_TIMEOUT)
        # Services of a profile (the data sync) are not started by a plain `up`.
        long_running = [
            name
            for name, service in compose_file["services"].items()
            if not name.endswith("-init") and not service.get("profiles")
        ]

        def all_healthy():
            states = {}
            for name in containers():
                info = inspect(name)
                service = info["Config"]["Labels"].get("com.docker.compose.service")
                states[service] = (info["State"].get("Health") or {}).get("Status") or info["State"]["Status"]
                if service in long_running and info.get("RestartCount", 0) >= 3:
                    logs = run(["podman", "logs", "--tail", "3", name], check=False)
                    raise StackError(f"{service} keeps restarting: {(logs.stdout + logs.stderr).strip()}")
            return all(states.get(s) == "healthy" for s in long_running)

        waited = wait_until(all_healthy, START_TIMEOUT, 2)
        checks.record(waited is not None, "every container healthy after up", f"{time.monotonic() - t:.0f} s")
        if waited is None:
            raise StackError("the stack did not become healthy")
        check_stack(checks, Http(port), compose, env, compose_file)
    except StackError as error:
        print(f"compose-check: {error}", file=sys.stderr, flush=True)
        checks.record(False, "stack built and started", str(error).splitlines()[0])
    finally:
        if service_proc is not None and os.environ.get("COMPOSE_CHECK_KEEP") != "1":
            result = run([*compose, "down", "-v", "--remove-orphans"], env=env, check=False, timeout=300)
            left = containers()
            volumes = subprocess.run(
                ["podman", "volume", "ls", "-q", "--filter", f"label=com.docker.compose.project={PROJECT}"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.split()
            networks = [
                n
                for n in subprocess.run(
                    ["podman", "network", "ls", "--format", "{{.Name}}"], capture_output=True, text=True, check=False
                ).stdout.split()
                if n.startswith(f"{PROJECT}_")
            ]
            checks.record(
                result.returncode == 0 and not left and not volumes and not networks,
                "down -v leaves no container, volume or network",
                f"left: {left + volumes + networks}" if left or volumes or networks else "",
            )
            # Whatever is left, so the next run starts clean.
            for name in left:
                subprocess.run(["podman", "rm", "-f", name], capture_output=True, check=False)
            if volumes:
                subprocess.run(["podman", "volume", "rm", "-f", *volumes], capture_output=True, check=False)
            if networks:
                subprocess.run(["podman", "network", "rm", "-f", *networks], capture_output=True, check=False)
        health.stopping.set()
        if service_proc is not None:
            os.killpg(service_proc.pid, 15)
            service_proc.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)

    failed = [row for row in checks.rows if not row[0]]
    print(f"\n{len(checks.rows) - len(failed)}/{len(checks.rows)} checks passed in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


def check_stack(checks: Checks, http: Http, compose: list[str], env: dict, compose_file: dict) -> None:
    # ---- reads, across containers ----------------------------------------------------------
    status, body = http.json("GET", "/v2/book")
    books = (body or {}).get("docs") or []
    checks.record(status == 200 and bool(books), "GET /v2/book 200", f"{len(books)} books")

    status, body = http.json("GET", "/v2/character?limit=1")
    character = ((body or {}).get("docs") or [{}])[0].get("_id")
    status, body = http.json("GET", f"/v2/character/{character}/quote")
    checks.record(
        status == 200 and isinstance((body or {}).get("docs"), list),
        "GET /v2/character/{id}/quote 200 (character -> movie)",
        f"{len((body or {}).get('docs') or [])} quotes",
    )

    # ---- accounts and favorites ------------------------------------------------------------
    # A random password with every kind of character the password rules ask for.
    email, password = f"check-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(16) + "-Aa1!"
    status, _ = http.json("POST", "/auth/register", body={"email": email, "password": password})
    checks.record(status == 201, "POST /auth/register 201", f"status {status}")
    status, login = http.json("POST", "/auth/login", body={"email": email, "password": password})
    login = login or {}
    jwt, api_key = login.get("access"), login.get("access_token")
    checks.record(status == 200 and bool(jwt) and bool(api_key), "POST /auth/login 200 (JWT and API key)")
    book = books[0]["_id"] if books else "none"
    for label, token in (("JWT", jwt), ("API key", api_key)):
        put, _ = http.json("PUT", f"/v2/me/favorites/books/{book}", token=token)
        get, favorites = http.json("GET", "/v2/me/favorites/books", token=token)
        ids = [doc.get("_id") for doc in (favorites or {}).get("docs") or []]
        checks.record(
            put in (200, 201, 204) and get == 200 and book in ids,
            f"PUT + GET a favorite with the {label}",
            f"PUT {put}, GET {get}",
        )

    # ---- docs ------------------------------------------------------------------------------
    status, _, raw = http.request("GET", "/docs/")
    page = raw.decode("utf-8", "replace")
    external = re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//[^"']+""", page)
    checks.record(status == 200 and not external, "GET /docs/ 200, no external asset", ", ".join(external[:3]))

    # ---- a service stopped, started, recreated ---------------------------------------------
    counter = iter(range(1, 100000))

    def fresh(path):  # a new limit each time: never an answer from the gateway's cache
        return f"{path}?limit={next(counter)}"

    routes = {"book": "/v2/book", "movie": "/v2/movie", "character": "/v2/character"}
    run([*compose, "stop", "book"], env=env, timeout=120)
    # Until the gateway's DNS answer for the stopped container expires (GATEWAY_RESOLVER_VALID,
    # 5 s), a request may wait out the connect timeout on its old address: a JSON 504. Then the
    # name no longer resolves and the answer is the 503. What came before the 503 is reported.
    seen: list[int] = []

    def unavailable() -> bool:
        status, _, raw = http.request("GET", fresh(routes["book"]))
        seen.append(status)
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        return status == 503 and isinstance(body, dict) and body.get("success") is False

    took = wait_until(unavailable, 15, 0.5)
    others = {path: http.request("GET", fresh(path))[0] for name, path in routes.items() if name != "book"}
    checks.record(
        took is not None and all(s in (503, 504) for s in seen),
        "book stopped: /v2/book 503 JSON within 15 s (JSON 504 before)",
        f"statuses {seen}, {took:.0f} s" if took is not None else f"statuses {seen}",
    )
    checks.record(all(s == 200 for s in others.values()), "book stopped: movie and character 200", str(others))
    gateway = container_of("gateway")
    gateway_started = inspect(gateway)["State"]["StartedAt"]
    run([*compose, "start", "book"], env=env, timeout=120)
    took = wait_until(lambda: all(http.request("GET", fresh(p))[0] == 200 for p in routes.values()), RECOVERY_SECONDS)
    checks.record(
        took is not None and inspect(gateway)["State"]["StartedAt"] == gateway_started,
        f"book started: all 200 within {RECOVERY_SECONDS} s, gateway not restarted",
        f"{took:.0f} s" if took is not None else "timed out",
    )

    def address(service):
        networks = inspect(container_of(service))["NetworkSettings"]["Networks"]
        return sorted(n.get("IPAddress") for n in networks.values())

    before = address("book")
    run([*compose, "up", "-d", "--no-deps", "--force-recreate", "book"], env=env, timeout=300)
    after = address("book")
    took = wait_until(lambda: http.request("GET", fresh(routes["book"]))[0] == 200, RECOVERY_SECONDS)
    checks.record(
        took is not None and before != after,
        "book recreated (new address): the gateway follows",
        f"{before} -> {after}, {took:.0f} s" if took is not None else f"{before} -> {after}, timed out",
    )

    # ---- init steps ran once; a second `up` re-imports nothing, keeps the signing key -----
    imports = [s for s in compose_file["services"] if s.endswith("-init") and s != "accounts-init"]

    def imported() -> dict[str, int]:  # "Imported <folder>." is import_data's line when rows changed
        logs = {s: run([*compose, "logs", "--no-color", s], env=env, check=False).stdout for s in imports}
        return {s: text.count("Imported /") for s, text in logs.items()}

    first = imported()
    once = all(n == 1 for n in first.values())
    checks.record(once, "init steps ran once: each import_data imported once", str(first))
    again = run([*compose, "up", "-d", "--no-build"], env=env, timeout=START_TIMEOUT)
    # `up` starts the init steps again and returns: they run on while the checks go on.
    # Counted (and the events checked) once they have finished, as an operator would wait.
    inits = [container_of(s) for s in compose_file["services"] if s.endswith("-init")]
    settled = wait_until(lambda: all(inspect(c).get("State", {}).get("Status") == "exited" for c in inits), 120)
    started = sorted(set(re.findall(r"(?:Starting|Recreating|Creating) (\S+)", again.stderr)))
    done = f"after {settled:.0f} s" if settled is not None else "not within 120 s"
    print(f"   second up started {', '.join(started) or 'nothing'}; init steps finished {done}", flush=True)
    second = imported()
    checks.record(second == first, "second up: nothing imported again", str(second))
    status, _ = http.json("GET", "/v2/me/favorites/books", token=jwt)
    checks.record(status == 200, "second up: the JWT from before is still accepted (key kept)", f"status {status}")

    check_events(checks, http, compose, env)

    # ---- the server workers' memory in the images (make bench measures it in the dev venv) ----
    rss = {}
    for service in SERVICES:
        result = run(["podman", "exec", container_of(service), "python", "-c", WORKER_RSS], check=False)
        rss[service] = result.stdout.split() or result.stderr.strip()[-80:]
    print(f"   server worker RSS in the images, MB (after the checks above): {rss}", flush=True)

    # ---- non-root, read-only root file system ------------------------------------------------
    promised = [s for s, spec in compose_file["services"].items() if spec.get("read_only") and not spec.get("profiles")]
    problems = []
    for service in promised:
        info = inspect(container_of(service))
        uid = run(["podman", "exec", container_of(service), "id", "-u"], check=False).stdout.strip()
        if uid in ("", "0") or not info["HostConfig"].get("ReadonlyRootfs"):
            problems.append(f"{service}: uid {uid or '?'}, read-only {info['HostConfig'].get('ReadonlyRootfs')}")
    checks.record(not problems, f"{len(promised)} containers non-root with a read-only root fs", "; ".join(problems))


def check_events(checks: Checks, http: Http, compose: list[str], env: dict) -> None:
    """An account with a favorite in every service, deleted through the gateway: the outbox
    relay, RabbitMQ and each service's worker take every trace of it away (docs/events.md)."""
    email, password = f"events-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(16) + "-Aa1!"
    http.json("POST", "/auth/register", body={"email": email, "password": password})
    _, login = http.json("POST", "/auth/login", body={"email": email, "password": password})
    jwt = (login or {}).get("access")
    _, me = http.json("GET", "/auth/me", token=jwt)
    user_id = (me or {}).get("id", "")
    favorites = {  # service: (favorites list, a resource to pick from, model)
        "book": ("/v2/me/favorites/books", "/v2/book?limit=1", "books.FavoriteBook"),
        "movie": ("/v2/me/favorites/movies", "/v2/movie?limit=1", "movies.FavoriteMovie"),
        "character": ("/v2/me/favorites/characters", "/v2/character?limit=1", "characters.FavoriteCharacter"),
    }
    added, failed = [], []
    for service, (listing, resource, _) in favorites.items():
        _, body = http.json("GET", resource)
        item = ((body or {}).get("docs") or [{}])[0].get("_id", "none")
        status, _, raw = http.request("PUT", f"{listing}/{item}", token=jwt)
        added.append(status)
        if status not in (200, 201, 204):
            failed.append(service)
            print(f"   PUT {listing}/{item}: {status} {raw[:200]!r}", flush=True)
    name = "events: a user with a favorite in book, movie and character"
    ok = checks.record(bool(user_id) and not failed, name, f"PUT {added}")
    if not ok:
        show_logs(["gateway", *failed])

    status, _ = http.json("DELETE", "/auth/me", body={"password": password}, token=jwt)
    took = wait_until(
        lambda: all(http.json("GET", listing, token=jwt)[0] == 401 for listing, _, _ in favorites.values()), 30, 0.2
    )
    checks.record(
        status == 204 and took is not None,
        "events: DELETE /auth/me 204, then every service refuses the JWT within 30 s",
        f"status {status}, {took:.1f} s" if took is not None else f"status {status}, timed out",
    )
    left = {}
    for service, (_, _, model) in favorites.items():
        rows = f"apps.get_model('{model}').objects.filter(user_id='{user_id}').count()"
        code = f"from django.apps import apps; print({rows})"
        shell = ["python", "manage.py", "shell", "-v", "0", "-c", code]
        result = run(["podman", "exec", container_of(service), *shell], check=False)
        left[service] = result.stdout.strip() or result.stderr.strip()[-80:]
    no_rows = all(n == "0" for n in left.values())
    checks.record(no_rows, "events: no favorite row of the user left in any service", str(left))
    result = run(["podman", "exec", container_of("relay"), "python", "manage.py", "events_status"], check=False)
    checks.record(
        result.returncode == 0 and "outbox 0 unsent" in result.stdout,
        "events: events_status: outbox empty, no dead letter",
        " ".join((result.stdout + result.stderr).split())[:160],
    )


if __name__ == "__main__":
    sys.exit(main())
