"""The comic dialog draws a chapter end to end, shows warnings and a preview, and cancels."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.imaging import art, claude_script, comic
from desktop.dialogs.comic import ComicDialog

SCALE = 0.1  # pages of 180x270 or so: each render takes well under a second


@pytest.fixture
def no_services(monkeypatch):
    """No image provider and no API key, whatever the machine running the tests has."""
    monkeypatch.delenv(art.URL_ENV, raising=False)
    monkeypatch.setattr(claude_script, "api_key", lambda: None)


@pytest.fixture
def warnings_shown(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, _title, text, *a, **k: shown.append(text)
    )
    return shown


def _dialog(qtbot, library, book_id) -> ComicDialog:
    dialog = ComicDialog(library, book_id)
    qtbot.addWidget(dialog)
    dialog.scale_spin.setValue(SCALE)
    return dialog


def test_draws_a_cbz_with_placeholders_and_a_preview(
    qtbot, no_services, aw_library, aw_sample_book, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, aw_library, aw_sample_book)
    assert dialog.chapter_box.count() == 3
    assert not dialog.claude_check.isEnabled()
    target = tmp_path / "ch2.cbz"
    dialog.chapter_box.setCurrentIndex(1)
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.job_finished, timeout=60_000) as finished:
        assert dialog.start() is not None
        assert not dialog.start_button.isEnabled()  # one run at a time
    result = finished.args[0]
    assert result.path == target and result.pages >= 1
    with zipfile.ZipFile(target) as archive:
        pages = sorted(n for n in archive.namelist() if n.endswith(".jpg"))
        assert len(pages) == result.pages and "ComicInfo.xml" in archive.namelist()
        first = Image.open(archive.open(pages[0]))
    assert "placeholder" in dialog.warnings_view.toPlainText()
    assert str(target) in dialog.status.text()
    preview = dialog.preview.pixmap()
    assert not preview.isNull() and preview.height() > 0
    assert first.width < 400  # the scale option reached the job
    assert dialog.start_button.isEnabled() and dialog.path_edit.isEnabled()


def test_pictures_folder_and_pdf_through_the_file_dialogs(
    qtbot, no_services, monkeypatch, aw_library, aw_sample_book, tmp_path: Path
) -> None:
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    for i, colour in enumerate(("navy", "orange")):
        Image.new("RGB", (120, 80), colour).save(pictures / f"p{i}.png")
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "comic"), "PDF (*.pdf)")
    )
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(pictures))
    dialog = _dialog(qtbot, aw_library, aw_sample_book)
    dialog.choose_images()
    with qtbot.waitSignal(dialog.job_finished, timeout=60_000) as finished:
        dialog.start_button.click()  # no path yet: the save dialog asks for one
    target = tmp_path / "comic.pdf"
    assert finished.args[0].path == target
    assert target.read_bytes().startswith(b"%PDF")
    assert "placeholder" not in dialog.warnings_view.toPlainText()
    assert dialog.preview.pixmap().isNull()  # PDFs get no preview, and say so
    assert "No preview" in dialog.preview.text()


def test_cancel_leaves_no_file(
    qtbot, no_services, monkeypatch, aw_library, aw_sample_book, tmp_path: Path
) -> None:
    original = comic.render_pages

    def slow_render(specs, *, workers=None, ctx=None):
        # Hold the job until Cancel arrives, so the test does not race the render.
        deadline = time.monotonic() + 20
        while not ctx.token.cancelled and time.monotonic() < deadline:
            time.sleep(0.01)
        return original(specs, workers=workers, ctx=ctx)

    monkeypatch.setattr(comic, "render_pages", slow_render)
    out = tmp_path / "out"
    out.mkdir()
    dialog = _dialog(qtbot, aw_library, aw_sample_book)
    dialog.path_edit.setText(str(out / "ch1.cbz"))
    with qtbot.waitSignal(dialog.job_cancelled, timeout=30_000):
        dialog.start()
        dialog.cancel_button.click()
    assert list(out.iterdir()) == []
    assert "cancelled; no file was written" in dialog.status.text()
    assert dialog.runner is None and dialog.start_button.isEnabled()


def test_bad_output_and_missing_folder_are_reported(
    qtbot, no_services, warnings_shown, aw_library, aw_sample_book, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dialog = _dialog(qtbot, aw_library, aw_sample_book)
    dialog.path_edit.setText(str(out / "ch1.txt"))
    with qtbot.waitSignal(dialog.job_failed, timeout=30_000) as failed:
        dialog.start()
    assert "ch1.txt" in failed.args[0] and warnings_shown == [failed.args[0]]
    dialog.images_edit.setText(str(tmp_path / "nowhere"))
    dialog.path_edit.setText(str(out / "ch1.cbz"))
    assert dialog.start() is None
    assert "nowhere" in warnings_shown[-1]
    assert list(out.iterdir()) == []


def test_claude_toggle_follows_the_key(qtbot, monkeypatch, aw_library, aw_sample_book) -> None:
    monkeypatch.setattr(claude_script, "api_key", lambda: "sk-test")
    dialog = _dialog(qtbot, aw_library, aw_sample_book)
    assert dialog.claude_check.isEnabled() and dialog.claude_check.isChecked()
