"""The open scene bound to its live room, for one studio window.

When the library is signed in and the scene's book is on the server, opening a scene joins
its room (``/api/v1/collab/{scene id}``) and the book's room (for who is in which scene):

* the writer's typing goes to the room as Yjs edits (:class:`core.sync.live.LiveText`);
  the room's edits come into the editor as edits (:meth:`SceneEditor.take_text`), so the
  writer's cursor and scroll position stay, and they are not on the writer's undo stack:
  Ctrl+Z undoes the writer's own typing only (the live document's undo manager);
* autosave stores the live document with the text (:mod:`core.sync.live_store`), so the feed
  sync that runs as before never records the same characters twice, and what a sync pulls
  for the open scene goes into the live document, not over the editor's text;
* the others' cursors and selections are painted in their colours with their names, the
  binder marks the scenes others are in, and the status bar says who joins and leaves;
* offline or with the server gone, the editor keeps working on the live document; the link
  rejoins by itself, and the sync step of the join exchanges what each side lacks.

The websocket runs on the link's thread; what it receives is handed to the UI thread by
queued signals, so the live document is only ever touched here.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from core.sync.live_registry import hold, release
from desktop.binder.model import BinderNode, NodeKind
from desktop.editor.peer_cursors import PeerCursor

if TYPE_CHECKING:
    from core.sync.live import Peer
    from desktop.window.host import StudioWindow

log = logging.getLogger(__name__)
PRESENCE_DELAY_MS = 80
KEPT_STATES = 8  # a cursor moving under the arrow keys is sent at most this often
LOCAL = "local"  # a document bound without a room (suggesting mode, offline)
COLOURS = ("#c0392b", "#2471a3", "#1e8449", "#b9770e", "#7d3c98", "#117a65", "#a04000")


@functools.lru_cache(maxsize=256)
def colour_for(email: str) -> str:
    """A writer's colour: the same on every device and for every collaborator."""
    digest = hashlib.sha256(email.strip().casefold().encode()).digest()
    return COLOURS[digest[0] % len(COLOURS)]


def display_name(email: str) -> str:
    return email.split("@", 1)[0] or email


class _Room(QObject):
    """One room: its live document and its link, with the link's thread marshalled here.

    Without a URL it is a document held on this machine only (suggesting mode offline): no
    link, nothing sent; autosave keeps it and the next sync carries it.
    """

    opened = Signal()
    message = Signal(bytes)
    state = Signal(str, str)

    def __init__(self, url: str | None, state: bytes, token: Any, parent: QObject) -> None:
        super().__init__(parent)
        from core.sync.live import CONNECTING, LiveLink, LiveText

        self.link = (
            LiveLink(
                url,
                token=token,
                on_open=self.opened.emit,
                on_message=self.message.emit,
                on_state=self.state.emit,
            )
            if url is not None
            else None
        )
        self.live = LiveText(state, send=self.link.send if self.link is not None else _nowhere)
        self.opened.connect(self.live.hello)
        self.message.connect(self._receive)
        self.status = CONNECTING if self.link is not None else LOCAL

    def _receive(self, data: bytes) -> None:
        try:
            self.live.receive(data)
        except Exception:  # a message we cannot read costs that message, not the session
            log.exception("a live message could not be read")

    def start(self) -> None:
        if self.link is not None:
            self.link.start()

    def close(self) -> None:
        if self.status == "live":
            self.live.leave()
        if self.link is not None:
            self.link.close()
        self.live.close()
        self.deleteLater()


def _nowhere(_data: bytes) -> None:
    """A document held on this machine sends nothing."""


