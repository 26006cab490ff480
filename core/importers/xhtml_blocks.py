"""XHTML content documents (as found in EPUBs) to the block stream of core.text.

Headings ``h1``..``h6`` become headings; paragraphs and other block elements become
paragraphs; ``<hr/>``, elements with a scene-break class (``scene-break``, ``dinkus``,
``asterism``, ...) and paragraphs that read as a break marker (``* * *``, ``⁂``) become scene
breaks. Inside a paragraph ``em``/``i``/``cite`` are italic and ``strong``/``b`` bold (also
when a class or an inline style says so), ``<br/>`` is a line break, and everything else
keeps its text. Notes, images, scripts and navigation are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from core.importers.inline_spans import spans_to_markdown
from core.text import Block, Heading, Paragraph, SceneBreak, Span, is_scene_break

EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"

_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "blockquote", "li", "ul", "ol", "dl", "dt", "dd",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "pre", "figcaption",
    "header", "footer", "address", "center", "body", "hgroup", "details", "summary", "poem",
    "stanza", "linegroup", "verse",
}  # fmt: skip
_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SKIP_TAGS = {
    "head", "script", "style", "nav", "img", "image", "svg", "math", "audio", "video",
    "object", "embed", "iframe", "canvas", "template", "noscript", "figure", "rt", "rp",
}  # fmt: skip
_ITALIC_TAGS = {"em", "i", "cite", "dfn", "var"}
_BOLD_TAGS = {"strong", "b"}
# epub:type / role values of things that are not running text.
_NOTE_TYPES = {
    "noteref", "footnote", "endnote", "rearnote", "note", "footnotes", "endnotes", "rearnotes",
    "pagebreak", "doc-noteref", "doc-footnote", "doc-endnote", "doc-endnotes", "doc-pagebreak",
}  # fmt: skip
_BREAK_CLASS_RE = re.compile(
    r"^(?:scene|section|space|text|para|chapter)?[-_]?(?:break|sep|separator)$|^(?:dinkus|asterism|"
    r"ornament|fleuron|transition|scenebreak|scene[-_]?change|hr|divider)(?:[-_]?\w*)?$",
    re.IGNORECASE,
)
_MAX_BREAK_TEXT = 12
_BREAK_TYPES = {"z3998:scene-break", "transition", "doc-transition"}
_ITALIC_CLASSES = {"italic", "italics", "ital", "i", "em", "emph", "emphasis"}
_BOLD_CLASSES = {"bold", "b", "strong"}
_BOILERPLATE_IDS = {"pg-header", "pg-footer"}
_WS_RE = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace only: no-break spaces are kept
_STYLE_ITALIC_RE = re.compile(r"font-style\s*:\s*(italic|oblique|normal)", re.IGNORECASE)
_STYLE_BOLD_RE = re.compile(
    r"font-weight\s*:\s*(bold|bolder|[6-9]00|normal|[1-4]00)", re.IGNORECASE
)


def parse_xhtml(data: bytes) -> etree._Element:
    """The root element of an (X)HTML document; tolerant of HTML that is not well-formed XML."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        # HTML-ish content (named entities such as &nbsp;, unclosed tags): the HTML parser copes.
        return lxml_html.document_fromstring(data)


def local_name(element: etree._Element) -> str:
    """The tag without its namespace, lower-cased ("" for comments and processing instructions)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def epub_types(element: etree._Element) -> set[str]:
    """The element's epub:type and role tokens (HTML parsers keep "epub:type" as a plain name)."""
    values = (element.get(EPUB_TYPE) or "") + " " + (element.get("epub:type") or "")
    values += " " + (element.get("role") or "")
    return {v.lower() for v in values.split()}


def _classes(element: etree._Element) -> set[str]:
    return {c.lower() for c in (element.get("class") or "").split()}


def find_body(root: etree._Element) -> etree._Element:
    """The document's body element (or the root when there is none)."""
    for element in root.iter():
        if local_name(element) == "body":
            return element
    return root


def heading_text(element: etree._Element) -> str:
    """A heading's plain text; parts split by ``<br/>`` are joined with ": "."""
    parts: list[str] = []
    current: list[str] = []
    for piece in _text_pieces(element):
        if piece is None:
            parts.append(_WS_RE.sub(" ", "".join(current)).strip())
            current = []
        else:
            current.append(piece)
    parts.append(_WS_RE.sub(" ", "".join(current)).strip())
    parts = [p for p in parts if p]
    out = ""
    for part in parts:
        if out:
            out += " " if out[-1] in ":.—–-" else ": "
        out += part
    return out


def _text_pieces(element: etree._Element) -> list[str | None]:
    """Text of an element in order; None marks a <br/>. Notes and skipped elements left out."""
    pieces: list[str | None] = []
    if element.text:
        pieces.append(element.text)
    for child in element:
        name = local_name(child)
        if name == "br":
            pieces.append(None)
        elif name and name not in _SKIP_TAGS and not (epub_types(child) & _NOTE_TYPES):
            pieces.extend(_text_pieces(child))
        if child.tail:
            pieces.append(child.tail)
    return pieces


def _is_break_element(element: etree._Element) -> bool:
    if local_name(element) == "hr":
        return True
    if not (epub_types(element) & _BREAK_TYPES) and not any(
        _BREAK_CLASS_RE.match(c) for c in _classes(element)
    ):
        return False
    # A class name is only a hint: an element holding real text is not a break.
    text = "".join(p for p in _text_pieces(element) if p)
    return len(text.strip()) <= _MAX_BREAK_TEXT


