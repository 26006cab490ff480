"""The smallest edits that turn one text into another, for the CRDT text and the editor.

A sync applies an incoming text as edits (not a replacement) so that concurrent edits on
other devices merge; the editor takes text a sync brought the same way, so that the
writer's cursor and undo history stay.
"""

from __future__ import annotations

import difflib


def text_edits(old: str, new: str) -> list[tuple[int, int, str]]:
    """``(start, end, replacement)`` edits that turn ``old`` into ``new``, few and small.

    Offsets are into ``old`` (code points), in ascending order and not overlapping; apply
    them from the last so that earlier offsets stay valid.
    """
    if old == new:
        return []
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    middle_old, middle_new = old[start:end_old], new[start:end_new]
    if not middle_old or not middle_new or len(middle_old) * len(middle_new) > 4_000_000:
        return [(start, end_old, middle_new)]
    matcher = difflib.SequenceMatcher(None, middle_old, middle_new, autojunk=False)
    return [
        (start + i1, start + i2, middle_new[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]
