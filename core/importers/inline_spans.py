"""Styled runs of text (from DOCX runs or HTML inline elements) to Markdown-subset text.

Word processors split text into many runs, often one per word or per edit; this merges
neighbouring runs of the same style before rendering, so that ``*a quiet word*`` comes out
as one italic span and not as ``*a* *quiet* *word*``. Whitespace between two runs of the
same style joins them; markers always go inside the whitespace (core.text.render_inline).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.text import Span, render_inline

_SPACES_AROUND_BREAK_RE = re.compile(r"[ \t]*\n[ \t]*")
_MANY_BREAKS_RE = re.compile(r"\n{2,}")


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Join neighbouring spans of one style; a whitespace-only span takes the style before it."""
    merged: list[Span] = []
    for span in spans:
        if not span.text:
            continue
        if merged and not span.text.strip():
            last = merged[-1]
            merged[-1] = Span(last.text + span.text, last.bold, last.italic)
            continue
        if merged and (merged[-1].bold, merged[-1].italic) == (span.bold, span.italic):
            last = merged[-1]
            merged[-1] = Span(last.text + span.text, last.bold, last.italic)
        else:
            merged.append(span)
    return merged


def spans_to_markdown(spans: Iterable[Span]) -> str:
    """One paragraph's styled spans as Markdown-subset text, literal ``*`` and ``\\`` escaped.

    Line breaks inside the paragraph stay single ``\\n``; blank lines are not allowed inside
    a paragraph (they would split it), so runs of breaks are folded into one.
    """
    merged = merge_spans(spans)
    # Trim the paragraph's outer whitespace before rendering, so that escaping sees its
    # real first character (a leading "#" must be escaped or it would read as a heading).
    while merged and not merged[0].text.strip():
        merged.pop(0)
    while merged and not merged[-1].text.strip():
        merged.pop()
    if merged:
        first = merged[0]
        merged[0] = Span(first.text.lstrip(), first.bold, first.italic)
        last = merged[-1]
        merged[-1] = Span(last.text.rstrip(), last.bold, last.italic)
    text = render_inline(merged)
    text = _SPACES_AROUND_BREAK_RE.sub("\n", text)
    text = _MANY_BREAKS_RE.sub("\n", text)
    return text.strip()
