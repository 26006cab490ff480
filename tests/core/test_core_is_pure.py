"""Core never imports Qt or the web framework: desktop and server depend on core, not back."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"
FORBIDDEN = ("PySide6", "shiboken6", "fastapi", "starlette", "uvicorn")


def test_no_forbidden_import_statements():
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_importing_every_core_module_loads_no_qt_or_web_framework():
    script = f"""
import importlib, pkgutil, sys
import core
for mod in pkgutil.walk_packages(core.__path__, "core."):
    if ".migrations" in mod.name:
        continue
    importlib.import_module(mod.name)
bad = sorted(m for m in sys.modules if m.split(".")[0] in {FORBIDDEN!r})
print(bad)
sys.exit(1 if bad else 0)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
