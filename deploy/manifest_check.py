"""`make manifest-check`: what the Kubernetes manifests use exists in the built images.

No cluster runs here, so this takes the rendered overlays (plain `kubectl kustomize`) and,
with podman and the images `make images` built (lotr-<part>:<tag>), checks for every
container of ours:
- the image exists (prod's registry names map to the local lotr-<part>:<tag>);
- its command runs there: the executable is on PATH, `python manage.py help <command>`
  knows each management command it names;
- every volume mount path exists in the image (so nothing relies on the root file system);
- every environment variable it is given is read by code in the image;
- the dev overlay's Deployments, started as their pod specs say (command, environment from
  the ConfigMaps and dev Secrets, user, read-only root, the mounts as empty directories)
  against PostgreSQL, answer their startup, liveness and readiness probe paths on their
  container ports; the migrate Jobs and the accounts init container run first, as in a
  cluster; the gateway's stub_status answers the metrics sidecar's port and path.
One line per check and a total; exit status 1 on any failure.
"""

import base64
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
K8S = REPO / "deploy" / "k8s"
NAME = "lotr-manifest-check"
POSTGRES_IMAGE = "localhost/lotr-offline/postgres:15-bookworm"
SERVICES = ["accounts", "movie", "book", "character"]  # accounts first: the others ask it
# Where an image's own code and configuration live, and how a variable's name is looked for there.
GREP = "grep -rqs --include=*.py --include=*.template --include=*.envsh --include=*.conf"
CODE = "/app /opt/venv/lib/python3*/site-packages/lotr_kit /etc/nginx /docker-entrypoint.d"


def sh(*args, check=False, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, check=check, timeout=timeout)


def render(overlay: str) -> list[dict]:
    out = sh(
        os.environ.get("KUBECTL") or shutil.which("kubectl") or "kubectl",
        "kustomize",
        str(K8S / "overlays" / overlay),
        check=True,
    ).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def local_image(image: str) -> str | None:
    """registry.example.com/lotr/book:0.2.0 or lotr-book:0.2.0 -> lotr-book:0.2.0; else None."""
    path, _, tag = image.rpartition(":")
    last = path.rsplit("/", 1)[-1]
    if last.startswith("lotr-"):
        return f"lotr-{last.removeprefix('lotr-')}:{tag}"
    if "/lotr/" in path:
        return f"lotr-{last}:{tag}"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Table:
    def __init__(self):
        self.failed = 0
        self.count = 0

    def row(self, ok: bool, text: str, detail: str = "") -> None:
        self.count += 1
        self.failed += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {text}{'  (' + detail + ')' if detail else ''}", flush=True)


def workload_containers(docs):
    for doc in docs:
        if doc["kind"] in ("Deployment", "Job", "StatefulSet"):
            spec = doc["spec"]["template"]["spec"]
            for container in [*spec.get("initContainers", []), *spec["containers"]]:
                yield doc, spec, container


def env_of(docs, container) -> dict[str, str]:
    env = {}
    for source in container.get("envFrom", []):
        ref = source.get("configMapRef") or source.get("secretRef")
        obj = next((d for d in docs if d["metadata"]["name"] == ref["name"]), None)
        if obj is None:
            continue  # a prod Secret the operator creates
        if obj["kind"] == "Secret":
            env.update({k: base64.b64decode(v).decode() for k, v in obj.get("data", {}).items()})
        else:
            env.update(obj.get("data", {}))
    for item in container.get("env", []):
        env[item["name"]] = item.get("value", "")
    return env


