"""What `pip install libs/lotr_kit` ships: every subpackage, and no test code."""

import tomllib
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parents[1]


def test_a_normal_install_finds_every_subpackage():
    config = tomllib.loads((KIT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    on_disk = {
        ".".join(init.parent.relative_to(KIT).parts)
        for init in (KIT / "lotr_kit").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }

    setuptools = pytest.importorskip("setuptools", reason="the build backend pyproject.toml names")
    found = set(setuptools.find_packages(str(KIT), **config))

    assert found == on_disk
    assert {"lotr_kit.query", "lotr_kit.db.postgresql", "lotr_kit.management.commands"} <= found


def test_the_runtime_package_holds_no_test_code():
    modules = [path for path in (KIT / "lotr_kit").rglob("*.py") if "__pycache__" not in path.parts]

    testing = [str(p.relative_to(KIT)) for p in modules if "test" in p.name or "import pytest" in p.read_text()]

    assert modules
    assert testing == []
