"""render.py renders the template exactly as the official nginx image's envsubst step does."""

import os
import shutil
import subprocess

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
