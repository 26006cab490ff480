"""Book trailers: the cover and scene pictures with slow pan and zoom, title cards, and the
narrated blurb, encoded to MP4 (H.264 + AAC) with the ffmpeg that imageio-ffmpeg ships.

Frames are drawn with Pillow and piped raw to ffmpeg, so memory stays flat however long the
trailer is. They are drawn straight in YUV 4:2:0, the encoder's own format: every picture is
converted once, each frame is then three small single-channel resizes (about a third of the
work of an RGB frame) and ffmpeg has no per-frame colour conversion left to do. The video
lasts exactly as long as the voice-over. Cancelling stops ffmpeg and removes its temp file;
nothing is left at the target path.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import wave
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

from core.ffmpeg import find_ffmpeg
from core.imaging.backgrounds import apply_tint, gradient
from core.imaging.errors import ImagingError
from core.imaging.images import cover_fit
from core.imaging.lettering import draw_fit, fit_text
from core.jobs import JobContext

FRAME_SIZE = (1280, 720)
FPS = 24
TITLE_SECONDS = 3.0
END_SECONDS = 3.0
SILENT_SECONDS_PER_STILL = 4.0
PREFETCH = 6
# x264's preset and threads: superfast at crf 23 encodes 720p far faster than real time on
# two cores; two encoder threads leave the frame drawing its share of the machine.
PRESET = "superfast"
ENCODER_THREADS = 2


@dataclass
class TrailerResult:
    path: Path
    duration: float
    frames: int
    warnings: list[str] = field(default_factory=list)


def ffmpeg_binary() -> str:
    """imageio-ffmpeg's static ffmpeg, else one on PATH."""
    found = find_ffmpeg()
    if found:
        return found
    raise ImagingError("trailer: ffmpeg is needed (`pip install imageio-ffmpeg` or install ffmpeg)")


def wav_duration(path: Path) -> float:
    """The length of a WAV file in seconds; ImagingError if it is not a readable WAV."""
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() / float(wav.getframerate())
    except (wave.Error, OSError, EOFError) as exc:
        raise ImagingError(f"{path.name}: not a readable WAV file ({exc})") from None


def narrate_to_wav(text: str, path: Path) -> None:
    """Speak ``text`` into a WAV file: the narration engine, else the espeak-ng program."""
    try:
        from core.narration.engines import VoiceSettings, get_engine, render_wav

        engine = get_engine()
        render_wav(engine, text, VoiceSettings(engine.default_voice, rate=165), path)
        return
    except Exception as exc:  # any engine failure: try the command-line synthesiser
        reason = str(exc)
    espeak = shutil.which("espeak-ng") or shutil.which("espeak")
    if espeak is None:
        raise ImagingError(f"trailer: cannot narrate the blurb ({reason})")
    done = subprocess.run(
        [espeak, "-s", "165", "-w", str(path), text], capture_output=True, check=False
    )
    if done.returncode != 0 or not path.exists():
        raise ImagingError(
            f"trailer: espeak-ng failed ({done.stderr.decode(errors='replace').strip()})"
        )


