"""Which Word comments answer which, and which are resolved (``word/commentsExtended.xml``).

Word keeps a reply as a comment of its own, on the same passage; what makes it a reply is its
entry in the comments-extended part, naming its parent by the ``w14:paraId`` of the parent's
last paragraph, and ``w15:done="1"`` marks a resolved thread. Without that part (older Word,
pandoc) every comment stands alone, open.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
_PARTNAME = "/word/commentsExtended.xml"


def comment_threads(document: Any, comments: list[Any]) -> dict[str, tuple[str, bool]]:
    """For each of ``comments`` (python-docx Comments) found in the part: its parent's id
    ("" for a comment that starts a thread) and whether it is done."""
    extended = _extended_entries(document)
    if not extended:
        return {}
    by_para: dict[str, str] = {}
    for comment in comments:
        paragraphs = comment._comment_elm.findall(f"{{{_W}}}p")
        if paragraphs:
            para_id = paragraphs[-1].get(f"{{{W14}}}paraId")
            if para_id:
                by_para[para_id.upper()] = str(comment.comment_id)
    found: dict[str, tuple[str, bool]] = {}
    for para_id, (parent_para, done) in extended.items():
        ident = by_para.get(para_id)
        if ident is None:
            continue
        parent = by_para.get(parent_para, "") if parent_para else ""
        found[ident] = (parent if parent != ident else "", done)
    return found


def _extended_entries(document: Any) -> dict[str, tuple[str, bool]]:
    """paraId -> (parent paraId, done) from the comments-extended part, if there is one."""
    try:
        parts = list(document.part.package.iter_parts())
    except (AttributeError, KeyError, ValueError):
        return {}
    part = next((p for p in parts if str(p.partname).lower() == _PARTNAME.lower()), None)
    if part is None:
        return {}
    try:
        root = etree.fromstring(part.blob)
    except (etree.XMLSyntaxError, ValueError):  # a broken part costs the threads, not the book
        return {}
    entries = {}
    for entry in root.iter(f"{{{W15}}}commentEx"):
        para_id = (entry.get(f"{{{W15}}}paraId") or "").upper()
        if para_id:
            parent = (entry.get(f"{{{W15}}}paraIdParent") or "").upper()
            entries[para_id] = (parent, entry.get(f"{{{W15}}}done") in ("1", "true"))
    return entries
