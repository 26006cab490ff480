"""The history of requests: what was asked, what it resolved to, whether it ran, its undo.

One JSON line per request in ``command-history.jsonl`` beside the library's database, the
newest last; the bar lists them newest first and ``authorworks do --undo`` takes back the
last one that can be. Kept to the last :data:`KEEP` requests.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.commands.runner import Undo

FILE_NAME = "command-history.jsonl"
KEEP = 500


def history_path(root: Path) -> Path:
    return Path(root) / FILE_NAME


def load(root: Path) -> list[dict[str, Any]]:
    """Every kept entry, oldest first; a damaged line is skipped, not fatal."""
    path = history_path(root)
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def record(
    root: Path,
    *,
    text: str,
    resolution: dict[str, Any],
    ran: bool,
    exit_code: int | None = None,
    undo: Undo | None = None,
) -> dict[str, Any]:
    entry = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "text": text,
        "command": resolution.get("command"),
        "arguments": resolution.get("arguments", {}),
        "confidence": resolution.get("confidence"),
        "source": resolution.get("source", "offline"),
        "ran": ran,
        "exit": exit_code,
        "undo": asdict(undo) if undo else None,
        "undone": False,
    }
    entries = load(root)
    entries.append(entry)
    _write(root, entries[-KEEP:])
    return entry


def recent(root: Path, limit: int = 20) -> list[dict[str, Any]]:
    """The newest entries first, one per distinct request text."""
    seen: set[str] = set()
    out = []
    for entry in reversed(load(root)):
        key = str(entry.get("text", "")).strip().casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(entry)
        if len(out) >= limit:
            break
    return out


def last_undoable(root: Path) -> tuple[int, Undo] | None:
    """The index and undo of the newest request that ran and can still be taken back."""
    entries = load(root)
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        step = entry.get("undo")
        if entry.get("ran") and step and not entry.get("undone"):
            return index, Undo(str(step.get("kind")), dict(step.get("data") or {}),
                               str(step.get("label") or ""))  # fmt: skip
    return None


def mark_undone(root: Path, index: int) -> None:
    entries = load(root)
    if 0 <= index < len(entries):
        entries[index]["undone"] = True
        _write(root, entries)


def _write(root: Path, entries: list[dict[str, Any]]) -> None:
    path = history_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Whole or not at all: a full disk leaves the old history, not half a line.
    fd, tmp = tempfile.mkstemp(prefix=".history-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for entry in entries:
                f.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
