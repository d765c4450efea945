"""One release number, from VERSION: every place that states it agrees."""

import json
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VERSION = (REPO / "VERSION").read_text().strip()
BIN = Path(sys.executable).parent
# Where a release is written down, and how it reads there.
MENTIONS = [
    re.compile(r"\blotr-(?:book|movie|character|accounts|gateway):(\d+\.\d+\.\d+)\b"),  # image tags
    re.compile(r"\bnewTag:\s*\"?(\d+\.\d+\.\d+)"),  # kustomize image overrides
    re.compile(r"app\.kubernetes\.io/version:\s*\"?(\d+\.\d+\.\d+)"),
]
FILES = sorted(
    [REPO / "docker-compose.yml", *(REPO / "deploy").rglob("*.yaml"), *REPO.glob("**/Dockerfile")],
    key=str,
)
FILES = [path for path in FILES if ".venv" not in path.parts and path.exists()]


def test_version_is_one_semantic_version_and_the_root_file_is_the_packages():
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)
    assert (REPO / "VERSION").resolve() == (REPO / "libs" / "lotr_kit" / "VERSION").resolve()
    assert 'version = {file = "VERSION"}' in (REPO / "libs" / "lotr_kit" / "pyproject.toml").read_text()


def test_the_installed_package_carries_it():
    assert version("lotr-kit") == VERSION


def test_the_openapi_document_carries_it():
    code = (
        "from lotr_kit.settings import spectacular_settings;"
        "print(spectacular_settings(title='t', description='d')['VERSION'])"
    )
    shown = subprocess.run(
        [BIN / "python", "-c", code], env={"DJANGO_DEBUG": "true"}, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert shown == VERSION


def test_the_landing_page_carries_it(tmp_path):
    subprocess.run(
        [
            "sh",
            "-c",
            f'. "{REPO}/gateway/defaults.envsh" && exec "{BIN}/python" "{REPO}/gateway/render.py" "$0"',
            tmp_path,
        ],
        check=True,
    )
    for page in ("index.html", "index.json"):
        text = (tmp_path / "home" / page).read_text()
        assert "{{version}}" not in text
        assert VERSION in text


def test_the_gateways_merged_openapi_document_carries_it():
    # gateway/openapi/build.py writes it from the services' schemas: rebuilt after a release.
    document = json.loads((REPO / "gateway" / "docs" / "openapi.json").read_text())
    assert document["info"]["version"] == VERSION


def test_the_changelog_has_it_as_the_latest_release():
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", (REPO / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert releases[0] == VERSION


def test_the_readme_names_it():
    assert f"Version {VERSION}" in (REPO / "README.md").read_text()


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(REPO)))
def test_images_and_manifests_name_the_same_release(path):
    found = {match for pattern in MENTIONS for match in pattern.findall(path.read_text())}

    assert found <= {VERSION}, f"{path.relative_to(REPO)} names {sorted(found)}, VERSION says {VERSION}"


def test_images_and_manifests_name_a_release_somewhere():
    assert any(pattern.search(path.read_text()) for path in FILES for pattern in MENTIONS)
