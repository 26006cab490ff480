"""Context assembly: what the model is shown for one action on one scene.

The context is built from parts, each with a priority. Parts are admitted in priority order
until the token budget (an estimate, see :mod:`core.generation.tokens`) is spent; long text
parts are trimmed at the end far from the cursor, lists are cut item by item, and everything
left out is named in :attr:`AssembledContext.left_out` so the writer sees it before sending.
A part never takes room from one above it; room that a higher part could not use (an entry
too big for what was left) may still go to a smaller part lower down.

The priority order (:data:`PRIORITY_ORDER`), highest first:

1. the task: the action's prompt, the writer's instructions and the selection (never trimmed)
2. the scene: chapter and scene titles, synopsis or beats, point of view, setting (never trimmed)
3. the text before the cursor (the nearest text is kept)
4. the book: title, genre, description and style notes
5. pinned codex entries
6. codex entries that the selection, the synopsis or the scene text mention (in that order)
7. the text after the cursor (the nearest text is kept)
8. synopses of earlier chapters and of the scene's earlier siblings (the nearest are kept)

The system prompt, the book, the codex and the story so far go first, in two system blocks
marked for prompt caching: they change rarely, so repeated requests on a scene pay for them once.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import Book, Chapter, Character, Location, LoreEntry, Scene
from core.errors import NotFoundError
from core.generation.codex_match import CodexMatcher
from core.generation.errors import ActionError, ContextTooLargeError
from core.generation.templates import PromptTemplate, load_template
from core.generation.tokens import chars_for_tokens, estimate_tokens

DEFAULT_BUDGET_TOKENS = 24_000
# Headings and tags around the parts: reserved up front so the whole stays within budget.
FRAMING_TOKENS = 100
# A trimmed part smaller than this is not worth sending: it is left out instead.
MIN_TRIMMED_TOKENS = 40

PRIORITY_ORDER = (
    "task (action prompt, instructions, selection)",
    "scene (titles, synopsis or beats, point of view, setting)",
    "text before the cursor",
    "book (title, genre, description, style notes)",
    "pinned codex entries",
    "codex entries mentioned in the selection, synopsis or scene",
    "text after the cursor",
    "synopses of earlier chapters and scenes",
)
P_TASK, P_SCENE, P_BEFORE, P_BOOK, P_PINNED, P_MENTIONED, P_AFTER, P_EARLIER = range(1, 9)

CodexEntry = Character | Location | LoreEntry
_KIND_LABEL = {Character: "Character", Location: "Location", LoreEntry: "Lore"}


@dataclass(frozen=True)
class EditorState:
    """The scene's text as the writer sees it, the cursor, and the selection if any.

    A selection is ``text[cursor:selection_end]``; ``selection_end`` None means no selection.
    """

    text: str
    cursor: int
    selection_end: int | None = None

    def clamped(self) -> EditorState:
        cursor = max(0, min(self.cursor, len(self.text)))
        end = self.selection_end
        if end is not None:
            end = max(0, min(end, len(self.text)))
            cursor, end = min(cursor, end), max(cursor, end)
            if end == cursor:
                end = None
        return EditorState(self.text, cursor, end)

    @property
    def selection(self) -> str:
        return "" if self.selection_end is None else self.text[self.cursor : self.selection_end]

    @property
    def before(self) -> str:
        return self.text[: self.cursor]

    @property
    def after(self) -> str:
        return self.text[self.selection_end if self.selection_end is not None else self.cursor :]


@dataclass
class ContextPart:
    """One piece of the context and what became of it under the budget."""

    priority: int
    label: str
    text: str
    tokens: int
    status: str = "included"  # included | trimmed | left out
    note: str = ""


@dataclass
class AssembledContext:
    """The request for one generation: system blocks, the user message, and the accounting."""

    book_id: str
    scene_id: str
    action: str
    template: PromptTemplate
    instructions: str
    editor: EditorState
    system_blocks: list[tuple[str, bool]]  # (text, mark for prompt caching)
    user_message: str
    parts: list[ContextPart]
    budget: int
    left_out: list[str] = field(default_factory=list)

    @property
    def estimated_tokens(self) -> int:
        return sum(estimate_tokens(t) for t, _ in self.system_blocks) + estimate_tokens(
            self.user_message
        )

    def api_system(self) -> list[dict[str, Any]]:
        """The ``system`` parameter of the Messages API, with cache breakpoints."""
        blocks: list[dict[str, Any]] = []
        for text, cache in self.system_blocks:
            block: dict[str, Any] = {"type": "text", "text": text}
            if cache:
                block["cache_control"] = {"type": "ephemeral"}
            blocks.append(block)
        return blocks

    def api_messages(self) -> list[dict[str, Any]]:
        return [{"role": "user", "content": self.user_message}]

    def prompt_text(self) -> str:
        """The whole prompt as plain text (kept in the generation history)."""
        system = "\n\n".join(text for text, _ in self.system_blocks)
        return f"[system]\n{system}\n\n[user]\n{self.user_message}"

    def describe(self) -> str:
        """'What the AI sees': the accounting, what was left out, then the prompt itself."""
        lines = [
            f"Action: {self.template.label}",
            f"Estimated size: ~{self.estimated_tokens:,} tokens of a {self.budget:,}-token budget"
            " (an estimate: about 4 characters per token)",
            "",
            "Priority order (highest first): " + "; ".join(PRIORITY_ORDER),
            "",
        ]
        for part in self.parts:
            extra = f" — {part.note}" if part.note else ""
            lines.append(
                f"  [{part.priority}] {part.label}: {part.status}, ~{part.tokens:,} tokens{extra}"
            )
        if self.left_out:
            lines += ["", "Left out to fit the budget:"] + [f"  - {item}" for item in self.left_out]
        lines += ["", "=" * 60, self.prompt_text()]
        return "\n".join(lines)


# ------------------------------------------------------------------------ rendering


def _entry_text(entry: CodexEntry) -> str:
    kind = _KIND_LABEL.get(type(entry), "Entry")
    head = f"### {kind}: {entry.name}"
    if entry.aliases:
        head += f" (also: {', '.join(entry.aliases)})"
    role = getattr(entry, "role", "") or getattr(entry, "category", "")
    if role:
        head += f" — {role}"
    lines = [head]
    if entry.description:
        lines.append(entry.description.strip())
    background = getattr(entry, "background", "")
    if background:
        lines.append(f"Background: {background.strip()}")
    traits = getattr(entry, "traits", None)
    if traits:
        lines.append(f"Traits: {', '.join(traits)}")
    return "\n".join(lines)


def _book_text(book: Book) -> str:
    lines = [f"Title: {book.title}"]
    if book.subtitle:
        lines.append(f"Subtitle: {book.subtitle}")
    if book.author:
        lines.append(f"Author: {book.author}")
    lines.append(f"Kind: {book.content_type.replace('_', ' ')}")
    if book.genre:
        lines.append(f"Genre: {book.genre}")
    if book.language:
        lines.append(f"Language: {book.language}")
    if book.description:
        lines.append(f"Summary: {book.description.strip()}")
    meta = book.metadata_ or {}
    for key, label in (("style_notes", "Style notes"), ("style", "Style"), ("voice", "Voice")):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            lines.append(f"{label}: {value.strip()}")
    if book.content_type in ("screenplay", "play"):
        lines.append("Format: the scene text is Fountain; write in Fountain.")
    return "\n".join(lines)


def _trim_head(text: str, tokens: int) -> str:
    """The last ``tokens`` of ``text``, starting at a word boundary."""
    keep = chars_for_tokens(tokens)
    if len(text) <= keep:
        return text
    cut = text[len(text) - keep :]
    space = cut.find(" ")
    return "[…] " + (cut[space + 1 :] if 0 <= space < 80 else cut)


def _trim_tail(text: str, tokens: int) -> str:
    """The first ``tokens`` of ``text``, ending at a word boundary."""
    keep = chars_for_tokens(tokens)
    if len(text) <= keep:
        return text
    cut = text[:keep]
    space = cut.rfind(" ")
    return (cut[:space] if space > len(cut) - 80 else cut) + " […]"


# ------------------------------------------------------------------------ assembly


def _load(session: Session, scene_id: str) -> tuple[Scene, Chapter, Book]:
    scene = session.get(Scene, scene_id)
    if scene is None or scene.deleted_at is not None:
        raise NotFoundError(f"no scene with id {scene_id}")
    chapter = session.get(Chapter, scene.chapter_id)
    if chapter is None or chapter.deleted_at is not None:
        raise NotFoundError(f"scene {scene_id} is in a chapter that is in the trash")
    book = session.get(Book, chapter.book_id)
    if book is None or book.deleted_at is not None:
        raise NotFoundError(f"scene {scene_id} is in a book that is in the trash")
    return scene, chapter, book


def _earlier_synopses(
    session: Session, book: Book, chapter: Chapter, scene: Scene
) -> list[tuple[str, str]]:
    """(label, text) of the synopses before the scene, nearest first: the earlier scenes of
    its chapter, then the earlier chapters."""
    items: list[tuple[str, str]] = []
    siblings = session.execute(
        select(Scene.ordinal, Scene.title, Scene.synopsis)
        .where(
            Scene.chapter_id == chapter.id,
            Scene.deleted_at.is_(None),
            Scene.ordinal < scene.ordinal,
        )
        .order_by(Scene.ordinal.desc())
    ).all()
    for ordinal, title, synopsis in siblings:
        if synopsis.strip():
            label = f"Scene {ordinal} of this chapter" + (f" ({title})" if title else "")
            items.append((label, f"{label}: {synopsis.strip()}"))
    chapters = session.execute(
        select(Chapter.id, Chapter.ordinal, Chapter.title, Chapter.synopsis)
        .where(
            Chapter.book_id == book.id,
            Chapter.deleted_at.is_(None),
            Chapter.ordinal < chapter.ordinal,
        )
        .order_by(Chapter.ordinal.desc())
    ).all()
    missing = [cid for cid, _, _, synopsis in chapters if not synopsis.strip()]
    scene_synopses: dict[str, list[str]] = {}
    if missing:
        # A chapter without a synopsis is told by its scenes' synopses, when they have some.
        rows = session.execute(
            select(Scene.chapter_id, Scene.synopsis)
            .where(Scene.chapter_id.in_(missing), Scene.deleted_at.is_(None), Scene.synopsis != "")
            .order_by(Scene.chapter_id, Scene.ordinal)
        ).all()
        for cid, synopsis in rows:
            scene_synopses.setdefault(cid, []).append(synopsis.strip())
    for cid, ordinal, title, synopsis in chapters:
        text = synopsis.strip() or " ".join(scene_synopses.get(cid, []))
        if text:
            label = _chapter_label(ordinal, title)
            items.append((label, f"{label}: {text}"))
    return items


def _chapter_label(ordinal: int, title: str) -> str:
    if not title:
        return f"Chapter {ordinal}"
    if title.lower().startswith(("chapter", "part", "prologue", "epilogue")):
        return title  # imported titles often carry their own number ("Chapter Two: The Wreck")
    return f"Chapter {ordinal} ({title})"


@dataclass(frozen=True)
class _CodexRow:
    model: type[CodexEntry]
    id: str
    name: str
    aliases: tuple[str, ...]
    pinned: bool


def _codex_index(session: Session, book_id: str) -> list[_CodexRow]:
    """Names, aliases and pins of a book's live codex, without loading descriptions."""
    rows: list[_CodexRow] = []
    for model in (Character, Location, LoreEntry):
        stmt = (
            select(model.id, model.name, model.aliases, model.pinned)
            .where(model.book_id == book_id, model.deleted_at.is_(None))
            .order_by(model.name)
        )
        for entry_id, name, aliases, pinned in session.execute(stmt):
            rows.append(_CodexRow(model, entry_id, name, tuple(aliases or ()), bool(pinned)))
    return rows


