from __future__ import annotations

from core.narration.dialogue import DialogueTracker, SpeakerIndex
from core.narration.speakable import (
    MAX_CLIP_CHARS,
    Pauses,
    ScriptBuilder,
    chunk_text,
    clean_symbols,
)


def test_markdown_and_symbols_become_speakable_text() -> None:
    builder = ScriptBuilder()
    para = builder.paragraph("She **ran** — *fast* & far: 50% ★★★ 🚀 → home!!!!")
    assert para is not None
    assert [c.text for c in para.clips] == ["She ran, fast and far: 50 percent home!"]
    assert clean_symbols("lens — slowly —, then") == "lens, slowly, then"


def test_only_symbols_is_not_spoken() -> None:
    assert ScriptBuilder().paragraph("★ ☆ → ⚡ ♥ ∑ ⌘") is None
    assert clean_symbols("\x00\x07abc\u200b") == "abc"


def test_lexicon_replaces_whole_words_in_any_case() -> None:
    builder = ScriptBuilder(lexicon={"Quill": "Kwill", "St.": "Saint"})
    para = builder.paragraph("Mara Quill met QUILL at St. Ives; quills stayed.")
    assert para is not None
    assert para.clips[0].text == "Mara Kwill met Kwill at Saint Ives; quills stayed."


def test_chapter_announced_and_pauses_for_breaks() -> None:
    pauses = Pauses(paragraph=100, heading=200, scene_break=300, chapter_end=400)
    builder = ScriptBuilder(pauses=pauses)
    script = builder.chapter(
        number=2,
        title="The Wreck",
        scenes=[("", "One.\n\nTwo.\n\n* * *\n\nThree."), ("Night", "Four.")],
    )
    texts = [p.clips[0].text for p in script.paragraphs]
    assert texts == ["Chapter 2. The Wreck", "One.", "Two.", "Three.", "Night", "Four."]
    assert [p.pause_after_ms for p in script.paragraphs] == [200, 100, 300, 300, 200, 400]
    assert [p.is_heading for p in script.paragraphs] == [True, False, False, False, True, False]


def test_titles_that_name_the_chapter_are_read_as_they_are() -> None:
    script = ScriptBuilder().chapter(number=1, title="Chapter One: The Keeper", scenes=[])
    assert script.paragraphs[0].clips[0].text == "Chapter One: The Keeper"


def test_huge_paragraph_is_cut_at_sentences_into_bounded_clips() -> None:
    sentence = "The sea rose over the black rocks and fell again. "
    text = sentence * 4000  # 40,000 words in one paragraph
    pieces = chunk_text(text.strip())
    assert all(len(p) <= MAX_CLIP_CHARS for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert sum(len(p.split()) for p in pieces) == 40_000


def test_run_on_sentence_without_stops_is_cut_at_spaces() -> None:
    text = "word " * 2000
    pieces = chunk_text(text.strip(), limit=100)
    assert all(0 < len(p) <= 100 for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_200000_word_chapter_builds_a_script() -> None:
    paragraph = " ".join(["Mara kept the light."] * 50)  # 200 words
    text = "\n\n".join([paragraph] * 1000)  # 200,000 words
    script = ScriptBuilder().chapter(number=1, title="Long", scenes=[("", text)])
    assert len(script.paragraphs) == 1001
    words = sum(len(c.text.split()) for p in script.paragraphs[1:] for c in p.clips)
    assert words == 200_000


def test_dialogue_runs_follow_the_speakers() -> None:
    index = SpeakerIndex.build([("m", "Mara Quill", []), ("t", "Tobias", [])])
    builder = ScriptBuilder(tracker=DialogueTracker(index))
    para = builder.paragraph("“Come down,” said Tobias. “Now.”")
    assert para is not None
    assert [(c.speaker, c.text) for c in para.clips] == [
        ("t", "Come down,"),
        (None, "said Tobias."),
        ("t", "Now."),
    ]
