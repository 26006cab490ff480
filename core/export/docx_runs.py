"""One run of a DOCX paragraph, written straight in XML (python-docx sets text char by char)."""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn
from lxml import etree

_W_R, _W_T, _W_RPR, _W_I, _W_B, _W_BR = (qn(f"w:{t}") for t in ("r", "t", "rPr", "i", "b", "br"))
_W_DEL_TEXT = qn("w:delText")
_XML_SPACE = qn("xml:space")


def append_run(
    parent: Any, text: str, *, bold: bool = False, italic: bool = False, deleted: bool = False
) -> Any:
    """A run of ``text`` at the end of ``parent`` (a paragraph, or a tracked change in one);
    line breaks become ``w:br``; ``deleted`` text is tracked-deletion text."""
    r = etree.SubElement(parent, _W_R)
    if italic or bold:
        rpr = etree.SubElement(r, _W_RPR)
        if bold:
            etree.SubElement(rpr, _W_B)
        if italic:
            etree.SubElement(rpr, _W_I)
    for i, line in enumerate(text.split("\n")):
        if i:
            etree.SubElement(r, _W_BR)
        t = etree.SubElement(r, _W_DEL_TEXT if deleted else _W_T)
        t.text = line
        t.set(_XML_SPACE, "preserve")
    return r
