"""Word (DOCX) manuscripts: heading styles make chapters and scenes, runs keep their emphasis.

The ``Title`` style and ``Heading 1`` start chapters (a single Title that opens a document
whose chapters are Heading 1 is the book's title instead) and ``Heading 2`` starts a titled
scene, following the shared rules of :mod:`core.importers.structure`. Styles based on a
heading style, and paragraphs with an outline level, count as that heading. A paragraph that
reads as a break marker (``* * *``, ``#``, ``⁂``), a centred paragraph of nothing but
ornament, and Word's horizontal-line paragraph are scene breaks.

Italic and bold (set on the run, or by its character or paragraph style) become ``*`` and
``**``; neighbouring runs of one style are merged. Comments and tracked changes (``w:ins``,
``w:del``, as Word, LibreOffice and pandoc write them) are kept, not applied: they come in as
comments and pending suggestions (see :mod:`core.importers.review_marks`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.importers.comment_threads import comment_threads
from core.importers.draft import BookDraft
from core.importers.inline_spans import spans_to_markdown
from core.importers.review_marks import mark
from core.importers.source import fail
from core.importers.structure import blocks_to_chapters
from core.importers.zip_package import open_package
from core.text import Block, Heading, Paragraph, SceneBreak, Span, count_words, is_scene_break

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HR_ATTR = "{urn:schemas-microsoft-com:office:office}hr"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING_NAME_RE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
# Paragraph styles that pandoc and Word use for a document's front matter, not its text.
_FRONT_MATTER_STYLES = {"author", "date", "abstract", "subtitle", "toc heading", "copyright"}
_TOC_STYLE_RE = re.compile(r"^toc\s*\d*$|^table of (contents|figures)$", re.IGNORECASE)
_ORNAMENT_MAX = 12
_TITLE_BLOCK_MAX_WORDS = 25
_RUN_XPATH = (
    ".//w:r[not(ancestor::w:del) and not(ancestor::w:moveFrom) and not(ancestor::w:txbxContent)]"
)
# The runs (deleted ones too) and comment ranges of a paragraph, in document order.
_MARKED_XPATH = (
    ".//*[(self::w:r or self::w:commentRangeStart or self::w:commentRangeEnd)"
    " and not(ancestor::w:moveFrom) and not(ancestor::w:txbxContent)]"
)


def read_docx(path: Path) -> BookDraft:
    """A DOCX manuscript as a book draft; errors name the file and the problem."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise fail(
            path,
            "this is a Word 97-2003 .doc or a password-protected document, not a DOCX; "
            "save it as an unprotected .docx",
        )
    with open_package(path, "DOCX") as archive:
        names = set(archive.namelist())
    if "[Content_Types].xml" not in names or not any(n.endswith("document.xml") for n in names):
        raise fail(path, "not a valid DOCX file (the zip has no Word document in it)")

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise fail(path, f"not a valid DOCX file ({exc})") from None
    reader = _DocxBlocks(document)
    blocks = reader.blocks()
    book_title, chapters = blocks_to_chapters(blocks)
    # Without docProps/core.xml python-docx makes up properties (title "Word Document").
    props = document.core_properties if "docProps/core.xml" in names else _NoProperties()
    title = (props.title or "").strip() or book_title or reader.front_matter.get("title", "")
    if (
        len(chapters) > 1
        and title
        and chapters[0].title.casefold() == title.casefold()
        and sum(count_words(s.text) for s in chapters[0].scenes) <= _TITLE_BLOCK_MAX_WORDS
    ):
        # The book's title set as a chapter heading, with the author's name under it.
        del chapters[0]
    return BookDraft(
        title=title,
        author=(props.author or "").strip() or reader.front_matter.get("author", ""),
        subtitle=reader.front_matter.get("subtitle", ""),
        language=(props.language or "").strip(),
        description=(props.comments or "").strip(),
        chapters=chapters,
        metadata=_extra_metadata(props),
        review=reader.review(),
    )


class _NoProperties:
    title = author = language = comments = keywords = subject = ""


def _extra_metadata(props: Any) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    keywords = [k.strip() for k in re.split(r"[;,]", props.keywords or "") if k.strip()]
    if keywords:
        extra["subjects"] = keywords
    if (props.subject or "").strip():
        extra["subject"] = props.subject.strip()
    return extra


