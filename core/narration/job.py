"""Narrating a chapter or a whole book from the library to an audio file.

:class:`NarrationPlan` reads what narration needs from the library (text, codex, casting,
lexicon) into plain data; :class:`NarrationJob` renders the plan's clips into the cache and
assembles the output. The job is a core job: progress through its JobContext, cancel with its
token; a cancelled job writes nothing at the target and keeps the clips it finished.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from core.domain import Book, ExportRecord
from core.jobs import JobContext
from core.narration.assembly import (
    AudioMetadata,
    ChapterAudio,
    ChapterMark,
    check_writable,
    output_format,
    write_audio,
)
from core.narration.audio import SAMPLE_RATE
from core.narration.cache import ClipCache, default_cache_dir
from core.narration.casting import Cast, CastMember, cast_voices, narration_settings
from core.narration.dialogue import DialogueTracker, SpeakerIndex, guess_gender
from core.narration.engines import TtsEngine, get_engine, write_wav
from core.narration.errors import NarrationError, OutputNotWritableError
from core.narration.render import ClipTask, RenderStats, default_workers, render_paragraphs
from core.narration.speakable import ChapterScript, Pauses, ScriptBuilder, SpokenParagraph
from core.store.codex import list_codex
from core.store.library import Library
from core.store.manuscript import get_book, list_chapters, list_scenes


@dataclass
class NarrationResult:
    """What a finished narration produced."""

    output: Path
    duration: float  # seconds
    chapters: list[ChapterMark]
    rendered: int
    reused: int
    warnings: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # what was written (one per chapter if split)


@dataclass
class _ChapterText:
    number: int
    title: str
    scenes: list[tuple[str, str]]


class NarrationPlan:
    """Everything narration needs from the library, read once; no session is kept open."""

    def __init__(
        self,
        library: Library,
        book_id: str,
        *,
        chapter: int | None = None,
        engine: TtsEngine | str | None = None,
    ) -> None:
        self.library = library
        with library.session() as s:
            book = get_book(session=s, book_id=book_id)
            self.book_id = book.id
            self.title = book.title
            self.author = book.author
            self.year = str(book.created_at.year) if book.created_at else ""
            self.settings = narration_settings(book.metadata_)
            chapters = list_chapters(session=s, book_id=book.id)
            if chapter is not None and not 1 <= chapter <= len(chapters):
                raise NarrationError(
                    f"{book.title!r} has {len(chapters)} chapter(s); there is no chapter {chapter}"
                )
            numbered = list(enumerate(chapters, start=1))
            if chapter is not None:
                numbered = [numbered[chapter - 1]]
            self.chapter_texts = [
                _ChapterText(
                    n,
                    c.title,
                    [(sc.title, sc.text) for sc in list_scenes(session=s, chapter_id=c.id)],
                )
                for n, c in numbered
            ]
            self.members = [
                CastMember(
                    c.id,
                    c.name,
                    list(c.aliases or []),
                    dict(getattr(c, "voice", None) or {}),
                    guess_gender(
                        c.name,
                        c.description or "",
                        getattr(c, "background", "") or "",
                        " ".join(getattr(c, "traits", None) or []),
                    ),
                )
                for c in list_codex(session=s, book_id=book.id, kind="character")
            ]
            self.language = book.language or ""
            self.cover = self._cover_path(s, book)
        self.chapter = chapter
        if isinstance(engine, str) or engine is None:
            engine = get_engine(engine or self.settings.get("engine") or None)
        self.engine = engine
        self.cast: Cast = cast_voices(
            engine=engine,
            narrator=self.settings.get("narrator"),
            characters=self.members,
            language=self.language,
        )
        self.builder = ScriptBuilder(
            lexicon=self.settings.get("lexicon") or {},
            tracker=DialogueTracker(
                SpeakerIndex.build([(m.id, m.name, m.aliases, m.gender) for m in self.members])
            ),
            pauses=Pauses.from_dict(self.settings.get("pauses")),
        )
        self.cache = ClipCache(
            default_cache_dir(library.root), engine=engine.name, sample_rate=SAMPLE_RATE
        )

    def _cover_path(self, session: Any, book: Book) -> Path | None:
        """The book's cover asset file, if it has one and the file is there."""
        from core.store.assets import asset_path, book_cover

        asset = book_cover(session=session, book_id=book.id)
        if asset is None:
            return None
        path = asset_path(self.library, asset)
        return path if path.is_file() else None

    def scripts(self) -> list[ChapterScript]:
        """The chapters as scripts (dialogue attributed, lexicon applied)."""
        return [
            self.builder.chapter(number=c.number, title=c.title, scenes=c.scenes)
            for c in self.chapter_texts
        ]

    def tasks(self, paragraph: SpokenParagraph) -> list[ClipTask]:
        """The clips of one paragraph, each with its voice and cache key."""
        out = []
        for clip in paragraph.clips:
            voice = self.cast.voice_for(clip.speaker)
            out.append(ClipTask(self.cache.key(clip.text, voice), clip.text, voice))
        return out

    def speaker_name(self, speaker: str | None) -> str:
        for m in self.members:
            if m.id == speaker:
                return m.name
        return "Narrator"


