from __future__ import annotations

from core.narration.dialogue import DialogueTracker, SpeakerIndex


def tracker() -> DialogueTracker:
    index = SpeakerIndex.build(
        [("h", "Sherlock Holmes", []), ("w", "John Watson", ["the doctor"]), ("m", "Mara", [])]
    )
    return DialogueTracker(index)


def speakers(t: DialogueTracker, text: str) -> list[tuple[str | None, str]]:
    return [(r.speaker, r.text.strip()) for r in t.split(text)]


def test_said_name_after_the_quote() -> None:
    assert speakers(tracker(), "“Come, Watson,” said Holmes.")[0] == ("h", "Come, Watson,")


def test_name_said_after_the_quote_with_adverb() -> None:
    assert speakers(tracker(), '"It is late," Watson quietly said.')[0] == ("w", "It is late,")


def test_attribution_before_the_quote() -> None:
    runs = speakers(tracker(), "Mara turned and said, “Look at the sea.”")
    assert runs == [(None, "Mara turned and said,"), ("m", "Look at the sea.")]


def test_pronoun_goes_to_the_last_named_speaker() -> None:
    t = tracker()
    t.split("“The game is afoot,” said Holmes.")
    assert speakers(t, "“Quickly,” he said.")[0] == ("h", "Quickly,")


def test_pronoun_without_a_named_speaker_is_the_narrators() -> None:
    assert speakers(tracker(), "“Quickly,” he said.") == [(None, "Quickly, he said.")]


def test_explicit_speaker_tag_wins_and_is_not_spoken() -> None:
    runs = speakers(tracker(), "[Watson] “I fear the worst,” said Holmes.")
    assert runs[0] == ("w", "I fear the worst,")
    assert all("[" not in text for _, text in runs)


def test_tagged_paragraph_without_quotes_is_read_by_that_character() -> None:
    assert speakers(tracker(), "[Mara] Dear father, the lamp is lit.") == [
        ("m", "Dear father, the lamp is lit.")
    ]


def test_alias_and_surname_find_the_character() -> None:
    t = tracker()
    assert speakers(t, "“Sit,” said the doctor.")[0][0] == "w"
    assert speakers(t, "“Stand,” said Sherlock Holmes.")[0][0] == "h"


def test_unattributed_quote_is_read_by_the_narrator() -> None:
    assert speakers(tracker(), "“Who goes there?”") == [(None, "Who goes there?")]


def test_shared_first_name_identifies_nobody() -> None:
    index = SpeakerIndex.build([("a", "Anna Bell", []), ("b", "Anna Grey", [])])
    t = DialogueTracker(index)
    assert speakers(t, "“Hello,” said Anna.")[0][0] is None
    assert speakers(t, "“Hello,” said Anna Grey.")[0][0] == "b"


def test_no_characters_means_everything_is_narrated() -> None:
    t = DialogueTracker(SpeakerIndex.build([]))
    assert speakers(t, "“Hi,” said Holmes.") == [(None, "Hi, said Holmes.")]
