"""Lay out a runnable gateway prefix for `nginx -p`: the same files the gateway image holds,
with templates/*.template rendered exactly as the official nginx image renders them.

The image's entrypoint runs `envsubst` over each template with the names of the variables
defined in its environment (filtered by NGINX_ENVSUBST_FILTER, ^GATEWAY_ for us), so
undefined names and nginx's own variables ($host, $uri) stay as written. This does the
same in Python, so a machine without gettext's envsubst renders identical bytes.

Run it after sourcing defaults.envsh, as the image does:
    sh -c '. gateway/defaults.envsh && python gateway/render.py OUT_DIR'
"""

import os
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILTER = re.compile(r"^GATEWAY_")
_REFERENCE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))")


def envsubst(text: str, env: dict[str, str]) -> str:
    """envsubst with an explicit variable list: defined, filtered names only."""

    def replace(match: re.Match) -> str:
        name = match["braced"] or match["bare"]
        if FILTER.search(name) and name in env:
            return env[name]
        return match[0]

    return _REFERENCE.sub(replace, text)


def docs_assets() -> dict[str, Path]:
    """Swagger UI and ReDoc from the drf-spectacular-sidecar package: no CDN, ever."""
    import drf_spectacular_sidecar

    static = Path(drf_spectacular_sidecar.__file__).parent / "static" / "drf_spectacular_sidecar"
    return {"swagger-ui": static / "swagger-ui-dist", "redoc": static / "redoc" / "bundles"}


def release() -> str:
    """The release, from the repository's VERSION file (the image copies it beside gateway/)."""
    path = HERE.parent / "VERSION"
    if not path.is_file():
        sys.exit(f"{path} is missing: the landing page shows the release it names.")
    return path.read_text(encoding="utf-8").strip()


# ReDoc's sidebar footer loads its maker's logo from a CDN whatever the options say: the docs
# page would ask another host for it (and the page's CSP would refuse it, with a console
# error). The copy served here shows an empty image instead; the link text stays.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_IMAGE = "data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27/%3E"


def without_outside_logo(bundle: Path) -> None:
    text = bundle.read_text(encoding="utf-8")
    bundle.write_text(text.replace(REDOC_LOGO, EMPTY_IMAGE), encoding="utf-8")


def render(out: Path, env: dict[str, str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "nginx.conf", out / "nginx.conf")
    for folder in ("snippets", "errors", "docs", "home"):
        shutil.rmtree(out / folder, ignore_errors=True)
        shutil.copytree(HERE / folder, out / folder)
    for page in (out / "home").glob("index.*"):
        page.write_text(page.read_text(encoding="utf-8").replace("{{version}}", release()), encoding="utf-8")
    for name, source in docs_assets().items():
        shutil.copytree(source, out / "docs" / "assets" / name, ignore=shutil.ignore_patterns("*.map"))
    without_outside_logo(out / "docs" / "assets" / "redoc" / "redoc.standalone.js")
    conf_d = out / "conf.d"
    shutil.rmtree(conf_d, ignore_errors=True)
    conf_d.mkdir()
    for template in sorted((HERE / "templates").glob("*.template")):
        target = conf_d / template.name.removesuffix(".template")
        target.write_text(envsubst(template.read_text(encoding="utf-8"), env), encoding="utf-8")
    for folder in ("logs", "temp"):
        (out / folder).mkdir(exist_ok=True)
    Path(env.get("GATEWAY_CACHE_DIR", out / "cache")).mkdir(parents=True, exist_ok=True)
    private_log(env.get("GATEWAY_ACCESS_LOG", ""))


def private_log(path: str) -> None:
    """nginx creates its log files 0644; one made here first, 0600, keeps that mode."""
    if path and not path.startswith(("/dev/", "syslog:", "off")):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        os.chmod(path, 0o600)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: render.py OUT_DIR   (after sourcing defaults.envsh)")
    render(Path(sys.argv[1]).resolve(), dict(os.environ))
