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


def _attributed(t: DialogueTracker, *paragraphs: str) -> list[list[str | None]]:
    return [t.attribute(p) for p in paragraphs]


def test_first_person_lines_are_the_narrators_own() -> None:
    t = tracker()
    got = _attributed(
        t,
        "“Wedlock suits you,” remarked Holmes.",
        "“Seven!” I answered.",
        "“My dear Holmes,” said I, “this is too much.”",
        "“It is simplicity itself,” said he.",
    )
    assert got == [["h"], [None], [None, None], ["h"]]


def test_he_and_she_go_to_the_last_man_and_woman() -> None:
    index = SpeakerIndex.build([("h", "Sherlock Holmes", [], "m"), ("i", "Irene Adler", [], "f")])
    t = DialogueTracker(index)
    got = _attributed(
        t,
        "“You are late,” said Holmes.",
        "“I was detained,” Irene said.",
        "“By whom?” he asked.",
        "“That is my affair,” she answered.",
    )
    assert got == [["h"], ["i"], ["h"], ["i"]]


def test_said_bookisms_after_the_name_or_before_it() -> None:
    t = tracker()
    assert t.attribute("“I have no data yet,” observed Holmes.") == ["h"]
    assert t.attribute("“Nonsense,” retorted the doctor.") == ["w"]
    assert t.attribute("“Go on,” Mara urged.") == ["m"]


def test_untagged_lines_alternate_between_the_two_speakers() -> None:
    index = SpeakerIndex.build([("mrs", "Mrs. Bennet", ["his wife"]), ("mr", "Mr. Bennet", [])])
    t = DialogueTracker(index)
    got = _attributed(
        t,
        "“Do you not want to know who has taken it?” cried his wife impatiently.",
        "Mr. Bennet made no answer.",
        "“You want to tell me, and I have no objection to hearing it.”",
        "“Why, my dear, you must know.”",
        "“What is his name?”",
        "“Bingley.”",
    )
    assert got == [["mrs"], [], ["mr"], ["mrs"], ["mr"], ["mrs"]]
    assert index.genders == {"mrs": "f", "mr": "m"}  # from the titles


def test_an_action_beat_names_the_speaker() -> None:
    t = tracker()
    assert t.attribute("“Sit down.” Holmes pointed at the chair.") == ["h"]
    assert t.attribute("Mara turned from the window. “It is raining.”") == ["m"]


def test_a_pronoun_inside_an_alias_is_no_name() -> None:
    index = SpeakerIndex.build([("k", "the King of Bohemia", ["His Majesty"])])
    assert "his" not in index.names
    assert index.lookup("His Majesty") == "k"


def test_gender_is_guessed_from_titles_and_descriptions() -> None:
    from core.narration.dialogue import guess_gender

    assert guess_gender("Mrs. Hudson") == "f"
    assert guess_gender("Sir Henry") == "m"
    assert guess_gender("Ines", "She keeps the furnace; her mother left her the shed.") == "f"
    assert guess_gender("Teo", "A boy of twelve; his mother sent him up the hill.") == "m"
    assert guess_gender("Sam", "Keeps the lighthouse.") is None
