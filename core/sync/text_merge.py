"""Three-way merge of a text edited in two places since a common version.

The editor keeps the text it last loaded or saved (the base). When a sync has changed the
stored text meanwhile, saving the editor's text as it stands would undo the other device's
edit here and then, through capture, on every device. :func:`merge_text` keeps both: it
replays each side's changes against the base in its own CRDT document (the same Yjs text
type the sync uses, so the result is what the two devices would converge to) and joins them.
"""

from __future__ import annotations

import pycrdt

from core.sync.documents import apply_text_edit

# Fixed client ids make the merge deterministic: where both sides insert at one place,
# Yjs orders the inserts by client id, so "mine" comes first.
_BASE_CLIENT, _MINE_CLIENT, _THEIRS_CLIENT = 1, 2, 3


def _fork(base_update: bytes, client_id: int) -> tuple[pycrdt.Doc, pycrdt.Text]:
    doc: pycrdt.Doc = pycrdt.Doc(client_id=client_id)
    doc.apply_update(base_update)
    return doc, doc.get("text", type=pycrdt.Text)


def merge_text(base: str, mine: str, theirs: str) -> str:
    """``base`` with both the changes that made ``mine`` and those that made ``theirs``.

    Where one side left the base as it was, the other side's text is the answer. Deletions
    win over edits inside the deleted span; no inserted character of either side is lost.
    """
    if mine == theirs or theirs == base:
        return mine
    if mine == base:
        return theirs
    origin: pycrdt.Doc = pycrdt.Doc(client_id=_BASE_CLIENT)
    origin.get("text", type=pycrdt.Text).insert(0, base)
    base_update: bytes = origin.get_update()
    mine_doc, mine_text = _fork(base_update, _MINE_CLIENT)
    theirs_doc, theirs_text = _fork(base_update, _THEIRS_CLIENT)
    apply_text_edit(mine_text, base, mine)
    apply_text_edit(theirs_text, base, theirs)
    mine_doc.apply_update(theirs_doc.get_update(mine_doc.get_state()))
    return str(mine_text)
