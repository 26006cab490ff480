"""A DOCX from another tool with comments and tracked changes imports as comments and pending
suggestions — not applied: the inserted words wait outside the text, the deleted ones stay in
it until someone decides."""

from __future__ import annotations

from pathlib import Path

import docx

from core.importers import import_manuscript
from core.review.store import book_comments, decide_suggestions
from core.store import open_library
from core.store.manuscript import list_books, list_chapters
from tests.core.importers.zip_edits import member, rewrite_zip

DATA = Path(__file__).resolve().parents[1] / "importers" / "data"
LIBREOFFICE_DOCX = DATA / "salt-map-libreoffice.docx"
PARAGRAPH = '<w:t xml:space="preserve">So she swept. She learned the names of the winds — </w:t>'


def _tracked(tmp_path: Path) -> Path:
    """LibreOffice's DOCX of the sample story, with a tracked insertion and deletion in the
    form LibreOffice and Word write them."""
    xml = member(LIBREOFFICE_DOCX, "word/document.xml").decode("utf-8")
    assert PARAGRAPH in xml
    edited = (
        '<w:t xml:space="preserve">So she swept. </w:t></w:r>'
        '<w:ins w:id="31" w:author="Ed Itor" w:date="2026-11-02T10:00:00Z">'
        '<w:r><w:t xml:space="preserve">Every morning. </w:t></w:r></w:ins>'
        '<w:del w:id="32" w:author="Ed Itor" w:date="2026-11-02T10:01:00Z">'
        "<w:r><w:delText>She learned</w:delText></w:r></w:del>"
        '<w:r><w:t xml:space="preserve"> the names of the winds — </w:t>'
    )
    xml = xml.replace(PARAGRAPH, edited, 1)
    return rewrite_zip(
        LIBREOFFICE_DOCX, tmp_path / "tracked.docx", replace={"word/document.xml": xml.encode()}
    )


def _scene_texts(library) -> list[str]:
    with library.session() as s:
        book = list_books(session=s)[0]
        return [sc.text for ch in list_chapters(session=s, book_id=book.id) for sc in ch.scenes]


def test_tracked_changes_import_as_pending_suggestions(tmp_path):
    with open_library(tmp_path / "lib") as library:
        import_manuscript(library, _tracked(tmp_path), title="Salt Map")
        text = "\n".join(_scene_texts(library))
        assert "So she swept.  the names" not in text  # the deletion is not applied
        assert "So she swept. She learned the names" in text
        assert "Every morning." not in text  # nor the insertion
        assert "\ue000" not in text  # no mark left in the text
        with library.session() as s:
            [scene] = [sc for sc in book_comments(s, "Salt") if sc.suggestions]
        kinds = [(x.kind, x.text, x.author) for x in scene.suggestions]
        assert kinds == [
            ("insert", "Every morning. ", "Ed Itor"),
            ("delete", "She learned", "Ed Itor"),
        ]
        assert scene.suggestions[0].created_at.startswith("2026-11-02T10:00:00")
        with library.write_session() as s:
            assert decide_suggestions(s, book_ref="Salt", suggestion_id=None, accept=True) == 2
        assert "So she swept. Every morning.  the names" in "\n".join(_scene_texts(library))


def test_word_comments_import_anchored_to_their_words(tmp_path):
    made = docx.Document()
    made.add_heading("The Map", level=1)
    paragraph = made.add_paragraph("Wren swept the floor. ")
    marked = paragraph.add_run("The salt map")
    paragraph.add_run(" lay on the desk.")
    made.add_comment([marked], text="Introduce the map earlier?", author="Ed Itor", initials="EI")
    path = tmp_path / "commented.docx"
    made.save(str(path))
    with open_library(tmp_path / "lib") as library:
        import_manuscript(library, path, title="Salt Map")
        assert _scene_texts(library) == ["Wren swept the floor. The salt map lay on the desk."]
        with library.session() as s:
            [scene] = book_comments(s, "Salt Map")
        [comment] = scene.comments
        assert (comment.author, comment.text) == ("Ed Itor", "Introduce the map earlier?")
        assert comment.anchor(scene.text) == "The salt map"
