"""``authorworks do`` and ``authorworks search`` as a writer uses them: resolve, preview,
confirm, run, undo; questions and refusals run nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.cli import main
from tests.fixtures.plugin import SAMPLE_MANUSCRIPT


@pytest.fixture
def lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> str:
    monkeypatch.chdir(tmp_path)
    path = str(tmp_path / "lib")
    assert (
        main(["--library", path, "import", str(SAMPLE_MANUSCRIPT), "--title", "Gannet Rock"]) == 0
    )
    capsys.readouterr()
    return path


def run(capsys: pytest.CaptureFixture, lib: str, *args: str) -> tuple[int, str, str]:
    code = main(["--library", lib, *args])
    out, err = capsys.readouterr()
    return code, out, err


def chapters(capsys: pytest.CaptureFixture, lib: str) -> list[str]:
    _code, out, _ = run(capsys, lib, "show", "Gannet", "--json")
    return [c["title"] for c in json.loads(out)["chapters"]]


def test_dry_run_json_is_the_documented_document(capsys, lib: str) -> None:
    code, out, _ = run(capsys, lib, "do", "export the book as an epub", "--dry-run", "--json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) >= {"command", "arguments", "confidence", "question", "preview"}
    assert doc["command"] == "export" and doc["arguments"]["format"] == "epub"
    assert doc["question"] is None and doc["confidence"] >= 0.7
    assert doc["preview"].startswith("Export *Gannet Rock* as EPUB to ")
    assert not list(Path.cwd().glob("*.epub"))  # a dry run writes nothing


def test_a_change_waits_for_yes_then_runs_and_undoes(capsys, lib: str) -> None:
    code, _, err = run(capsys, lib, "do", "export as epub")
    assert code == 2 and "add --yes" in err  # no terminal to ask at: nothing done
    assert not list(Path.cwd().glob("*.epub"))
    code, out, err = run(capsys, lib, "do", "export as epub", "--yes")
    assert code == 0, err
    book = Path.cwd() / "Gannet Rock.epub"
    assert book.is_file() and str(book) in out
    code, out, _ = run(capsys, lib, "do", "--history", "--json")
    entry = json.loads(out)["history"][0]
    assert entry["command"] == "export" and entry["ran"] and entry["undo"]["kind"] == "file"
    code, out, _ = run(capsys, lib, "do", "--undo")
    assert code == 0 and not book.exists()
    assert run(capsys, lib, "do", "--undo")[0] == 1  # nothing more to undo


def test_binder_changes_are_undone_by_trash_and_old_titles(capsys, lib: str) -> None:
    before = chapters(capsys, lib)
    code, _, err = run(capsys, lib, "do", "add a chapter called 'The Storm'", "--yes")
    assert code == 0, err
    assert chapters(capsys, lib) == [*before, "The Storm"]
    assert run(capsys, lib, "do", "--undo")[0] == 0
    assert chapters(capsys, lib) == before
    code, _, err = run(capsys, lib, "do", "rename chapter 2 to The Wreckage", "--yes")
    assert code == 0, err
    assert chapters(capsys, lib)[1] == "The Wreckage"
    run(capsys, lib, "do", "--undo")
    assert chapters(capsys, lib) == before


def test_a_bulk_text_change_is_undone_from_snapshots(capsys, lib: str, tmp_path: Path) -> None:
    draft = tmp_path / "plain.md"
    draft.write_text('# One\n\n"Stay," she said -- and he didn\'t...\n', encoding="utf-8")
    assert run(capsys, lib, "import", str(draft), "--title", "Plain Quotes")[0] == 0

    def text() -> str:
        return run(capsys, lib, "show", "Plain")[1]

    original = text()
    code, _, err = run(capsys, lib, "do", "make the quotes curly", "--book", "Plain", "--yes")
    assert code == 0, err
    assert text() != original and "’" in text()
    code, out, _ = run(capsys, lib, "do", "--undo")
    assert code == 0 and "Restored" in out
    assert text() == original


def test_questions_and_refusals_run_nothing(capsys, lib: str) -> None:
    code, out, _ = run(capsys, lib, "do", "hmm", "--offline")
    assert code == 2 and "did not understand" in out
    assert "  - export" in out  # the commands writers use most, as a start
    code, out, _ = run(capsys, lib, "do", "delete everything", "--yes")
    assert code == 2 and out.startswith("Not done:")
    code, out, _ = run(capsys, lib, "do", "delete everything", "--dry-run", "--json")
    doc = json.loads(out)
    assert doc["command"] is None and doc["refused"]
    assert chapters(capsys, lib)  # the book is all there


def test_do_json_runs_and_reports_the_commands_output(capsys, lib: str) -> None:
    code, out, _ = run(capsys, lib, "do", "find every scene with the keeper", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["command"] == "search" and doc["ran"] is True
    assert doc["arguments"]["query"] == "keeper"
    assert "hit(s)" in doc["output"]


def test_search_lists_hits_in_manuscript_order(capsys, lib: str) -> None:
    code, out, _ = run(capsys, lib, "search", "Gannet", "keeper", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["count"] >= 1 and doc["query"] == "keeper"
    assert all("keeper" in h["snippet"].lower() for h in doc["hits"])
    order = [h["chapter_title"] for h in doc["hits"]]
    assert order == sorted(order, key=chapters(capsys, lib).index)  # manuscript order
    code, out, _ = run(capsys, lib, "search", "Gannet", "zzzz-not-there")
    assert code == 0 and "No “zzzz-not-there”" in out
    code, _, err = run(capsys, lib, "search", "Gannet", "(unclosed", "--regex")
    assert code == 1 and "error" in err


def test_narrate_takes_a_pitch_and_rate_for_one_run() -> None:
    from core.cli.narration_commands import narrator_for_run
    from core.narration.engines import VoiceSettings

    voice = VoiceSettings("en", 175, 50)
    assert narrator_for_run(voice, 30, None) == VoiceSettings("en", 175, 30)
    assert narrator_for_run(voice, None, 999) == VoiceSettings("en", 450, 50)


def test_a_command_run_as_a_job_reports_progress_and_stops_on_cancel(lib: str) -> None:
    from core.commands import cli_registry
    from core.commands.runner import run
    from core.errors import JobCancelledError
    from core.jobs import JobContext

    registry = cli_registry()
    export = registry["export"]
    target = Path.cwd() / "job.epub"
    arguments = {"book": "Gannet", "format": "epub", "output": str(target)}
    seen: list[tuple[int, int, str]] = []
    outcome = run(registry, export, arguments, library=Path(lib),
                  ctx=JobContext(on_progress=lambda d, t, m: seen.append((d, t, m))))  # fmt: skip
    assert outcome.exit_code == 0 and target.is_file() and seen  # progress reached the job
    target.unlink()
    cancelled = JobContext()
    cancelled.token.cancel()
    with pytest.raises(JobCancelledError):
        run(registry, export, arguments, library=Path(lib), ctx=cancelled)
    assert not target.exists()  # whole or not at all
