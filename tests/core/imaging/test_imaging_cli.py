"""The cover, comic and trailer commands as a user's script drives them."""

from __future__ import annotations

import zipfile
from pathlib import Path

from PIL import Image

from core.cli import main
from tests.fixtures.plugin import SAMPLE_MANUSCRIPT


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _library(capsys, tmp_path: Path) -> str:
    lib = str(tmp_path / "lib")
    code, _, err = run(
        capsys,
        "--library",
        lib,
        "import",
        str(SAMPLE_MANUSCRIPT),
        "--title",
        "Gannet Rock",
        "--author",
        "A. Writer",
    )
    assert code == 0, err
    return lib


def test_cover_ebook_and_print(capsys, tmp_path: Path) -> None:
    lib = _library(capsys, tmp_path)
    code, out, err = run(
        capsys,
        "--library",
        lib,
        "cover",
        "Gannet",
        "--template",
        "minimal",
        "-o",
        str(tmp_path / "c.webp"),
    )
    assert code == 0, err
    assert "1600x2560" in out and Image.open(tmp_path / "c.webp").size == (1600, 2560)
    code, out, err = run(
        capsys,
        "--library",
        lib,
        "cover",
        "Gannet",
        "--size",
        "print",
        "--pages",
        "120",
        "--paper",
        "white",
        "-o",
        str(tmp_path / "wrap.jpg"),
    )
    assert code == 0, err
    width, height = Image.open(tmp_path / "wrap.jpg").size
    assert height == 2776 and width == 2 * 38 + 2 * 1800 + round(120 * 0.002252 * 300)


def test_cover_errors_are_one_line(capsys, tmp_path: Path) -> None:
    lib = _library(capsys, tmp_path)
    code, _, err = run(
        capsys,
        "--library",
        lib,
        "cover",
        "Gannet",
        "--template",
        "nope",
        "-o",
        str(tmp_path / "c.png"),
    )
    assert code == 1 and err.count("\n") == 1 and "no cover template 'nope'" in err
    code, _, err = run(capsys, "--library", lib, "cover", "Gannet", "-o", str(tmp_path / "c.tiff"))
    assert code == 1 and "c.tiff" in err
    assert not (tmp_path / "c.png").exists()


def test_comic_command_writes_a_cbz(capsys, tmp_path: Path) -> None:
    lib = _library(capsys, tmp_path)
    out_path = tmp_path / "ch1.cbz"
    code, out, err = run(
        capsys,
        "--library",
        lib,
        "comic",
        "Gannet",
        "--chapter",
        "1",
        "--scale",
        "0.15",
        "-o",
        str(out_path),
    )
    assert code == 0, err
    assert "pages" in out and "ComicInfo.xml" in zipfile.ZipFile(out_path).namelist()
    code, _, err = run(
        capsys, "--library", lib, "comic", "Gannet", "--chapter", "9", "-o", str(out_path)
    )
    assert code == 1 and "chapter 9" in err


def test_trailer_command_needs_a_blurb(capsys, tmp_path: Path) -> None:
    lib = _library(capsys, tmp_path)
    code, _, err = run(capsys, "--library", lib, "trailer", "Gannet", "-o", str(tmp_path / "t.mp4"))
    assert code == 1 and "--blurb" in err
