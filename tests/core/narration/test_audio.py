"""Clip post-processing: silence trimming, loudness and the cache's clip files."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import pytest

from core.narration.audio import TARGET_DBFS, normalise, trim_silence
from core.narration.cache import ClipCache
from core.narration.engines import AudioClip


def _tone(samples: int, amplitude: int) -> bytes:
    return struct.pack(
        f"<{samples}h", *(round(amplitude * math.sin(i / 7)) or 1 for i in range(samples))
    )


@pytest.mark.parametrize("lead, tail", [(0, 0), (3, 0), (0, 5), (20_000, 70_000), (9_000, 1)])
def test_trim_silence_drops_only_the_zeros_at_each_end(lead: int, tail: int) -> None:
    speech = _tone(500, 3000)
    clip = AudioClip(b"\x00\x00" * lead + speech + b"\x00\x00" * tail, 22050)
    assert trim_silence(clip).pcm == speech


def test_trim_silence_keeps_whole_samples_and_empties_a_silent_clip() -> None:
    # A sample whose low byte is zero is not cut in half.
    assert trim_silence(AudioClip(b"\x00\x00\x00\x05\x00\x00", 22050)).pcm == b"\x00\x05"
    assert trim_silence(AudioClip(b"\x00" * 300_000, 22050)).pcm == b""


def test_normalise_reaches_the_target_loudness() -> None:
    quiet = AudioClip(_tone(22050, 800), 22050)
    loud = normalise(quiet)
    samples = struct.unpack(f"<{len(loud.pcm) // 2}h", loud.pcm)
    rms = math.sqrt(sum(s * s for s in samples) / len(samples))
    assert 20 * math.log10(rms / 32768) == pytest.approx(TARGET_DBFS, abs=0.2)


def test_stored_clip_is_a_standard_wav_file(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path, engine="espeak-ng", sample_rate=22050)
    pcm = _tone(3001, 2000)
    path = cache.store("ab" + "0" * 62, AudioClip(pcm, 22050))
    with wave.open(str(path), "rb") as clip:
        assert (clip.getnchannels(), clip.getsampwidth(), clip.getframerate()) == (1, 2, 22050)
        assert clip.readframes(clip.getnframes()) == pcm
    assert cache.frames("ab" + "0" * 62) == 3001
    assert not list(path.parent.glob("*.part"))
