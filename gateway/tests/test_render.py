"""render.py renders the template exactly as the official nginx image's envsubst step does."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.stack import REPO

TEMPLATE = REPO / "gateway" / "templates" / "lotr.conf.template"
DEFAULTS = REPO / "gateway" / "defaults.envsh"

# The official image's 20-envsubst-on-templates.sh, reduced to its rendering command:
# substitute only the defined variables whose names match NGINX_ENVSUBST_FILTER.
IMAGE_STEP = r"""
. "$DEFAULTS"
names=$(awk "END { for (name in ENVIRON) { print ( name ~ /^GATEWAY_/ ) ? name : \"\" } }" < /dev/null)
defined_envs=$(printf '${%s} ' $names)
envsubst "$defined_envs" < "$TEMPLATE"
"""
LOCAL_STEP = r"""
. "$DEFAULTS"
exec "$PYTHON" -c '
import os, sys
sys.path.insert(0, "gateway")
from render import envsubst
print(envsubst(open(os.environ["TEMPLATE"]).read(), dict(os.environ)), end="")'
"""


def rendered(step: str, **env: str) -> str:
    base = {"PATH": os.environ["PATH"], "DEFAULTS": str(DEFAULTS), "TEMPLATE": str(TEMPLATE)}
    base["PYTHON"] = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv").exists() else "python3"
    result = subprocess.run(["sh", "-c", step], env={**base, **env}, cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(
    shutil.which("envsubst") is None, reason="gettext's envsubst is not installed (.ci/run installs it)"
)
@pytest.mark.parametrize(
    "env",
    [
        pytest.param({}, id="defaults"),
        pytest.param(
            {"GATEWAY_BOOK_UPSTREAM": "10.1.2.3:8000", "GATEWAY_TRUSTED_PROXIES": "10.0.0.0/8,172.16.0.0/12"},
            id="overrides",
        ),
    ],
)
def test_local_rendering_matches_the_images_envsubst(env):
    assert rendered(LOCAL_STEP, **env) == rendered(IMAGE_STEP, **env)


def test_rendering_fills_every_gateway_variable_and_keeps_nginx_variables():
    text = rendered(LOCAL_STEP, GATEWAY_TRUSTED_PROXIES="10.0.0.0/8,192.168.0.0/16", GATEWAY_PORT="9999")

    assert "$GATEWAY_" not in text
    assert "${GATEWAY_" not in text
    assert "set_real_ip_from 10.0.0.0/8; set_real_ip_from 192.168.0.0/16;" in text
    assert "listen 9999;" in text
    for nginx_variable in ("$binary_remote_addr", "$request_uri", "$lotr_request_id"):
        assert nginx_variable in text


def test_without_a_resolver_each_service_is_an_upstream_block_resolved_at_start():
    text = rendered(LOCAL_STEP, GATEWAY_BOOK_UPSTREAM="127.0.0.1:9001")

    assert "upstream book { server 127.0.0.1:9001; keepalive 32; }" in text
    assert "map $host $lotr_book { default book; }" in text
    assert "resolver " not in text


def test_with_a_resolver_nginx_asks_it_again_for_each_service(tmp_path):
    """GATEWAY_RESOLVER=auto (the image's default) takes /etc/resolv.conf's first nameserver; the
    proxy targets are then host:port, which nginx resolves through it while running."""
    text = rendered(LOCAL_STEP, GATEWAY_RESOLVER="10.89.0.1 [fd00::1]", GATEWAY_RESOLVER_VALID="3s")

    assert "resolver 10.89.0.1 [fd00::1] valid=3s ipv6=off;" in text
    assert "upstream book" not in text
    assert "map $host $lotr_book { default book:8000; }" in text
    assert "proxy_pass http://$lotr_book$lotr_upstream_uri;" in text

    auto = rendered(LOCAL_STEP, GATEWAY_RESOLVER="auto")
    resolv = Path("/etc/resolv.conf").read_text().splitlines()
    nameservers = [line.split()[1] for line in resolv if line.startswith("nameserver")]
    assert nameservers
    expected = f"[{nameservers[0]}]" if ":" in nameservers[0] else nameservers[0]
    assert f"resolver {expected} valid=5s" in auto  # the first only: the engine's DNS