def _stage(still: Image.Image, size: tuple[int, int]) -> Image.Image:
    """A still on a 16:9 stage: a portrait cover sits whole on a blurred copy of itself."""
    w, h = size
    big = (round(w * 1.2), round(h * 1.2))
    if still.width / still.height > 1.2:
        return cover_fit(still, big)
    # A portrait picture stands on a dark ground of its own average colour.
    average = still.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    stage = apply_tint(Image.new("RGB", big, average), "#000000a0")
    scaled = still.copy()
    scaled.thumbnail((big[0], round(big[1] * 0.92)), Image.Resampling.BICUBIC)
    stage.paste(scaled, ((big[0] - scaled.width) // 2, (big[1] - scaled.height) // 2))
    return stage


def title_card(size: tuple[int, int], title: str, line: str) -> Image.Image:
    """A title card: the title large, a second line (author, "coming soon") below."""
    w, h = size
    card = gradient(size, (12, 14, 24), (44, 28, 52), 90)
    draw = ImageDraw.Draw(card)
    fit = fit_text(
        title,
        (round(w * 0.8), round(h * 0.4)),
        font="serif-bold",
        max_size=h // 7,
        min_size=h // 24,
        what="title",
    )
    draw_fit(draw, fit, (w * 0.1, h * 0.18), font="serif-bold", fill=(250, 244, 228))
    if line:
        sub = fit_text(
            line,
            (round(w * 0.8), round(h * 0.12)),
            font="sans",
            max_size=h // 16,
            min_size=h // 40,
            what="line",
        )
        draw_fit(draw, sub, (w * 0.1, h * 0.66), font="sans", fill=(226, 196, 140))
    return card


# RGB to limited-range BT.601 Y'CbCr (what ffmpeg's rgb24 -> yuv420p conversion produces),
# as Pillow's matrix convert: each row is three weights and an offset.
_BT601 = (
    65.481 / 255, 128.553 / 255, 24.966 / 255, 16.0,
    -37.797 / 255, -74.203 / 255, 112.0 / 255, 128.0,
    112.0 / 255, -93.786 / 255, -18.214 / 255, 128.0,
)  # fmt: skip
_BLACK = (16, 128, 128)  # Y, Cb, Cr of black


def yuv_planes(image: Image.Image) -> tuple[Image.Image, Image.Image, Image.Image]:
    """Y at full size, Cb and Cr at half size (4:2:0), as three "L" images."""
    y, cb, cr = image.convert("RGB").convert("RGB", _BT601).split()
    half = (max(1, image.width // 2), max(1, image.height // 2))
    return (
        y,
        cb.resize(half, Image.Resampling.BOX),
        cr.resize(half, Image.Resampling.BOX),
    )


@dataclass
class _Shot:
    image: Image.Image  # stills: staged at 1.2x the frame; cards: at frame size
    seconds: float
    zoom_in: bool = True
    fade: bool = False
    planes: tuple[Image.Image, Image.Image, Image.Image] = field(init=False)

    def __post_init__(self) -> None:
        self.planes = yuv_planes(self.image)


def _frame(shot: _Shot, t: float, size: tuple[int, int]) -> bytes:
    """The shot at fraction ``t`` of its length as a raw yuv420p frame: a slow zoom and
    drift across the stage, or a card fading in and out."""
    w, h = size
    if shot.fade:
        level = min(1.0, t * 4, (1 - t) * 4)
        if level >= 1:
            return b"".join(plane.tobytes() for plane in shot.planes)
        return b"".join(
            Image.blend(Image.new("L", plane.size, black), plane, max(0.0, level)).tobytes()
            for plane, black in zip(shot.planes, _BLACK, strict=True)
        )
    sw, sh = shot.image.size
    k = t if shot.zoom_in else 1 - t
    scale = 1.0 - 0.15 * k  # the window onto the stage shrinks: zoom in
    cw, ch = sw * scale, sh * scale
    drift = (sw - cw) * (0.35 + 0.3 * t)
    box = (drift, (sh - ch) / 2, drift + cw, (sh - ch) / 2 + ch)
    # The same window on each plane (halved for chroma) keeps the sub-pixel smoothness.
    luma, cb, cr = shot.planes
    half_box = (box[0] / 2, box[1] / 2, box[2] / 2, box[3] / 2)
    out = [luma.resize(size, Image.Resampling.BILINEAR, box=box, reducing_gap=None).tobytes()]
    for plane in (cb, cr):
        out.append(
            plane.resize(
                (w // 2, h // 2), Image.Resampling.BILINEAR, box=half_box, reducing_gap=None
            ).tobytes()
        )
    return b"".join(out)


def render_trailer(
    output: Path,
    *,
    title: str,
    author: str,
    stills: Sequence[Image.Image],
    voice_over: Path | None,
    size: tuple[int, int] = FRAME_SIZE,
    fps: int = FPS,
    ctx: JobContext | None = None,
) -> TrailerResult:
    """Encode the trailer to ``output`` (.mp4); its length is the voice-over's."""
    ctx = ctx or JobContext()
    if output.suffix.lower() != ".mp4":
        raise ImagingError(f"{output.name}: choose an .mp4 file name")
    if not output.parent.is_dir():
        raise ImagingError(f"{output}: the folder does not exist")
    if size[0] % 2 or size[1] % 2:
        raise ImagingError(f"trailer: the frame size {size[0]}x{size[1]} must be even")
    warnings: list[str] = []
    if voice_over is not None:
        duration = wav_duration(voice_over)
    else:
        duration = TITLE_SECONDS + END_SECONDS + SILENT_SECONDS_PER_STILL * max(1, len(stills))
        warnings.append("trailer: no voice-over; the trailer is silent")
    shots = _plan(title, author, stills, duration, size)
    frames = max(1, round(duration * fps))
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.stem}.", suffix=".mp4")
    os.close(fd)
    cmd = [
        ffmpeg_binary(), "-y", "-loglevel", "error",
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{size[0]}x{size[1]}",
        "-r", str(fps), "-i", "-",
    ]  # fmt: skip
    if voice_over is not None:
        cmd += ["-i", str(voice_over), "-map", "0:v", "-map", "1:a", "-c:a", "aac", "-b:a", "128k"]
    cmd += [
        "-c:v", "libx264", "-preset", PRESET, "-crf", "23", "-pix_fmt", "yuv420p",
        "-threads", str(ENCODER_THREADS),
        "-t", f"{frames / fps:.3f}", "-movflags", "+faststart", "-f", "mp4", tmp,
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdin is not None
        bounds = _shot_bounds(shots, fps)

        def frame_bytes(i: int) -> bytes:
            s = next(k for k, (start, end) in enumerate(bounds) if i < end or k == len(bounds) - 1)
            start, end = bounds[s]
            t = (i - start) / max(1, end - start - 1)
            return _frame(shots[s], min(1.0, t), size)

        # Pillow releases the GIL while resampling: two threads draw frames while ffmpeg
        # encodes; a short window of frames in flight keeps memory flat.
        with ThreadPoolExecutor(max_workers=2) as pool:
            pending: deque[Future[bytes]] = deque()
            for i in range(frames + PREFETCH):
                if i < frames:
                    pending.append(pool.submit(frame_bytes, i))
                if i >= PREFETCH:
                    done = i - PREFETCH
                    if done % fps == 0:
                        ctx.progress(
                            done,
                            frames,
                            f"Rendering the trailer: {done // fps} of {frames // fps} s",
                        )
                    proc.stdin.write(pending.popleft().result())
        proc.stdin.close()
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        last_line = err.strip().splitlines()[-1] if err.strip() else ""
        if proc.wait() != 0:
            raise ImagingError(f"trailer: ffmpeg failed ({last_line or 'no message'})")
        os.replace(tmp, output)
    except BaseException:
        with contextlib.suppress(Exception):
            proc.kill()
            proc.wait()
        Path(tmp).unlink(missing_ok=True)
        raise
    ctx.progress(frames, frames, "Trailer written")
    return TrailerResult(output, frames / fps, frames, warnings)


def _plan(
    title: str, author: str, stills: Sequence[Image.Image], duration: float, size: tuple[int, int]
) -> list[_Shot]:
    """Title card, the stills sharing the middle, end card; short trailers shorten the cards."""
    card = min(TITLE_SECONDS, duration / 4)
    shots = [_Shot(title_card(size, title, f"by {author}" if author else ""), card, fade=True)]
    middle = duration - 2 * card
    for i, still in enumerate(stills):
        shots.append(_Shot(_stage(still, size), middle / len(stills), zoom_in=i % 2 == 0))
    if not stills:
        shots[0].seconds += middle
    shots.append(_Shot(title_card(size, title, "Coming soon"), card, fade=True))
    return shots


def _shot_bounds(shots: list[_Shot], fps: int) -> list[tuple[int, int]]:
    bounds, start, elapsed = [], 0, 0.0
    for shot in shots:
        elapsed += shot.seconds
        end = round(elapsed * fps)
        bounds.append((start, max(end, start + 1)))
        start = end
    return bounds
