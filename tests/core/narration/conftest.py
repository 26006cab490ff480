"""Fixtures for narration tests: the real espeak-ng engine and a cast two-character book."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.plugin import missing_dependency

DIALOGUE = (
    "Mara Quill climbed the stairs.\n\n"
    "“The fog is coming,” said Mara. “Light the lamp.”\n\n"
    "“I see it,” Tobias said.\n\n"
    "* * *\n\n"
    "The lamp burned all night."
)


@pytest.fixture
def espeak_engine() -> Any:
    """The espeak-ng engine (skips, or fails under AUTHORWORKS_REQUIRE_ALL=1, when missing)."""
    from core.narration.engines import get_engine
    from core.narration.errors import NoTtsEngineError

    try:
        return get_engine("espeak-ng")
    except NoTtsEngineError as exc:
        missing_dependency(str(exc))


@pytest.fixture
def ffmpeg() -> str:
    from core.narration.audio import ffmpeg_exe
    from core.narration.errors import AudioToolError

    try:
        return ffmpeg_exe()
    except AudioToolError as exc:
        missing_dependency(str(exc))
        raise


@pytest.fixture
def mutagen() -> Any:
    try:
        import mutagen
    except ImportError:
        missing_dependency("mutagen is not installed (pip install mutagen)")
    return mutagen


@pytest.fixture
def dialogue_book(aw_library: Any, espeak_engine: Any) -> str:
    """A book of two chapters; Mara and Tobias are cast with clearly different voices."""
    from core.store.codex import add_codex_entry
    from core.store.manuscript import add_chapter, add_scene, create_book

    with aw_library.session() as s:
        book = create_book(session=s, title="Fog", author="A. Writer")
        one = add_chapter(session=s, book=book, title="The Fog")
        add_scene(session=s, chapter=one, text=DIALOGUE)
        two = add_chapter(session=s, book=book, title="Morning")
        add_scene(session=s, chapter=two, text="Morning came.\n\nThe ships were safe.")
        add_codex_entry(
            session=s, book=book, kind="character", name="Mara Quill",
            voice={"voice": "en-us+f3", "rate": 170, "pitch": 85},
        )  # fmt: skip
        add_codex_entry(
            session=s, book=book, kind="character", name="Tobias",
            voice={"voice": "en+m3", "rate": 170, "pitch": 15},
        )  # fmt: skip
        return book.id


def wav_segment(path: Path) -> Any:
    from core.narration.audio import audio_segment_class

    return audio_segment_class().from_file(str(path))
