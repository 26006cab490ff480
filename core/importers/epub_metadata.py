"""The metadata of an EPUB's package document (OPF): title, authors, language, series...

EPUB 2 marks an author with ``opf:role="aut"`` and a series with calibre's
``<meta name="calibre:series" content=...>``; EPUB 3 refines elements by id
(``<meta refines="#creator1" property="role">aut</meta>``) and names a series with
``belongs-to-collection``. Both are read; what is missing stays empty.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from core.importers.draft import BookDraft

_DC = "{http://purl.org/dc/elements/1.1/}"
_OPF = "{http://www.idpf.org/2007/opf}"
_TAG_RE = re.compile(r"<[a-zA-Z/!][^>]*>")


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _number(value: str) -> int | float | str:
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() else number


def _plain_description(value: str) -> str:
    """Descriptions are often HTML (calibre writes them so): keep the text of each paragraph."""
    if not _TAG_RE.search(value):
        return value.strip()
    try:
        root = lxml_html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):
        return _TAG_RE.sub("", value).strip()
    paragraphs = [" ".join(p.text_content().split()) for p in root.iter("p")]
    paragraphs = [p for p in paragraphs if p]
    return "\n\n".join(paragraphs) if paragraphs else " ".join(root.text_content().split())


def read_opf_metadata(package: etree._Element) -> BookDraft:
    """A draft holding the package's metadata (and no chapters yet)."""
    metadata = package.find(f"{_OPF}metadata")
    if metadata is None:  # EPUB 2 allows a dc-metadata wrapper
        metadata = next((e for e in package.iter() if str(e.tag).endswith("metadata")), None)
    draft = BookDraft()
    if metadata is None:
        return draft
    refines: dict[str, dict[str, str]] = {}
    metas: dict[str, str] = {}
    collections: list[tuple[str, str]] = []  # (id, name)
    for meta in metadata.iter(f"{_OPF}meta", "meta"):
        prop = meta.get("property")
        if meta.get("refines") and prop:
            refines.setdefault(meta.get("refines", "").lstrip("#"), {})[prop] = _text(meta)
        elif prop == "belongs-to-collection":
            collections.append((meta.get("id") or "", _text(meta)))
        elif meta.get("name"):
            metas[meta.get("name", "")] = meta.get("content") or ""

    titles = [(_text(t), refines.get(t.get("id") or "", {})) for t in metadata.iter(f"{_DC}title")]
    main = [t for t, r in titles if r.get("title-type", "main") == "main" and t]
    draft.title = main[0] if main else (titles[0][0] if titles else "")
    draft.subtitle = next((t for t, r in titles if r.get("title-type") == "subtitle"), "")

    creators: list[tuple[str, str]] = []
    for creator in metadata.iter(f"{_DC}creator"):
        role = creator.get(f"{_OPF}role") or refines.get(creator.get("id") or "", {}).get(
            "role", ""
        )
        creators.append((_text(creator), role.lower()))
    authors = [name for name, role in creators if name and role in ("", "aut")]
    draft.author = " & ".join(authors or [name for name, _ in creators if name])

    language = metadata.find(f"{_DC}language")
    draft.language = _text(language) if language is not None else ""
    description = metadata.find(f"{_DC}description")
    if description is not None:
        draft.description = _plain_description("".join(description.itertext()))

    extra: dict[str, Any] = {}
    subjects = [_text(s) for s in metadata.iter(f"{_DC}subject") if _text(s)]
    if subjects:
        extra["subjects"] = subjects
    series = [
        (name, refines.get(cid, {}))
        for cid, name in collections
        if refines.get(cid, {}).get("collection-type", "series") == "series" and name
    ]
    if series:
        extra["series"] = series[0][0]
        if series[0][1].get("group-position"):
            extra["series_index"] = _number(series[0][1]["group-position"])
    elif metas.get("calibre:series"):
        extra["series"] = metas["calibre:series"]
        if metas.get("calibre:series_index"):
            extra["series_index"] = _number(metas["calibre:series_index"])
    for field_name in ("publisher", "date", "rights"):
        element = metadata.find(f"{_DC}{field_name}")
        if element is not None and _text(element):
            extra[field_name] = _text(element)
    identifiers = [_text(i) for i in metadata.iter(f"{_DC}identifier") if _text(i)]
    if identifiers:
        extra["identifier"] = identifiers[0]
    draft.metadata = extra
    return draft
