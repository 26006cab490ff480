"""The narration panel: casting saved to the library, preview, render with progress, cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.plugin import missing_dependency


@pytest.fixture
def cast_book(aw_library: Any, aw_sample_book: str) -> str:
    from core.narration.engines import get_engine
    from core.narration.errors import NoTtsEngineError
    from core.store.codex import add_codex_entry
    from core.store.manuscript import get_book

    try:
        get_engine("espeak-ng")
    except NoTtsEngineError as exc:
        missing_dependency(str(exc))
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        add_codex_entry(session=s, book=book, kind="character", name="Mara Quill")
        add_codex_entry(
            session=s, book=book, kind="character", name="Tobias", voice={"voice": "en+m3"}
        )
    return aw_sample_book


@pytest.fixture
def dialog(qtbot: Any, aw_library: Any, cast_book: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AUTHORWORKS_TTS_ENGINE", "espeak-ng")
    from desktop.dialogs.narration import NarrationDialog

    dlg = NarrationDialog(aw_library, cast_book)
    qtbot.addWidget(dlg)
    yield dlg
    dlg.done(0)


def test_lists_chapters_casting_and_paragraphs(dialog: Any) -> None:
    scopes = [dialog.scope.itemText(i) for i in range(dialog.scope.count())]
    assert scopes[0].startswith("Whole book") and len(scopes) == 4
    assert dialog.cast_table.rowCount() == 2
    editors = list(dialog.cast_editors.values())
    assert [e.voice.currentData() for e in editors] == ["", "en+m3"]  # Mara: the narrator
    assert dialog.paragraph_list.count() >= 3
    # Mara's quoted line is shown as hers.
    texts = [dialog.paragraph_list.item(i).text() for i in range(dialog.paragraph_list.count())]
    assert any(t.startswith("[Mara Quill]") for t in texts)


def test_casting_and_lexicon_are_saved_to_the_library(dialog: Any, aw_library: Any) -> None:
    from core.narration.casting import narration_settings
    from core.store.codex import list_codex
    from core.store.manuscript import get_book

    mara = next(e for cid, e in dialog.cast_editors.items())
    mara.voice.setCurrentIndex(mara.voice.findData("en-us+f3"))
    mara.pitch.setValue(80)
    dialog.narrator.rate.setValue(150)
    # A line the lexicon cannot read is refused with the reason, and nothing is saved.
    dialog.lexicon.setPlainText("Quill = Kwill\nnot an entry")
    from core.errors import ValidationError

    with pytest.raises(ValidationError, match="'not an entry': write WORD=SPOKEN"):
        dialog.save_casting()
    dialog.lexicon.setPlainText("Quill = Kwill\n\n")
    dialog.save_casting()
    with aw_library.session() as s:
        book = get_book(session=s, book_id=dialog.book_id)
        settings = narration_settings(book.metadata_)
        voices = {c.name: c.voice for c in list_codex(session=s, book_id=book.id, kind="character")}
    assert settings["narrator"]["rate"] == 150
    assert settings["lexicon"] == {"Quill": "Kwill"}
    assert voices["Mara Quill"] == {"voice": "en-us+f3", "rate": 175, "pitch": 80}


def test_preview_renders_the_selected_paragraph(qtbot: Any, dialog: Any) -> None:
    dialog.paragraph_list.setCurrentRow(1)
    runner = dialog.preview_selected()
    assert runner is not None
    qtbot.waitUntil(lambda: dialog.runner is None, timeout=30_000)
    assert dialog.preview_path is not None and dialog.preview_path.stat().st_size > 10_000
    assert dialog.player.source == dialog.preview_path


def test_render_chapter_with_progress_then_player(qtbot: Any, dialog: Any, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    dialog.scope.setCurrentIndex(2)  # chapter 2
    out = tmp_path / "c2.wav"
    dialog.output.setText(str(out))
    runner = dialog.start_render()
    assert runner is not None and dialog.cancel_button.isEnabled()
    runner.signals.progress.connect(lambda d, t, m: seen.append((d, t)))
    qtbot.waitUntil(lambda: dialog.runner is None, timeout=60_000)
    assert out.stat().st_size > 100_000
    assert dialog.result is not None and len(dialog.result.chapters) == 1
    assert "Wrote" in dialog.status.text()
    assert dialog.player.source == out
    assert seen and seen[-1][0] == seen[-1][1]
    assert not dialog.cancel_button.isEnabled() and dialog.render_button.isEnabled()


def test_cancel_leaves_no_file(qtbot: Any, dialog: Any, tmp_path: Path) -> None:
    out = tmp_path / "book.wav"
    dialog.output.setText(str(out))
    runner = dialog.start_render()
    assert runner is not None
    dialog.cancel()
    qtbot.waitUntil(lambda: dialog.runner is None, timeout=60_000)
    assert not out.exists()
    assert dialog.status.text().startswith(("Cancelled", "Wrote"))  # a very fast machine may finish


def test_bad_output_is_shown_not_raised(qtbot: Any, dialog: Any, tmp_path: Path) -> None:
    dialog.output.setText(str(tmp_path / "missing" / "x.m4b"))
    assert dialog.start_render() is None
    assert "does not exist" in dialog.status.text()


def test_no_engine_is_explained(
    qtbot: Any, aw_library: Any, cast_book: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import desktop.dialogs.narration as panel
    from core.narration.errors import NoTtsEngineError

    def no_engine(name: str | None = None) -> Any:
        raise NoTtsEngineError("no text-to-speech engine: install espeak-ng")

    monkeypatch.setattr(panel, "get_engine", no_engine)
    dlg = panel.NarrationDialog(aw_library, cast_book)
    qtbot.addWidget(dlg)
    assert not dlg.render_button.isEnabled() and not dlg.preview_button.isEnabled()
    assert "install espeak-ng" in dlg.status.text()
    dlg.done(0)
