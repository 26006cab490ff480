"""Context assembly: what is sent, in which order, and what is left out under a budget."""

from __future__ import annotations

import pytest

from core.generation.context import EditorState, assemble_context
from core.generation.errors import ActionError, ContextTooLargeError
from core.generation.tokens import estimate_tokens


def build(gen_book, scene_index=-1, **kw):
    with gen_book.library.session() as s:
        return assemble_context(s, scene_id=gen_book.scene_ids[scene_index], **kw)


def test_continue_sends_book_codex_story_and_text_with_cache_breakpoints(gen_book):
    ctx = build(gen_book, action="continue")
    system = ctx.api_system()
    assert all(b["cache_control"] == {"type": "ephemeral"} for b in system)
    stable, mentioned = system[0]["text"], system[1]["text"]
    # The stable prefix: instructions, the book with its style notes, pinned codex, story so far.
    assert stable.index("fiction co-writer") < stable.index("## The book")
    assert "Style notes: Close third person, past tense" in stable
    assert "### Location: Gannet Rock" in stable  # pinned
    assert stable.index("Chapter One: The Keeper: Mara refuses") < stable.index(
        "Chapter Two: The Wreck: A wreck"
    )
    # "the keeper" is Mara Quill's alias; the scene mentions it.
    assert "### Character: Mara Quill (also: the keeper) — protagonist" in mentioned
    assert "Tobias" not in mentioned and "Will" not in mentioned
    # "harbour board" is lower case in the text: the capitalised entry is not matched.
    assert "Harbour Board" not in stable + mentioned
    user = ctx.api_messages()[0]["content"]
    assert "Point of view: Mara Quill" in user
    assert "Synopsis and beats: A letter of thanks arrives" in user
    assert "went up to trim the wick.\n</text_before_cursor>" in user
    assert "<text_after_cursor>\n" not in user and "<selection>\n" not in user
    assert user.rstrip().endswith("</task>") and "Continue the scene" in user
    assert ctx.left_out == []
    assert ctx.estimated_tokens <= ctx.budget


def test_selection_and_instructions_are_sent_and_their_mentions_included(gen_book):
    text = "Tobias rowed out. The Harbour Board would pay. Mara watched."
    editor = EditorState(text, 0, len("Tobias rowed out. The Harbour Board would pay."))
    ctx = build(gen_book, action="rewrite", instructions="more tension", editor=editor)
    user = ctx.user_message
    assert "<selection>\nTobias rowed out. The Harbour Board would pay.\n</selection>" in user
    assert "<text_after_cursor>\n Mara watched.\n</text_after_cursor>" in user
    assert "<instructions>\nmore tension\n</instructions>" in user
    mentioned = ctx.system_blocks[1][0]
    # Selection mentions come first, then the synopsis's/scene's.
    assert mentioned.index("Character: Tobias") < mentioned.index("Lore: Harbour Board")


def test_trimming_follows_the_priority_order_and_says_what_was_left_out(gen_book):
    long_before = " ".join(f"word{i}" for i in range(3000))
    editor = EditorState(long_before + " Tobias waited. ", len(long_before) + 15)
    full = build(gen_book, action="continue", editor=editor, budget_tokens=100_000)
    assert full.left_out == []
    ctx = build(gen_book, action="continue", editor=editor, budget_tokens=2000)
    statuses = {p.label: p.status for p in ctx.parts}
    assert statuses["Task"] == statuses["Scene"] == "included"
    assert statuses["Text before the cursor"] == "trimmed"
    for label in ("Book", "Pinned codex entries", "Codex entries mentioned", "Earlier synopses"):
        assert statuses[label] == "left out", label
    before = ctx.user_message.split("<text_before_cursor>\n", 1)[1].split("</text_before_cursor>")[
        0
    ]
    # The text nearest the cursor is what is kept.
    assert before.startswith("[…] ") and "word2999 Tobias waited." in before
    assert "word0 " not in before
    assert any(item.startswith("Text before the cursor: kept ~") for item in ctx.left_out)
    assert "Pinned codex entries: Gannet Rock" in ctx.left_out
    assert ctx.estimated_tokens <= 2000
    assert "Left out to fit the budget:" in ctx.describe()


@pytest.mark.parametrize("budget", [700, 900, 1200, 2500, 5000])
def test_the_whole_request_stays_within_the_budget(gen_book, budget):
    text = ("Mara climbed. " * 400) + "|" + ("Tobias rowed. " * 400)
    ctx = build(
        gen_book, action="continue", editor=EditorState(text, text.index("|")), budget_tokens=budget
    )
    assert ctx.estimated_tokens <= budget


def test_a_selection_bigger_than_the_budget_is_a_clear_error(gen_book):
    text = "x " * 10_000
    with pytest.raises(ContextTooLargeError, match="select less text"):
        build(
            gen_book, action="rewrite", editor=EditorState(text, 0, len(text)), budget_tokens=1000
        )


def test_actions_that_lack_what_they_need(gen_book):
    editor = EditorState("Some text.", 4)
    with pytest.raises(ActionError, match="select the text"):
        build(gen_book, action="rewrite", editor=editor)
    with pytest.raises(ActionError, match="type an instruction"):
        build(gen_book, action="freeform", editor=editor)
    with pytest.raises(ActionError, match="no synopsis or beats"):
        build(gen_book, scene_index=0, action="write_scene", editor=editor)
    ok = build(gen_book, scene_index=0, action="write_scene", instructions="Mara alone at night")
    assert "Mara alone at night" in ok.user_message


def test_summarize_without_a_selection_takes_the_whole_scene(gen_book):
    ctx = build(gen_book, action="summarize")
    assert ctx.editor.selection.startswith("Spring brought a letter")
    assert ctx.editor.selection.endswith("trim the wick.")
    assert "<selection>\nSpring brought" in ctx.user_message


def test_earlier_sibling_scene_synopses_and_no_future_ones(gen_book):
    with gen_book.library.session() as s:
        from core.store.manuscript import get_scene

        get_scene(session=s, scene_id=gen_book.scene_ids[2]).synopsis = "The boy points at the sea."
        get_scene(session=s, scene_id=gen_book.scene_ids[4]).synopsis = "FUTURE"
    ctx = build(gen_book, scene_index=3, action="continue")
    stable = ctx.system_blocks[0][0]
    assert "Scene 1 of this chapter: The boy points at the sea." in stable
    assert "Chapter One: The Keeper: Mara refuses" in stable
    assert "FUTURE" not in stable + ctx.user_message
    assert "Chapter Two: The Wreck: A wreck" not in stable  # the scene's own chapter


def test_token_estimate_is_chars_over_four():
    assert (
        estimate_tokens("") == 0 and estimate_tokens("abcd") == 1 and estimate_tokens("abcde") == 2
    )
