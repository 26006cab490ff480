"""Find and replace across the project: query, options, scope, hits, replace with undo.

``SearchPanel(library)`` searches on a worker thread (a search of a big library can take
longer than a frame), shows the hits grouped by scene with a line of context, and emits
``open_scene_requested(scene_id, offset, length)`` when a hit is activated. The scope offers
what :meth:`set_scope_context` was told is open (scene, chapter, book) and the whole library.
A book or library search also lists hits in research notes (then the id is the note's); they
are not replaced.

Replace and Replace All write to the library: ``about_to_modify`` is emitted first (connect it
directly, so the editor saves unsaved text before), and ``scenes_changed(list of scene ids)``
after, so the editor reloads the scenes it shows. Each replace snapshots the scenes it changes;
"Undo Replace" restores those snapshots, the most recent replace first.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import AuthorWorksError
from core.jobs import JobContext
from core.store.library import Library
from core.store.search import (
    ReplaceResult,
    SearchHit,
    replace_all,
    replace_hit,
    search,
    undo_replace,
)
from core.text.counts import count_of
from desktop.jobs.background import Background

_log = logging.getLogger(__name__)
_ROLE = Qt.ItemDataRole.UserRole
# Listing more would cost the UI thread more than a frame; Replace All still sees every match.
MAX_LISTED_HITS = 1000
SCOPE_LABELS = {"scene": "This scene", "chapter": "This chapter", "book": "This book",
                "library": "Whole library"}  # fmt: skip


def _display_snippet(hit: SearchHit, lead: int = 24) -> str:
    """The snippet with less context before the match, so a narrow list still shows it."""
    if hit.snippet_offset <= lead + 1:
        return hit.snippet
    return "…" + hit.snippet[hit.snippet_offset - lead :].lstrip()


class SearchPanel(QWidget):
    """Project-wide find and replace."""

    open_scene_requested = Signal(str, int, int)  # scene id, offset, length
    about_to_modify = Signal()
    scenes_changed = Signal(list)  # scene ids whose text changed
    search_finished = Signal(int)  # number of hits

    def __init__(
        self,
        library: Library,
        parent: QWidget | None = None,
        *,
        background: Background | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.background = background or Background(self)
        self._context: dict[str, str | None] = {"book": None, "chapter": None, "scene": None}
        self._generation = 0
        self._undo: list[ReplaceResult] = []
        self._last_options: dict[str, Any] | None = None
        self._preferred_scope = "book"
        self._note = ""  # said before the next search's summary (what a replace did)
        self.hits: list[SearchHit] = []

        self.query_edit = QLineEdit()
        self.query_edit.setPlaceholderText("Find")
        self.query_edit.setClearButtonEnabled(True)
        self.replace_edit = QLineEdit()
        self.replace_edit.setPlaceholderText("Replace with")
        self.whole_word_box = QCheckBox("Whole word")
        self.case_box = QCheckBox("Match case")
        self.regex_box = QCheckBox("Regex")
        self.scope_box = QComboBox()
        self.find_button = QPushButton("Find")
        self.replace_button = QPushButton("Replace")
        self.replace_all_button = QPushButton("Replace All")
        self.undo_button = QPushButton("Undo Replace")
        self.results = QTreeWidget()
        self.results.setHeaderHidden(True)
        self.results.setAccessibleName("Search results")
        self.status = QLabel()
        self.status.setWordWrap(True)

        grid = QGridLayout()
        grid.addWidget(self.query_edit, 0, 0)
        grid.addWidget(self.find_button, 0, 1)
        grid.addWidget(self.replace_edit, 1, 0)
        grid.addWidget(self.replace_button, 1, 1)
        options = QHBoxLayout()
        for box in (self.whole_word_box, self.case_box, self.regex_box):
            options.addWidget(box)
        options.addStretch(1)
        options.addWidget(self.scope_box)
        bulk = QHBoxLayout()
        bulk.addStretch(1)
        bulk.addWidget(self.undo_button)
        bulk.addWidget(self.replace_all_button)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(options)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        layout.addLayout(bulk)

        self.query_edit.returnPressed.connect(self.start_search)
        self.find_button.clicked.connect(self.start_search)
        self.replace_button.clicked.connect(lambda: self.replace_current())
        self.replace_all_button.clicked.connect(lambda: self.replace_all())
        self.undo_button.clicked.connect(lambda: self.undo_last_replace())
        self.scope_box.activated.connect(
            lambda _i: setattr(self, "_preferred_scope", self.scope_box.currentData())
        )
        self.results.itemActivated.connect(self._on_activated)
        self.results.itemClicked.connect(self._on_activated)
        self.set_scope_context(None, None, None)
        self._update_buttons()

    # ------------------------------------------------------------------ scope

    def set_scope_context(
        self, book_id: str | None, chapter_id: str | None, scene_id: str | None
    ) -> None:
        """What is open in the editor: offered as scopes beside the whole library."""
        self._context = {"book": book_id, "chapter": chapter_id, "scene": scene_id}
        self.scope_box.blockSignals(True)
        self.scope_box.clear()
        for kind in ("scene", "chapter", "book"):
            if self._context[kind]:
                self.scope_box.addItem(SCOPE_LABELS[kind], kind)
        self.scope_box.addItem(SCOPE_LABELS["library"], "library")
        # Keep the writer's choice; where it is not on offer, the next wider scope.
        order = ["scene", "chapter", "book", "library"]
        for kind in order[order.index(self._preferred_scope) :]:
            index = self.scope_box.findData(kind)
            if index >= 0:
                self.scope_box.setCurrentIndex(index)
                break
        self.scope_box.blockSignals(False)

    def set_scope(self, kind: str) -> None:
        """Search in ``kind`` ("scene", "chapter", "book", "library") from now on."""
        self._preferred_scope = kind
        index = self.scope_box.findData(kind)
        if index >= 0:
            self.scope_box.setCurrentIndex(index)

    def scope(self) -> tuple[str, str | None]:
        kind = self.scope_box.currentData() or "library"
        return (kind, self._context.get(kind)) if kind != "library" else ("library", None)

    def options(self) -> dict[str, Any]:
        """The search as the form stands: keyword arguments for core.store.search."""
        return {
            "query": self.query_edit.text(),
            "scope": self.scope(),
            "whole_word": self.whole_word_box.isChecked(),
            "case_sensitive": self.case_box.isChecked(),
            "regex": self.regex_box.isChecked(),
        }

    # ------------------------------------------------------------------ searching

    def start_search(self) -> None:
        """Search off the UI thread; results replace the list when they arrive."""
        options = self.options()
        if not options["query"]:
            self._show_hits([])
            self.status.setText("Type something to find.")
            return
        self._generation += 1
        generation, library = self._generation, self.library
        wanted = {**options, "limit": MAX_LISTED_HITS + 1}

        def run_search(_ctx: JobContext) -> tuple[list[Any], float]:
            start = time.perf_counter()
            with library.session() as s:
                hits = search(session=s, **wanted)
            return hits, (time.perf_counter() - start) * 1000

        self._last_options = options
        self.status.setText("Searching…")
        self.background.run(
            run_search,
            description="search",
            on_done=lambda found: self._on_search_done(generation, found[0], found[1]),
            on_failed=lambda message: self._on_search_done(generation, message, 0.0),
        )

    def _on_search_done(self, generation: int, result: object, ms: float) -> None:
        if generation != self._generation:
            return  # an older search finished after a newer one started
        if isinstance(result, str):
            self._show_hits([])
            self.status.setText(result)
            self.search_finished.emit(0)
            return
        assert isinstance(result, list)
        more = len(result) > MAX_LISTED_HITS
        result = result[:MAX_LISTED_HITS]
        self._show_hits(result)
        scenes = len({h.scene_id for h in result if h.kind == "scene"})
        notes = len({h.scene_id for h in result if h.kind == "note"})
        places = [count_of(scenes, "scene")] if scenes else []
        if notes:  # research notes are found (in a book or the library), never replaced
            places.append(f"{count_of(notes, 'research note')}, not replaced")
        if more:
            summary = f"More than {MAX_LISTED_HITS:,} matches; the first {MAX_LISTED_HITS:,} shown."
        elif result:
            summary = f"{count_of(len(result), 'match')} in {' and '.join(places)} · {ms:.0f} ms"
        else:
            summary = "No matches."
        self.status.setText(f"{self._note} {summary}".strip())
        self._note = ""
        self.search_finished.emit(len(result))

    def _show_hits(self, hits: list[SearchHit]) -> None:
        self.hits = hits
        self.results.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for index, hit in enumerate(hits):
            group = groups.get(hit.scene_id)
            if group is None:
                group = QTreeWidgetItem([hit.place])
                group.setData(0, _ROLE, -1)
                group.setFirstColumnSpanned(True)
                self.results.addTopLevelItem(group)
                groups[hit.scene_id] = group
            item = QTreeWidgetItem([_display_snippet(hit)])
            item.setData(0, _ROLE, index)
            item.setToolTip(0, hit.snippet)
            group.addChild(item)
        for group in groups.values():
            group.setText(0, f"{group.text(0)} ({group.childCount()})")
            group.setExpanded(True)
        if hits:
            first = next(iter(groups.values())).child(0)
            if first is not None:
                self.results.setCurrentItem(first)
        self._update_buttons()

    def current_hit(self) -> SearchHit | None:
        item = self.results.currentItem()
        index = item.data(0, _ROLE) if item is not None else -1
        return self.hits[index] if index is not None and 0 <= index < len(self.hits) else None

    def _on_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        index = item.data(0, _ROLE)
        if index is None or index < 0:
            return
        hit = self.hits[index]
        self.open_scene_requested.emit(hit.scene_id, hit.offset, hit.length)

    # ------------------------------------------------------------------ replacing

    def _replace_options(self) -> dict[str, Any] | None:
        # Replace what the list shows: the options of the search that made it.
        return self._last_options

    def replace_current(self) -> bool:
        """Replace the selected hit, then search again (offsets after it have moved)."""
        hit, options = self.current_hit(), self._replace_options()
        if hit is None or options is None:
            return False
        self.about_to_modify.emit()
        try:
            with self.library.session() as s:
                result = replace_hit(
                    session=s,
                    hit=hit,
                    query=options["query"],
                    replacement=self.replace_edit.text(),
                    whole_word=options["whole_word"],
                    case_sensitive=options["case_sensitive"],
                    regex=options["regex"],
                )
        except AuthorWorksError as exc:
            self.status.setText(str(exc))
            return False
        self._after_replace(result)
        return True

    def replace_all(self) -> ReplaceResult | None:
        """Replace every match in scope (each scene is snapshotted first)."""
        options = self._replace_options() or self.options()
        if not options["query"]:
            return None
        self.about_to_modify.emit()
        try:
            with self.library.session() as s:
                result = replace_all(session=s, replacement=self.replace_edit.text(), **options)
        except AuthorWorksError as exc:
            self.status.setText(str(exc))
            return None
        self._after_replace(result)
        return result

    def _after_replace(self, result: ReplaceResult) -> None:
        if result.changes:
            self._undo.append(result)
            self.scenes_changed.emit(result.scene_ids)
        self._update_buttons()
        self._note = (
            f"Replaced {count_of(result.total, 'match')} in "
            f"{count_of(len(result.changes), 'scene')}."
        )
        self.start_search()

    def undo_last_replace(self) -> list[str]:
        """Undo the most recent replace by restoring its snapshots."""
        if not self._undo:
            return []
        result = self._undo.pop()
        self.about_to_modify.emit()
        with self.library.session() as s:
            restored = undo_replace(session=s, result=result)
        self.scenes_changed.emit(restored)
        self._update_buttons()
        self._note = f"Undid the replace in {count_of(len(restored), 'scene')}."
        if self._last_options is not None:
            self.start_search()
        else:
            self.status.setText(self._note)
        return restored

    def _update_buttons(self) -> None:
        self.undo_button.setEnabled(bool(self._undo))
        self.replace_button.setEnabled(bool(self.hits))
        self.replace_all_button.setEnabled(bool(self.hits))
