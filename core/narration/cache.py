"""The clip cache: rendered speech kept by a hash of (text, voice, engine).

Re-narrating after an edit renders only clips whose text or voice changed; everything else is
read back from here. Clips are normalised 16-bit mono WAV files at one sample rate, written to
a temp file and moved into place, so a cancelled or crashed render never leaves half a clip.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
import wave
from pathlib import Path

from core.narration.engines import SAMPLE_WIDTH, AudioClip, VoiceSettings

# Bump when the rendering pipeline changes what a clip sounds like (e.g. normalisation).
CACHE_FORMAT = 2
CLIP_HEADER_BYTES = 44  # the canonical WAV header that the wave module writes


def wav_header(data_bytes: int, sample_rate: int) -> bytes:
    """The canonical 44-byte header of a 16-bit mono PCM WAV file holding ``data_bytes``."""
    byte_rate = sample_rate * SAMPLE_WIDTH
    return (
        b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, sample_rate, byte_rate, SAMPLE_WIDTH, 16)
        + b"data" + struct.pack("<I", data_bytes)
    )  # fmt: skip


def default_cache_dir(library_root: Path) -> Path:
    """Where a library keeps its narration cache."""
    return library_root / "cache" / "narration"


class ClipCache:
    """A folder of rendered clips, addressed by :meth:`key`."""

    def __init__(self, root: Path, *, engine: str, sample_rate: int) -> None:
        self.root = root
        self.engine = engine
        self.sample_rate = sample_rate

    def key(self, text: str, voice: VoiceSettings) -> str:
        """The hash that names the clip of ``text`` in ``voice``."""
        payload = json.dumps(
            [
                CACHE_FORMAT,
                self.engine,
                self.sample_rate,
                voice.voice,
                voice.rate,
                voice.pitch,
                text,
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def path(self, key: str) -> Path:
        return self.root / self.engine / key[:2] / f"{key}.wav"

    def has(self, key: str) -> bool:
        return self.path(key).exists()

    def store(self, key: str, clip: AudioClip) -> Path:
        """Write a clip atomically; returns its path."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".part", dir=target.parent)
        try:
            # The bytes the wave module would write, without its copies and header patching.
            with os.fdopen(fd, "wb", buffering=0) as fh:
                for block in (wav_header(len(clip.pcm), clip.sample_rate), clip.pcm):
                    data = memoryview(block)
                    while data:  # an unbuffered write may take only part
                        data = data[fh.write(data) or 0 :]
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def frames(self, key: str) -> int:
        """The number of samples in a stored clip (from its size: no audio is read)."""
        return max(0, self.path(key).stat().st_size - CLIP_HEADER_BYTES) // SAMPLE_WIDTH

    def read_pcm(self, key: str) -> bytes:
        with wave.open(str(self.path(key)), "rb") as clip:
            return clip.readframes(clip.getnframes())
