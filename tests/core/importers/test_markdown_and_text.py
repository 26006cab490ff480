"""Markdown and plain-text import: front matter, setext headings, emphasis, wrapping, headings."""

from __future__ import annotations

from pathlib import Path

from core.importers import read_manuscript


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_front_matter_setext_headings_and_underscore_emphasis(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "setext.md",
        """---
title: "Setext Tales"
author: A. N. Other
lang: fr
description: Short.
---

The First
=========

A _quiet_ line that is
hard wrapped over two lines, with __strong__ words.

A Scene
-------

Text in the scene, with snake_case_name and a [link](https://example.org) kept as text.

The Second
==========

Closing words.
""",
    )
    draft = read_manuscript(path)
    assert (draft.title, draft.author, draft.language, draft.description) == (
        "Setext Tales", "A. N. Other", "fr", "Short.",
    )  # fmt: skip
    assert [c.title for c in draft.chapters] == ["The First", "The Second"]
    first = draft.chapters[0]
    assert [s.title for s in first.scenes] == ["", "A Scene"]
    assert (
        first.scenes[0].text
        == "A *quiet* line that is hard wrapped over two lines, with **strong** words."
    )
    assert (
        first.scenes[1].text == "Text in the scene, with snake_case_name and a link kept as text."
    )


def test_book_title_heading_over_chapter_headings(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "book.md", "# My Novel\n\n## One\n\nText.\n\n* * *\n\nMore.\n\n## Two\n\nEnd.\n"
    )
    draft = read_manuscript(path)
    assert draft.title == "My Novel"
    assert [(c.title, len(c.scenes)) for c in draft.chapters] == [("One", 2), ("Two", 1)]


def test_every_scene_break_marker(tmp_path: Path) -> None:
    text = "# One\n\na\n\n***\n\nb\n\n* * *\n\nc\n\n#\n\nd\n\n⁂\n\ne\n"
    draft = read_manuscript(_write(tmp_path, "breaks.md", text))
    assert [s.text for s in draft.chapters[0].scenes] == ["a", "b", "c", "d", "e"]


def test_plain_text_chapter_headings_and_hard_wrapping(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "novel.txt",
        """Prologue

Before it all began.

CHAPTER I

It was a dark and stormy night; the rain fell
in torrents, except at occasional intervals.

* * *

A second scene with a literal *star* and a \\ backslash.

Chapter Two: The Morning

Sun.
""",
    )
    draft = read_manuscript(path)
    assert [c.title for c in draft.chapters] == [
        "Prologue",
        "CHAPTER I",
        "Chapter Two: The Morning",
    ]
    scenes = draft.chapters[1].scenes
    assert scenes[0].text == (
        "It was a dark and stormy night; the rain fell in torrents, except at occasional intervals."
    )
    # Plain text has no markup: asterisks and backslashes are escaped, so they read back literally.
    assert scenes[1].text == "A second scene with a literal \\*star\\* and a \\\\ backslash."


def test_plain_text_without_headings_is_one_chapter(tmp_path: Path) -> None:
    draft = read_manuscript(_write(tmp_path, "notes.txt", "One line.\nAnother line.\n"))
    assert len(draft.chapters) == 1
    assert draft.chapters[0].scenes[0].text == "One line.\n\nAnother line."
