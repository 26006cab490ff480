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


W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


def _threaded(tmp_path: Path) -> Path:
    """A DOCX as Word writes a thread: a comment, a reply (a comment of its own on the same
    words) linked to it in word/commentsExtended.xml, the thread marked done; a second,
    open comment beside it."""
    made = docx.Document()
    paragraph = made.add_paragraph("Wren swept the floor. ")
    marked = paragraph.add_run("The salt map")
    paragraph.add_run(" lay on the desk. ")
    other = paragraph.add_run("The gulls")
    paragraph.add_run(" cried.")
    made.add_comment([marked], text="Introduce the map earlier?", author="Ed Itor")
    made.add_comment([marked], text="Moved it to chapter one.", author="Wren Writer")
    made.add_comment([other], text="Which gulls?", author="Ed Itor")
    plain = tmp_path / "plain.docx"
    made.save(str(plain))
    comments = member(plain, "word/comments.xml").decode()
    # Word gives each comment's paragraph a w14:paraId; the thread is told by those.
    for number, para_id in enumerate(("1A2B3C01", "1A2B3C02", "1A2B3C03")):
        at = comments.index("<w:p>", comments.index(f'w:id="{number}"'))
        comments = comments[:at] + f'<w:p w14:paraId="{para_id}">' + comments[at + 5 :]
    if "xmlns:w14=" not in comments:
        comments = comments.replace("<w:comments ", f'<w:comments xmlns:w14="{W14}" ', 1)
    extended = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w15:commentsEx xmlns:w15="{W15}">'
        '<w15:commentEx w15:paraId="1A2B3C01" w15:done="1"/>'
        '<w15:commentEx w15:paraId="1A2B3C02" w15:paraIdParent="1A2B3C01" w15:done="1"/>'
        '<w15:commentEx w15:paraId="1A2B3C03" w15:done="0"/>'
        "</w15:commentsEx>"
    )
    rels = (
        member(plain, "word/_rels/document.xml.rels")
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Id="rIdX1" Type="http://schemas.microsoft.com/office/2011/relationships/'
            'commentsExtended" Target="commentsExtended.xml"/></Relationships>',
        )
    )
    types = (
        member(plain, "[Content_Types].xml")
        .decode()
        .replace(
            "</Types>",
            '<Override PartName="/word/commentsExtended.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"/></Types>',
        )
    )
    return rewrite_zip(
        plain,
        tmp_path / "threaded.docx",
        replace={
            "word/comments.xml": comments.encode(),
            "word/_rels/document.xml.rels": rels.encode(),
            "[Content_Types].xml": types.encode(),
        },
        add={"word/commentsExtended.xml": extended.encode()},
    )


def test_word_threads_import_as_replies_and_done_as_resolved(tmp_path):
    with open_library(tmp_path / "lib") as library:
        import_manuscript(library, _threaded(tmp_path), title="Salt Map")
        with library.session() as s:
            [scene] = book_comments(s, "Salt Map")
    thread, gulls = sorted(scene.comments, key=lambda c: c.text)
    assert (thread.author, thread.text) == ("Ed Itor", "Introduce the map earlier?")
    assert [(r.author, r.text) for r in thread.replies] == [
        ("Wren Writer", "Moved it to chapter one.")
    ]
    assert thread.resolved and thread.anchor(scene.text) == "The salt map"
    assert gulls.text == "Which gulls?" and not gulls.resolved and not gulls.replies


