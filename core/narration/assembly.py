"""Assembling cached clips and pauses into WAV, MP3 (ID3) and M4B (AAC with chapters).

Audio is streamed, clip by clip, straight into the output (a WAV file, or ffmpeg's stdin for
MP3 and M4B): a book of many hours never sits in memory. Chapter start times are known before
encoding from the cached clips' sizes, so M4B chapter atoms and MP3 CHAP frames come from one
FFMETADATA file. The output is written beside the target and moved into place only when
complete: a failed or cancelled export leaves no partial file at the target.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from core.jobs import JobContext
from core.narration.audio import ffmpeg_exe, silence
from core.narration.cache import CLIP_HEADER_BYTES, ClipCache, wav_header
from core.narration.errors import AudioToolError, NarrationError, OutputNotWritableError

FORMATS = ("m4b", "mp3", "wav")
_COPY_BLOCK = 1 << 20
# Cover images an MP3 can carry as they are; anything else is converted to JPEG.
_COPYABLE = {".jpg", ".jpeg", ".png"}


@dataclass
class ChapterAudio:
    """A chapter's audio as a sequence of cached clip keys and pauses (ints, in ms)."""

    title: str
    parts: list[str | int] = field(default_factory=list)


@dataclass
class AudioMetadata:
    """Tags for the output file."""

    title: str
    author: str = ""
    narrator: str = ""
    album: str = ""
    year: str = ""
    genre: str = "Audiobook"
    comment: str = ""
    track: str = ""  # "3/12" for chapter files
    cover: Path | None = None  # a JPEG or PNG


@dataclass(frozen=True)
class ChapterMark:
    title: str
    start: float  # seconds
    end: float


