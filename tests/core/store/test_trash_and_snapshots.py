from core.store.manuscript import (
    add_chapter,
    add_scene,
    create_book,
    get_book,
    list_books,
    list_chapters,
    list_scenes,
)
from core.store.snapshots import list_snapshots, restore_snapshot, take_snapshot
from core.store.trash import empty_trash, list_trash, move_to_trash, restore_from_trash


def _book(s):
    book = create_book(session=s, title="Trash test")
    ch = add_chapter(session=s, book=book, title="One")
    a = add_scene(session=s, chapter=ch, text="alpha beta")
    b = add_scene(session=s, chapter=ch, text="gamma")
    return book, ch, a, b


def test_trashed_scene_hidden_and_counts_drop_then_restore(aw_library):
    with aw_library.session() as s:
        book, ch, a, _b = _book(s)
        move_to_trash(session=s, item=a)
        assert [x.text for x in list_scenes(session=s, chapter_id=ch.id)] == ["gamma"]
        assert book.word_count == 1
        assert [(i.kind, i.id) for i in list_trash(session=s)] == [("scene", a.id)]
        restore_from_trash(session=s, kind="scene", item_id=a.id)
        assert len(list_scenes(session=s, chapter_id=ch.id)) == 2
        assert get_book(session=s, book_id=book.id).word_count == 3


def test_restoring_a_scene_restores_its_trashed_chapter(aw_library):
    with aw_library.session() as s:
        book, ch, a, _b = _book(s)
        move_to_trash(session=s, item=ch)
        assert list_chapters(session=s, book_id=book.id) == []
        assert book.word_count == 0
        restore_from_trash(session=s, kind="scene", item_id=a.id)
        assert [c.id for c in list_chapters(session=s, book_id=book.id)] == [ch.id]
        assert book.word_count == 3


def test_empty_trash_deletes_for_good(aw_library):
    with aw_library.session() as s:
        book, *_ = _book(s)
        move_to_trash(session=s, item=book)
        assert list_books(session=s) == []
        assert empty_trash(session=s) == 1
        assert list_books(session=s, include_trashed=True) == []
        assert list_trash(session=s) == []


def test_snapshot_and_restore_keeps_current_text_as_snapshot(aw_library):
    with aw_library.session() as s:
        _, _, a, _ = _book(s)
        first = take_snapshot(session=s, scene=a, label="first draft")
        from core.store.manuscript import set_scene_text

        set_scene_text(session=s, scene=a, text="rewritten entirely now")
        restore_snapshot(session=s, snapshot_id=first.id)
        assert a.text == "alpha beta"
        assert a.word_count == 2
        labels = [snap.label for snap in list_snapshots(session=s, scene_id=a.id)]
        assert "first draft" in labels
        assert any(label.startswith("Before restoring") for label in labels)
        texts = {snap.text for snap in list_snapshots(session=s, scene_id=a.id)}
        assert "rewritten entirely now" in texts