def static_checks(table: Table, overlay: str, docs: list[dict]) -> None:
    for doc, _spec, container in workload_containers(docs):
        image = local_image(container["image"])
        if image is None:
            continue  # postgres (dev) and the metrics exporter are not ours
        where = f"{overlay} {doc['kind']} {doc['metadata']['name']}/{container['name']}"
        exists = sh("podman", "image", "exists", image).returncode == 0
        table.row(exists, f"{where}: image {image} exists")
        if not exists:
            continue
        command = container.get("command") or []
        words = shlex.split(command[2]) if command[:2] == ["sh", "-c"] else command
        executables = {command[0]} if command else set()
        managements = set(re.findall(r"manage\.py\s+(\w+)", " ".join(words)))
        env = env_of(docs, container)
        mounts = [m["mountPath"] for m in container.get("volumeMounts", [])]
        script = [
            *[f'command -v {shlex.quote(e)} >/dev/null || echo "missing executable {e}"' for e in executables],
            *[
                f'python manage.py help {m} >/dev/null 2>&1 || echo "missing command manage.py {m}"'
                for m in managements
            ],
            *[f'[ -d {shlex.quote(p)} ] || echo "missing mount path {p}"' for p in mounts],
            # Every variable given is read somewhere in the image's own code.
            *[f'{GREP} -e {shlex.quote(n)} {CODE} || echo "unread variable {n}"' for n in sorted(env)],
        ]
        result = sh(
            "podman", "run", "--rm", "--network", "none", "--entrypoint", "sh",
            "-e", "DJANGO_SECRET_KEY=manifest-check", "-e", "DJANGO_DEBUG=true", image, "-c", "\n".join(script),
        )  # fmt: skip
        problems = [line for line in result.stdout.splitlines() if line.strip()]
        if result.returncode != 0 and not problems:
            problems = [result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed"]
        table.row(
            not problems,
            f"{where}: command, {len(managements)} manage.py commands, {len(mounts)} mounts, {len(env)} variables",
            "; ".join(problems[:6]),
        )


def podman(*args, check=True, timeout=300):
    return sh("podman", *args, check=check, timeout=timeout)


def run_args(docs, spec, container, *, name, volumes: dict[str, str], ports=()) -> list[str]:
    security = {**spec.get("securityContext", {}), **container.get("securityContext", {})}
    # --no-healthcheck: the probes are what this checks; podman would only warn (no systemd here).
    args = ["--name", name, "--network", NAME, "--network-alias", name.removeprefix(f"{NAME}-"), "--no-healthcheck"]
    if security.get("runAsUser"):
        args += ["--user", f"{security['runAsUser']}:{security.get('runAsGroup', security['runAsUser'])}"]
    if security.get("readOnlyRootFilesystem"):
        args += ["--read-only"]
    args += ["--cap-drop", "ALL", "--security-opt", "no-new-privileges"]
    for mount in container.get("volumeMounts", []):
        volume = volumes.get(mount["name"])
        args += ["-v", f"{volume}:{mount['mountPath']}"] if volume else ["--tmpfs", mount["mountPath"]]
    for key, value in env_of(docs, container).items():
        args += ["-e", f"{key}={value}"]
    for host, port in ports:
        args += ["-p", f"127.0.0.1:{host}:{port}"]
    image = local_image(container["image"])
    if container.get("command"):
        args += ["--entrypoint", container["command"][0], image, *container["command"][1:], *container.get("args", [])]
    else:
        args += [image, *container.get("args", [])]
    return args


def failure(result: subprocess.CompletedProcess) -> str:
    return "" if result.returncode == 0 else (result.stderr.strip().splitlines() or ["failed"])[-1][:200]


def get(port: int, path: str, timeout: float = 3) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def wait_for_200(port: int, path: str, *, tries: int, timeout: float = 3) -> int:
    """GET path until it answers 200, a second apart, at most `tries` times; the last status."""
    status = 0
    for _ in range(tries):
        status = get(port, path, timeout=timeout)
        if status == 200:
            break
        time.sleep(1)
    return status


def runtime_checks(table: Table, docs: list[dict]) -> None:
    podman("network", "create", NAME)
    podman(
        "run", "-d", "--name", f"{NAME}-db", "--network", NAME,
        *[a for s in SERVICES for a in ("--network-alias", f"{s}-db")],
        "-e", "POSTGRES_USER=postgres", "-e", "POSTGRES_PASSWORD=dev-only-password", POSTGRES_IMAGE,
    )  # fmt: skip
    for _ in range(60):
        if podman("exec", f"{NAME}-db", "pg_isready", "-U", "postgres", check=False).returncode == 0:
            break
        time.sleep(1)
    for service in SERVICES:
        statements = f"CREATE USER {service} PASSWORD 'dev-only-password'; CREATE DATABASE {service} OWNER {service};"
        for statement in statements.split("; "):
            podman("exec", f"{NAME}-db", "psql", "-U", "postgres", "-qc", statement.rstrip(";"), check=False)

    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    jobs = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Job"}
    for service in SERVICES:
        volumes = {}
        spec = deployments[service]["spec"]["template"]["spec"]
        for volume in spec.get("volumes", []):
            if "emptyDir" in volume and volume["name"] != "tmp":
                volumes[volume["name"]] = f"{NAME}-{service}-{volume['name']}"
                podman("volume", "create", volumes[volume["name"]])
        migrate = next(j for n, j in jobs.items() if n.startswith(f"{service}-migrate"))
        mspec = migrate["spec"]["template"]["spec"]
        result = podman(
            "run", "--rm", *run_args(docs, mspec, mspec["containers"][0], name=f"{NAME}-{service}-migrate",
                                     volumes={}), check=False, timeout=600,
        )  # fmt: skip
        table.row(result.returncode == 0, f"dev Job {migrate['metadata']['name']} runs", failure(result))
        for job in [j for n, j in jobs.items() if n.startswith(f"{service}-import")]:
            jspec = job["spec"]["template"]["spec"]
            result = podman(
                "run", "--rm", *run_args(docs, jspec, jspec["containers"][0], name=f"{NAME}-{service}-import",
                                         volumes={}), check=False, timeout=900,
            )  # fmt: skip
            table.row(result.returncode == 0, f"dev Job {job['metadata']['name']} runs", failure(result))
        for init in spec.get("initContainers", []):
            result = podman(
                "run", "--rm", *run_args(docs, spec, init, name=f"{NAME}-{service}-{init['name']}", volumes=volumes),
                check=False, timeout=300,
            )  # fmt: skip
            table.row(
                result.returncode == 0,
                f"dev Deployment {service}: init container {init['name']} runs",
                failure(result),
            )
        container = spec["containers"][0]
        ports = {p["name"]: (free_port(), p["containerPort"]) for p in container["ports"]}
        podman("run", "-d", *run_args(docs, spec, container, name=f"{NAME}-{service}", volumes=volumes,
                                      ports=ports.values()))  # fmt: skip
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            http = container[probe]["httpGet"]
            host_port, container_port = ports[http["port"]] if isinstance(http["port"], str) else (None, http["port"])
            status = wait_for_200(host_port, http["path"], tries=60)
            table.row(
                status == 200,
                f"dev Deployment {service}: {probe} {http['path']} on {container_port} answers 200",
                f"status {status}",
            )

    spec = deployments["gateway"]["spec"]["template"]["spec"]
    container = spec["containers"][0]
    ports = {p["name"]: (free_port(), p["containerPort"]) for p in container["ports"]}
    podman("run", "-d", *run_args(docs, spec, container, name=f"{NAME}-gateway", volumes={}, ports=ports.values()))
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        http = container[probe]["httpGet"]
        host_port, container_port = ports[http["port"]]
        status = wait_for_200(host_port, http["path"], tries=30)
        table.row(
            status == 200,
            f"dev Deployment gateway: {probe} {http['path']} on {container_port} answers 200",
            f"status {status}",
        )
    host_port, _ = ports["http"]
    # The gateway's /healthz is its own; the first request through it may meet a service's cold
    # first query or the network's DNS still settling, so it is given the probes' patience too.
    status = wait_for_200(host_port, "/v2/book", tries=30, timeout=10)
    table.row(status == 200, "dev Deployment gateway: /v2/book through the services answers 200", f"status {status}")
    if status != 200:
        logs = podman("logs", "--tail", "20", f"{NAME}-gateway", check=False)
        print(textwrap.indent((logs.stdout + logs.stderr).strip(), "      "), flush=True)
    exporter = next(c for c in spec["containers"] if c["name"] == "metrics")
    uri = next(a for a in exporter["args"] if a.startswith("--nginx.scrape-uri=")).split("=", 1)[1]
    result = podman("exec", f"{NAME}-gateway", "wget", "-q", "-O", "-", uri, check=False)
    table.row("Active connections" in result.stdout, f"dev Deployment gateway: the exporter's {uri} answers")


def cleanup() -> None:
    names = podman("ps", "-a", "--format", "{{.Names}}", check=False).stdout.split()
    for name in names:
        if name.startswith(NAME):
            podman("rm", "-f", "-t", "2", name, check=False)
    for volume in podman("volume", "ls", "-q", check=False).stdout.split():
        if volume.startswith(NAME):
            podman("volume", "rm", "-f", volume, check=False)
    podman("network", "rm", "-f", NAME, check=False)


def main() -> int:
    started = time.monotonic()
    table = Table()
    cleanup()
    try:
        rendered = {overlay: render(overlay) for overlay in ("dev", "prod")}
        for overlay, docs in rendered.items():
            static_checks(table, overlay, docs)
        runtime_checks(table, rendered["dev"])
    except (subprocess.CalledProcessError, StopIteration, KeyError, json.JSONDecodeError) as error:
        detail = getattr(error, "stderr", "") or repr(error)
        table.row(False, "manifest-check ran to the end", str(detail).strip().splitlines()[-1][:200])
    finally:
        cleanup()
    print(f"\n{table.count - table.failed}/{table.count} checks passed in {time.monotonic() - started:.0f} s")
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main())
