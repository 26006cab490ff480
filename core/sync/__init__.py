"""Sync: CRDT documents for the library's entities, the wire protocol, the client engine.

The server (sync_server) imports :mod:`core.sync.protocol` and :mod:`core.sync.documents`;
the client engine lives in :mod:`core.sync.engine`. Nothing here imports a web framework.
"""

from __future__ import annotations
