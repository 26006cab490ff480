"""Fixtures for the export tests: a book with full metadata, and the validators' runners."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.export.content import BookContent, ChapterContent, SceneContent

GOLDEN = Path(__file__).resolve().parent / "golden"
# What legitimately differs between two exports of the same book.
GOLDEN_IGNORE = [
    (re.compile(r'<meta property="dcterms:modified">[^<]*</meta>'), "<meta dcterms:modified/>"),
    (re.compile(r'<meta name="generator" content="[^"]*"/>'), '<meta name="generator"/>'),
]


def normalise(text: str) -> str:
    for pattern, replacement in GOLDEN_IGNORE:
        text = pattern.sub(replacement, text)
    return text.replace("\r\n", "\n")


def assert_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with golden/``name`` (AW_UPDATE_GOLDEN=1 rewrites the file)."""
    path = GOLDEN / name
    actual = normalise(actual)
    if os.environ.get("AW_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"golden file {path} is missing (run with AW_UPDATE_GOLDEN=1)"
    assert actual == normalise(path.read_text(encoding="utf-8"))


def sample_content(**changes: object) -> BookContent:
    """A small book with every metadata field set, independent of the library."""
    chapters = [
        ChapterContent(
            1,
            "The Keeper",
            (
                SceneContent(
                    "Night",
                    "Mara kept the *light* on Gannet Rock.\n\nThe lamp never went dark.",
                    "Mara alone.",
                ),
                SceneContent("Fog", "Fog came in **thick** as wool.\nShe climbed anyway."),
            ),
            "Chapter one synopsis.",
        ),
        ChapterContent(2, "", (SceneContent("", "A hull lay broken on the shoals."),)),
        ChapterContent(3, "Empty Chapter", ()),
    ]
    book = BookContent(
        id="01900000-0000-7000-8000-000000000001",
        title="Gannet Rock",
        subtitle="A Lighthouse Tale",
        author="Ada Quill",
        language="en",
        description="A keeper, a wreck, a letter.",
        subjects=["Fiction", "Sea stories"],
        series="The Northern Lights",
        series_index="2",
        publisher="Harbour Press",
        about_author="Ada Quill lives by the *sea*.",
        contact="ada@example.com\n1 Harbour Row",
        chapters=chapters,
        modified=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    for key, value in changes.items():
        setattr(book, key, value)
    return book


def _java_jar(path: str) -> list[str]:
    real = os.path.realpath(path)
    # A quick-starting JVM: epubcheck is short-lived, so the optimising compiler never pays off.
    jvm = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", real]
    return jvm if real.endswith(".jar") else [path]


@pytest.fixture
def epubcheck(aw_require: Callable[[str], str]) -> Callable[[Path], str]:
    """Run epubcheck on a file; fails the test unless it reports 0 errors and 0 warnings."""
    tool = aw_require("epubcheck")
    cmd = _java_jar(tool)
    if cmd[0] == "java":
        aw_require("java")

    def check(path: Path) -> str:
        proc = subprocess.run([*cmd, str(path)], capture_output=True, text=True, timeout=300)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 0, out
        assert "0 errors" in out or "No errors or warnings detected" in out, out
        assert "0 warnings" in out or "No errors or warnings detected" in out, out
        assert re.search(r"\b0 fatals / 0 errors / 0 warnings", out), out
        return out

    return check


@pytest.fixture
def poppler(aw_require: Callable[[str], str]) -> Callable[..., str]:
    """Run a poppler tool (pdftotext, pdfinfo, pdffonts) and return its output."""

    def run(tool: str, *args: str) -> str:
        exe = aw_require(tool)
        proc = subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    return run
