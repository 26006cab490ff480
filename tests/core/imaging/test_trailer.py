"""Trailers: ffprobe sees H.264 + AAC and the duration of the narration; cancel leaves nothing."""

from __future__ import annotations

import json
import math
import struct
import subprocess
import wave
from pathlib import Path

import pytest
from PIL import Image

from core.errors import JobCancelledError
from core.imaging import book_trailer, trailer
from core.imaging.errors import ImagingError
from core.imaging.trailer import render_trailer, wav_duration
from core.jobs import JobContext

SMALL = (320, 180)


def _tone(path: Path, seconds: float, rate: int = 22050) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(2000 * math.sin(i / 15))) for i in range(int(seconds * rate))
            )
        )
    return path


def probe(ffprobe: str, path: Path) -> dict:
    out = subprocess.run(
        [
            ffprobe, "-v", "error", "-of", "json", "-show_entries",
            "stream=codec_type,codec_name,width,height:format=duration", str(path),
        ],
        capture_output=True, check=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def test_trailer_streams_and_duration(aw_require, tmp_path: Path) -> None:
    ffprobe = aw_require("ffprobe")
    voice = _tone(tmp_path / "vo.wav", 2.5)
    stills = [Image.new("RGB", (400, 640), "navy"), Image.new("RGB", (640, 360), "orange")]
    out = tmp_path / "t.mp4"
    progress: list[int] = []
    ctx = JobContext(on_progress=lambda done, total, msg: progress.append(done))
    result = render_trailer(
        out,
        title="Gannet Rock",
        author="A. Writer",
        stills=stills,
        voice_over=voice,
        size=SMALL,
        ctx=ctx,
    )
    info = probe(ffprobe, out)
    streams = {s["codec_type"]: s for s in info["streams"]}
    assert streams["video"]["codec_name"] == "h264" and streams["audio"]["codec_name"] == "aac"
    assert (streams["video"]["width"], streams["video"]["height"]) == SMALL
    assert float(info["format"]["duration"]) == pytest.approx(2.5, abs=0.15)
    assert result.duration == pytest.approx(2.5, abs=0.05)
    assert progress and progress == sorted(progress)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".mp4"] == ["t.mp4"]


def test_cancel_removes_the_partial_file(tmp_path: Path) -> None:
    voice = _tone(tmp_path / "vo.wav", 3)
    ctx = JobContext()
    calls = []

    def report(done: int, total: int, msg: str) -> None:
        calls.append(done)
        if done >= 24:
            ctx.token.cancel()

    ctx.on_progress = report
    with pytest.raises(JobCancelledError):
        render_trailer(
            tmp_path / "t.mp4",
            title="T",
            author="",
            stills=[],
            voice_over=voice,
            size=SMALL,
            ctx=ctx,
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vo.wav"]


def test_bad_voice_over_and_output(tmp_path: Path) -> None:
    bad = tmp_path / "vo.wav"
    bad.write_bytes(b"RIFF....not a wav")
    with pytest.raises(ImagingError, match=r"vo\.wav: not a readable WAV"):
        render_trailer(
            tmp_path / "t.mp4", title="T", author="", stills=[], voice_over=bad, size=SMALL
        )
    with pytest.raises(ImagingError, match=r"\.mp4"):
        render_trailer(
            tmp_path / "t.avi", title="T", author="", stills=[], voice_over=None, size=SMALL
        )


def test_book_trailer_narrates_the_blurb(
    aw_require, aw_library, aw_sample_book, tmp_path: Path, monkeypatch
) -> None:
    ffprobe = aw_require("ffprobe")
    aw_require("espeak-ng")
    narrated: list[float] = []

    def narrate(text: str, path: Path) -> None:
        trailer.narrate_to_wav(text, path)
        narrated.append(wav_duration(path))

    monkeypatch.setattr(book_trailer, "narrate_to_wav", narrate)
    monkeypatch.setattr(trailer, "FRAME_SIZE", SMALL)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG broken")
    out = tmp_path / "book.mp4"
    monkeypatch.setattr(
        book_trailer, "render_trailer", lambda *a, **k: render_trailer(*a, **{**k, "size": SMALL})
    )
    result = book_trailer.make_book_trailer(
        aw_library,
        aw_sample_book,
        out,
        blurb="A keeper. A wreck. A letter sealed with green wax.",
        images=[broken],
    )
    assert narrated and narrated[0] > 1.0
    assert float(probe(ffprobe, out)["format"]["duration"]) == pytest.approx(narrated[0], abs=0.15)
    assert any("broken.png" in w for w in result.warnings)


def test_book_without_blurb_says_what_to_do(aw_library, aw_sample_book, tmp_path: Path) -> None:
    with pytest.raises(ImagingError, match="no description to narrate"):
        book_trailer.make_book_trailer(aw_library, aw_sample_book, tmp_path / "x.mp4")


def test_frames_keep_the_pictures_colours(tmp_path: Path) -> None:
    """Frames are drawn in YUV: a still's colour comes back out of the decoder unchanged."""
    colour = (40, 90, 200)
    voice = _tone(tmp_path / "vo.wav", 2.0)
    out = tmp_path / "t.mp4"
    render_trailer(
        out,
        title="T",
        author="",
        stills=[Image.new("RGB", (640, 360), colour)],
        voice_over=voice,
        size=SMALL,
    )
    still = tmp_path / "middle.png"
    subprocess.run(
        [trailer.ffmpeg_binary(), "-v", "error", "-y", "-ss", "1.0", "-i", str(out),
         "-frames:v", "1", str(still)],
        check=True,
    )  # fmt: skip
    with Image.open(still) as frame:
        assert frame.size == SMALL
        got = frame.convert("RGB").getpixel((SMALL[0] // 2, SMALL[1] // 2))
    assert all(abs(a - b) <= 8 for a, b in zip(got, colour, strict=True)), got


def test_odd_frame_sizes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ImagingError, match="must be even"):
        render_trailer(
            tmp_path / "t.mp4", title="T", author="", stills=[], voice_over=None, size=(321, 180)
        )