class LiveSession(QObject):
    """Binds the window's open scene to its room, and the window's book to its own."""

    def __init__(self, window: StudioWindow) -> None:
        super().__init__(window.widget)
        self.window = window
        self.scene: _Room | None = None
        self.book: _Room | None = None
        self.scene_id = ""
        self.scene_book_id = ""
        self.book_id = ""  # the book's own room (who is in which scene)
        self._names: dict[int, str] = {}
        # The states of the scenes last left (their saves may be in flight), by id.
        self._left: dict[str, bytes] = {}
        self._token: str | None = None
        self._email = ""
        self._library_key = ""
        self._node: BinderNode | None = None  # what the window last asked to bind
        self._held: set[str] = set()  # scenes bound here for an undoable change
        self.label = QLabel("")
        self.label.setObjectName("live_status")
        self._presence_timer = QTimer(self)
        self._presence_timer.setSingleShot(True)
        self._presence_timer.setInterval(PRESENCE_DELAY_MS)
        self._presence_timer.timeout.connect(self._send_presence)
        editor = window.editor
        editor.edited.connect(self._on_edited)
        editor.cursorPositionChanged.connect(self._presence_timer.start)

    # ------------------------------------------------------------------ binding

    @property
    def bound(self) -> bool:
        return self.scene is not None

    def bind(self, node: BinderNode | None) -> None:
        """The window shows ``node`` now: join its room (and its book's), or leave."""
        wanted = node is not None and node.kind in (NodeKind.SCENE, NodeKind.NOTE)
        if (
            node is not None
            and wanted
            and node.id == self.scene_id
            and self.scene is not None
            and str(self.scene.live) == self.window.editor.scene_text()
        ):
            # Shown again as it is (a restore shows other text: bound afresh).
            self.window.suggesting.attach(self.scene.live, node.book_id)
            return
        self.unbind_scene()
        self._node = node
        if node is None or not wanted:
            self._bind_book("")
            return
        online = self._can_go_live(node.book_id)
        self._held &= {node.id}  # held for the scene shown, not for the ones left
        local = not online and (
            self.window.suggesting.wanted(node.book_id) or node.id in self._held
        )
        if not online and not local:
            self._bind_book("")
            return
        from core.sync.live_store import live_doc

        library = self.window.library
        assert library is not None
        with library.session() as session:
            found = live_doc(session, node.id)
        if found is None and local:
            found = self._first_document(node.id)
        if found is None:  # never synced: the server has no room for it yet
            self._bind_book(node.book_id if online else "")
            return
        state = found.state
        kept = self._left.pop(node.id, None)
        if kept is not None:  # its last save may still be on its way to the library
            import pycrdt

            state = pycrdt.merge_updates(state, kept)
        if online:
            from core.sync.live import room_url

            status = self._status()
            self._email = status.email
            room = _Room(room_url(status.server, node.id), state, self._token_for, self)
        else:
            room = _Room(None, state, self._token_for, self)
        live = room.live
        self._library_key = str(library.engine.url)
        hold(self._library_key, node.id)
        # Anything the editor holds that the document does not (typed before the last
        # capture, a replace or a restore) goes in as the writer's edit, once, and is saved.
        before = str(live)
        live.edit(self.window.editor.scene_text())
        if str(live) != before and self.window.autosaver is not None:
            self.window.editor.revision += 1
            self.window.autosaver.note_edit(node.id, self.window.editor.revision)
        live.on_text = self._take_remote_text
        live.on_presence = self._show_peers
        live.on_denied = self._denied
        live.on_review = self._review_arrived
        room.state.connect(self._on_state)
        self.scene, self.scene_id, self.scene_book_id = room, node.id, node.book_id
        editor = self.window.editor
        editor.document().setUndoRedoEnabled(False)  # the live document keeps the history
        editor.live_undo = (live.undo, live.redo)
        if self.window.autosaver is not None:
            self.window.autosaver.live_state_of = self._state_of
        room.start()
        self._bind_book(node.book_id if online else "")
        self.window.suggesting.attach(live, node.book_id)
        self._send_presence()

    @property
    def local(self) -> bool:
        """Whether the bound scene's document is held here without a room."""
        return self.scene is not None and self.scene.link is None

    def hold_document(self, scene_id: str) -> Any:
        """The live document of the scene shown, bound here first when it is not live (so
        what is done to it is one step of the writer's undo); None for another scene or one
        without a document."""
        if self.scene is None and scene_id and scene_id == self.window.editor.scene_id:
            self._held.add(scene_id)
            self.bind_current()
        return self.live_text(scene_id)

    def bind_current(self) -> None:
        """Bind the scene shown now afresh (suggesting mode turned on, say)."""
        node = self._node
        self.unbind_scene()
        self.bind(node)

    def _first_document(self, scene_id: str) -> Any:
        """The scene's document, made from its text by a capture (a library that never
        synced has none until something needs one)."""
        from core.sync.live_store import captured_doc

        library = self.window.library
        assert library is not None
        if self.window.autosaver is not None:
            self.window.autosaver.flush()
        with library.write_session() as session:
            return captured_doc(session, scene_id)

    def unbind_scene(self) -> None:
        room, scene_id = self.scene, self.scene_id
        if room is not None:
            self.window.suggesting.detach()
        self.scene, self.scene_id, self.scene_book_id = None, "", ""
        if room is None:
            return
        release(self._library_key, scene_id)
        self._left[scene_id] = room.live.state()
        while len(self._left) > KEPT_STATES:
            self._left.pop(next(iter(self._left)))
        editor = self.window.editor
        editor.live_undo = None
        editor.set_peers([])
        editor.document().setUndoRedoEnabled(True)
        if self.window.autosaver is not None:
            self.window.autosaver.live_state_of = None
        self._names = {}
        room.close()
        self.label.setText("")

    def close(self) -> None:
        """Leave both rooms (the library closes, or another one opens)."""
        self.unbind_scene()
        self._bind_book("")
        self._token = None
        self._left.clear()

    def _bind_book(self, book_id: str) -> None:
        if book_id == self.book_id and (self.book is not None or not book_id):
            return
        if self.book is not None:
            self.book.close()
            self.book = None
            self.window.binder_model.set_presence({})
        self.book_id = book_id
        if not book_id or not self._can_go_live(book_id):
            return
        status = self._status()
        self._email = status.email
        from core.sync.live import room_url

        room = _Room(room_url(status.server, book_id), b"", self._token_for, self)
        room.live.on_presence = self._show_book_presence
        self.book = room
        room.start()

    def _can_go_live(self, book_id: str) -> bool:
        library = self.window.library
        if library is None or os.environ.get("AUTHORWORKS_LIVE", "1") == "0":
            return False
        return book_id in self.window.shared and self._status().signed_in

    def _status(self) -> Any:
        from core.sync.status import status

        library = self.window.library
        assert library is not None
        return status(library)

    def _token_for(self, fresh: bool) -> str:
        """An access token for the link (on the link's thread): the last one, or a new one
        from the refresh token in the keyring."""
        if self._token is not None and not fresh:
            return self._token
        from core.sync.account import account_api
        from core.sync.errors import SyncAuthError
        from core.sync.live import LinkRefused

        library = self.window.library
        if library is None:
            raise LinkRefused("the library was closed")
        try:
            with account_api(library) as api:
                api.refresh()
                token = api.access_token
        except SyncAuthError as exc:  # signed out, or the device was
            raise LinkRefused(str(exc)) from exc
        if not token:
            raise RuntimeError("no access token")
        self._token = token
        return token

    # ------------------------------------------------------------------ the text

    def _on_edited(self, scene_id: str, _revision: int) -> None:
        room = self.scene
        if room is None or scene_id != self.scene_id:
            return
        room.live.edit(self.window.editor.scene_text())

    def _take_remote_text(self, text: str) -> None:
        editor = self.window.editor
        if editor.scene_id != self.scene_id:
            return
        if self.window.suggesting.active:
            self.window.suggesting.render()  # the whole text, suggestions and all
        else:
            editor.take_text(text)
        # Stored like the writer's own edits (the library keeps what the room brought).
        editor.revision += 1
        if self.window.autosaver is not None:
            self.window.autosaver.note_edit(self.scene_id, editor.revision)

    def _state_of(self, scene_id: str) -> bytes | None:
        room = self.scene
        if room is None or scene_id != self.scene_id:
            return None
        return room.live.state()

    def live_text(self, scene_id: str) -> Any:
        """The live document of ``scene_id`` when it is the bound scene, else None."""
        room = self.scene
        return room.live if room is not None and scene_id == self.scene_id else None

    def note_review_change(self, scene_id: str) -> None:
        """A comment changed in the live document: save it with the next autosave."""
        editor = self.window.editor
        if self.window.autosaver is not None and scene_id == self.scene_id:
            editor.revision += 1
            self.window.autosaver.note_edit(scene_id, editor.revision)

    def absorb(self, scene_id: str, state: bytes) -> bool:
        """What a sync or a save merged into the library's copy of the open scene goes into
        the live document (and from it into the editor); False when not bound to it."""
        room = self.scene
        if room is None or scene_id != self.scene_id:
            return False
        room.live.absorb(state)
        return True

    def absorb_stored(self, scene_id: str) -> bool:
        """After a sync: take in the library's copy of the open scene's document."""
        if self.scene is None or scene_id != self.scene_id or self.window.library is None:
            return False
        from core.sync.live_store import live_doc

        with self.window.library.session() as session:
            found = live_doc(session, scene_id)
        if found is not None:
            self.scene.live.absorb(found.state)
        return True

    # ------------------------------------------------------------------ presence

    def _me(self) -> tuple[str, str]:
        return display_name(self._email), colour_for(self._email)

    def _send_presence(self) -> None:
        if self.window.library is None or (self.scene is None and self.book is None):
            return
        name, colour = self._me()
        editor = self.window.editor
        room = self.scene
        if room is not None and room.link is not None and editor.scene_id == self.scene_id:
            cursor = editor.textCursor()
            room.live.set_presence(
                name=name,
                colour=colour,
                scene_id=self.scene_id,
                anchor=editor.index_of(cursor.anchor()),
                head=editor.index_of(cursor.position()),
            )
        if self.book is not None:
            self.book.live.set_presence(
                name=name, colour=colour, scene_id=self.scene_id, anchor=None, head=None
            )

    def _show_peers(self, peers: list[Peer]) -> None:
        editor = self.window.editor
        here = [p for p in peers if p.head is not None and p.scene_id in ("", self.scene_id)]
        places = editor.positions(
            [
                i
                for p in here
                for i in (p.anchor if p.anchor is not None else p.head or 0, p.head or 0)
            ]
        )
        cursors = [
            PeerCursor(p.name, p.colour, places[2 * n], places[2 * n + 1])
            for n, p in enumerate(here)
        ]
        editor.set_peers(cursors)
        names = {p.client_id: p.name for p in peers}
        joined = [n for c, n in names.items() if c not in self._names]
        left = [n for c, n in self._names.items() if c not in names]
        self._names = names
        if joined:
            self.window.statusBar().showMessage(f"{', '.join(joined)} joined this scene.", 5000)
        elif left:
            self.window.statusBar().showMessage(f"{', '.join(left)} left this scene.", 5000)
        self._update_label()

    def _show_book_presence(self, peers: list[Peer]) -> None:
        where: dict[str, list[tuple[str, str]]] = {}
        for peer in peers:
            if peer.scene_id:
                where.setdefault(peer.scene_id, []).append((peer.name, peer.colour))
        self.window.binder_model.set_presence(where)

    def _review_arrived(self) -> None:
        if self.window.suggesting.active:
            self.window.suggesting.render()
        panel = self.window.panels.widgets.get("comments")
        if panel is not None:
            panel.refresh()
        if self.scene is not None:
            self.note_review_change(self.scene_id)  # the library keeps what the room brought

    def _denied(self, reason: str) -> None:
        self.window.statusBar().showMessage(f"Live editing: {reason}", 8000)

    def _on_state(self, state: str, reason: str) -> None:
        room = self.scene
        if room is None:
            return
        room.status = state
        if state == "refused":
            log.info("live room refused: %s", reason)
        self._update_label()

    def _update_label(self) -> None:
        room = self.scene
        if room is None:
            self.label.setText("")
            return

        from core.sync.live import CONNECTING, LIVE, OFFLINE, REFUSED

        others = len(self._names)
        text = {
            LIVE: f"Live · {others} other{'s' if others != 1 else ''} here" if others else "Live",
            CONNECTING: "Live: connecting…",
            OFFLINE: "Live: offline (your edits sync later)",
            REFUSED: "Live: not available (syncing as usual)",
        }.get(room.status, "")
        self.label.setText(text)
