"""The y-websocket wire format (y-protocols' sync, awareness and auth messages).

Every message starts with its type as a variable-length unsigned integer; sync messages then
carry their step and one length-prefixed payload, awareness messages one length-prefixed
update. A message that is cut short or carries bytes past its end is refused as a whole
(:class:`ProtocolError`): a room never applies half of what a client sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from pycrdt import Encoder, write_var_uint

SYNC = 0
AWARENESS = 1
AUTH = 2
QUERY_AWARENESS = 3

SYNC_STEP1 = 0
SYNC_STEP2 = 1
SYNC_UPDATE = 2
# An update that changes nothing (no structs, no deletions): clients send it after a sync.
EMPTY_UPDATE = b"\x00\x00"
_PERMISSION_DENIED = 0


class ProtocolError(ValueError):
    """A message that is not a well-formed y-websocket message."""


@dataclass(frozen=True)
class Message:
    kind: int
    step: int | None  # the sync step of a SYNC message
    payload: bytes


def _read_uint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data):
            raise ProtocolError("the message ends inside a number")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ProtocolError("a number in the message is too long")


def _read_bytes(data: bytes, pos: int) -> tuple[bytes, int]:
    length, pos = _read_uint(data, pos)
    end = pos + length
    if end > len(data):
        raise ProtocolError("the message is shorter than it says")
    return data[pos:end], end


def parse(data: bytes) -> Message:
    """The message in ``data``; ProtocolError when it is malformed."""
    kind, pos = _read_uint(data, 0)
    step: int | None = None
    if kind == SYNC:
        step, pos = _read_uint(data, pos)
        if step not in (SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE):
            raise ProtocolError(f"unknown sync step {step}")
        payload, pos = _read_bytes(data, pos)
    elif kind == AWARENESS:
        payload, pos = _read_bytes(data, pos)
    else:  # auth and query-awareness carry nothing the server reads
        payload, pos = b"", len(data)
    if pos != len(data):
        raise ProtocolError("the message has bytes after its end")
    return Message(kind, step, payload)


def sync_message(step: int, payload: bytes) -> bytes:
    return bytes([SYNC, step]) + write_var_uint(len(payload)) + payload


def awareness_message(update: bytes) -> bytes:
    return bytes([AWARENESS]) + write_var_uint(len(update)) + update


def permission_denied(reason: str) -> bytes:
    """The auth message y-websocket clients report as "permission denied" with ``reason``."""
    encoded = reason.encode("utf-8")
    return bytes([AUTH, _PERMISSION_DENIED]) + write_var_uint(len(encoded)) + encoded


def awareness_clients(update: bytes) -> list[tuple[int, int, bool]]:
    """(client id, clock, whether the state is null) of each entry of an awareness update."""
    count, pos = _read_uint(update, 0)
    entries = []
    for _ in range(count):
        client, pos = _read_uint(update, pos)
        clock, pos = _read_uint(update, pos)
        state, pos = _read_bytes(update, pos)
        entries.append((client, clock, state == b"null"))
    if pos != len(update):
        raise ProtocolError("the awareness update has bytes after its end")
    return entries


def awareness_removal(clients: list[tuple[int, int]]) -> bytes:
    """An awareness update that ends the states of ``clients`` (id, clock last seen)."""
    encoder = Encoder()
    encoder.write_var_uint(len(clients))
    for client, clock in clients:
        encoder.write_var_uint(client)
        encoder.write_var_uint(clock + 1)
        encoder.write_var_string("null")
    return encoder.to_bytes()
