"""The install is split: `.[desktop]` for the studio and CLI, `.[server]` for the server.

Read from pyproject.toml and the installed packages' own metadata: the server's install does
not pull Qt, the studio's does not pull the web server, the database driver or the S3 client,
and every third-party module each half imports is brought by what that half installs (its
extra, the core's dependencies, and what those depend on), so neither install breaks at run
time on an import only the other one brings.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
OURS = {"core", "desktop", "sync_server", "resources", "tests"}


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _wanted(*extras: str) -> list[Requirement]:
    project = _project()
    found = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        found += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return found


@cache
def _requires(dist: str, extras: frozenset[str]) -> tuple[Requirement, ...]:
    try:
        raw = metadata.requires(dist) or []
    except metadata.PackageNotFoundError:
        return ()
    out = []
    for line in raw:
        requirement = Requirement(line)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({"extra": e}) for e in extras or {""}):
            out.append(requirement)
    return tuple(out)


def closure(*extras: str) -> set[str]:
    """Every distribution an install of the project with ``extras`` brings."""
    seen: set[str] = set()
    todo = [r for r in _wanted(*extras) if r.marker is None or r.marker.evaluate()]
    while todo:
        requirement = todo.pop()
        name = _name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        todo += _requires(requirement.name, frozenset(requirement.extras))
    return seen


def _imports(package: str) -> set[str]:
    """The top-level modules imported anywhere in ``package`` (at any depth of the code)."""
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        if "migrations/versions" in path.as_posix() and package == "core":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in OURS and m not in sys.stdlib_module_names}


def _providers(module: str) -> set[str]:
    return {_name(d) for d in metadata.packages_distributions().get(module, [])}


def test_the_server_does_not_pull_qt_and_the_studio_no_server_packages():
    server, desktop = closure("server"), closure("desktop")
    assert not {d for d in server if d.startswith("pyside6") or d.startswith("shiboken6")}
    assert {"uvicorn", "psycopg", "boto3", "fastapi"} & desktop == set()
    assert "pyside6" in desktop and "uvicorn" in server


@pytest.mark.parametrize(
    ("package", "extras"),
    [("core", ()), ("desktop", ("desktop",)), ("sync_server", ("server",))],
)
def test_each_half_installs_what_it_imports(package: str, extras: tuple[str, ...]):
    brought = closure(*extras)
    missing = {
        module: sorted(_providers(module))
        for module in sorted(_imports(package))
        if not _providers(module) & brought
    }
    assert missing == {}, f"{package} imports modules its install does not bring: {missing}"
