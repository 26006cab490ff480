"""The export dialog, end to end: choices, presets, a real export, cancel and failure."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

import core.export.job as export_job
from core.export import ExportFormat
from core.store.manuscript import get_book
from desktop.dialogs.export import ExportDialog


@pytest.fixture
def messages(monkeypatch):  # type: ignore[no-untyped-def]
    """Message boxes recorded instead of shown (a modal box would block the test)."""
    shown: list[tuple[str, str, str]] = []
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(
            QMessageBox,
            kind,
            lambda _parent, title, text, *a, _k=kind: shown.append((_k, title, text)),
        )
    return shown


@pytest.fixture
def poppler_info(aw_require):  # type: ignore[no-untyped-def]
    tool = aw_require("pdfinfo")
    return lambda path: subprocess.run([tool, str(path)], capture_output=True, text=True).stdout


@pytest.fixture
def dialog(qtbot, aw_library, aw_sample_book) -> ExportDialog:
    dlg = ExportDialog(aw_library, aw_sample_book)
    qtbot.addWidget(dlg)
    return dlg


def _choose(dialog: ExportDialog, fmt: ExportFormat) -> None:
    dialog.format_box.setCurrentIndex(dialog.format_box.findData(fmt))


def test_export_epub_end_to_end(dialog, qtbot, tmp_path, monkeypatch, messages):
    target = tmp_path / "chosen.epub"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "chosen"), "")
    )
    _choose(dialog, ExportFormat.EPUB)
    dialog.choose_path()
    assert dialog.path_edit.text() == str(target)
    dialog.checks["synopses"].setChecked(True)
    dialog.chapter_list.item(0).setCheckState(Qt.CheckState.Unchecked)
    with qtbot.waitSignal(dialog.export_finished, timeout=60_000) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert result.path == target and target.exists()
    with zipfile.ZipFile(target) as zf:
        assert [n for n in zf.namelist() if "chapter-" in n] == [
            "EPUB/chapter-002.xhtml",
            "EPUB/chapter-003.xhtml",
        ]
    assert messages and messages[-1][0] == "information" and str(target) in messages[-1][2]
    assert dialog.export_button.isEnabled()
    assert dialog.progress.value() == dialog.progress.maximum()


def test_print_pdf_uses_the_chosen_trim(dialog, qtbot, tmp_path, messages, poppler_info):
    _choose(dialog, ExportFormat.PDF)
    dialog.trim_box.setCurrentIndex(dialog.trim_box.findData("5x8"))
    dialog.path_edit.setText(str(tmp_path / "book.pdf"))
    with qtbot.waitSignal(dialog.export_finished, timeout=60_000):
        dialog.start_export()
    assert "360 x 576 pts" in poppler_info(tmp_path / "book.pdf")


def test_cancel_leaves_no_file(dialog, qtbot, tmp_path, monkeypatch, messages):
    def slow_exporter(book, target, options, ctx):  # type: ignore[no-untyped-def]
        Path(target).write_text("partial")
        while True:  # until the dialog's Cancel reaches the job
            ctx.progress(1, 3, "working")

    monkeypatch.setattr(export_job, "exporter_for", lambda fmt, content_type="novel": slow_exporter)
    target = tmp_path / "never.md"
    _choose(dialog, ExportFormat.MARKDOWN)
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.export_cancelled, timeout=30_000):
        runner = dialog.start_export()
        assert runner is not None
        qtbot.waitUntil(lambda: dialog.status.text() == "working", timeout=30_000)
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not target.exists()
    assert list(tmp_path.glob("*.part")) == [] and list(tmp_path.glob(".*")) == []
    assert "cancelled" in dialog.status.text()
    assert messages == []
    assert dialog.export_button.isEnabled()


def test_failure_is_reported(dialog, qtbot, tmp_path, messages):
    dialog.path_edit.setText(str(tmp_path / "missing" / "book.epub"))
    with qtbot.waitSignal(dialog.export_failed, timeout=30_000) as blocker:
        dialog.start_export()
    assert "does not exist" in blocker.args[0]
    assert messages[-1][0] == "warning" and "does not exist" in messages[-1][2]


def test_presets_round_trip_through_the_book(dialog, aw_library, aw_sample_book, monkeypatch):
    dialog.checks["copyright_page"].setChecked(False)
    dialog.trim_box.setCurrentIndex(dialog.trim_box.findData("a5"))
    monkeypatch.setattr(
        "desktop.dialogs.export.QInputDialog.getText", lambda *a, **k: ("Submission", True)
    )
    dialog.save_preset_button.click()
    assert dialog.preset_box.currentText() == "Submission"
    with aw_library.session() as s:
        stored = get_book(session=s, book_id=aw_sample_book).metadata_["export_presets"]
    assert stored["Submission"]["copyright_page"] is False and stored["Submission"]["trim"] == "a5"
    dialog.preset_box.setCurrentText("Default")
    dialog._on_preset_chosen("Default")
    assert dialog.checks["copyright_page"].isChecked()
    dialog._on_preset_chosen("Submission")
    assert not dialog.checks["copyright_page"].isChecked()
    assert dialog.options().trim == "a5"
