"""Marking codex names in the editor, and finding the entry under the cursor for Ctrl+click.

``CodexHighlighter(document, entries)`` underlines every name and alias of the book's codex
entries (whole words, case as written) in a colour per kind. ``entries`` are
:class:`core.store.codex.CodexName` items, as ``codex_names(session=, book_id=)`` returns, or
``(kind, entry_id, name)`` tuples. ``codex_entry_at(document, position)`` answers which entry
(``(kind, entry_id)``) a click at ``position`` landed on, or None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtGui import QColor, QTextCharFormat, QTextDocument

from core.store.codex import CodexName
from desktop.editor.layered_highlighter import FormatRange, HighlightLayer

KIND_COLOURS = {"character": "#1f5fa8", "location": "#2e7d32", "lore": "#8a4baf"}


def _as_names(entries: Iterable[CodexName | tuple[str, str, str]]) -> list[CodexName]:
    names = [e if isinstance(e, CodexName) else CodexName(*e) for e in entries]
    return [n for n in names if n.name.strip()]


class CodexHighlighter(HighlightLayer):
    """Underlines codex names and aliases; knows which entry each mark belongs to."""

    layer_order = 10

    def __init__(
        self, document: QTextDocument, entries: Iterable[CodexName | tuple[str, str, str]]
    ) -> None:
        super().__init__(document)
        self._formats: dict[str, QTextCharFormat] = {}
        for kind, colour in KIND_COLOURS.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colour))
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
            fmt.setUnderlineColor(QColor(colour))
            self._formats[kind] = fmt
        self._pattern: re.Pattern[str] | None = None
        self._by_name: dict[str, CodexName] = {}
        self._matches: dict[str, list[tuple[int, int, CodexName]]] = {}
        self.set_entries(entries)

    def set_entries(self, entries: Iterable[CodexName | tuple[str, str, str]]) -> None:
        """Replace the names to mark (after the codex changed) and re-highlight."""
        names = _as_names(entries)
        # The first entry to claim a name keeps it; longest names first so "Anna Marsh"
        # wins over "Anna" where both could match.
        self._by_name = {}
        for n in names:
            self._by_name.setdefault(n.name, n)
        ordered = sorted(self._by_name, key=lambda s: (-len(s), s))
        self._pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")
            if ordered
            else None
        )
        self._matches = {}
        self.rehighlight_all()

    @property
    def names(self) -> list[CodexName]:
        return list(self._by_name.values())

    def matches(self, text: str) -> list[tuple[int, int, CodexName]]:
        """(start, end, entry name) of every codex name in ``text``."""
        if self._pattern is None:
            return []
        # Asked twice per block (this layer's marks, and the spelling layer's skipped words).
        found = self._matches.get(text)
        if found is None:
            if len(self._matches) >= 20_000:
                self._matches.clear()
            found = self._matches[text] = [
                (m.start(), m.end(), self._by_name[m.group()]) for m in self._pattern.finditer(text)
            ]
        return found

    def layer_ranges(self, text: str) -> list[FormatRange]:
        return [
            (start, end - start, self._formats.get(name.kind, self._formats["lore"]))
            for start, end, name in self.matches(text)
        ]


def codex_entry_at(document: QTextDocument, position: int) -> tuple[str, str] | None:
    """The (kind, entry id) of the codex name at ``position`` in ``document``, if any."""
    highlighter = next(iter(document.findChildren(CodexHighlighter)), None)
    if highlighter is None:
        return None
    block = document.findBlock(position)
    if not block.isValid():
        return None
    offset = position - block.position()
    for start, end, name in highlighter.matches(block.text()):
        # A click on the right half of a name's last letter puts the cursor just after it.
        if start <= offset <= end:
            return name.kind, name.entry_id
    return None
