"""desktop/ reads as the studio: sub-packages, no import circle, and one way to run jobs."""

from __future__ import annotations

import ast
from pathlib import Path

import desktop

ROOT = Path(desktop.__file__).parent
PACKAGES = {"window", "binder", "editor", "panels", "dialogs", "jobs", "runtime", "tools"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Every desktop module and the desktop modules it imports, type-only imports included."""
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("desktop"):
                assert node.module is not None
                deps.add(node.module)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("desktop"))
        graph[_module_name(path)] = deps
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_desktop_has_no_import_circle() -> None:
    assert _cycles(_imports()) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    # The check above must be able to fail.
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_modules_live_in_the_studio_sub_packages() -> None:
    loose = sorted(p.name for p in ROOT.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "app.py"]
    assert {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} == PACKAGES


def test_only_the_background_makes_threads() -> None:
    """One way to run work off the UI thread: no other module starts a pool, thread or runnable."""
    allowed = {"desktop.jobs.background", "desktop.jobs.runner"}
    offenders = []
    for path in ROOT.rglob("*.py"):
        name = _module_name(path)
        text = path.read_text(encoding="utf-8")
        for needle in ("QThreadPool", "QThread(", "QRunnable", "threading.Thread("):
            if needle in text and name not in allowed:
                offenders.append(f"{name}: {needle}")
    assert offenders == []
