"""The trailer dialog: blurb from the description, a small render end to end, Cancel."""

from __future__ import annotations

import json
import math
import struct
import subprocess
import time
import wave
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.imaging import book_trailer, trailer
from core.store.manuscript import get_book
from desktop.dialogs.trailer import TrailerDialog

SMALL = (320, 180)  # a tiny frame keeps each render to a second or so
BLURB = "A keeper. A wreck. A letter sealed with green wax."


def _tone(path: Path, seconds: float, rate: int = 16000) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(1500 * math.sin(i / 9))) for i in range(int(seconds * rate))
            )
        )


@pytest.fixture
def narrated(monkeypatch) -> list[str]:
    """Narration is a 1.5 s tone (the engine is tested elsewhere); records what was spoken."""
    spoken: list[str] = []

    def narrate(text: str, path: Path) -> None:
        spoken.append(text)
        _tone(path, 1.5)

    monkeypatch.setattr(book_trailer, "narrate_to_wav", narrate)
    monkeypatch.setattr(
        book_trailer,
        "render_trailer",
        lambda *a, **k: trailer.render_trailer(*a, **{**k, "size": SMALL}),
    )
    return spoken


@pytest.fixture
def dialog(qtbot, aw_library, aw_sample_book) -> TrailerDialog:
    with aw_library.session() as s:
        get_book(session=s, book_id=aw_sample_book).description = BLURB
    dlg = TrailerDialog(aw_library, aw_sample_book)
    qtbot.addWidget(dlg)
    return dlg


def test_renders_the_edited_blurb_with_pictures(
    qtbot, aw_require, narrated, monkeypatch, dialog: TrailerDialog, tmp_path: Path
) -> None:
    ffprobe = aw_require("ffprobe")
    assert dialog.blurb_edit.toPlainText() == BLURB
    dialog.blurb_edit.setPlainText("Only the lamp knows.")
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    Image.new("RGB", (200, 120), "teal").save(pictures / "sea.png")
    (pictures / "broken.png").write_bytes(b"\x89PNG broken")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(pictures))
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "promo"), "")
    )
    dialog.choose_images()
    with qtbot.waitSignal(dialog.job_finished, timeout=60_000) as finished:
        dialog.start_button.click()  # asks for the path: promo -> promo.mp4
    target = tmp_path / "promo.mp4"
    assert finished.args[0].path == target
    assert narrated == ["Only the lamp knows."]
    info = json.loads(
        subprocess.run(
            [ffprobe, "-v", "error", "-of", "json", "-show_entries",
             "stream=codec_name,width,height:format=duration", str(target)],
            capture_output=True, check=True, text=True,
        ).stdout
    )  # fmt: skip
    assert {s["codec_name"] for s in info["streams"]} == {"h264", "aac"}
    assert float(info["format"]["duration"]) == pytest.approx(1.5, abs=0.15)
    assert "1.5 s" in dialog.status.text()
    assert "broken.png" in dialog.warnings_view.toPlainText()
    assert dialog.start_button.isEnabled()


def test_cancel_leaves_no_file(
    qtbot, monkeypatch, narrated, dialog: TrailerDialog, tmp_path: Path
) -> None:
    def narrate_until_cancelled(text: str, path: Path) -> None:
        # Hold the job until Cancel arrives, so the test does not race the render.
        _tone(path, 1.5)
        deadline = time.monotonic() + 20
        while dialog.runner is not None and not dialog.runner.token.cancelled:
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)

    monkeypatch.setattr(book_trailer, "narrate_to_wav", narrate_until_cancelled)
    out = tmp_path / "out"
    out.mkdir()
    dialog.path_edit.setText(str(out / "t.mp4"))
    with qtbot.waitSignal(dialog.job_cancelled, timeout=30_000):
        assert dialog.start() is not None
        dialog.cancel_button.click()
    assert list(out.iterdir()) == []
    assert "cancelled; no file was written" in dialog.status.text()


def test_empty_blurb_and_bad_output_are_reported(
    qtbot, monkeypatch, narrated, dialog: TrailerDialog, tmp_path: Path
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: shown.append(text))
    dialog.blurb_edit.setPlainText("   ")
    dialog.path_edit.setText(str(tmp_path / "t.mp4"))
    assert dialog.start() is None and "blurb" in shown[-1]
    dialog.blurb_edit.setPlainText(BLURB)
    dialog.path_edit.setText(str(tmp_path / "missing" / "t.mp4"))
    with qtbot.waitSignal(dialog.job_failed, timeout=30_000) as failed:
        dialog.start()
    assert "does not exist" in failed.args[0] and shown[-1] == failed.args[0]
