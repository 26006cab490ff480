"""`authorworks narrate`, `voices` and `cast` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.cli import main
from tests.fixtures.plugin import REPO_ROOT, SAMPLE_MANUSCRIPT


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lib(tmp_path: Path, capsys: pytest.CaptureFixture[str], espeak_engine: Any) -> str:
    path = str(tmp_path / "lib")
    code, _, err = run(
        capsys, "--library", path, "import", str(SAMPLE_MANUSCRIPT), "--title", "Gannet Rock"
    )
    assert code == 0, err
    return path


def test_narrate_one_chapter_to_m4b(
    lib: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], ffmpeg: str
) -> None:
    out = tmp_path / "c1.m4b"
    code, stdout, err = run(
        capsys, "--library", lib, "narrate", "Gannet", "--chapter", "1", "-o", str(out), "--json"
    )
    assert code == 0, err
    assert out.stat().st_size > 10_000
    report = json.loads(stdout)
    assert [c["title"] for c in report["chapters"]] == ["Chapter One: The Keeper"]
    assert report["duration"] > 10 and report["reused"] == 0


def test_narrate_whole_book_to_wav_then_from_cache(
    lib: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "book.wav"
    code, stdout, err = run(capsys, "--library", lib, "narrate", "Gannet", "-o", str(out))
    assert code == 0, err
    assert "3 chapter(s)" in stdout and "0 from the cache" in stdout
    code, stdout, _ = run(capsys, "--library", lib, "narrate", "Gannet", "-o", str(out))
    assert code == 0 and " 0 clip(s) rendered" in stdout


def test_bad_output_is_one_line_error(
    lib: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "book.m4b"
    code, _, err = run(capsys, "--library", lib, "narrate", "Gannet", "-o", str(target))
    assert code == 1
    assert err.strip() == f"authorworks: error: {target}: the folder {target.parent} does not exist"
    code, _, err = run(
        capsys, "--library", lib, "narrate", "Gannet", "--chapter", "9", "-o", "x.wav"
    )
    assert code == 1 and "there is no chapter 9" in err and len(err.strip().splitlines()) == 1


def test_voices_lists_the_engine_voices(
    capsys: pytest.CaptureFixture[str], espeak_engine: Any
) -> None:
    code, out, _ = run(capsys, "voices", "--engine", "espeak-ng", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["engine"] == "espeak-ng"
    assert "en-us+f3" in {v["id"] for v in data["voices"]}


def test_cast_sets_narrator_characters_and_lexicon(
    lib: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from core.store import open_library
    from core.store.codex import add_codex_entry
    from core.store.manuscript import find_book

    with open_library(lib) as library, library.session() as s:
        add_codex_entry(
            session=s, book=find_book(session=s, ref="Gannet"), kind="character", name="Mara Quill"
        )
    code, out, err = run(
        capsys, "--library", lib, "cast", "Gannet", "--narrator", "en,160,40",
        "--character", "mara quill=en-us+f3,150", "--say", "Quill=Kwill", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["narrator"] == {"voice": "en", "rate": 160, "pitch": 40}
    assert data["characters"] == {"Mara Quill": {"voice": "en-us+f3", "rate": 150, "pitch": 50}}
    assert data["lexicon"] == {"Quill": "Kwill"}
    code, _, err = run(capsys, "--library", lib, "cast", "Gannet", "--character", "Nobody=en")
    assert code == 1 and "no character named 'Nobody'" in err


def test_pyttsx3_engine_narrates_too(lib: str, tmp_path: Path) -> None:
    """The pyttsx3 path (what Windows and macOS use), run apart: it drives the same libespeak-ng
    here, which must not be initialised twice in one process."""
    import subprocess
    import sys

    try:
        import pyttsx3  # noqa: F401
    except ImportError:
        from tests.fixtures.plugin import missing_dependency

        missing_dependency("pyttsx3 is not installed")
    import shutil

    linux = sys.platform.startswith("linux")
    if linux and shutil.which("espeak-ng") is None and shutil.which("espeak") is None:
        from tests.fixtures.plugin import missing_dependency

        missing_dependency("espeak-ng is not installed (pyttsx3 speaks through it on Linux)")
    out = tmp_path / "c3.wav"
    entry = "import sys; from core.cli import main; sys.exit(main())"
    args = ["--library", lib, "narrate", "Gannet", "--chapter", "3", "-o", str(out)]
    proc = subprocess.run(
        [sys.executable, "-c", entry, *args, "--engine", "pyttsx3", "--workers", "1"],
        capture_output=True, text=True, timeout=120, cwd=REPO_ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 100_000
    assert "1 chapter(s)" in proc.stdout


def test_narrate_split_writes_chapter_files(
    lib: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], ffmpeg: str
) -> None:
    out = tmp_path / "chapters"
    code, stdout, err = run(
        capsys, "--library", lib, "narrate", "Gannet", "-o", str(out), "--split", "mp3", "--json"
    )
    assert code == 0, err
    files = json.loads(stdout)["files"]
    assert [Path(f).name for f in files] == [
        "01 - Chapter One The Keeper.mp3",
        "02 - Chapter Two The Wreck.mp3",
        "03 - Chapter Three The Letter.mp3",
    ]
    assert all(Path(f).stat().st_size > 10_000 for f in files)
