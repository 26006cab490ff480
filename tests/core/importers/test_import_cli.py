"""`authorworks import`: the id alone on the last line; a bad file exits 1 with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from core.store import open_library
from core.store.manuscript import get_book
from tests.core.importers.story_expectations import DATA
from tests.fixtures.plugin import REPO_ROOT

# The entry point as `authorworks` runs it (core/cli has no __main__ module).
RUN_CLI = "import sys; from core.cli import main; sys.exit(main())"


@pytest.mark.parametrize(
    "name", ["salt-map-pandoc-epub3.epub", "salt-map-pandoc.docx", "salt-map.fountain"]
)
def test_import_prints_the_id_on_the_last_line(capsys, tmp_path: Path, name: str) -> None:
    library = tmp_path / "lib"
    code = main(["--library", str(library), "import", str(DATA / name)])
    out, err = capsys.readouterr()
    assert code == 0, err
    book_id = out.strip().splitlines()[-1]
    with open_library(library, create=False) as lib, lib.session() as s:
        assert get_book(session=s, book_id=book_id).title.casefold() == "the salt map"


def test_corrupt_file_exits_1_with_one_stderr_line(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "corrupt.epub"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 500)
    code = main(["--library", str(tmp_path / "lib"), "import", str(bad)])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert str(bad) in err and "not a valid EPUB" in err


def test_cli_in_a_subprocess(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    library = str(tmp_path / "lib")
    ok = subprocess.run(
        [sys.executable, "-c", RUN_CLI, "--library", library, "import", str(DATA / "salt-map.md")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    book_id = ok.stdout.strip().splitlines()[-1]
    assert len(book_id) == 36 and book_id.count("-") == 4

    bad = tmp_path / "broken.docx"
    bad.write_bytes((DATA / "salt-map-pandoc.docx").read_bytes()[:1000])
    failed = subprocess.run(
        [sys.executable, "-c", RUN_CLI, "--library", library, "import", str(bad)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert failed.stderr.count("\n") == 1 and "broken.docx" in failed.stderr
    assert "Traceback" not in failed.stderr
