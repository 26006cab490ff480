"""`authorworks export` and `authorworks export-presets`."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from core.cli import main
from tests.fixtures.plugin import REPO_ROOT


def _run(library, *args: str) -> int:  # type: ignore[no-untyped-def]
    return main(["--library", str(library.root), *args])


@pytest.mark.parametrize(
    ("fmt", "extra", "name"),
    [
        ("epub", [], "Gannet-Rock.epub"),
        ("docx", [], "Gannet-Rock.docx"),
        ("pdf", ["--trim", "6x9"], "Gannet-Rock.pdf"),
        ("manuscript", [], "Gannet-Rock-manuscript.docx"),
        ("md", [], "Gannet-Rock.md"),
        ("txt", [], "Gannet-Rock.txt"),
        ("fountain", [], "Gannet-Rock.fountain"),
    ],
)
def test_export_each_format_into_a_folder(
    aw_library, aw_sample_book, tmp_path, capsys, fmt, extra, name
):
    assert _run(aw_library, "export", "Gannet", "--format", fmt, *extra, "-o", str(tmp_path)) == 0
    out = capsys.readouterr().out.strip()
    assert out == str(tmp_path / name)
    assert (tmp_path / name).stat().st_size > 0


def test_preset_trim_and_json(aw_library, aw_sample_book, tmp_path, capsys):
    target = tmp_path / "proof.md"
    code = _run(
        aw_library,
        "export",
        aw_sample_book,
        "--format",
        "md",
        "--chapters",
        "2-3",
        "--save-preset",
        "Proof",
        "-o",
        str(target),
        "--json",
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["path"] == str(target) and result["format"] == "md" and result["warnings"] == []
    assert "Chapter One" not in target.read_text(encoding="utf-8")
    assert (
        _run(
            aw_library,
            "export",
            "Gannet",
            "-f",
            "epub",
            "--preset",
            "proof",
            "-o",
            str(tmp_path / "p.epub"),
        )
        == 0
    )
    with zipfile.ZipFile(tmp_path / "p.epub") as zf:
        chapters = [n for n in zf.namelist() if "chapter-" in n]
    assert chapters == ["EPUB/chapter-002.xhtml", "EPUB/chapter-003.xhtml"]
    capsys.readouterr()
    assert _run(aw_library, "export-presets", "Gannet", "--json") == 0
    presets = json.loads(capsys.readouterr().out)["presets"]
    assert presets["Proof"]["chapters"] == [2, 3]


def test_errors_are_one_line(aw_library, aw_sample_book, tmp_path, capsys):
    assert (
        _run(
            aw_library,
            "export",
            "Gannet",
            "-f",
            "pdf",
            "-o",
            str(tmp_path / "no" / "such" / "b.pdf"),
        )
        == 1
    )
    err = capsys.readouterr().err.strip()
    assert err.startswith("authorworks: error: ") and "does not exist" in err
    assert "\n" not in err
    assert (
        _run(
            aw_library,
            "export",
            "Gannet",
            "-f",
            "pdf",
            "--preset",
            "Nope",
            "-o",
            str(tmp_path / "b.pdf"),
        )
        == 1
    )
    assert "no export preset named 'Nope'" in capsys.readouterr().err
    assert _run(aw_library, "export", "No Such Book", "-f", "epub") == 1
    assert "no book matches" in capsys.readouterr().err


def test_acceptance_lighthouse_in_a_new_library(tmp_path):
    """The real entry point on the acceptance manuscript: import, then epub, docx, pdf 6x9."""
    manuscript = Path("/work/shared/acceptance/lighthouse.md")
    if not manuscript.exists():
        manuscript = REPO_ROOT / "tests" / "fixtures" / "data" / "lighthouse.md"
    library = tmp_path / "lib"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        entry = "import sys; from core.cli import main; sys.exit(main(sys.argv[1:]))"
        return subprocess.run(
            [sys.executable, "-c", entry, "--library", str(library), *args],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            timeout=120,
        )

    imported = cli("import", str(manuscript))
    assert imported.returncode == 0, imported.stderr
    book = imported.stdout.strip()
    for fmt, extra in (("epub", []), ("docx", []), ("pdf", ["--trim", "6x9"])):
        target = tmp_path / f"out.{fmt}"
        done = cli("export", book, "--format", fmt, *extra, "-o", str(target))
        assert done.returncode == 0, done.stderr
        assert target.stat().st_size > 1000
