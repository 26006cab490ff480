"""The CLI as a user's script drives it: output on stdout, errors one line on stderr."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import main
from tests.fixtures.plugin import SAMPLE_MANUSCRIPT


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def lib(tmp_path: Path) -> str:
    return str(tmp_path / "lib")


def _import(capsys, lib: str) -> str:
    code, out, err = run(
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
    return out.strip().splitlines()[-1]


def test_import_books_stats_show(capsys, lib):
    book_id = _import(capsys, lib)
    assert len(book_id) == 36

    code, out, _ = run(capsys, "--library", lib, "books", "--json")
    assert code == 0
    books = json.loads(out)["books"]
    assert [(b["id"], b["title"], b["author"]) for b in books] == [
        (book_id, "Gannet Rock", "A. Writer")
    ]

    code, out, _ = run(capsys, "--library", lib, "stats", "gannet", "--json")
    assert code == 0
    stats = json.loads(out)
    assert (stats["chapters"], stats["scenes"], stats["id"]) == (3, 5, book_id)
    assert 190 <= stats["words"] <= 240

    code, out, _ = run(capsys, "--library", lib, "show", book_id[:13], "--chapter", "1", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["chapter"]["title"] == "Chapter One: The Keeper"
    assert [len(s["id"]) for s in doc["chapter"]["scenes"]] == [36, 36]
    assert "*slowly*" in doc["chapter"]["scenes"][0]["text"]

    _code, out, _ = run(capsys, "--library", lib, "show", "Gannet")
    assert out.startswith("Gannet Rock\nby A. Writer\n")
    assert out.index("# Chapter One") < out.index("# Chapter Two") < out.index("# Chapter Three")
    assert "**There were others out there.**" in out


def test_errors_are_one_line_with_nonzero_exit(capsys, lib, tmp_path):
    _import(capsys, lib)
    code, out, err = run(capsys, "--library", lib, "import", str(tmp_path / "missing.epub"))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "missing.epub: no such file" in err

    code, _, err = run(capsys, "--library", lib, "stats", "Nope")
    assert code == 1 and "no book matches 'Nope'" in err

    code, _, err = run(capsys, "--library", lib, "show", "Gannet", "--chapter", "7")
    assert code == 1 and "there is no chapter 7" in err

    code, _, err = run(capsys, "--library", str(tmp_path / "absent"), "books")
    assert code == 1 and "no library here" in err
    assert not (tmp_path / "absent").exists()

    not_lib = tmp_path / "notes.db"
    not_lib.write_text("just some text, not a database\n")
    code, _, err = run(capsys, "--library", str(not_lib), "books")
    assert code == 1 and "not an AuthorWorks library" in err and err.count("\n") == 1
    assert not_lib.read_text() == "just some text, not a database\n"


def test_library_from_environment(capsys, lib, monkeypatch):
    monkeypatch.setenv("AUTHORWORKS_LIBRARY", lib)
    code, out, _ = run(capsys, "import", str(SAMPLE_MANUSCRIPT))
    assert code == 0
    assert code == 0
    code, out, _ = run(capsys, "books", "--json")
    assert code == 0
    assert json.loads(out)["books"][0]["title"] == "lighthouse"  # falls back to the file name


def test_trash_and_restore_commands(capsys, lib):
    book_id = _import(capsys, lib)
    from core.store import open_library
    from core.store.manuscript import get_book
    from core.store.trash import move_to_trash

    library = open_library(lib)
    with library.session() as s:
        move_to_trash(session=s, item=get_book(session=s, book_id=book_id))
    library.close()
    code, out, _ = run(capsys, "--library", lib, "books", "--json")
    assert code == 0
    assert json.loads(out)["books"] == []
    code, out, _ = run(capsys, "--library", lib, "trash", "--json")
    assert code == 0
    assert json.loads(out)["trash"][0]["id"] == book_id
    code, out, _ = run(capsys, "--library", lib, "trash", "restore", f"book:{book_id}")
    assert code == 0
    assert code == 0
    code, out, _ = run(capsys, "--library", lib, "books", "--json")
    assert code == 0
    assert json.loads(out)["books"][0]["id"] == book_id


def test_backup_restore_commands(capsys, lib, tmp_path):
    _import(capsys, lib)
    code, out, err = run(capsys, "--library", lib, "backup", "-o", str(tmp_path / "b.zip"))
    assert code == 0, err
    restored = str(tmp_path / "restored")
    code, out, err = run(capsys, "--library", restored, "restore", str(tmp_path / "b.zip"))
    assert code == 0, err
    code, out, _ = run(capsys, "--library", restored, "books", "--json")
    assert code == 0
    assert json.loads(out)["books"][0]["title"] == "Gannet Rock"


def test_installed_entry_point_prints_id_on_last_line(tmp_path):
    exe = Path(sys.executable).with_name("authorworks")
    result = subprocess.run(
        [str(exe), "--library", str(tmp_path / "l"), "import", str(SAMPLE_MANUSCRIPT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()[-1]) == 36


def test_typography_converts_a_book_and_a_screenplay_is_refused(capsys, lib):
    from core.store import open_library
    from core.store.manuscript import add_chapter, add_scene, create_book, list_books

    _import(capsys, lib)
    with open_library(Path(lib)) as library, library.session() as s:
        (book,) = list_books(session=s)
        chapter = add_chapter(session=s, book=book)
        add_scene(session=s, chapter=chapter, text='"Wait," she said -- "it\'s late..."')
        play = create_book(session=s, title="The Play", content_type="play")
        add_scene(session=s, chapter=add_chapter(session=s, book=play), text='"Exit."')
    code, out, err = run(capsys, "--library", lib, "typography", "Gannet", "--json")
    assert code == 0, err
    assert json.loads(out)["scenes_changed"] == 1
    code, out, _err = run(capsys, "--library", lib, "show", "Gannet")
    assert "“Wait,” she said — “it’s late…”" in out
    # Running it again changes nothing; a play keeps its straight quotes.
    code, out, _err = run(capsys, "--library", lib, "typography", "Gannet", "--json")
    assert json.loads(out)["scenes_changed"] == 0
    code, _out, err = run(capsys, "--library", lib, "typography", "The Play")
    assert code == 1 and "Fountain keeps straight quotes" in err and err.count("\n") == 1