def _reviewed_book(tmp_path):
    """The sample book with a comment, a pending insertion and a pending deletion."""
    from datetime import UTC, datetime

    from core.review.comments import add_comment
    from core.review.store import change_scene_document
    from core.review.suggestions import suggest_delete, suggest_insert
    from tests.fixtures.plugin import SAMPLE_MANUSCRIPT

    library = open_library(tmp_path / "lib")
    book = import_manuscript(library, SAMPLE_MANUSCRIPT, title="Gannet Rock", author="Ann")
    with library.session() as s:
        scene = list_chapters(session=s, book_id=list_books(session=s)[0].id)[0].scenes[0]
        scene_id, text = scene.id, scene.text
    now = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    words = text.split()
    quote = " ".join(words[2:4])
    at = text.index(quote)
    doomed = text.index(words[6])
    with library.write_session() as s:
        change_scene_document(
            s,
            scene_id,
            lambda d: add_comment(
                d, author="Ed Itor", text="Which light?", start=at, end=at + len(quote), now=now
            ),
        )
        change_scene_document(
            s,
            scene_id,
            lambda d: suggest_insert(d, at=0, text="At first light, ", author="Ed Itor", now=now),
        )
        change_scene_document(
            s,
            scene_id,
            lambda d: suggest_delete(
                d, start=doomed, end=doomed + len(words[6]), author="Ed Itor", now=now
            ),
        )
    return library, getattr(book, "id", None) or _book_id(library), quote, words[6]


def _book_id(library) -> str:
    with library.session() as s:
        return list_books(session=s)[0].id


def _export_docx(library, book_id, path, fmt="docx"):
    from core.export.job import export_book
    from core.export.options import ExportFormat, ExportOptions

    export_book(library, book_id, path, ExportOptions(format=ExportFormat(fmt)))
    return path


def test_our_docx_carries_comments_and_tracked_changes_and_reads_back(tmp_path):
    library, book_id, quote, doomed = _reviewed_book(tmp_path)
    try:
        for fmt in ("docx", "manuscript"):
            path = _export_docx(library, book_id, tmp_path / f"{fmt}.docx", fmt)
            xml = member(path, "word/document.xml").decode()
            assert "<w:ins " in xml and "<w:del " in xml and "commentRangeStart" in xml
            assert "At first light, " in xml and 'w:author="Ed Itor"' in xml
            comments = member(path, "word/comments.xml").decode()
            assert "Which light?" in comments
            # Read back by our own importer: the same review, still pending.
            with open_library(tmp_path / f"back-{fmt}") as back:
                import_manuscript(back, path, title="Back")
                with back.session() as s:
                    [scene] = [
                        sc for sc in book_comments(s, "Back") if sc.comments or sc.suggestions
                    ]
                assert [c.anchor(scene.text) for c in scene.comments] == [quote]
                assert [(x.kind, x.text) for x in scene.suggestions] == [
                    ("insert", "At first light, "),
                    ("delete", doomed),
                ]
                assert not scene.text.startswith("At first light")
    finally:
        library.close()


def test_libreoffice_opens_our_docx_with_its_comments_and_changes(tmp_path, aw_require):
    import subprocess

    soffice = aw_require("soffice")
    library, book_id, quote, doomed = _reviewed_book(tmp_path)
    try:
        path = _export_docx(library, book_id, tmp_path / "ours.docx")
    finally:
        library.close()
    out = tmp_path / "lo"
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = out / "ours.docx"
    assert converted.exists()
    # What LibreOffice made of it, read back: the review is all still there, pending.
    with open_library(tmp_path / "from-lo") as back:
        import_manuscript(back, converted, title="Through LibreOffice")
        with back.session() as s:
            [scene] = [sc for sc in book_comments(s, "Through") if sc.comments or sc.suggestions]
        assert [(c.author, c.text, c.anchor(scene.text)) for c in scene.comments] == [
            ("Ed Itor", "Which light?", quote)
        ]
        assert sorted((x.kind, x.text.strip(), x.author) for x in scene.suggestions) == [
            ("delete", doomed, "Ed Itor"),
            ("insert", "At first light,", "Ed Itor"),
        ]


def test_other_formats_export_the_accepted_text_only(tmp_path):
    library, book_id, _quote, doomed = _reviewed_book(tmp_path)
    try:
        path = _export_docx(library, book_id, tmp_path / "book.md", "md")
    finally:
        library.close()
    text = path.read_text()
    assert "At first light" not in text and "\ue000" not in text
    assert doomed in text  # a pending deletion is still the book's text