class NarrationJob:
    """A core job: narrate the plan's chapters to ``output`` (.m4b, .mp3 or .wav)."""

    def __init__(
        self,
        plan: NarrationPlan,
        output: Path,
        *,
        workers: int | None = None,
        cover: Path | None = None,
        narrator_name: str | None = None,
        split_format: str | None = None,
    ) -> None:
        """``split_format`` ("mp3", "m4b" or "wav"): write one file per chapter into the folder
        ``output`` instead of one file."""
        self.plan = plan
        self.output = Path(output)
        self.workers = workers or default_workers()
        self.cover = cover or plan.cover
        self.narrator_name = narrator_name
        self.split_format = split_format.lower().lstrip(".") if split_format else None
        self.stats = RenderStats()

    def __call__(self, ctx: JobContext) -> NarrationResult:
        plan = self.plan
        if self.split_format:
            self._prepare_folder()
        else:
            output_format(self.output)
            check_writable(self.output)  # before minutes of rendering, not after
        if self.cover is not None and not self.cover.is_file():
            raise NarrationError(f"{self.cover}: cover image not found")
        warnings = list(plan.cast.warnings)
        scripts = []
        for script in plan.scripts():
            if any(not p.is_heading for p in script.paragraphs):
                scripts.append(script)
            elif plan.chapter is not None:
                raise NarrationError(
                    f"chapter {script.number} ({script.title!r}) has no text to narrate"
                )
            else:
                warnings.append(f"chapter {script.number} ({script.title!r}) is empty; left out")
        if not scripts:
            raise NarrationError(f"{plan.title!r} has no text to narrate")
        per_paragraph = [plan.tasks(p) for s in scripts for p in s.paragraphs]
        self.stats = render_paragraphs(
            per_paragraph, cache=plan.cache, ctx=ctx, workers=self.workers
        )
        chapters = []
        tasks_iter = iter(per_paragraph)
        for script in scripts:
            audio = ChapterAudio(title=script.title)
            between = plan.builder.pauses.voice_change
            for para in script.paragraphs:
                for i, task in enumerate(next(tasks_iter)):
                    if i:
                        audio.parts.append(between)
                    audio.parts.append(task.key)
                audio.parts.append(para.pause_after_ms)
            chapters.append(audio)
        ctx.progress(len(per_paragraph), len(per_paragraph), "Writing the audio file")
        narrator = self.narrator_name or str(plan.settings.get("narrator_name") or "")
        title = plan.title if plan.chapter is None else f"{plan.title}: {scripts[0].title}"
        if not narrator:
            narrator = f"{plan.engine.name} voice {plan.cast.narrator.voice}"
        metadata = AudioMetadata(
            title=title, author=plan.author, narrator=narrator,
            album=plan.title, year=plan.year, cover=self.cover,
        )  # fmt: skip
        if self.split_format:
            files, marks = self._write_chapter_files(scripts, chapters, metadata, ctx)
        else:
            marks = write_audio(self.output, chapters, cache=plan.cache, metadata=metadata, ctx=ctx)
            files = [self.output]
        self._record(plan, marks)
        return NarrationResult(
            output=self.output,
            duration=marks[-1].end if marks else 0.0,
            chapters=marks,
            rendered=self.stats.rendered,
            reused=self.stats.reused,
            warnings=warnings,
            files=files,
        )

    def _prepare_folder(self) -> None:
        output_format(Path(f"x.{self.split_format}"))
        if self.output.exists() and not self.output.is_dir():
            raise OutputNotWritableError(f"{self.output}: is a file; chapter files need a folder")
        if not self.output.parent.is_dir():
            raise OutputNotWritableError(
                f"{self.output}: the folder {self.output.parent} does not exist"
            )
        try:
            self.output.mkdir(exist_ok=True)
        except OSError as exc:
            raise OutputNotWritableError(f"{self.output}: cannot create ({exc.strerror})") from exc
        check_writable(self.output / f"probe.{self.split_format}")

    def _write_chapter_files(
        self,
        scripts: list[ChapterScript],
        chapters: list[ChapterAudio],
        metadata: AudioMetadata,
        ctx: JobContext,
    ) -> tuple[list[Path], list[ChapterMark]]:
        """One file per chapter, named "NN - Title.ext", tagged with its track number."""
        files: list[Path] = []
        marks: list[ChapterMark] = []
        offset = 0.0
        for index, (script, audio) in enumerate(zip(scripts, chapters, strict=True), start=1):
            name = f"{script.number:02d} - {_file_safe(script.title)}.{self.split_format}"
            target = self.output / name
            tags = replace(metadata, title=script.title, track=f"{index}/{len(chapters)}")
            (mark,) = write_audio(target, [audio], cache=self.plan.cache, metadata=tags, ctx=ctx)
            marks.append(ChapterMark(mark.title, offset, offset + mark.end))
            offset += mark.end
            files.append(target)
        return files, marks

    def _record(self, plan: NarrationPlan, marks: list[ChapterMark]) -> None:
        with plan.library.session() as s:
            s.add(
                ExportRecord(
                    book_id=plan.book_id,
                    format=self.output.suffix.lower().lstrip("."),
                    preset="narration",
                    path=str(self.output),
                    size=self.output.stat().st_size,
                    options={
                        "chapter": plan.chapter,
                        "engine": plan.engine.name,
                        "chapters": len(marks),
                    },
                )
            )


def _file_safe(title: str) -> str:
    """A chapter title fit for a file name on every platform."""
    kept = "".join(" " if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in title)
    return " ".join(kept.split()).strip(". ")[:80] or "Chapter"


def preview_paragraph(
    plan: NarrationPlan, paragraph: SpokenParagraph, target: Path | None = None
) -> Path:
    """Render one paragraph (its clips in their voices) to a WAV file for listening; returns it."""
    from core.narration.engines import AudioClip

    per = plan.tasks(paragraph)
    render_paragraphs([per], cache=plan.cache, ctx=JobContext(), workers=1)
    pcm = b"".join(plan.cache.read_pcm(t.key) for t in per)
    if target is None:
        folder = plan.cache.root / "previews"
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(suffix=".wav", dir=folder)
        os.close(fd)
        target = Path(name)
    write_wav(AudioClip(pcm, plan.cache.sample_rate), target)
    return target
