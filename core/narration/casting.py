"""Voice casting: the narrator's voice and each character's, checked against the engine.

Stored in the library: the narrator, the engine name, the lexicon and pauses in
``Book.metadata_["narration"]``; each character's voice in ``Character.voice``
(``{"voice": id, "rate": words/min, "pitch": 0..100}``). A voice the engine does not have
falls back to the narrator, and the cast says so in :attr:`Cast.warnings`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.narration.engines import TtsEngine, VoiceInfo, VoiceSettings


@dataclass(frozen=True)
class CastMember:
    """A codex character as narration sees it."""

    id: str
    name: str
    aliases: list[str]
    voice: dict[str, Any]
    # "f", "m" or None: who "she" and "he" are in the dialogue (see narration.dialogue).
    gender: str | None = None


@dataclass
class Cast:
    """Who reads: the narrator and a voice per character id."""

    narrator: VoiceSettings
    voices: dict[str, VoiceSettings] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def voice_for(self, speaker: str | None) -> VoiceSettings:
        """The voice for a character id (the narrator for None or an uncast character)."""
        if speaker is None:
            return self.narrator
        return self.voices.get(speaker, self.narrator)


def narration_settings(metadata: dict[str, Any] | None) -> dict[str, Any]:
    """The ``narration`` section of a book's metadata (empty dict if none)."""
    section = (metadata or {}).get("narration")
    return dict(section) if isinstance(section, dict) else {}


def voice_for_language(engine: TtsEngine, language: str) -> str:
    """The engine's voice for a book in ``language`` (``en-GB``, ``fr``): one of exactly that
    language, else the engine's default when it speaks the same language, else one that
    does; the engine's default for an unknown language."""
    want = language.strip().replace("_", "-").casefold()
    default = engine.default_voice
    if not want:
        return default
    voices = [v for v in engine.voices() if "+" not in v.id]  # variants are for characters

    def lang(v: VoiceInfo) -> str:
        return (v.language or v.id).replace("_", "-").casefold()

    base = want.split("-")[0]
    by_id = {v.id: v for v in voices}
    default_speaks = default in by_id and lang(by_id[default]).split("-")[0] == base
    if "-" not in want and default_speaks:
        return default  # "en" names no region: the engine's own English will do
    exact = [v.id for v in voices if lang(v) == want or v.id.casefold() == want]
    if exact:
        return default if default in exact else exact[0]
    if default_speaks:
        return default
    same = [v.id for v in voices if lang(v).split("-")[0] == base]
    return same[0] if same else default


def cast_voices(
    *,
    engine: TtsEngine,
    narrator: dict[str, Any] | None,
    characters: list[CastMember],
    language: str = "",
) -> Cast:
    """Resolve stored voice choices against the voices ``engine`` really has; a narrator
    never chosen reads with the engine's voice for the book's ``language``."""
    available = {v.id for v in engine.voices()}
    warnings: list[str] = []
    default = VoiceSettings(voice_for_language(engine, language))
    narrator_voice = VoiceSettings.from_dict(narrator, default)
    if narrator_voice.voice not in available:
        warnings.append(
            f"narrator: voice {narrator_voice.voice!r} is not installed for {engine.name}; "
            f"using {default.voice!r}"
        )
        narrator_voice = VoiceSettings(default.voice, narrator_voice.rate, narrator_voice.pitch)
    cast = Cast(narrator=narrator_voice, warnings=warnings)
    for member in characters:
        if not member.voice or not member.voice.get("voice"):
            continue  # not cast: the narrator reads this character's lines
        settings = VoiceSettings.from_dict(member.voice, narrator_voice)
        if settings.voice not in available:
            warnings.append(
                f"{member.name}: voice {settings.voice!r} is not installed for {engine.name}; "
                "the narrator reads these lines"
            )
            continue
        cast.voices[member.id] = settings
    return cast
