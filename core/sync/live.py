"""Live co-editing, client side: a synced document's text bound to its room on the server.

:class:`LiveText` is the document (the same Yjs document the library's sync keeps, so its
history is the server's and joining can never duplicate text) and the y-websocket protocol
spoken over it. It is not thread-safe: the owner (the studio's UI thread) feeds it the
messages a :class:`LiveLink` receives and hands it the writer's text after each edit.

* ``edit(text)``: the writer's new text becomes the fewest Yjs inserts and deletes, sent to
  the room and recorded for the writer's undo.
* A change from the room (or from the feed, through :meth:`LiveText.absorb`) is reported
  with ``on_text(new_text)``; it is never on the writer's undo stack, so :meth:`undo` takes
  back only the writer's own typing, wherever the others typed since.
* Presence: the room's awareness states (name, colour, cursor, which scene) come through
  ``on_presence``; :meth:`set_presence` publishes ours. Cursors travel as Yjs sticky indexes
  (relative positions), which stay on their character while others type.

:class:`LiveLink` is the connection, on a thread of its own: it signs in with a fresh access
token each time, reconnects by itself with backoff when the server goes away, and says what
state it is in (``connecting``, ``live``, ``offline``, ``refused``). A refusal (4401 after a
token refresh, 4403) stops it: the studio falls back to the feed.

Positions in this module's API are Python string indexes (see :mod:`core.text.offsets`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pycrdt

from core.sync.documents import TEXT
from core.sync.text_view import (
    View,
    accepted_text,
    edit_accepted,
    state_clocks,
    sticky_at,
    sticky_index,
)

log = logging.getLogger(__name__)

SYNC, AWARENESS, AUTH, QUERY_AWARENESS = 0, 1, 2, 3
STEP1, STEP2, UPDATE = 0, 1, 2
_LOCAL = "local"
_EMPTY_UPDATE = b"\x00\x00"


def _uint(value: int) -> bytes:
    return pycrdt.write_var_uint(value)


def _framed(payload: bytes) -> bytes:
    return _uint(len(payload)) + payload


@dataclass(frozen=True)
class Peer:
    """Someone else in the room, as their awareness state says."""

    client_id: int
    name: str
    colour: str
    scene_id: str
    anchor: int | None  # their selection, as string indexes in our text (None: no cursor)
    head: int | None


class LiveText:
    """One document's text, kept in step with its room."""

    def __init__(
        self,
        state: bytes,
        *,
        send: Callable[[bytes], None],
        on_text: Callable[[str], None] = lambda _text: None,
        on_presence: Callable[[list[Peer]], None] = lambda _peers: None,
        on_denied: Callable[[str], None] = lambda _reason: None,
        on_review: Callable[[], None] = lambda: None,
    ) -> None:
        self.doc: pycrdt.Doc = pycrdt.Doc()
        self.doc.get("fields", type=pycrdt.Map)
        self.text: pycrdt.Text = self.doc.get(TEXT, type=pycrdt.Text)
        if state:
            self.doc.apply_update(state)
        self.send = send
        self.on_text = on_text
        self.on_presence = on_presence
        self.on_denied = on_denied
        self.on_review = on_review  # the comments changed (from the room, or ours)
        self.synced = False
        self._remote = False
        self._local_updates: list[bytes] = []
        self._clock = 0
        self._presence: dict[str, Any] | None = None
        self._states: dict[int, tuple[int, dict[str, Any]]] = {}
        # The suggestions' Map too: undoing a typed suggestion takes its record with it.
        self.undo_manager = pycrdt.UndoManager(
            scopes=[self.text, self.doc.get("suggestions", type=pycrdt.Map)],
            capture_timeout_millis=600,
        )
        self.undo_manager.include_origin(_LOCAL)
        self._subscription = self.doc.observe(self._changed)
        self._review_moved = False
        self._suggesting = False
        self._review_watches = [
            self.doc.get(name, type=pycrdt.Map).observe(self._review_changed)
            for name in ("comments", "resolved", "suggestions")
        ]
        self._format_watch = self.text.observe(self._text_changed)

    def _text_changed(self, event: Any) -> None:
        # A change of format only (a suggested deletion made or grown) moves no character.
        if any("attributes" in part for part in event.delta):
            self._review_moved = True

    def _review_changed(self, _event: Any) -> None:
        # Inside the transaction's commit: only noted here, reported once it is over.
        self._review_moved = True

    def _report_review(self) -> None:
        if self._review_moved:
            self._review_moved = False
            self.on_review()

    # ------------------------------------------------------------------ text

    def __str__(self) -> str:
        """The text as the writer's editor has it (pending suggested insertions aside)."""
        return accepted_text(self.text)

    def edit(self, new_text: str) -> None:
        """The writer's text is now ``new_text``: record the difference as their edit."""
        with self.doc.transaction(origin=_LOCAL):
            changed = edit_accepted(self.text, new_text)
        if changed and self._states:
            self._report_presence()  # the others' cursors moved with the text

    def suggest(
        self,
        new_whole: str,
        *,
        author: str,
        now: Any,
        backward: bool = True,
        cursor: int | None = None,
        selection: tuple[int, int] | None = None,
    ) -> int:
        """Suggesting mode: the writer's edit of the whole text (pending suggestions shown)
        recorded as their suggestions, sent and undoable like typing; the cursor's place in
        the whole text afterwards (see :func:`core.review.suggesting.suggest_edit`)."""
        self._suggesting = True  # the suggester keeps its pieces in step with this one
        try:
            with self.doc.transaction(origin=_LOCAL):
                placed = self.suggester.edit(
                    new_whole,
                    author=author,
                    now=now,
                    backward=backward,
                    cursor=cursor,
                    selection=selection,
                )
        finally:
            self._suggesting = False
        self._report_review()
        return placed

    def whole(self) -> str:
        """The text with every pending suggestion in it (what suggesting mode shows)."""
        return str(self.text)

    @functools.cached_property
    def suggester(self) -> Any:
        """Suggesting mode on this document (:class:`core.review.suggesting.Suggester`):
        what it reads for one keystroke serves the next, and the marks shown between."""
        from core.review.suggesting import Suggester

        return Suggester(self.doc)

    def marks(self) -> list[Any]:
        """The pending suggestions' stretches of the whole text (Marks), in order."""
        return list(self.suggester.marks())

    def undo(self) -> bool:
        """Take back the writer's last edit (only theirs); whether there was one."""
        return self._replay(self.undo_manager.undo)

    def redo(self) -> bool:
        return self._replay(self.undo_manager.redo)

    def _replay(self, step: Callable[[], bool]) -> bool:
        before, whole = str(self), self.whole()
        done = step()
        after = str(self)
        if after != before:
            self.on_text(after)
        if self.whole() != whole:
            self._review_moved = True  # a suggestion typed (or taken back) was undone
        self._report_review()
        return bool(done)

    def absorb(self, update: bytes) -> None:
        """Take in an update that came another way (the feed, a merged save)."""
        self._apply_remote(update)

    def take_local_updates(self) -> bytes | None:
        """The writer's updates since the last call, merged (for the library's outbox)."""
        updates, self._local_updates = self._local_updates, []
        if not updates:
            return None
        return updates[0] if len(updates) == 1 else pycrdt.merge_updates(*updates)

    def state(self) -> bytes:
        return self.doc.get_update()

    def _changed(self, event: Any) -> None:
        update: bytes = event.update
        if not self._suggesting and "suggester" in self.__dict__:
            self.suggester.invalidate()  # typed, undone, decided or received: read afresh
        if self._remote:
            return
        # Ours: typed, or an undo or redo of what we typed.
        self._local_updates.append(update)
        self.send(bytes([SYNC, UPDATE]) + _framed(update))

    def _apply_remote(self, update: bytes) -> None:
        if update == _EMPTY_UPDATE:
            return
        before, whole = str(self), self.whole()
        self._remote = True
        try:
            with self.doc.transaction(origin="remote"):
                self.doc.apply_update(update)
        finally:
            self._remote = False
        after = str(self)
        if self.whole() != whole:
            # Someone's suggestion (typed, taken back or decided) changed the whole text,
            # maybe not the accepted one: suggesting mode shows it.
            self._review_moved = True
        if after != before:
            self.on_text(after)
            self._report_presence()  # their cursors are relative to the text that moved
        self._report_review()

    # ------------------------------------------------------------------ protocol

    def hello(self) -> None:
        """What a (re)connected client says first: its state vector and its presence."""
        self.synced = False
        self.send(bytes([SYNC, STEP1]) + _framed(self.doc.get_state()))
        if self._presence is not None:
            self._send_presence()

    def receive(self, data: bytes) -> None:
        """One message from the room."""
        decoder = pycrdt.Decoder(data)
        kind = decoder.read_var_uint()
        if kind == SYNC:
            step = decoder.read_var_uint()
            payload = decoder.read_message() or b""
            if step == STEP1:
                self.send(bytes([SYNC, STEP2]) + _framed(self.doc.get_update(payload)))
            else:
                self._apply_remote(payload)
                if step == STEP2:
                    self.synced = True
        elif kind == AWARENESS:
            self._take_awareness(decoder.read_message() or b"")
        elif kind == AUTH:
            decoder.read_var_uint()
            self.on_denied(decoder.read_var_string())

    # ------------------------------------------------------------------ presence

    def set_presence(
        self, *, name: str, colour: str, scene_id: str, anchor: int | None, head: int | None
    ) -> None:
        """Publish who we are, which scene we are in, and where our selection is (string
        indexes in the text; None: no cursor to show)."""
        state: dict[str, Any] = {"user": {"name": name, "color": colour}, "scene": scene_id}
        if anchor is not None and head is not None:
            state["cursor"] = {
                "anchor": sticky_at(self.text, anchor),
                "head": sticky_at(self.text, head),
            }
        self._presence = state
        self._send_presence()

    def leave(self) -> None:
        """Say we are gone (the room drops our cursor at once)."""
        self._presence = None
        self._clock += 1
        body = b"null"
        update = _uint(1) + _uint(self.doc.client_id) + _uint(self._clock) + _framed(body)
        self.send(bytes([AWARENESS]) + _framed(update))

    def _send_presence(self) -> None:
        self._clock += 1
        body = json.dumps(self._presence, separators=(",", ":")).encode()
        update = _uint(1) + _uint(self.doc.client_id) + _uint(self._clock) + _framed(body)
        self.send(bytes([AWARENESS]) + _framed(update))

    def _take_awareness(self, update: bytes) -> None:
        decoder = pycrdt.Decoder(update)
        for _ in range(decoder.read_var_uint()):
            client = decoder.read_var_uint()
            clock = decoder.read_var_uint()
            raw = decoder.read_var_string()
            if client == self.doc.client_id:
                continue
            known = self._states.get(client)
            if known is not None and known[0] > clock:
                continue
            try:
                state = json.loads(raw) if raw else None
            except ValueError:
                continue
            if state is None:
                self._states.pop(client, None)
            elif isinstance(state, dict):
                self._states[client] = (clock, state)
        self._report_presence()

    def peers(self) -> list[Peer]:
        # One reading of the text for every cursor: where each sticky index is now.
        place = functools.partial(
            sticky_index,
            self.text,
            whole=str(self.text),
            view=View(self.text),
            clocks=state_clocks(self.doc.get_state()),
        )
        found = []
        for client, (_clock, state) in sorted(self._states.items()):
            user: dict[str, Any] = state.get("user") or {}
            cursor: dict[str, Any] = state.get("cursor") or {}
            if not isinstance(user, dict):
                user = {}
            if not isinstance(cursor, dict):
                cursor = {}
            found.append(
                Peer(
                    client_id=client,
                    name=str(user.get("name") or "Someone"),
                    colour=str(user.get("color") or "#888888"),
                    scene_id=str(state.get("scene") or ""),
                    anchor=place(cursor.get("anchor")),
                    head=place(cursor.get("head")),
                )
            )
        return found

    def _report_presence(self) -> None:
        self.on_presence(self.peers())

    def change(self, edit: Callable[[pycrdt.Doc], Any], *, undoable: bool = False) -> Any:
        """Run ``edit`` on the document as the writer's own change (a comment, say): it goes
        to the room like typing. ``undoable``: one step of the writer's undo (suggestions
        landed or decided; comments are outside the undo's reach either way)."""
        before = str(self)
        if undoable:
            with self.doc.transaction(origin=_LOCAL):
                result = edit(self.doc)
        else:
            result = edit(self.doc)
        after = str(self)
        if after != before:  # an accepted or rejected suggestion changes the text
            self.on_text(after)
        self._report_review()
        return result

    def close(self) -> None:
        self.doc.unobserve(self._subscription)


