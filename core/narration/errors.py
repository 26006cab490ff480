"""Errors of narration; each message is one line fit to show as-is."""

from __future__ import annotations

from core.errors import AuthorWorksError


class NarrationError(AuthorWorksError):
    """Narration could not be made."""


class NoTtsEngineError(NarrationError):
    """No speech engine is installed, or the chosen one cannot start (says what to install)."""


class VoiceNotFoundError(NarrationError):
    """The engine has no voice with the given id."""


class AudioToolError(NarrationError):
    """ffmpeg (from imageio-ffmpeg) is missing or failed to encode."""


class OutputNotWritableError(NarrationError):
    """The output file cannot be written where the user asked."""
