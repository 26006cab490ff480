"""Fonts and inline markup for the PDF exporters (reportlab).

The shipped open-licence fonts are registered once per process and always embedded
(subset). Characters the book font lacks (Hebrew, Arabic, many symbols) are set in a
fallback font when the system has DejaVu Sans, so they print rather than show as boxes.
"""

from __future__ import annotations

import threading
from html import escape
from pathlib import Path

from core.errors import ExportFailedError
from core.export.content import BookContent, has_rtl
from core.export.fonts import BOOK_FACES, SCRIPT_FACE, font_file
from core.text import Span

BODY_FONT = "AWBook"
SCRIPT_FONT = "AWScript"
FALLBACK_FONT = "AWFallback"
_FALLBACK_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    Path("/Library/Fonts/DejaVuSans.ttf"),
)
_lock = threading.Lock()
_registered = False
_coverage: dict[str, frozenset[int]] = {}


def register_fonts() -> None:
    """Register the book and script fonts with reportlab (once per process)."""
    global _registered
    with _lock:
        if _registered:
            return
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        names = {"regular": BODY_FONT, "italic": f"{BODY_FONT}-Italic", "bold": f"{BODY_FONT}-Bold"}
        for face in BOOK_FACES:
            font = TTFont(names[face.style], str(font_file(face)))
            pdfmetrics.registerFont(font)
            _coverage[names[face.style]] = frozenset(font.face.charToGlyph)
        addMapping(BODY_FONT, 0, 0, BODY_FONT)
        addMapping(BODY_FONT, 0, 1, f"{BODY_FONT}-Italic")
        addMapping(BODY_FONT, 1, 0, f"{BODY_FONT}-Bold")
        addMapping(BODY_FONT, 1, 1, f"{BODY_FONT}-Bold")  # no bold italic face is shipped
        script = TTFont(SCRIPT_FONT, str(font_file(SCRIPT_FACE)))
        pdfmetrics.registerFont(script)
        _coverage[SCRIPT_FONT] = frozenset(script.face.charToGlyph)
        for name in (SCRIPT_FONT,):
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(name, bold, italic, name)
        fallback = next((p for p in _FALLBACK_CANDIDATES if p.is_file()), None)
        if fallback is not None:
            font = TTFont(FALLBACK_FONT, str(fallback))
            pdfmetrics.registerFont(font)
            _coverage[FALLBACK_FONT] = frozenset(font.face.charToGlyph)
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FALLBACK_FONT, bold, italic, FALLBACK_FONT)
        _registered = True


def check_direction(book: BookContent) -> None:
    """Refuse right-to-left books and warn about right-to-left passages in the PDF.

    The PDF layout sets lines left to right; right-to-left scripts would come out in reverse
    and unshaped, so such a book gets a clear message (EPUB and DOCX handle it fully).
    """
    if book.is_rtl:
        raise ExportFailedError(
            f"{book.title!r} is written right to left ({book.language}); print PDF does not "
            "support right-to-left books yet: export EPUB or DOCX instead"
        )
    texts = [book.title, book.subtitle, book.author]
    for chapter in book.chapters:
        texts.append(chapter.title)
        texts.extend(scene.text for scene in chapter.scenes)
        texts.extend(scene.title for scene in chapter.scenes)
    if any(has_rtl(text) for text in texts):
        book.warnings.append(
            "the book has right-to-left passages; the PDF sets them left to right, "
            "so check them (EPUB and DOCX show them correctly)"
        )


def _escape(text: str) -> str:
    return escape(text, quote=False)


def markup_text(text: str, font: str = BODY_FONT) -> str:
    """Plain text as reportlab paragraph markup, with uncovered characters in the fallback font."""
    covered = _coverage.get(font)
    if covered is None or all(ord(ch) in covered or ch == "\n" for ch in text):
        return _escape(text).replace("\n", "<br/>")
    fallback = _coverage.get(FALLBACK_FONT, frozenset())
    out: list[str] = []
    run: list[str] = []
    run_fallback = False
    for ch in text:
        use_fallback = ch != "\n" and ord(ch) not in covered and ord(ch) in fallback
        if use_fallback != run_fallback and run:
            out.append(_wrap("".join(run), run_fallback))
            run = []
        run_fallback = use_fallback
        run.append(ch)
    if run:
        out.append(_wrap("".join(run), run_fallback))
    return "".join(out).replace("\n", "<br/>")


def _wrap(text: str, fallback: bool) -> str:
    body = _escape(text)
    return f'<font name="{FALLBACK_FONT}">{body}</font>' if fallback else body


def markup_spans(spans: tuple[Span, ...] | list[Span], font: str = BODY_FONT) -> str:
    """Styled spans as reportlab paragraph markup (<i>, <b>)."""
    out: list[str] = []
    for span in spans:
        body = markup_text(span.text, font)
        if span.italic:
            body = f"<i>{body}</i>"
        if span.bold:
            body = f"<b>{body}</b>"
        out.append(body)
    return "".join(out)
