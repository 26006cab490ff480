"""Which documents' texts are open in a live room in this process, library by library.

A live document records its text itself (every keystroke is a Yjs edit, stored with the text
by :mod:`core.sync.live_store`). The capture that turns edited rows into sync updates must
leave those texts alone: recording a live scene's text again from its row would be a second
copy of the same characters. Fields (a synopsis, a status) are still captured as usual.

A library is named by its database URL (what a capture's session is bound to), so two
libraries open in one process never mistake each other's documents.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_live: dict[tuple[str, str], int] = {}  # (library, document id) -> bindings holding it


def hold(library: str, doc_id: str) -> None:
    with _lock:
        key = (library, doc_id)
        _live[key] = _live.get(key, 0) + 1


def release(library: str, doc_id: str) -> None:
    with _lock:
        key = (library, doc_id)
        count = _live.get(key, 0) - 1
        if count > 0:
            _live[key] = count
        else:
            _live.pop(key, None)


def live_texts(library: str) -> frozenset[str]:
    """The ids of the documents of ``library`` whose texts are live now."""
    with _lock:
        return frozenset(doc for lib, doc in _live if lib == library)
