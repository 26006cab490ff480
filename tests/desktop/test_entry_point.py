"""``authorworks-desktop``: choosing the library, first-start sample, errors, screenshots."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.__main__ import main, parse_args
from desktop.window.main_window import MainWindow


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    messages: list[tuple[str, str]] = []

    def critical(parent: object, title: str, text: str, *args: object) -> object:
        messages.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", critical)
    # main() installs its own excepthook; put the test runner's back afterwards.
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    return messages


@pytest.fixture
def started(qapp, monkeypatch: pytest.MonkeyPatch):
    """The windows main() showed, with the event loop replaced by an immediate return."""
    windows: list[MainWindow] = []

    def exec_() -> int:
        windows.extend(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(exec_))
    yield windows
    for window in windows:
        window.close()
        window.deleteLater()


def test_qt_options_are_passed_through() -> None:
    args, rest = parse_args(["--library", "/tmp/lib", "-style", "fusion"])
    assert args.library == Path("/tmp/lib")
    assert rest == ["-style", "fusion"]


def test_not_a_library_is_a_message_not_a_traceback(qapp, tmp_path, shown) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite", encoding="utf-8")
    assert main(["--library", str(junk)]) == 1
    ((title, text),) = shown
    assert title == "AuthorWorks"
    assert "not an AuthorWorks library" in text and str(junk) in text


def test_first_start_of_the_default_library_shows_the_sample(
    started, shown, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("AUTHORWORKS_LIBRARY", str(tmp_path / "default"))
    assert main([]) == 0
    (window,) = started
    assert [b.title for b in window.binder_model.books] == ["The Glass Orchard"]
    assert window.library is not None and window.library.root == tmp_path / "default"
    assert window.current_node is not None and window.current_node.title == "The Last Furnace"
    assert QApplication.applicationName() == "AuthorWorks"
    assert not QApplication.windowIcon().isNull()
    assert shown == []


def test_a_named_library_is_opened_as_it_is(started, shown, tmp_path) -> None:
    assert main(["--library", str(tmp_path / "mine")]) == 0
    (window,) = started
    assert window.library is not None and window.library.root == tmp_path / "mine"
    assert window.binder_model.books == []


def test_unexpected_errors_reach_the_writer_as_a_message(qapp, shown) -> None:
    from desktop.app import install_error_handler

    install_error_handler()
    try:
        raise RuntimeError("the disk is on fire")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    ((_, text),) = shown
    assert "the disk is on fire" in text and "Traceback" not in text


def test_screenshots_are_written(qapp, tmp_path) -> None:
    from desktop.tools.screenshots import main as screenshots

    assert screenshots([str(tmp_path / "shots"), "--width", "900", "--height", "600"]) == 0
    for name in ("main-window.png", "chapter.png", "corkboard.png", "dark.png"):
        image = QImage(str(tmp_path / "shots" / name))
        assert (image.width(), image.height()) == (900, 600)
    names = {p.name for p in (tmp_path / "shots").iterdir()}
    assert {
        "chapter.png",
        "main-window.png",
        "corkboard.png",
        "dark.png",
        "full-screen.png",
    } <= names
    # The dark screenshot is mostly dark, the light one mostly light.
    dark = QImage(str(tmp_path / "shots" / "dark.png")).pixelColor(450, 300)
    light = QImage(str(tmp_path / "shots" / "main-window.png")).pixelColor(450, 300)
    assert dark.lightness() < 90 < light.lightness()
