"""From a flat stream of blocks to chapters and scenes.

Every importer turns its format into the same stream: headings with a level, paragraphs of
Markdown-subset text, and scene breaks. The structure rules live here once:

- the top heading level in use starts chapters, the next level starts scenes;
- except when one top-level heading opens the document and the next level repeats: that
  heading is the book's title and the next level starts chapters;
- a scene break starts a new scene; empty scenes are dropped; deeper headings stay in the text;
- text before the first chapter heading becomes an untitled opening chapter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from core.importers.draft import ChapterDraft, SceneDraft
from core.text import Block, Heading, Paragraph, SceneBreak


def choose_levels(blocks: list[Block]) -> tuple[int | None, int | None, int | None]:
    """(title level, chapter level, scene level) for a block stream; None where unused."""
    levels = Counter(b.level for b in blocks if isinstance(b, Heading))
    if not levels:
        return None, None, None
    used = sorted(levels)
    top = used[0]
    first_heading = next(b for b in blocks if isinstance(b, Heading))
    if levels[top] == 1 and len(used) > 1 and first_heading.level == top:
        before = [b for b in blocks[: blocks.index(first_heading)] if isinstance(b, Paragraph)]
        if not before and levels[used[1]] >= 2:
            return top, used[1], used[2] if len(used) > 2 else None
    return None, top, used[1] if len(used) > 1 else None


def build_chapters(
    blocks: Iterable[Block],
    *,
    chapter_level: int | None,
    scene_level: int | None,
    title_level: int | None = None,
) -> tuple[str, list[ChapterDraft]]:
    """Group blocks into chapters and scenes; returns (title found, chapters)."""
    title = ""
    chapters: list[ChapterDraft] = []
    paragraphs: list[str] = []
    scene = SceneDraft()

    def close_scene() -> None:
        nonlocal scene
        scene.text = "\n\n".join(paragraphs)
        paragraphs.clear()
        if scene.text.strip() or scene.title:
            if not chapters:
                chapters.append(ChapterDraft(title=""))
            chapters[-1].scenes.append(scene)
        scene = SceneDraft()

    for block in blocks:
        if isinstance(block, Heading):
            if title_level is not None and block.level == title_level and not title:
                title = block.text
            elif block.level == chapter_level:
                close_scene()
                chapters.append(ChapterDraft(title=block.text))
            elif block.level == scene_level:
                close_scene()
                scene.title = block.text
            else:
                paragraphs.append("#" * min(block.level, 6) + " " + block.text)
        elif isinstance(block, SceneBreak):
            close_scene()
        elif isinstance(block, Paragraph) and block.text.strip():
            paragraphs.append(block.text)
    close_scene()
    return title, chapters


def blocks_to_chapters(blocks: list[Block]) -> tuple[str, list[ChapterDraft]]:
    """Choose the heading levels for ``blocks`` and build chapters from them."""
    title_level, chapter_level, scene_level = choose_levels(blocks)
    return build_chapters(
        blocks, chapter_level=chapter_level, scene_level=scene_level, title_level=title_level
    )
