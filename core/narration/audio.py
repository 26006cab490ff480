"""Audio plumbing: pydub with imageio-ffmpeg's ffmpeg, clip loading and loudness.

No system ffmpeg is needed: the ``imageio-ffmpeg`` wheel ships a static ffmpeg binary, which
pydub is pointed at. A system ffmpeg on PATH is used only when that wheel is missing.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from pathlib import Path
from typing import Any

from core.ffmpeg import find_ffmpeg
from core.narration.engines import SAMPLE_WIDTH, AudioClip
from core.narration.errors import AudioToolError

SAMPLE_RATE = 22050
# Speech loudness target (RMS, dBFS) and the peak ceiling: in the range audiobook
# platforms ask for (RMS -23..-18 dB, peaks below -3 dB).
TARGET_DBFS = -20.0
PEAK_CEILING_DBFS = -3.0


def ffmpeg_exe() -> str:
    """The ffmpeg binary: imageio-ffmpeg's, else one on PATH; AudioToolError if neither."""
    found = find_ffmpeg()
    if found:
        return found
    raise AudioToolError(
        "ffmpeg is needed for MP3 and M4B output: `pip install imageio-ffmpeg` "
        "(or install ffmpeg); WAV output works without it"
    )


def audio_segment_class() -> Any:
    """pydub's AudioSegment, pointed at our ffmpeg (and without its import-time warning)."""
    with warnings.catch_warnings():
        # pydub warns at import when no ffmpeg is on PATH; ours comes from imageio-ffmpeg.
        warnings.simplefilter("ignore", RuntimeWarning)
        # audioop, which pydub uses, is deprecated from 3.11 (pip audioop-lts on 3.13+).
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydub import AudioSegment
    with contextlib.suppress(AudioToolError):  # WAV needs no converter
        AudioSegment.converter = ffmpeg_exe()
    return AudioSegment


def _to_clip(segment: Any, sample_rate: int) -> AudioClip:
    segment = segment.set_channels(1).set_sample_width(SAMPLE_WIDTH).set_frame_rate(sample_rate)
    return AudioClip(segment.raw_data, sample_rate)


def load_clip(path: Path, sample_rate: int = SAMPLE_RATE) -> AudioClip:
    """Any audio file an engine wrote (WAV, AIFF, ...) as 16-bit mono PCM at ``sample_rate``."""
    segment_cls = audio_segment_class()
    if path.suffix.lower() == ".wav":
        try:
            return _to_clip(segment_cls.from_wav(str(path)), sample_rate)
        except Exception:
            pass  # macOS writes AIFF whatever the suffix: let ffmpeg read it
    return _to_clip(segment_cls.from_file(str(path)), sample_rate)


def conform(clip: AudioClip, sample_rate: int = SAMPLE_RATE) -> AudioClip:
    """The clip at ``sample_rate`` (engines differ: SAPI5 22.05/16 kHz, macOS 22.05 kHz...)."""
    if clip.sample_rate == sample_rate:
        return clip
    segment_cls = audio_segment_class()
    seg = segment_cls(
        data=clip.pcm, sample_width=SAMPLE_WIDTH, frame_rate=clip.sample_rate, channels=1
    )
    return _to_clip(seg, sample_rate)


def _sample_ops() -> Any:
    """The audioop module pydub itself uses (stdlib to 3.12, audioop-lts after): C sample loops."""
    global _audioop
    if _audioop is None:
        audio_segment_class()  # imports pydub with its import-time warnings silenced
        from pydub import audio_segment

        _audioop = audio_segment.audioop
    return _audioop


_audioop: Any = None


def normalise(
    clip: AudioClip, target_dbfs: float = TARGET_DBFS, ceiling_dbfs: float = PEAK_CEILING_DBFS
) -> AudioClip:
    """The clip at ``target_dbfs`` RMS loudness, turned down if its peaks would pass the ceiling.

    Every clip is normalised on its own, so that character voices and the narrator sit at one
    level however loud each engine voice is.
    """
    if not clip.pcm:
        return clip
    # The same audioop calls as pydub's AudioSegment.rms/.max/.apply_gain, without building
    # segments: each is one C pass over the samples, and a chapter has hundreds of clips.
    ops = _sample_ops()
    rms = ops.rms(clip.pcm, SAMPLE_WIDTH)
    if rms == 0:
        return clip
    peak = ops.max(clip.pcm, SAMPLE_WIDTH)
    full_scale = float(1 << (8 * SAMPLE_WIDTH - 1))
    gain = target_dbfs - 20 * math.log10(rms / full_scale)
    gain = min(gain, ceiling_dbfs - 20 * math.log10(peak / full_scale))
    if abs(gain) < 0.1:
        return clip
    return AudioClip(ops.mul(clip.pcm, SAMPLE_WIDTH, 10 ** (gain / 20)), clip.sample_rate)


def trim_silence(clip: AudioClip) -> AudioClip:
    """The clip without the digital silence engines put before and after speech.

    Pauses are then exactly what the script asks for (espeak-ng alone ends every utterance
    with about 350 ms of zeros, which would stretch every join between voices).
    """
    pcm = clip.pcm
    start = _zero_run(pcm, from_end=False)
    end = len(pcm) - _zero_run(pcm, from_end=True) if start < len(pcm) else 0
    start -= start % SAMPLE_WIDTH  # whole samples only
    end += (-end) % SAMPLE_WIDTH
    if start == 0 and end == len(pcm):
        return clip
    return AudioClip(pcm[start:end], clip.sample_rate)


def _zero_run(pcm: bytes, *, from_end: bool) -> int:
    """How many zero bytes ``pcm`` starts (or ends) with.

    Looks at growing windows at that end, so that a clip is not copied whole (as
    ``bytes.lstrip`` would) only to find a fraction of a second of silence.
    """
    size = len(pcm)
    done = 0
    window = 8192
    while done < size:
        take = min(window, size - done)
        chunk = pcm[size - done - take : size - done] if from_end else pcm[done : done + take]
        kept = len(chunk.rstrip(b"\x00") if from_end else chunk.lstrip(b"\x00"))
        if kept:
            return done + take - kept
        done += take
        window *= 4
    return size


def silence(ms: int, sample_rate: int = SAMPLE_RATE) -> bytes:
    """``ms`` milliseconds of digital silence as 16-bit mono PCM."""
    return b"\x00\x00" * (sample_rate * max(0, ms) // 1000)