ClassStyles = dict[str, tuple[bool | None, bool | None]]  # class -> (bold, italic); None: unset
_CSS_RULE_RE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CSS_CLASS_SELECTOR_RE = re.compile(r"^(?:[a-z][a-z0-9]*)?\.([\w-]+)$", re.IGNORECASE)
_CSS_COMMENT_RE = re.compile(r"/\*.*?\*/", re.DOTALL)


def css_class_styles(css: str) -> ClassStyles:
    """Bold and italic set by simple class rules (``.it {font-style: italic}``, ``span.b {...}``).

    Converters such as calibre put emphasis in classes rather than ``<em>``; only selectors
    that name one class (optionally on one tag) are read, which is what they write.
    """
    styles: ClassStyles = {}
    for selectors, declarations in _CSS_RULE_RE.findall(_CSS_COMMENT_RE.sub("", css)):
        italic_m = _STYLE_ITALIC_RE.search(declarations)
        bold_m = _STYLE_BOLD_RE.search(declarations)
        if not italic_m and not bold_m:
            continue
        italic = italic_m.group(1).lower() != "normal" if italic_m else None
        bold = _is_bold_weight(bold_m.group(1)) if bold_m else None
        for selector in selectors.split(","):
            match = _CSS_CLASS_SELECTOR_RE.match(selector.strip())
            if match:
                old_bold, old_italic = styles.get(match.group(1).lower(), (None, None))
                styles[match.group(1).lower()] = (
                    bold if bold is not None else old_bold,
                    italic if italic is not None else old_italic,
                )
    return styles


def _is_bold_weight(value: str) -> bool:
    return value.lower() in {"bold", "bolder"} or value[0] in "6789"


def _style_of(
    element: etree._Element, bold: bool, italic: bool, class_styles: ClassStyles
) -> tuple[bool, bool]:
    name = local_name(element)
    if name in _ITALIC_TAGS:
        italic = True
    elif name in _BOLD_TAGS:
        bold = True
    classes = _classes(element)
    if classes & _ITALIC_CLASSES:
        italic = True
    if classes & _BOLD_CLASSES:
        bold = True
    for cls in classes & class_styles.keys():
        css_bold, css_italic = class_styles[cls]
        bold = bold if css_bold is None else css_bold
        italic = italic if css_italic is None else css_italic
    style = element.get("style")
    if style:
        if m := _STYLE_ITALIC_RE.search(style):
            italic = m.group(1).lower() != "normal"
        if m := _STYLE_BOLD_RE.search(style):
            bold = _is_bold_weight(m.group(1))
    return bold, italic


@dataclass
class _Walker:
    class_styles: ClassStyles = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)

    def flush(self) -> None:
        if not self.spans:
            return
        spans, self.spans = self.spans, []
        plain = "".join(s.text for s in spans).strip()
        if not plain:
            return
        if "\n" not in plain and is_scene_break(plain):
            self.blocks.append(SceneBreak())
            return
        text = spans_to_markdown(spans)
        if text:
            self.blocks.append(Paragraph(text))

    def text(self, value: str | None, bold: bool, italic: bool) -> None:
        if value:
            # HTML whitespace collapses to one space; "\n" is kept for <br/> alone.
            self.spans.append(Span(_WS_RE.sub(" ", value), bold, italic))

    def walk(self, element: etree._Element, bold: bool, italic: bool) -> None:
        for child in element:
            self.visit(child, bold, italic)
            self.text(child.tail, bold, italic)

    def visit(self, element: etree._Element, bold: bool, italic: bool) -> None:
        name = local_name(element)
        if not name or name in _SKIP_TAGS:
            return
        if epub_types(element) & _NOTE_TYPES:
            return
        if element.get("id") in _BOILERPLATE_IDS or "pg-boilerplate" in _classes(element):
            return
        if name == "br":
            self.spans.append(Span("\n"))
            return
        if name in _HEADING_TAGS:
            self.flush()
            title = heading_text(element)
            if title:
                self.blocks.append(Heading(_HEADING_TAGS[name], title))
            return
        if _is_break_element(element):
            self.flush()
            self.blocks.append(SceneBreak())
            return
        bold, italic = _style_of(element, bold, italic, self.class_styles)
        is_block = name in _BLOCK_TAGS
        if is_block:
            self.flush()
        self.text(element.text, bold, italic)
        self.walk(element, bold, italic)
        if is_block:
            self.flush()


def body_blocks(root: etree._Element, class_styles: ClassStyles | None = None) -> list[Block]:
    """The block stream of a content document's body; ``class_styles`` from its stylesheets."""
    walker = _Walker(class_styles=class_styles or {})
    body = find_body(root)
    walker.visit(body, False, False)
    walker.flush()
    # Two breaks in a row (an ornament inside a break paragraph, say) are one break.
    blocks: list[Block] = []
    for block in walker.blocks:
        if isinstance(block, SceneBreak) and blocks and isinstance(blocks[-1], SceneBreak):
            continue
        blocks.append(block)
    return blocks


def document_types(root: etree._Element) -> set[str]:
    """epub:type/role tokens of the body and of the sections that make up its top levels."""
    body = find_body(root)
    types = epub_types(body)
    for child in body:
        types |= epub_types(child)
        if local_name(child) in {"div", "section", "article", "main"}:
            for grandchild in child:
                if local_name(grandchild) in {"div", "section", "article"}:
                    types |= epub_types(grandchild)
    return types
