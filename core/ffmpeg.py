"""Finding ffmpeg: the static binary of the imageio-ffmpeg wheel, else one on PATH.

Narration (MP3, M4B) and the trailer both need it; the wheel means users need no system ffmpeg.
"""

from __future__ import annotations

import shutil
from functools import lru_cache


@lru_cache(maxsize=1)
def find_ffmpeg() -> str | None:
    """The path of an ffmpeg binary, or None if there is none."""
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception:  # the wheel is missing or has no binary for this platform
        return shutil.which("ffmpeg")