class _DocxBlocks:
    """Turns the document body into the block stream, resolving styles once per style id."""

    def review(self) -> dict[str, dict[str, dict[str, str]]]:
        """The comments (author, text, date, the comment answered, resolved) and tracked
        changes (author, date) marked."""
        comments: dict[str, dict[str, str]] = {}
        try:
            found = list(self.document.comments)
        except (KeyError, ValueError, AttributeError):  # no comments part, or a broken one
            found = []
        threads = comment_threads(self.document, found)
        for comment in found:
            ident = str(comment.comment_id)
            parent = threads.get(ident, ("", False))[0]
            # A reply counts when its thread does: Word may mark no range for it.
            if ident in self._comment_ids or parent in self._comment_ids:
                stamp = comment.timestamp
                parent, done = threads.get(ident, ("", False))
                comments[ident] = {
                    "author": str(comment.author or ""),
                    "text": str(comment.text or "").strip(),
                    "date": stamp.isoformat() if stamp else "",
                    "parent": parent,  # Word's id of the comment this one answers
                    "done": "1" if done else "",
                }
        review = {"comments": comments, "changes": dict(self._changes)}
        return review if comments or self._changes else {}

    def __init__(self, document: Any) -> None:
        self.document = document
        self.styles = document.styles
        self.front_matter: dict[str, str] = {}
        self._style_cache: dict[tuple[str, str], Any] = {}
        self._seen_heading = False
        self._comment_ids: set[str] = set()  # the comments marked in the text
        self._changes: dict[str, dict[str, str]] = {}  # tracked change key -> author, date

    # ------------------------------------------------------------------ styles

    def _style(self, style_id: str | None, kind: str) -> Any:
        if not style_id:
            return None
        key = (kind, style_id)
        if key not in self._style_cache:
            found = None
            for style in self.styles:
                if style.style_id == style_id:
                    found = style
                    break
            self._style_cache[key] = found
        return self._style_cache[key]

    @staticmethod
    def _chain(style: Any) -> Iterator[Any]:
        seen = 0
        while style is not None and seen < 10:  # based-on loops exist in the wild
            yield style
            style = style.base_style
            seen += 1

    def _heading_level(self, p: Any, style: Any) -> int | None:
        """1 for Title, 2 for Heading 1, 3 for Heading 2 ...; None for body text."""
        for s in self._chain(style):
            name = (s.name or "").strip()
            if name.lower() == "title" or s.style_id == "Title":
                return 1
            m = _HEADING_NAME_RE.match(name) or _HEADING_NAME_RE.match(s.style_id or "")
            if m and m.group(1) != "0":
                return int(m.group(1)) + 1
        ppr = p.find(f"{_W}pPr")
        outline = ppr.find(f"{_W}outlineLvl") if ppr is not None else None
        if outline is not None:
            value = outline.get(f"{_W}val", "9")
            if value.isdigit() and int(value) < 6:
                return int(value) + 2
        return None

    def _flag(self, rpr: Any, char_style: Any, para_style: Any, tag: str) -> bool:
        if rpr is not None:
            element = rpr.find(f"{_W}{tag}")
            if element is not None:
                return element.get(f"{_W}val", "true").lower() not in {"0", "false", "off"}
        for style in (*self._chain(char_style), *self._chain(para_style)):
            value = style.font.bold if tag == "b" else style.font.italic
            if value is not None:
                return bool(value)
        return False

    # ------------------------------------------------------------------ body

    def _paragraph_elements(self, parent: Any) -> Iterator[Any]:
        for child in parent.iterchildren():
            if child.tag == f"{_W}p":
                yield child
            elif child.tag == f"{_W}tbl":
                for cell in child.iter(f"{_W}tc"):
                    yield from self._paragraph_elements(cell)
            elif child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    yield from self._paragraph_elements(content)

    def blocks(self) -> list[Block]:
        body = self.document.element.body
        out: list[Block] = []
        for p in self._paragraph_elements(body):
            block = self._paragraph_block(p)
            if block is None:
                continue
            if isinstance(block, SceneBreak) and (not out or isinstance(out[-1], SceneBreak)):
                continue
            out.append(block)
        return out

    def _paragraph_block(self, p: Any) -> Block | None:
        ppr = p.find(f"{_W}pPr")
        style_el = ppr.find(f"{_W}pStyle") if ppr is not None else None
        style_id = style_el.get(f"{_W}val") if style_el is not None else None
        style = self._style(style_id, "p")
        # A style missing from styles.xml still names itself by its id.
        style_name = ((style.name if style is not None else None) or style_id or "").strip().lower()
        runs = p.xpath(_RUN_XPATH)
        plain = "".join(self._run_text(r) for r in runs)
        if _TOC_STYLE_RE.match(style_name):
            return None
        if not plain.strip():
            if any(el.get(_HR_ATTR) == "t" for el in p.iter()) or self._has_bottom_border(ppr):
                return SceneBreak()
            return None
        if style_name in _FRONT_MATTER_STYLES:
            # Subtitle is often based on Title: never a heading, whatever its base style.
            if not self._seen_heading:
                self.front_matter.setdefault(style_name, " ".join(plain.split()))
                return None
            level = None
        else:
            level = self._heading_level(p, style)
        if level is not None:
            # Author, Date and Subtitle lines follow the Title: front matter until Heading 1.
            self._seen_heading = self._seen_heading or level > 1
            return Heading(level, " ".join(plain.split()))
        stripped = plain.strip()
        if "\n" not in stripped and (
            is_scene_break(stripped) or (self._is_centred(ppr, style) and _is_ornament(stripped))
        ):
            return SceneBreak()
        text = spans_to_markdown(self._marked_spans(p, style))
        return Paragraph(text) if text else None

    def _marked_spans(self, p: Any, style: Any) -> list[Span]:
        """The paragraph's styled spans, with the marks of its comment ranges and tracked
        changes written into them where they are."""
        spans: list[Span] = []
        pending = ""  # marks waiting for the next span of text
        change: tuple[str, str] | None = None  # the tracked change the last run was in
        for el in p.xpath(_MARKED_XPATH):
            tag = el.tag
            if tag in (f"{_W}commentRangeStart", f"{_W}commentRangeEnd"):
                ident = str(el.get(f"{_W}id"))
                self._comment_ids.add(ident)
                pending += mark("c", "s" if tag.endswith("Start") else "e", ident)
                continue
            now = self._change_of(el)
            if now != change:
                if change is not None:
                    pending += mark(change[0], "e", change[1])
                if now is not None:
                    pending += mark(now[0], "s", now[1])
                change = now
            text = (
                self._deleted_text(el) if now is not None and now[0] == "d" else self._run_text(el)
            )
            if not text:
                continue
            rpr = el.find(f"{_W}rPr")
            rstyle_el = rpr.find(f"{_W}rStyle") if rpr is not None else None
            char_style = self._style(
                rstyle_el.get(f"{_W}val") if rstyle_el is not None else None, "r"
            )
            spans.append(
                Span(
                    pending + text,
                    bold=self._flag(rpr, char_style, style, "b"),
                    italic=self._flag(rpr, char_style, style, "i"),
                )
            )
            pending = ""
        if change is not None:
            pending += mark(change[0], "e", change[1])
        if pending:
            last = spans[-1] if spans else Span("")
            spans[-1:] = [Span(last.text + pending, last.bold, last.italic)]
        return spans

    def _change_of(self, run: Any) -> tuple[str, str] | None:
        """("i" or "d", the change's key) of the tracked insertion or deletion holding a run."""
        for ancestor in run.iterancestors(f"{_W}ins", f"{_W}del"):
            kind = "i" if ancestor.tag == f"{_W}ins" else "d"
            key = f"{kind}{ancestor.get(f'{_W}id')}"
            self._changes.setdefault(
                key,
                {
                    "author": str(ancestor.get(f"{_W}author") or ""),
                    "date": str(ancestor.get(f"{_W}date") or ""),
                },
            )
            return kind, key
        return None

    @staticmethod
    def _deleted_text(run: Any) -> str:
        return "".join(t.text or "" for t in run.iter(f"{_W}delText"))

    @staticmethod
    def _run_text(r: Any) -> str:
        return str(r.text or "")

    def _is_centred(self, ppr: Any, style: Any) -> bool:
        jc = ppr.find(f"{_W}jc") if ppr is not None else None
        if jc is not None:
            return jc.get(f"{_W}val") == "center"
        for s in self._chain(style):
            alignment = s.paragraph_format.alignment
            if alignment is not None:
                return int(alignment) == 1  # WD_ALIGN_PARAGRAPH.CENTER
        return False

    @staticmethod
    def _has_bottom_border(ppr: Any) -> bool:
        if ppr is None:
            return False
        border = ppr.find(f"{_W}pBdr")
        return border is not None and border.find(f"{_W}bottom") is not None


def _is_ornament(text: str) -> bool:
    """A short run of symbols with no letters or digits (❦, ~ ~ ~, • • •)."""
    return len(text) <= _ORNAMENT_MAX and not any(ch.isalnum() for ch in text)
