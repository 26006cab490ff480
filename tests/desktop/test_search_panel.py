"""The search panel: find off the UI thread, jump to hits, replace and replace all with undo."""

from __future__ import annotations

import pytest

from core.store.manuscript import add_chapter, add_scene, create_book, get_scene
from core.store.snapshots import list_snapshots
from desktop.panels.search_panel import SearchPanel


@pytest.fixture
def ids(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Gannet")
        chapter = add_chapter(session=s, book=book, title="One")
        a = add_scene(session=s, chapter=chapter, title="Opening", text="The keeper lit the lamp.")
        b = add_scene(
            session=s, chapter=chapter, title="Storm", text="Keeper and keeper's boy. Keepers."
        )
        other = create_book(session=s, title="Other")
        c = add_scene(session=s, chapter=add_chapter(session=s, book=other), text="A keeper too.")
        return {"book": book.id, "chapter": chapter.id, "a": a.id, "b": b.id, "c": c.id}


@pytest.fixture
def panel(qtbot, aw_library, ids):
    widget = SearchPanel(aw_library)
    qtbot.addWidget(widget)
    widget.set_scope_context(ids["book"], ids["chapter"], ids["a"])
    return widget


def _search(qtbot, panel, query, **checks):
    panel.query_edit.setText(query)
    for name, value in checks.items():
        getattr(panel, f"{name}_box").setChecked(value)
    with qtbot.waitSignal(panel.search_finished, timeout=10000):
        panel.start_search()
    return [(h.scene_id, h.offset, h.length) for h in panel.hits]


def test_scopes_follow_the_context(panel, ids):
    labels = [panel.scope_box.itemData(i) for i in range(panel.scope_box.count())]
    assert labels == ["scene", "chapter", "book", "library"]
    assert panel.scope() == ("book", ids["book"])
    panel.set_scope_context(None, None, None)
    assert panel.scope() == ("library", None)


def test_search_groups_hits_and_jumps_to_one(qtbot, panel, ids):
    hits = _search(qtbot, panel, "keeper", whole_word=True)
    assert hits == [(ids["a"], 4, 6), (ids["b"], 0, 6), (ids["b"], 11, 6)]
    assert panel.results.topLevelItemCount() == 2
    assert panel.results.topLevelItem(1).text(0) == "Storm (2)"
    assert "3 matches in 2 scenes" in panel.status.text()
    item = panel.results.topLevelItem(1).child(1)
    with qtbot.waitSignal(panel.open_scene_requested) as blocker:
        panel.results.itemActivated.emit(item, 0)
    assert blocker.args == [ids["b"], 11, 6]
    panel.set_scope("library")
    assert len(_search(qtbot, panel, "keeper", whole_word=True)) == 4


def test_bad_regex_is_reported_not_raised(qtbot, panel):
    assert _search(qtbot, panel, "(oops", regex=True) == []
    assert "invalid regular expression" in panel.status.text()


def test_replace_all_then_undo(qtbot, panel, aw_library, ids):
    _search(qtbot, panel, "keeper", whole_word=True, case=True)
    panel.replace_edit.setText("warden")
    flushed, changed = [], []
    panel.about_to_modify.connect(lambda: flushed.append(True))
    panel.scenes_changed.connect(changed.append)
    with qtbot.waitSignal(panel.search_finished, timeout=10000):
        result = panel.replace_all()
    assert result is not None and result.total == 2
    assert flushed and changed == [[ids["a"], ids["b"]]]
    with aw_library.session() as s:
        assert get_scene(session=s, scene_id=ids["a"]).text == "The warden lit the lamp."
        assert get_scene(session=s, scene_id=ids["b"]).text.startswith("Keeper and warden's boy")
        assert get_scene(session=s, scene_id=ids["c"]).text == "A keeper too."  # other book
        labels = [x.label for x in list_snapshots(session=s, scene_id=ids["a"])]
        assert labels == ["Before replace ‘keeper’ → ‘warden’"]
    assert panel.hits == []  # searched again: nothing left to replace
    assert panel.undo_button.isEnabled()
    with qtbot.waitSignal(panel.search_finished, timeout=10000):
        assert sorted(panel.undo_last_replace()) == sorted([ids["a"], ids["b"]])
    with aw_library.session() as s:
        assert get_scene(session=s, scene_id=ids["a"]).text == "The keeper lit the lamp."
    assert len(panel.hits) == 2
    assert "Undid the replace" in panel.status.text()


def test_replace_current_hit(qtbot, panel, aw_library, ids):
    _search(qtbot, panel, "keeper", whole_word=True)
    panel.results.setCurrentItem(panel.results.topLevelItem(1).child(0))
    panel.replace_edit.setText("Warden")
    with qtbot.waitSignal(panel.search_finished, timeout=10000):
        assert panel.replace_current()
    with aw_library.session() as s:
        assert get_scene(session=s, scene_id=ids["b"]).text == "Warden and keeper's boy. Keepers."
    assert len(panel.hits) == 2
    with qtbot.waitSignal(panel.search_finished, timeout=10000):
        panel.undo_last_replace()
    with aw_library.session() as s:
        assert get_scene(session=s, scene_id=ids["b"]).text.startswith("Keeper and keeper's")