def output_format(path: Path) -> str:
    """The format named by the output file's suffix; NarrationError for any other."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise NarrationError(
            f"{path}: unknown audio format {path.suffix or '(no suffix)'!r}; use .m4b, .mp3 or .wav"
        )
    return fmt


def chapter_marks(chapters: Sequence[ChapterAudio], cache: ClipCache) -> list[ChapterMark]:
    """Start and end of each chapter in seconds, from the cached clip sizes."""
    marks: list[ChapterMark] = []
    position = 0
    for chapter in chapters:
        frames = 0
        for part in chapter.parts:
            if isinstance(part, int):
                frames += cache.sample_rate * part // 1000
            else:
                frames += cache.frames(part)
        rate = cache.sample_rate
        marks.append(ChapterMark(chapter.title, position / rate, (position + frames) / rate))
        position += frames
    return marks


def _pcm_blocks(
    chapters: Sequence[ChapterAudio], cache: ClipCache, ctx: JobContext
) -> Iterator[bytes]:
    for chapter in chapters:
        ctx.check()
        for part in chapter.parts:
            if isinstance(part, int):
                yield silence(part, cache.sample_rate)
            else:
                yield cache.read_pcm(part)


def check_writable(target: Path) -> None:
    """Fail early, with a clear message, if ``target`` cannot be written."""
    folder = target.parent
    if target.is_dir():
        raise OutputNotWritableError(
            f"{target}: is a folder; give a file name ending .m4b, .mp3 or .wav"
        )
    if not folder.is_dir():
        raise OutputNotWritableError(f"{target}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise OutputNotWritableError(f"{target}: cannot write here (permission denied)")


def write_audio(
    target: Path,
    chapters: Sequence[ChapterAudio],
    *,
    cache: ClipCache,
    metadata: AudioMetadata,
    ctx: JobContext | None = None,
) -> list[ChapterMark]:
    """Write the chapters to ``target`` (format from its suffix); returns the chapter marks."""
    ctx = ctx or JobContext()
    fmt = output_format(target)
    check_writable(target)
    marks = chapter_marks(chapters, cache)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.stem}.", suffix=f".part.{fmt}", dir=target.parent
        )
    except OSError as exc:
        raise OutputNotWritableError(f"{target}: cannot write here ({exc.strerror})") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if fmt == "wav":
            _write_wav(tmp, chapters, cache, ctx)
        else:
            _encode(tmp, fmt, chapters, marks, cache, metadata, ctx)
        os.chmod(tmp, 0o644)  # mkstemp makes the file private; an audiobook is for sharing
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputNotWritableError(
            f"{target}: could not write the audio ({exc.strerror or exc})"
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return marks


def _copy_after_header(clip: BinaryIO, out: BinaryIO) -> None:
    length = os.fstat(clip.fileno()).st_size - CLIP_HEADER_BYTES
    offset = CLIP_HEADER_BYTES
    if hasattr(os, "sendfile"):
        try:
            while length > 0:
                sent = os.sendfile(out.fileno(), clip.fileno(), offset, length)
                if sent == 0:
                    break
                offset += sent
                length -= sent
            out.seek(0, os.SEEK_END)
            return
        except OSError:
            pass  # not supported between these files: copy in Python below
    clip.seek(offset)
    shutil.copyfileobj(clip, out, _COPY_BLOCK)


def _write_wav(
    tmp: Path, chapters: Sequence[ChapterAudio], cache: ClipCache, ctx: JobContext
) -> None:
    # Clips are copied file to file (by the kernel where it can), not through Python objects:
    # re-narrating a long chapter is mostly this copy.
    with tmp.open("wb", buffering=0) as out:
        out.write(wav_header(0, cache.sample_rate))
        for chapter in chapters:
            ctx.check()
            for part in chapter.parts:
                if isinstance(part, int):
                    out.write(silence(part, cache.sample_rate))
                    continue
                with cache.path(part).open("rb", buffering=0) as clip:
                    _copy_after_header(clip, out)
        size = out.tell() - CLIP_HEADER_BYTES
        out.seek(0)
        out.write(wav_header(size, cache.sample_rate))


def _ffmetadata(metadata: AudioMetadata, marks: Sequence[ChapterMark]) -> str:
    def esc(value: str) -> str:
        for ch in ("\\", "=", ";", "#", "\n"):
            value = value.replace(ch, "\\" + ch)
        return value

    tags = {
        "title": metadata.title,
        "album": metadata.album or metadata.title,
        "artist": metadata.author,
        "album_artist": metadata.author,
        "composer": metadata.narrator,  # where audiobook players look for the narrator
        "genre": metadata.genre,
        "date": metadata.year,
        "comment": metadata.comment,
        "track": metadata.track,
    }
    lines = [";FFMETADATA1"]
    lines += [f"{k}={esc(v)}" for k, v in tags.items() if v]
    for mark in marks:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(mark.start * 1000)}",
            f"END={round(mark.end * 1000)}",
            f"title={esc(mark.title)}",
        ]
    return "\n".join(lines) + "\n"


def _encode(
    tmp: Path,
    fmt: str,
    chapters: Sequence[ChapterAudio],
    marks: Sequence[ChapterMark],
    cache: ClipCache,
    metadata: AudioMetadata,
    ctx: JobContext,
) -> None:
    ffmpeg = ffmpeg_exe()
    with tempfile.TemporaryDirectory(prefix="aw-narration-") as work:
        meta_path = Path(work) / "metadata.txt"
        meta_path.write_text(_ffmetadata(metadata, marks), encoding="utf-8")
        cmd = [
            ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "s16le", "-ar", str(cache.sample_rate), "-ac", "1", "-i", "pipe:0",
            "-i", str(meta_path),
        ]  # fmt: skip
        cover = metadata.cover if metadata.cover and metadata.cover.is_file() else None
        if cover:
            cmd += ["-i", str(cover)]
        cmd += ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
        if cover:
            cmd += [
                "-map",
                "2:v",
                "-c:v",
                "copy" if fmt == "mp3" and cover.suffix.lower() in _COPYABLE else "mjpeg",
                "-disposition:v",
                "attached_pic",
            ]
        if fmt == "mp3":
            cmd += ["-c:a", "libmp3lame", "-b:a", "64k", "-id3v2_version", "3", "-f", "mp3"]
        else:
            # The fast coder is 5x quicker than the default and transparent for speech at 64k.
            cmd += ["-c:a", "aac", "-aac_coder", "fast", "-b:a", "64k"]
            cmd += ["-movflags", "+faststart", "-f", "ipod"]
        cmd.append(str(tmp))
        _run_ffmpeg(cmd, _pcm_blocks(chapters, cache, ctx))


def _run_ffmpeg(cmd: list[str], blocks: Iterator[bytes]) -> None:
    try:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
    except OSError as exc:
        raise AudioToolError(f"could not start ffmpeg ({exc})") from exc
    assert proc.stdin is not None and proc.stderr is not None
    try:
        for block in blocks:
            proc.stdin.write(block)
        proc.stdin.close()
    except BrokenPipeError:
        pass  # ffmpeg stopped early: its exit status and message say why
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    err = proc.stderr.read().decode("utf-8", "replace").strip()
    if proc.wait() != 0:
        last = err.splitlines()[-1] if err else f"exit status {proc.returncode}"
        raise AudioToolError(f"ffmpeg could not encode the audio: {last}")
