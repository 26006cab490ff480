"""Reading an import's bytes: encodings, binary, empty and oversized files, one-line errors."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from core.errors import ImportFailedError
from core.importers import read_manuscript

TEXT = "Chapter 1\n\n“Déjà vu,” said Zoë — naïve café owner — for £5 and 10€.\n"


def _error(path: Path) -> str:
    with pytest.raises(ImportFailedError) as info:
        read_manuscript(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    return message


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("cp1252", b""),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
    ],
)
def test_text_encodings_import_correctly(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "manuscript.txt"
    path.write_bytes(bom + TEXT.replace("\n", "\r\n").encode(encoding))
    draft = read_manuscript(path)
    assert draft.chapters[0].title == "Chapter 1"
    assert draft.chapters[0].scenes[0].text == TEXT.split("\n\n")[1].strip()


def test_latin1_markdown(tmp_path: Path) -> None:
    path = tmp_path / "old.md"
    text = "# Préface\n\nÀ la façon de Molière, l’été... « bien sûr » dit-il, à Noël.\n\n" * 3
    path.write_bytes(text.replace("’", "'").encode("latin-1"))
    draft = read_manuscript(path)
    assert draft.chapters[0].title == "Préface"
    assert "« bien sûr » dit-il, à Noël." in draft.chapters[0].scenes[0].text


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 64)
    assert "binary file" in _error(path)


def test_binary_file_without_extension_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "mystery"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16)
    assert "binary file" in _error(path)


@pytest.mark.parametrize(
    "name", ["empty.md", "empty.txt", "empty.docx", "empty.epub", "empty.fountain"]
)
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    assert "empty" in _error(path)


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.md"
    path.write_text("\n   \n\t\n", encoding="utf-8")
    assert "empty" in _error(path)


def test_file_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    with path.open("wb") as fh:  # sparse: 50 MB on paper, nothing written
        fh.truncate(50 * 1024 * 1024)
    message = _error(path)
    assert "50.0 MB" in message and "over the import limit" in message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert "no such file" in _error(tmp_path / "nothing.md")
    folder = tmp_path / "folder.md"
    folder.mkdir()
    assert "folder" in _error(folder)


def test_formats_we_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "novel.odt"
    path.write_bytes(b"PK\x03\x04...")
    assert "cannot be imported" in _error(path)


def test_central_european_code_page_is_still_detected(tmp_path: Path) -> None:
    text = "Příliš žluťoučký kůň úpěl ďábelské ódy. Čeština je krásná řeč.\n\n" * 2
    path = tmp_path / "czech.txt"
    path.write_bytes(text.encode("cp1250"))
    assert read_manuscript(path).chapters[0].scenes[0].text.startswith("Příliš žluťoučký kůň")
