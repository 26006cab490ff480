"""Turning whatever the clipboard holds into text fit for a scene.

Browsers put HTML and images on the clipboard; a scene only takes text. Control characters
other than tab and newline are dropped, line endings become ``\\n``, and a paste too large
to insert without freezing the editor is refused with a message instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# About 170,000 words: inserting this takes well under a second; more is an import's job.
MAX_PASTE_CHARS = 1_000_000
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ufffe\uffff\ufffc]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class PasteResult:
    text: str  # what to insert ("" for nothing)
    message: str = ""  # a one-line note for the writer, if anything was refused or dropped


def clean_text(text: str) -> str:
    """Text with line endings normalised and characters a scene cannot hold removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2029", "\n").replace("\u2028", "\n").replace("\u00a0", " ")
    text = _CONTROL_RE.sub("", text)
    return _SURROGATE_RE.sub("", text)


def prepare_paste(
    *, text: str | None, html: str | None, has_image: bool, html_to_text: object = None
) -> PasteResult:
    """What to insert for a clipboard holding ``text``, ``html`` and/or an image.

    ``html_to_text`` converts HTML when there is no plain-text form (Qt's converter, passed in
    so that this stays testable without a document).
    """
    raw = text
    if not raw and html and callable(html_to_text):
        raw = str(html_to_text(html))
    if not raw:
        if has_image:
            return PasteResult("", "Images cannot go into a scene; add them to the codex instead.")
        return PasteResult("")
    if len(raw) > MAX_PASTE_CHARS:
        size = len(raw.encode("utf-8", "surrogatepass")) / 1_000_000
        return PasteResult(
            "",
            f"Not pasted: the clipboard holds {size:.1f} MB of text (at most "
            f"{MAX_PASTE_CHARS // 1_000_000} million characters at a time); "
            "use File › Import… for a whole manuscript.",
        )
    cleaned = clean_text(raw)
    note = "Pasted as plain text." if html and not text else ""
    if len(cleaned) != len(raw.replace("\r\n", "\n")):
        note = "Pasted as plain text; characters a scene cannot hold were left out."
    return PasteResult(cleaned, note)