def _load_entries(session: Session, rows: Sequence[_CodexRow]) -> list[CodexEntry]:
    """The full entries of ``rows``, in the same order."""
    by_model: dict[type[CodexEntry], list[str]] = {}
    for row in rows:
        by_model.setdefault(row.model, []).append(row.id)
    loaded: dict[str, CodexEntry] = {}
    for model, ids in by_model.items():
        entries: Sequence[CodexEntry] = session.scalars(  # type: ignore[assignment]
            select(model).where(model.id.in_(ids))
        ).all()
        for entry in entries:
            loaded[entry.id] = entry
    return [loaded[r.id] for r in rows if r.id in loaded]


# Matchers of recent codex states: building one for hundreds of names costs more than a scan.
_MATCHERS: dict[tuple[tuple[str, ...], ...], CodexMatcher] = {}
_MATCHER_CACHE_SIZE = 8
_MATCHERS_LOCK = threading.Lock()


def _matcher_for(rows: Sequence[_CodexRow]) -> CodexMatcher:
    key = tuple((r.name, *r.aliases) for r in rows)
    with _MATCHERS_LOCK:
        matcher = _MATCHERS.get(key)
        if matcher is None:
            if len(_MATCHERS) >= _MATCHER_CACHE_SIZE:
                _MATCHERS.pop(next(iter(_MATCHERS)))
            matcher = _MATCHERS[key] = CodexMatcher(key)
    return matcher


