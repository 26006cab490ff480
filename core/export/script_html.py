"""A screenplay's or play's chapter (Fountain scenes) as web markup, for the reading site:
one element per Fountain element, classed by its kind, every word escaped."""

from __future__ import annotations

from html import escape

from core.export.content import ChapterContent
from core.export.screenplay import Kind, parse_fountain


def script_chapter_html(chapter: ChapterContent) -> str:
    title = chapter.display_title
    out = [
        f'<section role="doc-chapter" class="script" id="chapter-{chapter.number}">',
        f'<h1 class="chapter-title">{escape(title)}</h1>',
    ]
    for scene in chapter.scenes:
        for element in parse_fountain(scene.text):
            if element.kind is Kind.PAGE_BREAK:
                out.append('<p class="scene-break" role="separator">* * *</p>')
                continue
            body = escape(element.text, quote=False).replace("\n", "<br>")
            if element.kind is Kind.SCENE_HEADING:
                out.append(f'<h2 class="sc-heading">{body}</h2>')
            else:
                out.append(f'<p class="sc-{element.kind.value.replace("_", "-")}">{body}</p>')
    out.append("</section>")
    return "\n".join(out)
