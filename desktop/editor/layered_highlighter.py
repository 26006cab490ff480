"""One syntax highlighter per document that paints several layers of marks, merged.

Qt gives each block one list of extra formats, and every ``QSyntaxHighlighter`` on a document
replaces that list with its own when it highlights a block; several highlighters on one
document would also each re-highlight every edited block. So a document has a single
:class:`LayerHost` (the editor's Markdown/Fountain highlighter is one; a plain host is made
when a layer is put on a document that has none), and codex names and spelling are
:class:`HighlightLayer` objects on it. The host asks every layer for its ranges in a block,
bottom layer first, and paints them merged: a keystroke runs each layer once.

Each layer keeps the ranges it found per block text, so re-highlighting a block whose text is
unchanged (Qt re-highlights following blocks when a block state changes; a layer whose data
changed re-highlights the document) costs only for the layers whose data changed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QSyntaxHighlighter, QTextBlock, QTextCharFormat, QTextDocument

FormatRange = tuple[int, int, QTextCharFormat]  # start, length, format

# A layer remembers this many block texts; past it the memory is dropped and rebuilt.
_CACHE_LIMIT = 20_000


def paint_ranges(highlighter: QSyntaxHighlighter, text: str, ranges: list[FormatRange]) -> None:
    """Set the formats of ``ranges`` on the block being highlighted, later ranges merged over
    earlier ones where they overlap (their properties win where both set one)."""
    size = len(text)
    clipped = [(s, min(s + n, size), f) for s, n, f in ranges if n > 0 and s < size]
    if not clipped:
        return
    bounds = sorted({0, size, *(s for s, _e, _f in clipped), *(e for _s, e, _f in clipped)})
    # Between two consecutive bounds the same ranges apply: merge once per segment, not
    # once per character.
    for left, right in itertools.pairwise(bounds):
        covering = [f for s, e, f in clipped if s <= left and right <= e]
        if not covering:
            continue
        if len(covering) == 1:
            highlighter.setFormat(left, right - left, covering[0])
            continue
        merged = QTextCharFormat(covering[0])
        for fmt in covering[1:]:
            merged.merge(fmt)
        highlighter.setFormat(left, right - left, merged)


class HighlightLayer(QObject):
    """Marks of one kind (codex names, misspellings) painted by its document's host.

    The layer is a child of the document, so it goes with it and
    ``document.findChildren(kind)`` finds it.
    """

    #: Lower layers are painted first; a higher one's properties win where both set one.
    layer_order = 0

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._document = document
        self._ranges: dict[str, list[FormatRange]] = {}
        self.host = LayerHost.of(document)
        self.host.add_layer(self)

    def document(self) -> QTextDocument:
        return self._document

    def layer_ranges(self, text: str) -> list[FormatRange]:
        """The ranges this layer marks in one block's text."""
        raise NotImplementedError

    def cached_ranges(self, text: str) -> list[FormatRange]:
        """:meth:`layer_ranges`, remembered per block text until the layer's data changes."""
        found = self._ranges.get(text)
        if found is None:
            if len(self._ranges) >= _CACHE_LIMIT:
                self._ranges.clear()
            found = self._ranges[text] = self.layer_ranges(text)
        return found

    def forget_ranges(self) -> None:
        self._ranges.clear()

    def siblings(self) -> list[HighlightLayer]:
        """Every layer on the document (this one included), bottom layer first."""
        return list(self.host.live_layers())

    def sibling(self, kind: type[HighlightLayer]) -> HighlightLayer | None:
        for layer in self.host.live_layers():
            if isinstance(layer, kind):
                return layer
        return None

    def rehighlight(self) -> None:
        """Re-highlight the document, every layer computed afresh (this layer's data, or a
        sibling's it depends on, changed)."""
        self.host.layers_changed()

    def rehighlight_all(self) -> None:
        self.rehighlight()

    def rehighlightBlock(self, block: QTextBlock) -> None:
        self.host.rehighlightBlock(block)


class LayerHost(QSyntaxHighlighter):
    """The one highlighter of a document: its own ranges (none here) under its layers'."""

    def __init__(self, document: QTextDocument) -> None:
        self.layers: list[HighlightLayer] = []
        #: While set, layers being added or changed do not re-highlight (the caller paints
        #: once when done, as the editor does when it loads a scene).
        self.deferred = False
        #: While set, blocks starting past this position get their state but no marks yet
        #: (the editor paints them a little later).
        self.paint_until: int | None = None
        #: Set by a view that repaints in steps (the scene editor): called instead of
        #: re-highlighting the whole document at once when a layer's data changes (a
        #: dictionary arriving, the codex edited), which would hold the UI for as long as a
        #: long scene takes to highlight.
        self.repaint_later: Callable[[], None] | None = None
        previous = [h for h in document.findChildren(LayerHost) if h.document() is not None]
        super().__init__(document)
        for host in previous:
            # A document has one host: the newcomer (the editor's base highlighter) takes
            # over the layers of a plain host made before it.
            for layer in host.layers:
                layer.host = self
                self.layers.append(layer)
            host.layers = []
            host.setDocument(None)
            host.deleteLater()
        self.layers.sort(key=lambda layer: layer.layer_order)

    @staticmethod
    def of(document: QTextDocument) -> LayerHost:
        """The host of ``document``, made if it has none yet."""
        for host in document.findChildren(LayerHost):
            if host.document() is not None:
                return host
        return LayerHost(document)

    def add_layer(self, layer: HighlightLayer) -> None:
        self.layers.append(layer)
        self.layers.sort(key=lambda item: item.layer_order)
        # A new layer can change another's ranges (spelling skips codex names).
        for other in self.layers:
            other.forget_ranges()

    def live_layers(self) -> list[HighlightLayer]:
        """The layers, less any deleted on its own (not with the document): dropped here,
        not from its destroyed signal, which may arrive while Qt tears the document down."""
        if not all(shiboken6.isValid(layer) for layer in self.layers):
            self.layers = [layer for layer in self.layers if shiboken6.isValid(layer)]
        return self.layers

    def layers_changed(self) -> None:
        """A layer's data changed: forget every layer's ranges and re-highlight (unless
        deferred)."""
        for layer in self.live_layers():
            layer.forget_ranges()
        if not self.deferred and self.document() is not None:
            if self.repaint_later is not None:
                self.repaint_later()
            else:
                self.rehighlight()

    def base_ranges(self, text: str) -> list[FormatRange]:
        """This highlighter's own ranges in the block being highlighted (the bottom layer)."""
        return []

    def highlightBlock(self, text: str) -> None:
        ranges = list(self.base_ranges(text))
        if self.paint_until is not None and self.currentBlock().position() > self.paint_until:
            return
        if text:
            for layer in self.live_layers():
                ranges += layer.cached_ranges(text)
        paint_ranges(self, text, ranges)


# The old name: code that subclassed it for a layer keeps working.
LayeredHighlighter = HighlightLayer
