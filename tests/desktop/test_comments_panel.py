"""The Comments dock on a scene of a library that never synced: comment on the selected
words, the passage is washed in the editor and stays on its words as the writer types, reply,
resolve (hidden, and shown again on asking), and the comments are in the library for the CLI."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QTextCursor

from core.review.store import book_comments
from core.sample import add_sample_book
from desktop.binder.model import NodeKind
from desktop.window.main_window import MainWindow
from tests.core.generation.conftest import memory_keyring  # noqa: F401


def _open_first_scene(window: MainWindow) -> str:
    """The id of the sample book's first scene, opened in the editor."""
    scene = window.binder_model.books[0].children[0].children[0]
    assert window.select(NodeKind.SCENE, scene.id)
    return scene.id


def test_comment_reply_resolve_in_the_studio(qtbot, aw_library, tmp_path, sample_studio):
    window = sample_studio
    book_id = window.binder_model.books[0].id
    _open_first_scene(window)
    editor = window.editor
    text = editor.scene_text()
    words = text.split()[3]
    at = text.index(words)
    cursor = editor.textCursor()
    cursor.setPosition(at)
    cursor.setPosition(at + len(words), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)

    panel = window.panels.widgets["comments"]
    made = panel.comment_on_selection("Is this the word?")
    assert made
    [comment] = panel.comments
    assert comment.anchor(editor.scene_text()) == words and comment.author
    assert [(m.selectionStart(), m.selectionEnd()) for m in editor.comment_marks] == [
        (at, at + len(words))
    ]
    # Typing before the passage moves the wash with its words.
    editor.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClicks(editor, "So. ")
    assert [(m.selectionStart(), m.selectionEnd()) for m in editor.comment_marks] == [
        (at + 4, at + 4 + len(words))
    ]
    window.panels.docks["comments"].show()
    window.grab().save(str(tmp_path / "comments.png"))

    panel.threads.setCurrentItem(panel.threads.topLevelItem(0))
    assert panel.reply_to_chosen("Yes, keep it.")
    assert [r.text for r in panel.comments[0].replies] == ["Yes, keep it."]
    panel.threads.setCurrentItem(panel.threads.topLevelItem(0))
    panel.toggle_resolved()
    assert panel.threads.topLevelItemCount() == 0 and editor.comment_marks == []
    panel.show_resolved.setChecked(True)
    assert panel.threads.topLevelItemCount() == 1
    panel.threads.setCurrentItem(panel.threads.topLevelItem(0))
    assert panel.resolve_button.text() == "Reopen"

    # In the library, for the CLI and the next sync, anchored on the words as saved.
    with aw_library.session() as s:
        [found] = book_comments(s, book_id)
    [stored] = found.comments
    assert stored.resolved and stored.anchor(found.text) == words
    assert found.text.startswith("So. ")
    window.close()


def test_suggested_changes_are_shown_and_decided_in_the_studio(qtbot, aw_library, tmp_path):
    from datetime import UTC, datetime

    from core.review.store import change_scene_document
    from core.review.suggestions import suggest_delete, suggest_insert
    from core.store.manuscript import get_scene, list_chapters

    book_id = add_sample_book(aw_library)
    with aw_library.session() as s:
        first = list_chapters(session=s, book_id=book_id)[0].scenes[0]
        scene_id, text = first.id, first.text
    word = text.split()[1]
    at = text.index(word)
    now = datetime.now(UTC)

    def insert(doc):
        return suggest_insert(doc, at=0, text="Rain. ", author="Claude", now=now)

    def delete(doc):
        return suggest_delete(doc, start=at, end=at + len(word), author="Ed", now=now)

    with aw_library.write_session() as s:
        change_scene_document(s, scene_id, insert)
        change_scene_document(s, scene_id, delete)
    settings = QSettings(str(tmp_path / "studio.ini"), QSettings.Format.IniFormat)
    window = MainWindow(aw_library, settings=settings)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    assert window.select(NodeKind.SCENE, scene_id)
    panel = window.panels.widgets["comments"]
    assert [(x.author, x.kind) for x in panel.suggestions] == [
        ("Claude", "insert"),
        ("Ed", "delete"),
    ]
    editor = window.editor
    assert editor.scene_text() == text  # pending: nothing applied
    marks = [(m.selectionStart(), m.selectionEnd()) for m in editor.deletion_marks]
    assert marks == [(at, at + len(word))]
    assert [m.position() for m in editor.insertion_marks] == [0]
    window.panels.docks["comments"].show()
    window.panels.docks["comments"].raise_()
    window.grab().save(str(tmp_path / "suggestions.png"))

    panel.changes.setCurrentItem(panel.changes.topLevelItem(0))
    assert panel.decide(accept=True) == 1
    assert editor.scene_text() == "Rain. " + text
    assert panel.decide(accept=False, every=True) == 1  # the deletion, rejected: the word stays
    assert editor.scene_text() == "Rain. " + text and panel.suggestions == []
    with aw_library.session() as s:
        assert get_scene(session=s, scene_id=scene_id).text == "Rain. " + text
    window.close()


def test_an_ai_rewrite_lands_as_claudes_suggestions(
    qtbot,
    sample_studio,
    memory_keyring,  # noqa: F811
):
    from core.generation.client import ClaudeClient
    from core.generation.credentials import set_api_key
    from tests.core.generation.anthropic_fake import FakeAnthropic

    set_api_key("sk-ant-desktop")
    window = sample_studio
    _open_first_scene(window)
    editor = window.editor
    text = editor.scene_text()
    sentence = text[: text.index(".") + 1]
    cursor = editor.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(len(sentence), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    ai = window.panels.widgets["ai"]
    fake = FakeAnthropic()
    ai.client_factory = lambda key: ClaudeClient(
        key, transport=fake.transport(), sleep=lambda s: None
    )
    words = sentence.split()
    rewritten = " ".join([words[0], "slow", *words[1:]])
    fake.queue_message([rewritten])
    ai.set_action("rewrite")
    with qtbot.waitSignal(ai.generation_finished, timeout=30_000):
        ai.generate_button.click()
    qtbot.waitUntil(lambda: not ai.busy() and ai.state == "pending", timeout=10_000)
    assert ai.suggest_button.isEnabled()
    assert ai.accept_as_suggestions() == 1
    assert editor.scene_text() == text  # nothing applied: one suggestion waits
    panel = window.panels.widgets["comments"]
    [suggestion] = panel.suggestions
    assert (suggestion.author, suggestion.kind, suggestion.text.strip()) == (
        "Claude",
        "insert",
        "slow",
    )
    panel.changes.setCurrentItem(panel.changes.topLevelItem(0))
    assert panel.decide(accept=True) == 1
    assert editor.scene_text() == text.replace(sentence, rewritten, 1)
    window.close()