# ---------------------------------------------------------------------- the connection

CONNECTING, LIVE, OFFLINE, REFUSED = "connecting", "live", "offline", "refused"


class LinkRefused(Exception):
    """Raised by a link's token provider when there is no account to connect as (signed
    out): the link stops instead of retrying."""


class LiveLink:
    """The websocket to one room, on its own thread, reconnecting until closed.

    ``token()`` gives a current access token (it may refresh; it runs on the link's thread);
    ``on_message`` and ``on_state`` are called on the link's thread too: the owner hands them
    over to its own thread. ``on_open`` is called once connected, before any message.
    """

    def __init__(
        self,
        url: str,
        *,
        token: Callable[[bool], str],
        on_open: Callable[[], None],
        on_message: Callable[[bytes], None],
        on_state: Callable[[str, str], None],
        backoff: tuple[float, float] = (0.3, 5.0),
    ) -> None:
        self.url = url
        self._token = token
        self._on_open = on_open
        self._on_message = on_message
        self._on_state = on_state
        self._backoff = backoff
        self._stop = threading.Event()
        self._socket: Any = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="live-link", daemon=True)

    def start(self) -> LiveLink:
        self._thread.start()
        return self

    def send(self, data: bytes) -> None:
        """Send now if connected (dropped otherwise: the next hello resyncs)."""
        with self._lock:
            socket = self._socket
        if socket is None:
            return
        # Closing: the receive loop notices and reconnects.
        with contextlib.suppress(Exception):
            socket.send(data)

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            socket = self._socket
        if socket is not None:
            with contextlib.suppress(Exception):
                socket.close()
        if threading.current_thread() is not self._thread and self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        from websockets.exceptions import ConnectionClosed
        from websockets.sync.client import connect

        delay = self._backoff[0]
        fresh = False
        while not self._stop.is_set():
            self._on_state(CONNECTING, "")
            try:
                token = self._token(fresh)
            except LinkRefused as exc:
                self._on_state(REFUSED, str(exc))
                return
            except Exception as exc:  # the server is away for the refresh
                self._on_state(OFFLINE, str(exc))
                if self._stop.wait(delay):
                    return
                delay = min(delay * 2, self._backoff[1])
                continue
            code: int | None = None
            reason = ""
            try:
                with connect(
                    f"{self.url}?token={token}", open_timeout=5, max_size=64 * 1024 * 1024
                ) as socket:
                    with self._lock:
                        self._socket = socket
                    self._on_open()
                    first = True
                    while not self._stop.is_set():
                        try:
                            data = socket.recv(timeout=1.0)
                        except TimeoutError:
                            continue
                        if first:
                            first = False
                            delay = self._backoff[0]
                            self._on_state(LIVE, "")
                        if isinstance(data, bytes):
                            self._on_message(data)
            except ConnectionClosed as exc:
                code = exc.rcvd.code if exc.rcvd is not None else None
                reason = exc.rcvd.reason if exc.rcvd is not None else ""
            except Exception as exc:  # refused, unreachable, reset
                reason = str(exc) or type(exc).__name__
            finally:
                with self._lock:
                    self._socket = None
            if self._stop.is_set():
                return
            if code == 4401 and not fresh:
                fresh = True  # the token expired: one more try with a refreshed one
                continue
            if code in (4401, 4403):
                self._on_state(REFUSED, reason)
                return
            fresh = False
            self._on_state(OFFLINE, reason)
            if self._stop.wait(delay):
                return
            delay = min(delay * 2, self._backoff[1])


def room_url(server_url: str, doc_id: str) -> str:
    """The websocket address of a document's room on ``server_url`` (http or https)."""
    base = server_url.rstrip("/")
    scheme, _, rest = base.partition("://")
    return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/api/v1/collab/{doc_id}"
