"""Narration end to end with real espeak-ng synthesis and ffmpeg encoding."""

from __future__ import annotations

import statistics
import warnings
from pathlib import Path
from typing import Any

import pytest

from core.errors import JobCancelledError
from core.jobs import JobContext
from core.narration.errors import AudioToolError, NarrationError, OutputNotWritableError
from core.narration.job import NarrationJob, NarrationPlan, preview_paragraph
from tests.core.narration.conftest import wav_segment

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop  # deprecated in 3.11, but pydub needs it too


def fundamental_hz(pcm: bytes, rate: int = 22050) -> float:
    """Median voice pitch: the best self-match lag (60..400 Hz) of loud frames."""
    ref, lo, hi = 200, rate // 400, rate // 60
    periods = []
    for start in range(0, len(pcm) // 2 - hi - ref, rate // 10):
        frame = pcm[start * 2 : (start + hi + ref) * 2]
        if audioop.rms(frame, 2) < 1000:
            continue  # a pause or a consonant
        offset, _ = audioop.findfit(frame[lo * 2 :], frame[: ref * 2])
        periods.append(offset + lo)
    return rate / statistics.median(periods)


def narrate(library: Any, book_id: str, out: Path, **kw: Any) -> Any:
    chapter = kw.pop("chapter", None)
    ctx = kw.pop("ctx", None) or JobContext()
    plan = NarrationPlan(library, book_id, chapter=chapter, engine="espeak-ng")
    return NarrationJob(plan, out, workers=kw.pop("workers", 1), **kw)(ctx)


def silences(path: Path, min_ms: int) -> list[tuple[int, int]]:
    from pydub.silence import detect_silence

    return detect_silence(
        wav_segment(path), min_silence_len=min_ms, silence_thresh=-60, seek_step=10
    )


def test_wav_has_pauses_for_scene_breaks_and_chapter_ends(
    aw_library: Any, dialogue_book: str, tmp_path: Path
) -> None:
    out = tmp_path / "fog.wav"
    result = narrate(aw_library, dialogue_book, out)
    seg = wav_segment(out)
    assert abs(seg.duration_seconds - result.duration) < 0.01
    assert [c.title for c in result.chapters] == ["The Fog", "Morning"]
    # Silences of 0.95 s and more, in order: after the heading (1.0), the scene break (1.8),
    # the chapter end (2.5), the second heading (1.0) and the book's end (2.5).
    long_gaps = [(b - a) / 1000 for a, b in silences(out, 950)]
    assert long_gaps == pytest.approx([1.0, 1.8, 2.5, 1.0, 2.5], abs=0.15)
    assert all(
        g >= expected - 0.02
        for g, expected in zip(long_gaps, [1.0, 1.8, 2.5, 1.0, 2.5], strict=True)
    )
    chapter_end = silences(out, 2400)[0][1] / 1000
    assert chapter_end == pytest.approx(result.chapters[1].start, abs=0.02)
    # Paragraph pauses (0.6 s): after the first paragraph and after Mara's, and in chapter 2.
    paragraph_gaps = [(b - a) / 1000 for a, b in silences(out, 550) if b - a < 950]
    # (Speech fades out below the -60 dB threshold a little before a clip ends.)
    assert len(paragraph_gaps) == 3 and all(0.58 <= g <= 0.75 for g in paragraph_gaps)
    # Loudness normalised: speech at about -20 dBFS RMS, peaks held under -3 dBFS.
    assert seg.max_dBFS <= -2.9
    assert -26 < seg.dBFS < -18


def test_two_characters_are_read_in_two_voices(aw_library: Any, dialogue_book: str) -> None:
    plan = NarrationPlan(aw_library, dialogue_book, chapter=1, engine="espeak-ng")
    clips = [
        (c.speaker, t)
        for p in plan.scripts()[0].paragraphs
        for c, t in zip(p.clips, plan.tasks(p), strict=True)
    ]
    voices = {plan.speaker_name(s): t.voice.voice for s, t in clips}
    assert voices == {"Narrator": "en-us", "Mara Quill": "en-us+f3", "Tobias": "en+m3"}
    NarrationJob(plan, plan.library.root / "c1.wav", workers=1)(JobContext())

    def pitch(name: str) -> float:
        keys = [t.key for s, t in clips if plan.speaker_name(s) == name]
        return fundamental_hz(b"".join(plan.cache.read_pcm(k) for k in keys))

    # Mara (a female variant, pitch 85) and Tobias (a male variant, pitch 15) really sound
    # different from each other and from the narrator.
    mara, narrator, tobias = pitch("Mara Quill"), pitch("Narrator"), pitch("Tobias")
    assert mara > 1.3 * narrator and narrator > 1.15 * tobias


def test_m4b_has_chapters_tags_and_cover(
    aw_library: Any, dialogue_book: str, tmp_path: Path, ffmpeg: str, mutagen: Any
) -> None:
    from mutagen.mp4 import MP4
    from PIL import Image

    cover = tmp_path / "cover.png"
    Image.new("RGB", (64, 96), (20, 40, 200)).save(cover)
    out = tmp_path / "fog.m4b"
    result = narrate(aw_library, dialogue_book, out, cover=cover, narrator_name="Ada Voice")
    mp4 = MP4(out)
    assert mp4.info.codec.startswith("mp4a")
    assert mp4.info.length == pytest.approx(result.duration, abs=0.2)
    assert mp4.tags["©nam"] == ["Fog"]
    assert mp4.tags["©ART"] == ["A. Writer"]
    assert mp4.tags["©wrt"] == ["Ada Voice"]
    assert len(mp4.tags["covr"]) == 1
    assert [c.title for c in mp4.chapters] == ["The Fog", "Morning"]
    assert mp4.chapters[1].start == pytest.approx(result.chapters[1].start, abs=0.05)
    assert not list(tmp_path.glob(".fog.*"))  # no temp file left beside it


def test_mp3_chapter_has_id3_tags(
    aw_library: Any, dialogue_book: str, tmp_path: Path, ffmpeg: str, mutagen: Any
) -> None:
    from mutagen.id3 import ID3

    out = tmp_path / "c2.mp3"
    result = narrate(aw_library, dialogue_book, out, chapter=2)
    tags = ID3(out)
    assert str(tags["TIT2"]) == "Fog: Morning"
    assert str(tags["TPE1"]) == "A. Writer"
    assert str(tags["TALB"]) == "Fog"
    chaps = tags.getall("CHAP")
    assert len(chaps) == 1 and chaps[0].end_time == pytest.approx(result.duration * 1000, abs=30)


def test_renarration_renders_only_the_edited_paragraph(
    aw_library: Any, dialogue_book: str, tmp_path: Path
) -> None:
    from core.store.manuscript import chapter_by_number, get_book, list_scenes, set_scene_text

    first = narrate(aw_library, dialogue_book, tmp_path / "a.wav")
    assert first.reused == 0 and first.rendered > 5
    with aw_library.session() as s:
        chapter = chapter_by_number(
            session=s, book=get_book(session=s, book_id=dialogue_book), number=2
        )
        scene = list_scenes(session=s, chapter_id=chapter.id)[0]
        set_scene_text(session=s, scene=scene, text=scene.text.replace("safe", "safe at last"))
    second = narrate(aw_library, dialogue_book, tmp_path / "b.wav")
    assert second.rendered == 1
    assert second.reused == first.rendered - 1
    assert second.duration > first.duration


def test_parallel_workers_render_the_same_audio(
    aw_library: Any, dialogue_book: str, tmp_path: Path
) -> None:
    one = narrate(aw_library, dialogue_book, tmp_path / "one.wav", workers=1)
    import shutil

    shutil.rmtree(aw_library.root / "cache")
    two = narrate(aw_library, dialogue_book, tmp_path / "two.wav", workers=2)
    assert two.rendered == one.rendered
    # espeak-ng carries a little state from one utterance to the next, so clips differ by a
    # few samples depending on which worker rendered what; the layout is the same.
    assert two.duration == pytest.approx(one.duration, rel=0.01)
    assert [c.title for c in two.chapters] == [c.title for c in one.chapters]


def test_cancel_keeps_the_cache_and_writes_nothing(
    aw_library: Any, dialogue_book: str, tmp_path: Path
) -> None:
    ctx = JobContext()

    def on_progress(done: int, total: int, message: str) -> None:
        if done >= 2:
            ctx.token.cancel()

    ctx.on_progress = on_progress
    out = tmp_path / "out" / "fog.wav"
    out.parent.mkdir()
    with pytest.raises(JobCancelledError):
        narrate(aw_library, dialogue_book, out, ctx=ctx)
    assert not list(out.parent.iterdir())
    again = narrate(aw_library, dialogue_book, out)
    assert again.reused >= 2 and again.rendered >= 1


def test_missing_voice_falls_back_to_the_narrator(aw_library: Any, dialogue_book: str) -> None:
    from core.narration.casting_store import find_character
    from core.store.manuscript import get_book

    with aw_library.session() as s:
        find_character(
            session=s, book=get_book(session=s, book_id=dialogue_book), name="Tobias"
        ).voice = {"voice": "no-such-voice"}
    plan = NarrationPlan(aw_library, dialogue_book, engine="espeak-ng")
    assert plan.cast.warnings == [
        "Tobias: voice 'no-such-voice' is not installed for espeak-ng; "
        "the narrator reads these lines"
    ]
    tobias = next(m.id for m in plan.members if m.name == "Tobias")
    assert plan.cast.voice_for(tobias) == plan.cast.narrator


def test_empty_chapter(aw_library: Any, espeak_engine: Any, tmp_path: Path) -> None:
    from core.store.manuscript import add_chapter, add_scene, create_book

    with aw_library.session() as s:
        book = create_book(session=s, title="Thin")
        add_chapter(session=s, book=book, title="Nothing yet")
        add_scene(session=s, chapter=add_chapter(session=s, book=book, title="Some"), text="Words.")
        book_id = book.id
    with pytest.raises(NarrationError, match=r"chapter 1 \('Nothing yet'\) has no text to narrate"):
        narrate(aw_library, book_id, tmp_path / "c1.wav", chapter=1)
    assert not (tmp_path / "c1.wav").exists()
    result = narrate(aw_library, book_id, tmp_path / "all.wav")
    assert [c.title for c in result.chapters] == ["Some"]
    assert result.warnings == ["chapter 1 ('Nothing yet') is empty; left out"]


def test_unwritable_output_fails_before_rendering(
    aw_library: Any, dialogue_book: str, tmp_path: Path
) -> None:
    (tmp_path / "dir.m4b").mkdir()
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(OutputNotWritableError, match="does not exist"):
        narrate(aw_library, dialogue_book, blocker / "out.m4b")
    with pytest.raises(OutputNotWritableError, match="is a folder"):
        narrate(aw_library, dialogue_book, tmp_path / "dir.m4b")
    with pytest.raises(NarrationError, match=r"unknown audio format '\.ogg'"):
        narrate(aw_library, dialogue_book, tmp_path / "out.ogg")
    (tmp_path / "dir.m4b").rmdir()
    assert not (aw_library.root / "cache").exists()  # nothing was rendered


def test_encoder_failure_leaves_no_partial_file(
    aw_library: Any, dialogue_book: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.narration import assembly

    monkeypatch.setattr(assembly, "ffmpeg_exe", lambda: "/bin/false")
    out = tmp_path / "out" / "fog.m4b"
    out.parent.mkdir()
    out.write_bytes(b"old audiobook")
    with pytest.raises(AudioToolError, match="ffmpeg could not encode"):
        narrate(aw_library, dialogue_book, out)
    assert out.read_bytes() == b"old audiobook"  # the previous file is untouched
    assert [p.name for p in out.parent.iterdir()] == ["fog.m4b"]


def test_preview_renders_one_paragraph(aw_library: Any, dialogue_book: str) -> None:
    plan = NarrationPlan(aw_library, dialogue_book, chapter=1, engine="espeak-ng")
    para = plan.scripts()[0].paragraphs[2]
    path = preview_paragraph(plan, para)
    seg = wav_segment(path)
    assert 1.0 < seg.duration_seconds < 8


def test_book_cover_asset_becomes_the_cover_art(
    aw_library: Any, dialogue_book: str, tmp_path: Path, ffmpeg: str, mutagen: Any
) -> None:
    from mutagen.id3 import ID3
    from PIL import Image

    from core.store.assets import add_asset
    from core.store.manuscript import get_book

    image = tmp_path / "art.jpg"
    Image.new("RGB", (60, 90), (200, 30, 30)).save(image)
    with aw_library.session() as s:
        book = get_book(session=s, book_id=dialogue_book)
        add_asset(session=s, library=aw_library, book=book, source=image, kind="cover")
    plan = NarrationPlan(aw_library, dialogue_book, chapter=2, engine="espeak-ng")
    assert plan.cover is not None and plan.cover.read_bytes() == image.read_bytes()
    out = tmp_path / "c2.mp3"
    NarrationJob(plan, out, workers=1)(JobContext())
    pictures = ID3(out).getall("APIC")
    assert len(pictures) == 1 and pictures[0].data == image.read_bytes()


def test_cancel_with_worker_processes(aw_library: Any, dialogue_book: str, tmp_path: Path) -> None:
    ctx = JobContext()
    ctx.on_progress = lambda done, total, message: ctx.token.cancel() if done else None
    out = tmp_path / "out" / "fog.wav"
    out.parent.mkdir()
    with pytest.raises(JobCancelledError):
        narrate(aw_library, dialogue_book, out, ctx=ctx, workers=2)
    assert not list(out.parent.iterdir())
    again = narrate(aw_library, dialogue_book, out, workers=2)
    assert again.reused >= 1 and out.exists()


def test_chapter_files_one_per_chapter_with_track_numbers(
    aw_library: Any, dialogue_book: str, tmp_path: Path, ffmpeg: str, mutagen: Any
) -> None:
    from mutagen.id3 import ID3

    folder = tmp_path / "chapters"
    result = narrate(aw_library, dialogue_book, folder, split_format="mp3")
    assert [f.name for f in result.files] == ["01 - The Fog.mp3", "02 - Morning.mp3"]
    assert [str(ID3(f)["TRCK"]) for f in result.files] == ["1/2", "2/2"]
    assert [str(ID3(f)["TIT2"]) for f in result.files] == ["The Fog", "Morning"]
    assert result.chapters[1].start == pytest.approx(result.chapters[0].end)
    (tmp_path / "plain.txt").write_text("x")
    with pytest.raises(OutputNotWritableError, match="is a file"):
        narrate(aw_library, dialogue_book, tmp_path / "plain.txt", split_format="mp3")
