"""The binder model: books > chapters > scenes with word counts, read from the library."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from core.sample import add_sample_book
from core.store.manuscript import get_book, list_books, list_chapters, list_scenes
from core.store.trash import move_to_trash
from desktop.binder.model import BinderModel, NodeKind


def _model(qapp, library) -> BinderModel:
    model = BinderModel()
    model.reload(library)
    return model


def test_the_tree_matches_the_library(qapp, aw_library, aw_sample_book, qtmodeltester) -> None:
    add_sample_book(aw_library)
    model = _model(qapp, aw_library)
    qtmodeltester.check(model)
    with aw_library.session() as s:
        books = list_books(session=s)
        assert model.rowCount() == len(books) == 2
        for row, book in enumerate(books):
            book_index = model.index(row, 0)
            assert model.data(book_index) == book.title
            assert model.data(model.index(row, 1)) == f"{book.word_count:,}"
            chapters = list_chapters(session=s, book_id=book.id)
            # The chapters, then the book's Research folder.
            assert model.rowCount(book_index) == len(chapters) + 1
            research = model.index(len(chapters), 0, book_index)
            assert model.data(research, BinderModel.NODE_ROLE).kind is NodeKind.RESEARCH
            for c_row, chapter in enumerate(chapters):
                chapter_index = model.index(c_row, 0, book_index)
                assert model.data(chapter_index) == chapter.title
                words = model.data(model.index(c_row, 1, book_index))
                assert words == f"{chapter.word_count:,}"
                scenes = list_scenes(session=s, chapter_id=chapter.id)
                assert model.rowCount(chapter_index) == len(scenes)
                for s_row, scene in enumerate(scenes):
                    scene_index = model.index(s_row, 0, chapter_index)
                    node = model.data(scene_index, BinderModel.NODE_ROLE)
                    assert node.kind is NodeKind.SCENE and node.id == scene.id
                    assert node.words == scene.word_count
                    assert model.parent(scene_index) == chapter_index


def test_untitled_scenes_are_numbered_and_synopses_are_tooltips(qapp, aw_library) -> None:
    book_id = add_sample_book(aw_library)
    model = _model(qapp, aw_library)
    book_index = model.find(NodeKind.BOOK, book_id)
    chapter_index = model.index(0, 0, book_index)
    assert model.data(model.index(0, 0, chapter_index)) == "The Last Furnace"
    tooltip = model.data(model.index(1, 0, chapter_index), Qt.ItemDataRole.ToolTipRole)
    assert "glass orchard" in tooltip
    for index in (book_index, chapter_index, model.index(0, 0, chapter_index)):
        assert not model.data(index, Qt.ItemDataRole.DecorationRole).isNull()
    assert model.data(model.index(0, 1, chapter_index), Qt.ItemDataRole.DecorationRole) is None
    words_alignment = model.data(
        model.index(0, 1, chapter_index), Qt.ItemDataRole.TextAlignmentRole
    )
    assert words_alignment & Qt.AlignmentFlag.AlignRight.value


def test_plain_imports_get_numbered_scene_titles(qapp, aw_library, aw_sample_book) -> None:
    model = _model(qapp, aw_library)
    chapter_index = model.index(0, 0, model.index(0, 0))
    assert model.data(model.index(0, 0, chapter_index)) == "Scene 1"
    assert model.data(model.index(1, 0, chapter_index)) == "Scene 2"


def test_trashed_items_are_not_shown(qapp, aw_library, aw_sample_book) -> None:
    with aw_library.session() as s:
        book = get_book(session=s, book_id=aw_sample_book)
        first_chapter = list_chapters(session=s, book_id=book.id)[0]
        move_to_trash(session=s, item=first_chapter)
        remaining = len(list_chapters(session=s, book_id=book.id))
    model = _model(qapp, aw_library)
    assert model.rowCount(model.index(0, 0)) == remaining + 1  # and the Research folder
    assert not model.find(NodeKind.CHAPTER, first_chapter.id).isValid()


def test_find_and_first_scene(qapp, aw_library, aw_sample_book) -> None:
    model = _model(qapp, aw_library)
    (book,) = model.books
    scene = book.first_scene()
    assert scene is not None and scene.parent is book.children[0]
    index = model.find(NodeKind.SCENE, scene.id)
    assert model.node(index) is scene
    assert model.find(NodeKind.SCENE, "no-such-id") == QModelIndex()


def test_an_empty_or_missing_library_has_no_rows(qapp, aw_library) -> None:
    model = _model(qapp, aw_library)
    assert model.rowCount() == 0
    model.reload(None)
    assert model.rowCount() == 0 and model.books == []


def test_flags_statuses_and_out_of_range_rows(qapp, aw_library) -> None:
    book_id = add_sample_book(aw_library)
    model = _model(qapp, aw_library)
    book_index = model.find(NodeKind.BOOK, book_id)
    chapter_index = model.index(0, 0, book_index)
    scene_index = model.index(0, 0, chapter_index)
    research_index = model.index(model.rowCount(book_index) - 1, 0, book_index)
    drag = Qt.ItemFlag.ItemIsDragEnabled
    for index in (book_index, research_index):  # these stay where they are
        flags = model.flags(index)
        assert flags & Qt.ItemFlag.ItemIsSelectable and flags & Qt.ItemFlag.ItemIsDropEnabled
        assert not flags & drag
    for index in (chapter_index, scene_index):
        assert model.flags(index) & drag and model.flags(index) & Qt.ItemFlag.ItemIsEnabled
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
    node = model.node(scene_index)
    model.set_status(NodeKind.SCENE, node.id, "final")
    foreground = model.data(model.index(0, 1, chapter_index), Qt.ItemDataRole.ForegroundRole)
    assert foreground.name() == "#5aa469"
    assert model.data(scene_index, Qt.ItemDataRole.ForegroundRole) is None  # title column
    # Rows and columns past the end, and children of the words column, are no indexes.
    assert not model.index(model.rowCount(), 0).isValid()
    assert not model.index(0, 2).isValid()
    assert not model.index(-1, 0).isValid()
    assert not model.index(model.rowCount(chapter_index), 0, chapter_index).isValid()
    assert not model.index(0, 0, model.index(0, 1, book_index)).isValid()
    assert model.rowCount(model.index(0, 1, book_index)) == 0
    assert model.parent(book_index) == QModelIndex()
    assert model.parent(scene_index) == chapter_index