def _check_needs(
    template: PromptTemplate, editor: EditorState, instructions: str, scene: Scene
) -> None:
    if template.needs == "selection" and not editor.selection.strip():
        raise ActionError(f"{template.label}: select the text to work on first")
    if template.needs == "instructions" and not instructions.strip():
        raise ActionError(f"{template.label}: type an instruction first")
    if template.needs == "synopsis" and not (scene.synopsis.strip() or instructions.strip()):
        raise ActionError(
            f"{template.label}: the scene has no synopsis or beats;"
            " write them, or give instructions"
        )


def assemble_context(
    session: Session,
    *,
    scene_id: str,
    action: str,
    instructions: str = "",
    editor: EditorState | None = None,
    budget_tokens: int = DEFAULT_BUDGET_TOKENS,
    template: PromptTemplate | None = None,
    system_template: PromptTemplate | None = None,
) -> AssembledContext:
    """Build the context for ``action`` on a scene, fitted to ``budget_tokens``.

    ``editor`` is the live text, cursor and selection; without it the stored scene text is
    used with the cursor at its end. Raises ActionError when the action lacks what it needs and
    ContextTooLargeError when even the task and scene alone exceed the budget.
    """
    template = template or load_template(action)
    system_template = system_template or load_template("system")
    scene, chapter, book = _load(session, scene_id)
    if editor is None:
        editor = EditorState(scene.text, len(scene.text))
    editor = editor.clamped()
    if template.output == "synopsis" and editor.selection_end is None:
        # Summarising with nothing selected means the whole scene.
        editor = EditorState(editor.text, 0, len(editor.text)) if editor.text else editor
    instructions = instructions.strip()
    _check_needs(template, editor, instructions, scene)

    codex = _codex_index(session, book.id)
    pov = next(
        (r.name for r in codex if r.model is Character and r.id == scene.pov_character_id), ""
    )

    # ---- required parts
    task_text = template.render(
        scene_title=scene.title,
        synopsis=scene.synopsis.strip(),
        pov=pov,
        setting=scene.setting,
        instructions=instructions,
        book_title=book.title,
    )
    scene_lines = [
        f"{_chapter_label(chapter.ordinal, chapter.title)}, scene {scene.ordinal}"
        + (f": {scene.title}" if scene.title else "")
    ]
    if pov:
        scene_lines.append(f"Point of view: {pov}")
    if scene.setting:
        scene_lines.append(f"Setting: {scene.setting}")
    if scene.synopsis.strip():
        scene_lines.append(f"Synopsis and beats: {scene.synopsis.strip()}")
    scene_text = "\n".join(scene_lines)
    system_text = system_template.body.strip()

    parts: list[ContextPart] = []
    left_out: list[str] = []
    required = FRAMING_TOKENS + estimate_tokens(system_text) + estimate_tokens(task_text)
    required += estimate_tokens(editor.selection) + estimate_tokens(instructions)
    task_tokens = required - FRAMING_TOKENS - estimate_tokens(system_text)
    parts.append(ContextPart(P_TASK, "Task", task_text, task_tokens))
    parts.append(ContextPart(P_SCENE, "Scene", scene_text, estimate_tokens(scene_text)))
    required += parts[-1].tokens
    if required > budget_tokens:
        raise ContextTooLargeError(
            f"the task and scene alone need ~{required:,} tokens, more than the budget of "
            f"{budget_tokens:,}: select less text or raise the budget in preferences"
        )
    remaining = budget_tokens - required

    def admit_text(priority: int, label: str, text: str, keep_end: bool) -> str:
        nonlocal remaining
        if not text.strip():
            return ""
        tokens = estimate_tokens(text)
        if tokens <= remaining:
            parts.append(ContextPart(priority, label, text, tokens))
            remaining -= tokens
            return text
        if remaining >= MIN_TRIMMED_TOKENS:
            kept = _trim_head(text, remaining) if keep_end else _trim_tail(text, remaining)
            kept_tokens = estimate_tokens(kept)
            note = f"kept ~{len(kept.split()):,} of {len(text.split()):,} words"
            parts.append(ContextPart(priority, label, kept, kept_tokens, "trimmed", note))
            left_out.append(f"{label}: {note}")
            remaining = max(0, remaining - kept_tokens)
            return kept
        parts.append(ContextPart(priority, label, "", tokens, "left out"))
        left_out.append(f"{label} (~{tokens:,} tokens)")
        return ""

    def admit_items(priority: int, label: str, items: Sequence[tuple[str, str]]) -> list[str]:
        """Admit (name, text) items in order while they fit."""
        nonlocal remaining
        kept: list[str] = []
        dropped: list[str] = []
        for name, text in items:
            tokens = estimate_tokens(text) + 1
            if not dropped and tokens <= remaining:
                kept.append(text)
                remaining -= tokens
            else:
                dropped.append(name)
        if kept or dropped:
            total = sum(estimate_tokens(t) + 1 for _, t in items)
            status = "included" if not dropped else ("trimmed" if kept else "left out")
            note = f"{len(kept)} of {len(items)}" + (
                f"; left out: {', '.join(dropped[:12])}" if dropped else ""
            )
            if len(dropped) > 12:
                note += f" and {len(dropped) - 12} more"
            parts.append(ContextPart(priority, label, "\n\n".join(kept), total, status, note))
            if dropped:
                left_out.append(
                    f"{label}: {', '.join(dropped[:12])}"
                    + (f" and {len(dropped) - 12} more" if len(dropped) > 12 else "")
                )
        return kept

    before = admit_text(P_BEFORE, "Text before the cursor", editor.before, keep_end=True)
    book_text = admit_text(P_BOOK, "Book", _book_text(book), keep_end=False)

    pinned_rows = [r for r in codex if r.pinned]
    unpinned = [r for r in codex if not r.pinned]
    matcher = _matcher_for(unpinned)
    # The selection first, then the synopsis, then the scene text from the cursor outwards
    # (paragraph by paragraph), so that the entries most relevant here survive trimming.
    before_outwards = "\n".join(reversed(editor.before.split("\n")))
    order = matcher.mentioned(editor.selection, scene.synopsis, before_outwards, editor.after)
    # One query for all the entries that may be sent, pinned and mentioned alike.
    wanted = _load_entries(session, pinned_rows + [unpinned[i] for i in order])
    pinned_ids = {r.id for r in pinned_rows}
    pinned = [c for c in wanted if c.id in pinned_ids]
    mentioned = [c for c in wanted if c.id not in pinned_ids]
    pinned_kept = admit_items(
        P_PINNED, "Pinned codex entries", [(c.name, _entry_text(c)) for c in pinned]
    )
    mentioned_kept = admit_items(
        P_MENTIONED, "Codex entries mentioned", [(c.name, _entry_text(c)) for c in mentioned]
    )
    after = admit_text(P_AFTER, "Text after the cursor", editor.after, keep_end=False)
    earlier = _earlier_synopses(session, book, chapter, scene)
    earlier_kept = admit_items(P_EARLIER, "Earlier synopses", earlier)

    # ---- layout: stable, cacheable blocks first; the scene and the task last
    stable = [system_text]
    if book_text:
        stable.append(f"## The book\n{book_text}")
    if pinned_kept:
        stable.append("## Codex (pinned)\n" + "\n\n".join(pinned_kept))
    if earlier_kept:
        stable.append("## The story so far\n" + "\n".join(reversed(earlier_kept)))
    system_blocks: list[tuple[str, bool]] = [("\n\n".join(stable), True)]
    if mentioned_kept:
        system_blocks.append(
            ("## Codex (mentioned in this scene)\n" + "\n\n".join(mentioned_kept), True)
        )

    message = [f"<scene>\n{scene_text}\n</scene>"]
    if before:
        message.append(f"<text_before_cursor>\n{before}\n</text_before_cursor>")
    if editor.selection:
        message.append(f"<selection>\n{editor.selection}\n</selection>")
    if after:
        message.append(f"<text_after_cursor>\n{after}\n</text_after_cursor>")
    if instructions:
        message.append(f"<instructions>\n{instructions}\n</instructions>")
    message.append(f"<task>\n{task_text}\n</task>")

    return AssembledContext(
        book_id=book.id,
        scene_id=scene.id,
        action=template.action,
        template=template,
        instructions=instructions,
        editor=editor,
        system_blocks=system_blocks,
        user_message="\n\n".join(message),
        parts=sorted(parts, key=lambda p: p.priority),
        budget=budget_tokens,
        left_out=left_out,
    )
