"""Text-to-speech engines behind one interface: list voices, render text to audio.

Two engines ship:

- ``espeak-ng``: libespeak-ng called in-process (see :mod:`core.narration.espeak_library`).
  The default on Linux: fast, offline, and safe to run in parallel worker processes.
- ``pyttsx3``: the platform speech API through pyttsx3 (SAPI5 on Windows,
  NSSpeechSynthesizer on macOS, espeak-ng on Linux). The default on Windows and macOS.

More engines register in :data:`ENGINE_FACTORIES`. An engine instance is used by one thread at
a time; parallel rendering uses one instance per worker process.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from core.narration.errors import NarrationError, NoTtsEngineError, VoiceNotFoundError

SAMPLE_WIDTH = 2  # every clip is 16-bit mono PCM
ESPEAK_INSTALL_HINT = (
    "install espeak-ng (Debian/Ubuntu: `sudo apt-get install espeak-ng`, Fedora: "
    "`sudo dnf install espeak-ng`) or the bundled library: `pip install espeakng-loader`"
)


@dataclass(frozen=True)
class VoiceSettings:
    """How one voice reads: the engine's voice id, words per minute and pitch (0..100)."""

    voice: str
    rate: int = 175
    pitch: int = 50

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None, default: VoiceSettings) -> VoiceSettings:
        """Settings from a stored ``{"voice", "rate", "pitch"}`` dict; ``default`` fills gaps."""
        data = data or {}
        return cls(
            voice=str(data.get("voice") or default.voice),
            rate=_clamp(data.get("rate"), 80, 450, default.rate),
            pitch=_clamp(data.get("pitch"), 0, 100, default.pitch),
        )

    def as_dict(self) -> dict[str, Any]:
        return {"voice": self.voice, "rate": self.rate, "pitch": self.pitch}


def _clamp(value: Any, low: int, high: int, default: int) -> int:
    try:
        return max(low, min(high, int(value)))
    except (TypeError, ValueError):
        return default


@dataclass(frozen=True)
class VoiceInfo:
    """A voice an engine offers."""

    id: str
    name: str
    language: str = ""
    gender: str = ""


@dataclass(frozen=True)
class AudioClip:
    """16-bit mono PCM."""

    pcm: bytes
    sample_rate: int

    @property
    def duration(self) -> float:
        return len(self.pcm) / (SAMPLE_WIDTH * self.sample_rate)


class TtsEngine(Protocol):
    """What narration needs of a speech engine."""

    name: str
    default_voice: str

    def voices(self) -> list[VoiceInfo]:
        """The voices this engine can speak with."""
        ...

    def synthesize(self, text: str, voice: VoiceSettings) -> AudioClip:
        """Speak ``text``; raises VoiceNotFoundError for a voice the engine lacks."""
        ...


def write_wav(clip: AudioClip, path: Path) -> None:
    """Write a clip as a WAV file."""
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(SAMPLE_WIDTH)
        out.setframerate(clip.sample_rate)
        out.writeframes(clip.pcm)


def render_wav(engine: TtsEngine, text: str, voice: VoiceSettings, path: Path) -> None:
    """Render ``text`` to a WAV file at ``path`` (the engine interface's file form)."""
    write_wav(engine.synthesize(text, voice), path)


class EspeakNgEngine:
    """eSpeak NG through its library, in-process."""

    name = "espeak-ng"
    default_voice = "en-us"

    def __init__(self) -> None:
        from core.narration.espeak_library import EspeakUnavailableError, espeak_library

        try:
            self._lib = espeak_library()
        except EspeakUnavailableError as exc:
            raise NoTtsEngineError(
                f"no text-to-speech engine: libespeak-ng is not installed ({exc}); "
                + ESPEAK_INSTALL_HINT
            ) from exc
        self._voice_ids: set[str] | None = None

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(v.id, v.name, v.language, v.gender) for v in self._lib.voices()]

    def synthesize(self, text: str, voice: VoiceSettings) -> AudioClip:
        try:
            pcm = self._lib.synthesize(text, voice=voice.voice, rate=voice.rate, pitch=voice.pitch)
        except ValueError as exc:
            raise VoiceNotFoundError(str(exc)) from exc
        return AudioClip(pcm, self._lib.sample_rate)


