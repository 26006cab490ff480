"""The AI panel: continue -> stream -> accept -> undo, and the other ways a generation ends."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QTextEdit

from core.generation.client import ClaudeClient
from core.generation.credentials import set_api_key
from desktop.panels.ai_panel import AiPanel
from desktop.panels.ai_pending import PENDING_BACKGROUND
from tests.core.generation.anthropic_fake import ScriptedStream, message_events
from tests.core.generation.conftest import fake_api, gen_book, memory_keyring  # noqa: F401

SCENE_TEXT = "Mara read the letter once.\n\nShe went up to trim the wick."


@pytest.fixture
def panel(qtbot, gen_book, fake_api, memory_keyring):  # noqa: F811
    editor = QTextEdit()
    editor.setPlainText(SCENE_TEXT)
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.addWidget(editor)
    widget = AiPanel(
        gen_book.library,
        editor,
        client_factory=lambda key: ClaudeClient(
            key, transport=fake_api.transport(), sleep=lambda s: None
        ),
    )
    qtbot.addWidget(widget)
    widget.set_scene(gen_book.scene_ids[-1])
    yield widget
    widget.shutdown()


def background_at(editor: QTextEdit, position: int):
    cursor = QTextCursor(editor.document())
    cursor.setPosition(position + 1)  # charFormat() is the format of the char before
    return cursor.charFormat().background().color()


def run(qtbot, panel: AiPanel, button=None) -> None:
    with qtbot.waitSignal(panel.generation_finished, timeout=30_000):
        (button or panel.generate_button).click()
    qtbot.waitUntil(lambda: not panel.busy(), timeout=10_000)


def test_continue_stream_accept_undo(qtbot, panel, fake_api):  # noqa: F811
    set_api_key("sk-ant-desktop")
    editor = panel.editor
    fake_api.queue_message([" The wind", " rose over", " the rock."])
    panel.set_action("continue")
    undo_before = editor.document().availableUndoSteps()
    streamed: list[str] = []
    editor.textChanged.connect(lambda: streamed.append(editor.toPlainText()))
    run(qtbot, panel)

    # The text streamed in piece by piece, as a highlighted pending insertion.
    assert any(t.endswith(" The wind") for t in streamed)
    assert editor.toPlainText() == SCENE_TEXT + " The wind rose over the rock."
    assert panel.state == "pending" and editor.isReadOnly()
    assert background_at(editor, len(SCENE_TEXT) + 2) == PENDING_BACKGROUND
    assert background_at(editor, 2) != PENDING_BACKGROUND
    assert panel.accept_button.isEnabled() and not panel.generate_button.isEnabled()
    assert panel.committed_text() == SCENE_TEXT

    # What was sent: the live editor text up to the cursor, the codex, cache breakpoints.
    sent = fake_api.sent()
    assert "She went up to trim the wick.\n</text_before_cursor>" in sent["messages"][0]["content"]
    assert sent["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert "Gannet Rock" in sent["system"][0]["text"]
    assert "Priority order" in panel.context_view.toPlainText()

    panel.accept_button.click()
    assert editor.toPlainText() == SCENE_TEXT + " The wind rose over the rock."
    assert background_at(editor, len(SCENE_TEXT) + 2) != PENDING_BACKGROUND
    assert not editor.isReadOnly() and panel.state == "idle"
    assert editor.document().availableUndoSteps() == undo_before + 1  # one undo step

    editor.undo()
    assert editor.toPlainText() == SCENE_TEXT
    assert panel.history.count() == 1 and "continue" in panel.history.item(0).text()


def test_rewrite_replaces_the_selection_and_discard_restores_it(qtbot, panel, fake_api):  # noqa: F811
    set_api_key("sk-ant-desktop")
    editor = panel.editor
    cursor = editor.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(len("Mara read the letter once."), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    panel.set_action("rewrite")
    panel.instructions.setText("more tension")
    fake_api.queue_message(["Mara tore the letter open."])
    run(qtbot, panel)
    assert editor.toPlainText().startswith("Mara tore the letter open.\n\nShe went")
    content = fake_api.sent()["messages"][0]["content"]
    assert "<selection>\nMara read the letter once.\n</selection>" in content
    # What an autosave may write while the rewrite is pending: the text without it.
    assert panel.committed_text() == SCENE_TEXT

    panel.discard_button.click()
    assert editor.toPlainText() == SCENE_TEXT
    assert not editor.document().isRedoAvailable() and not editor.isReadOnly()


def test_cancel_stops_at_once_and_keeps_what_arrived(qtbot, panel, fake_api):  # noqa: F811
    set_api_key("sk-ant-desktop")
    scripted = fake_api.queue_stream(
        ScriptedStream(message_events([" First words", " never"]), stall_after=4)
    )
    panel.set_action("continue")
    with qtbot.waitSignal(panel.generation_finished, timeout=30_000):
        panel.generate_button.click()
        qtbot.waitUntil(lambda: panel.editor.toPlainText().endswith(" First words"), timeout=30_000)
        panel.cancel_button.click()
        assert panel.state == "pending"
    qtbot.waitUntil(lambda: not panel.busy(), timeout=10_000)
    assert scripted.closed.is_set()
    panel.accept_button.click()
    assert panel.editor.toPlainText() == SCENE_TEXT + " First words"
    assert "[cancelled]" in panel.history.item(0).text()


def test_a_broken_stream_leaves_its_text_pending(qtbot, panel, fake_api):  # noqa: F811
    set_api_key("sk-ant-desktop")
    fake_api.queue_stream(ScriptedStream(message_events([" Half"])[:4], then_raise=True))
    run(qtbot, panel)
    assert panel.state == "pending" and panel.editor.toPlainText().endswith(" Half")
    assert "kept" in panel.status.text()
    # Moving to another scene discards the pending text (it stays in the history).
    panel.set_scene(panel.scene_id)
    assert panel.state == "idle" and panel.editor.toPlainText() == SCENE_TEXT
    assert "[interrupted]" in panel.history.item(0).text()


def test_errors_without_text_change_nothing(qtbot, panel, fake_api):  # noqa: F811
    set_api_key("sk-ant-desktop")
    fake_api.queue_error(401, "authentication_error", "invalid x-api-key")
    run(qtbot, panel)
    assert panel.state == "idle" and "401" in panel.status.text()
    assert panel.editor.toPlainText() == SCENE_TEXT and not panel.editor.isReadOnly()


def test_no_key_keeps_the_app_usable(qtbot, panel, fake_api):  # noqa: F811
    panel.generate_button.click()
    assert "No API key" in panel.status.text()
    assert fake_api.requests == [] and panel.state == "idle"
    assert panel.editor.toPlainText() == SCENE_TEXT
    panel.show_context()  # what the AI would see needs no key
    assert "trim the wick" in panel.context_view.toPlainText()


def test_key_entry_goes_to_the_keyring_only(qtbot, panel, memory_keyring):  # noqa: F811
    panel.key_edit.setText("sk-ant-typed")
    panel.save_key_button.click()
    assert memory_keyring.passwords == {("AuthorWorks", "anthropic"): "sk-ant-typed"}
    assert panel.key_edit.text() == "" and "keyring" in panel.key_status.text()
    panel.clear_key_button.click()
    assert memory_keyring.passwords == {} and "No key" in panel.key_status.text()


def test_history_reinsert_and_summarize_to_synopsis(qtbot, panel, fake_api, gen_book):  # noqa: F811
    set_api_key("sk-ant-desktop")
    panel.set_action("summarize")
    fake_api.queue_message(["Mara reads a letter and goes back to work."])
    run(qtbot, panel)
    assert panel.preview.toPlainText() == "Mara reads a letter and goes back to work."
    assert panel.editor.toPlainText() == SCENE_TEXT  # summaries go to the panel
    panel.accept_button.click()
    from core.store.manuscript import get_scene

    with gen_book.library.session() as s:
        scene = get_scene(session=s, scene_id=gen_book.scene_ids[-1])
        assert scene.synopsis == "Mara reads a letter and goes back to work."

    panel.history.setCurrentRow(0)
    panel.reinsert_button.click()
    assert panel.state == "pending"
    panel.accept_button.click()
    assert panel.editor.toPlainText() == SCENE_TEXT + "Mara reads a letter and goes back to work."


def test_models_are_listed_and_the_choice_saved(qtbot, panel, fake_api):  # noqa: F811
    from core.generation.preferences import load_preferences

    set_api_key("sk-ant-desktop")
    fake_api.queue_models(["claude-opus-5-5", "claude-haiku-5-5"])
    panel.refresh_models_button.click()
    qtbot.waitUntil(lambda: panel.model_box.count() == 2, timeout=30_000)
    # The preferred default is not offered and neither is any Sonnet: the first model is chosen.
    assert panel.model_box.currentText() == "claude-opus-5-5"
    assert load_preferences().model == "claude-opus-5-5"


def test_emitting_often_costs_no_reference_to_true(qtbot):
    import sys

    from PySide6.QtCore import QObject, Signal

    from desktop.jobs.runner import emit

    class Source(QObject):
        chunk = Signal(str)

    source = Source()
    seen: list[str] = []
    source.chunk.connect(seen.append)
    before = sys.getrefcount(True)
    for _ in range(500):  # a long streamed answer
        emit(source.chunk, "x")
    assert len(seen) == 500
    assert sys.getrefcount(True) >= before - 5  # (other threads may move it a little)


def test_budget_and_prompt_editing(qtbot, panel, tmp_path, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    from core.generation.preferences import load_preferences

    panel.budget_box.setValue(400)  # clamped to the minimum
    assert load_preferences().context_budget == 1000
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    monkeypatch.setenv("AUTHORWORKS_PROMPTS", str(tmp_path / "prompts"))
    panel.set_action("describe")
    panel.edit_template_button.click()
    assert opened == [str(tmp_path / "prompts" / "describe.md")]
    (tmp_path / "prompts" / "describe.md").write_text("---\nlabel: D\n---\nSMELL ONLY\n")
    panel.show_context()
    assert "SMELL ONLY" in panel.context_view.toPlainText()


def test_brainstorm_offers_ideas_and_inserts_the_chosen_one(qtbot, panel, fake_api):  # noqa: F811
    set_api_key("sk-ant-desktop")
    panel.set_action("brainstorm")
    fake_api.queue_message(["1. A storm breaks.\n", "2. Tobias lies about the wreck.\n"])
    run(qtbot, panel)
    assert panel.editor.toPlainText() == SCENE_TEXT and not panel.ideas.isHidden()
    assert [panel.ideas.item(i).text() for i in range(panel.ideas.count())] == [
        "A storm breaks.",
        "Tobias lies about the wreck.",
    ]
    panel.ideas.setCurrentRow(1)
    panel.accept_button.click()
    assert panel.editor.toPlainText() == SCENE_TEXT + "Tobias lies about the wreck."
    panel.editor.undo()
    assert panel.editor.toPlainText() == SCENE_TEXT


def test_the_key_is_looked_up_off_the_ui_thread(qtbot, panel, memory_keyring, monkeypatch):  # noqa: F811
    """The first keyring call loads the system's back ends; the window must not wait for it,
    nor compete with it for the GIL while it opens."""
    import threading

    from core.generation import credentials

    threads: list[str] = []
    real = credentials._keyring_get

    def spy() -> str | None:
        threads.append(threading.current_thread().name)
        return real()

    monkeypatch.setattr(credentials, "_keyring_get", spy)
    memory_keyring.passwords[("AuthorWorks", "anthropic")] = "sk-ant-stored"
    fresh = AiPanel(panel.library, panel.editor)
    qtbot.addWidget(fresh)
    qtbot.wait(500)
    assert threads == []  # hidden: not looked up at all (the studio starts with it hidden)
    fresh.show()
    qtbot.waitUntil(lambda: "keyring" in fresh.key_status.text(), timeout=5000)
    assert threads and threading.main_thread().name not in threads
