"""Two studios on one scene, live, against the server on a loopback port: what one types
appears in the other without moving its writer's cursor, Ctrl+Z takes back only one's own
typing, the others' cursors and the binder show who is where, the library stores the live
text once (a feed sync afterwards duplicates nothing), and a removed member is cut off
within a second."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor

from core.sample import add_sample_book
from core.store import open_library
from core.store.manuscript import get_scene, set_scene_text
from core.sync.account import account_api, sign_in, sync_library
from core.sync.live import LIVE, REFUSED
from core.sync.sharing import accept, share
from desktop.binder.model import NodeKind
from desktop.window.main_window import MainWindow
from tests.sync_server.fixtures import sync_keyring, sync_live_server  # noqa: F401

PASSWORD = "a long password"


def _studio(qtbot, library, tmp_path: Path, name: str) -> MainWindow:
    settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(library, settings=settings)
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    return window


def _open_first_scene(qtbot, window: MainWindow, book_id: str) -> str:
    book = next(b for b in window.binder_model.books if b.id == book_id)
    scene = book.children[0].children[0]
    assert window.select(NodeKind.SCENE, scene.id)
    qtbot.waitUntil(
        lambda: window.live.scene is not None and window.live.scene.status == LIVE,
        timeout=15000,
    )
    return scene.id


def _shared_scene(
    qtbot, aw_library, tmp_path: Path, server: str, name: str, *, role: str
) -> tuple[str, MainWindow, MainWindow, str]:
    """Ann's sample book on the server, shared with ``name`` as ``role``; both studios open
    on its first scene, live: (book id, Ann's studio, theirs, the scene's id)."""
    book_id = add_sample_book(aw_library)
    sign_in(aw_library, server_url=server, email="ann@example.org", password=PASSWORD,
            register=True)  # fmt: skip
    sync_library(aw_library)
    other_library = open_library(tmp_path / name)
    email = f"{name}@example.org"
    sign_in(other_library, server_url=server, email=email, password=PASSWORD, register=True)
    with account_api(aw_library) as api:
        invitation = share(aw_library, api, book_id, email, role=role)
    with account_api(other_library) as api:
        accept(other_library, api, invitation["link"])
    ann = _studio(qtbot, aw_library, tmp_path, "ann")
    other = _studio(qtbot, other_library, tmp_path, name)
    ann.refresh_standing()
    other.refresh_standing()
    scene_id = _open_first_scene(qtbot, ann, book_id)
    assert _open_first_scene(qtbot, other, book_id) == scene_id
    return book_id, ann, other, scene_id


def test_two_studios_edit_one_scene_live(
    qtbot,
    aw_library,
    tmp_path,
    sync_live_server,  # noqa: F811
    sync_keyring,  # noqa: F811
):
    book_id, ann, bob, scene_id = _shared_scene(
        qtbot, aw_library, tmp_path, sync_live_server, "bob", role="editor"
    )
    bob_library = bob.library
    opening = ann.editor.scene_text()
    assert bob.editor.scene_text() == opening

    # Ann's cursor sits inside the text; Bob types at the start.
    cursor = ann.editor.textCursor()
    cursor.setPosition(10)
    ann.editor.setTextCursor(cursor)
    character = opening[10]
    bob.editor.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClicks(bob.editor, "Rain. ")
    qtbot.waitUntil(lambda: ann.editor.scene_text() == "Rain. " + opening, timeout=5000)
    assert ann.editor.textCursor().position() == 16  # still before the same character
    assert ann.editor.scene_text()[16] == character

    # Ann types; Bob sees it; Ann's Ctrl+Z takes back her words only.
    qtbot.keyClicks(ann.editor, "XY")
    with_ann = "Rain. " + opening[:10] + "XY" + opening[10:]
    qtbot.waitUntil(lambda: bob.editor.scene_text() == with_ann, timeout=5000)
    qtbot.keyClick(ann.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ann.editor.scene_text() == "Rain. " + opening
    qtbot.waitUntil(lambda: bob.editor.scene_text() == "Rain. " + opening, timeout=5000)
    qtbot.keyClick(ann.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ann.editor.scene_text() == "Rain. " + opening  # Bob's words are not Ann's to undo

    # Presence: Bob's cursor in Ann's editor, Bob's scene in Ann's binder, the status line.
    qtbot.waitUntil(lambda: any(p.name == "bob" for p in ann.editor.peers), timeout=5000)
    qtbot.waitUntil(
        lambda: [n for n, _c in ann.binder_model.presence_in(scene_id)] == ["bob"], timeout=5000
    )
    assert "Live" in ann.live.label.text() and "1 other" in ann.live.label.text()
    ann.grab().save(str(tmp_path / "live-ann.png"))

    # A comment Ann makes on a live scene reaches Bob's Comments dock as it is made.
    cursor = ann.editor.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(5, QTextCursor.MoveMode.KeepAnchor)
    ann.editor.setTextCursor(cursor)
    assert ann.panels.widgets["comments"].comment_on_selection("Rain or snow?")
    bob_comments = bob.panels.widgets["comments"]
    qtbot.waitUntil(
        lambda: [c.text for c in bob_comments.comments] == ["Rain or snow?"], timeout=5000
    )
    assert bob_comments.comments[0].anchor(bob.editor.scene_text()) == "Rain."
    assert len(bob.editor.comment_marks) == 1

    # A rewrite in Ann's library (what Replace All and a snapshot restore do) becomes her edit
    # in the room, once.
    assert ann.autosaver is not None and ann.autosaver.flush()
    with aw_library.session() as s:
        set_scene_text(
            session=s,
            scene=get_scene(session=s, scene_id=scene_id),
            text=("Rain. " + opening).replace("Rain.", "Snow."),
        )
    ann.on_scenes_changed_elsewhere([scene_id])
    opening = opening.replace("Rain.", "Snow.")
    qtbot.waitUntil(lambda: bob.editor.scene_text() == "Snow. " + opening, timeout=5000)
    assert ann.editor.scene_text() == "Snow. " + opening
    opening_now = "Snow. " + opening

    # Both libraries store the text once; a feed sync afterwards changes and doubles nothing.
    for window in (ann, bob):
        assert window.autosaver is not None and window.autosaver.flush()
    for library in (aw_library, bob_library):
        sync_library(library)
        with library.session() as s:
            assert get_scene(session=s, scene_id=scene_id).text == opening_now
    qtbot.wait(300)
    assert ann.editor.scene_text() == bob.editor.scene_text() == opening_now

    # Ann removes Bob: his studio is cut off within a second and keeps his text.
    bob_id = next(m for m in _members(aw_library, book_id) if m["email"] == "bob@example.org")[
        "user_id"
    ]
    started = time.monotonic()
    with account_api(aw_library) as api:
        api.remove_member(book_id, bob_id)
    qtbot.waitUntil(
        lambda: bob.live.scene is not None and bob.live.scene.status == REFUSED, timeout=5000
    )
    assert time.monotonic() - started < 1.0
    assert "not available" in bob.live.label.text()
    qtbot.keyClicks(ann.editor, "!")
    qtbot.wait(300)
    assert "!" not in bob.editor.scene_text()
    bob.close()
    ann.close()
    bob_library.close()


def _members(library, book_id: str) -> list[dict]:
    with account_api(library) as api:
        return api.members(book_id)


def test_a_studio_keeps_writing_through_a_server_crash_and_rejoins_with_nothing_doubled(
    qtbot,
    aw_library,
    tmp_path,
    sync_keyring,  # noqa: F811
):
    from tests.sync_server.server_process import ServerProcess

    with ServerProcess(tmp_path / "server", f"sqlite:///{tmp_path / 'server.sqlite3'}") as server:
        book_id = add_sample_book(aw_library)
        sign_in(
            aw_library,
            server_url=server.url,
            email="ann@example.org",
            password=PASSWORD,
            register=True,
        )
        sync_library(aw_library)
        other = open_library(tmp_path / "other-device")
        try:
            sign_in(other, server_url=server.url, email="ann@example.org", password=PASSWORD)
            sync_library(other)
            ann = _studio(qtbot, aw_library, tmp_path, "ann")
            twin = _studio(qtbot, other, tmp_path, "twin")
            scene_id = _open_first_scene(qtbot, ann, book_id)
            _open_first_scene(qtbot, twin, book_id)
            opening = ann.editor.scene_text()
            ann.editor.moveCursor(QTextCursor.MoveOperation.End)
            qtbot.keyClicks(ann.editor, " One.")
            qtbot.waitUntil(lambda: twin.editor.scene_text() == opening + " One.", timeout=5000)

            server.kill()
            qtbot.waitUntil(lambda: ann.live.scene.status != LIVE, timeout=5000)
            assert "offline" in ann.live.label.text() or "connecting" in ann.live.label.text()
            qtbot.keyClicks(ann.editor, " Two.")  # typed with the server gone
            assert ann.autosaver is not None and ann.autosaver.flush()
            with aw_library.session() as s:
                assert get_scene(session=s, scene_id=scene_id).text == opening + " One. Two."

            server.start()
            # The room is joined again by itself, and the feed sync runs as well: the same
            # characters come both ways, and arrive once.
            qtbot.waitUntil(lambda: ann.live.scene.status == LIVE, timeout=15000)
            sync_library(aw_library)
            qtbot.waitUntil(
                lambda: twin.editor.scene_text() == opening + " One. Two.", timeout=15000
            )
            assert twin.autosaver is not None and twin.autosaver.flush()
            sync_library(other)
            sync_library(aw_library)
            qtbot.wait(300)
            for library in (aw_library, other):
                with library.session() as s:
                    assert get_scene(session=s, scene_id=scene_id).text == opening + " One. Two."
            assert ann.editor.scene_text() == twin.editor.scene_text() == opening + " One. Two."
            twin.close()
            ann.close()
        finally:
            other.close()


def test_a_commenter_suggests_live_and_the_author_accepts(
    qtbot,
    aw_library,
    tmp_path,
    sync_live_server,  # noqa: F811
    sync_keyring,  # noqa: F811
):
    """A commenter's studio is in suggesting mode on the shared scene: their typing reaches
    the author as a suggestion (the room takes it from a commenter), their Backspace strikes
    the author's words instead of deleting them, and what the author accepts reaches them."""
    _book_id, ann, cleo, _scene_id = _shared_scene(
        qtbot, aw_library, tmp_path, sync_live_server, "cleo", role="commenter"
    )
    opening = ann.editor.scene_text()
    assert cleo.suggesting.active and not cleo.editor.isReadOnly()  # a commenter suggests
    assert not ann.suggesting.active

    cleo.editor.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClicks(cleo.editor, "Rain. ")
    ann_comments = ann.panels.widgets["comments"]
    qtbot.waitUntil(
        lambda: (
            [(s.kind, s.text, s.author) for s in ann_comments.suggestions]
            == [("insert", "Rain. ", "cleo@example.org")]
        ),
        timeout=5000,
    )
    assert ann.editor.scene_text() == opening  # proposed, not made
    # Cleo's Backspace at the end of the first word strikes it; Ann's text keeps it.
    first = opening.split()[0]
    cursor = cleo.editor.textCursor()
    cursor.setPosition(len("Rain. ") + len(first))
    cleo.editor.setTextCursor(cursor)
    for _ in first:
        qtbot.keyClick(cleo.editor, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: len(ann_comments.suggestions) == 2, timeout=5000)
    struck = [x.cursor.selectedText() for x in cleo.editor.extraSelections()]
    assert first in struck and "Rain. " in struck
    assert cleo.editor.shown_text() == "Rain. " + opening
    assert ann.editor.scene_text() == opening
    cleo.grab().save(str(tmp_path / "live-commenter-suggesting.png"))

    # Ann accepts both: the words change for everyone.
    ann_comments.decide(accept=True, every=True)
    accepted = "Rain. " + opening[len(first) :]
    assert ann.editor.scene_text() == accepted
    qtbot.waitUntil(lambda: cleo.editor.shown_text() == accepted, timeout=5000)
    assert cleo.editor.scene_text() == accepted
