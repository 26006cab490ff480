"""Showing what a sync brought, without losing the writer's place or their edits.

A sync writes other devices' changes to the library from a worker thread. Afterwards the
binder is read again (keeping what is expanded and selected) and the open scene or note takes
in the new text as edits (:meth:`~desktop.editor.SceneEditor.take_text`): the cursor, the
scroll position and the undo history stay. If the writer has edits not yet saved, nothing is
forced into the editor: the save merges them with the stored text (see
:mod:`desktop.editor.autosave`) and the merge comes back through :meth:`SyncRefresh.take_merge`.
"""

from __future__ import annotations

from core.errors import AuthorWorksError
from desktop.binder.model import EDITABLE_KINDS, BinderNode, NodeKind
from desktop.window.host import StudioWindow


class SyncRefresh:
    """Follows the library after a sync changed it, for one window."""

    def __init__(self, window: StudioWindow) -> None:
        self.window = window

    def sync_applied(self) -> None:
        """A sync wrote changes from other devices: show them where the writer is."""
        if self.window.library is None:
            return
        shown = self.window.current_node
        self.window.reload_binder_keeping_place()
        if shown is None:
            return
        if self.window.current_node is None:  # deleted on another device (it is in the trash)
            self._show_nearest(shown)
            return
        if shown.kind in EDITABLE_KINDS:
            self.refresh_open_text()
        else:
            self.window.show_node(
                self.window.current_node
            )  # a chapter's page or corkboard, with what arrived

    def _show_nearest(self, gone: BinderNode) -> None:
        if self.window.autosaver is not None:
            self.window.autosaver.save_now()  # edits to it still go to the library (and its trash)
        ancestor = gone.parent
        while ancestor is not None:
            if self.window.select(ancestor.kind, ancestor.id):
                self.window.statusBar().showMessage(
                    f"“{gone.title}” was deleted on another device; it is in the trash.", 8000
                )
                return
            ancestor = ancestor.parent
        self.window.show_empty()

    def refresh_open_text(self) -> None:
        """Take into the editor what a sync wrote to the open scene or note."""
        node, saver = self.window.current_node, self.window.autosaver
        if node is None or saver is None or not self.window.editor.scene_id:
            return
        if node.kind is NodeKind.SCENE:
            self.window.panels.scene_changed_elsewhere(
                node
            )  # synopsis, status, POV may have changed
        if self.window.live.absorb_stored(node.id):
            return  # a live scene takes what the sync brought into its document
        if self.window.editor.scene_id != node.id or saver.has_unsaved_text(node.id):
            return  # the save in hand merges; its merge comes back through take_merge
        try:
            stored = self.window.stored_text(node.kind, node.id)
        except AuthorWorksError:
            return
        base = saver.base(node.id)
        if stored == base:
            return
        mine = self.window.editor.scene_text()
        self.window.editor.take_text(stored if base is None else _merge(base, mine, stored))
        saver.rebase(node.id, stored)

    def take_merge(self, scene_id: str, sent: str, merged: str) -> None:
        """A save found the stored text changed by a sync and stored ``merged`` instead of
        ``sent``: the editor takes in the other side's changes, keeping edits made since."""
        if self.window.editor.scene_id != scene_id or self.window.autosaver is None:
            return
        self.window.editor.take_text(_merge(sent, self.window.editor.scene_text(), merged))
        self.window.autosaver.rebase(scene_id, merged)


def _merge(base: str, mine: str, theirs: str) -> str:
    # pycrdt is loaded at the first merge, not with the window (~0.03 s of start-up).
    from core.sync.text_merge import merge_text

    return merge_text(base, mine, theirs)