class Pyttsx3Engine:
    """The platform speech API through pyttsx3; renders through a temporary audio file."""

    name = "pyttsx3"

    def __init__(self) -> None:
        try:
            import pyttsx3

            self._engine = pyttsx3.init()
        except Exception as exc:  # pyttsx3 raises bare errors when no backend exists
            raise NoTtsEngineError(
                f"no text-to-speech engine: pyttsx3 could not start ({exc}); "
                + (ESPEAK_INSTALL_HINT if sys.platform.startswith("linux") else "")
            ) from exc
        self._lock = threading.Lock()
        voices = self.voices()
        self.default_voice = voices[0].id if voices else ""
        current = self._engine.getProperty("voice")
        if current and any(v.id == current for v in voices):
            self.default_voice = str(current)

    def voices(self) -> list[VoiceInfo]:
        out = []
        for v in self._engine.getProperty("voices") or []:
            langs = [
                lang.decode("utf-8", "replace") if isinstance(lang, bytes) else str(lang)
                for lang in (getattr(v, "languages", None) or [])
            ]
            out.append(
                VoiceInfo(
                    str(v.id), str(v.name or v.id), langs[0] if langs else "", str(v.gender or "")
                )
            )
        return out

    def synthesize(self, text: str, voice: VoiceSettings) -> AudioClip:
        from core.narration.audio import load_clip

        if voice.voice not in {v.id for v in self.voices()}:
            raise VoiceNotFoundError(f"pyttsx3 has no voice {voice.voice!r}")
        with self._lock, tempfile.TemporaryDirectory(prefix="aw-tts-") as tmp:
            # macOS writes AIFF whatever the suffix; load_clip reads either.
            path = Path(tmp) / "clip.wav"
            self._engine.setProperty("voice", voice.voice)
            self._engine.setProperty("rate", voice.rate)
            with contextlib.suppress(Exception):  # not every backend has pitch
                self._engine.setProperty("pitch", voice.pitch)
            self._engine.save_to_file(text, str(path))
            # The espeak backend prints "Audio saved to ..." on stdout.
            with contextlib.redirect_stdout(io.StringIO()):
                self._engine.runAndWait()
                # pyttsx3's espeak driver synthesises on espeak's own thread and may write
                # the file after runAndWait returns: wait for it, so utterances never overlap.
                _wait_for_file(path, timeout=max(30.0, len(text) / 5))
            return load_clip(path)


def _wait_for_file(path: Path, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_size = -1
    while time.monotonic() < deadline:
        size = path.stat().st_size if path.exists() else 0
        if size > 44 and size == last_size:
            return
        last_size = size
        time.sleep(0.02)
    raise NarrationError("pyttsx3 produced no audio (the speech engine did not answer)")


ENGINE_FACTORIES: dict[str, Callable[[], TtsEngine]] = {
    "espeak-ng": EspeakNgEngine,
    "pyttsx3": Pyttsx3Engine,
}
_engines: dict[str, TtsEngine] = {}
_engines_lock = threading.Lock()


def default_engine_name() -> str:
    """The engine used when none is chosen: $AUTHORWORKS_TTS_ENGINE, else by platform."""
    chosen = os.environ.get("AUTHORWORKS_TTS_ENGINE", "").strip()
    if chosen:
        return chosen
    return "pyttsx3" if sys.platform in ("win32", "darwin") else "espeak-ng"


def get_engine(name: str | None = None) -> TtsEngine:
    """The process's engine called ``name`` (default: :func:`default_engine_name`).

    Raises NoTtsEngineError, saying what to install, when the engine cannot start.
    """
    name = name or default_engine_name()
    factory = ENGINE_FACTORIES.get(name)
    if factory is None:
        raise NoTtsEngineError(
            f"unknown speech engine {name!r} (available: {', '.join(ENGINE_FACTORIES)})"
        )
    with _engines_lock:
        engine = _engines.get(name)
        if engine is None:
            engine = _engines[name] = factory()
        return engine
