"""The narrator's voice follows the book's language when none was chosen."""

from __future__ import annotations

from core.narration.casting import CastMember, cast_voices, voice_for_language
from core.narration.engines import AudioClip, VoiceInfo, VoiceSettings


class ListedVoices:
    """An engine that only lists voices (as espeak-ng names its English ones)."""

    name = "listed"
    default_voice = "en-us"

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo("en", "English (Great Britain)", "en-gb", "male"),
            VoiceInfo("en-us", "English (America)", "en-us", "male"),
            VoiceInfo("en-us+f3", "en-us f3", "en-us", "female"),
            VoiceInfo("fr-fr", "French (France)", "fr-fr", "male"),
            VoiceInfo("de", "German", "de", "male"),
        ]

    def synthesize(self, text: str, voice: VoiceSettings) -> AudioClip:
        raise AssertionError("not used")


def test_a_british_book_gets_a_british_narrator() -> None:
    engine = ListedVoices()
    assert voice_for_language(engine, "en-GB") == "en"
    assert voice_for_language(engine, "en_gb") == "en"
    assert voice_for_language(engine, "en-US") == "en-us"
    assert voice_for_language(engine, "en") == "en-us"  # the default speaks it
    assert voice_for_language(engine, "en-AU") == "en-us"
    assert voice_for_language(engine, "fr") == "fr-fr"
    assert voice_for_language(engine, "de-AT") == "de"
    assert voice_for_language(engine, "xx") == "en-us"
    assert voice_for_language(engine, "") == "en-us"


def test_cast_uses_the_books_language_and_keeps_a_chosen_voice() -> None:
    engine = ListedVoices()
    cast = cast_voices(engine=engine, narrator=None, characters=[], language="en-GB")
    assert cast.narrator.voice == "en" and cast.warnings == []
    chosen = cast_voices(
        engine=engine,
        narrator={"voice": "en-us+f3"},
        characters=[CastMember("c", "Mara", [], {"voice": "fr-fr"}, "f")],
        language="en-GB",
    )
    assert chosen.narrator.voice == "en-us+f3"
    assert chosen.voice_for("c").voice == "fr-fr"


def test_lexicon_entries_are_read_one_way_for_the_cli_and_the_studio() -> None:
    import pytest

    from core.errors import ValidationError
    from core.narration.casting_store import lexicon_lines, lexicon_with

    lexicon = lexicon_with({"Quill": "Kwill"}, ["Ines = Ee-ness", "", "Quill=", "Teo=Tay-oh"])
    assert lexicon == {"Ines": "Ee-ness", "Teo": "Tay-oh"}
    assert lexicon_with({}, lexicon_lines(lexicon).splitlines()) == lexicon
    with pytest.raises(ValidationError, match="write WORD=SPOKEN"):
        lexicon_with({}, ["Quill Kwill"])
