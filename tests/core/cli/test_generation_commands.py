"""`authorworks generate / generations / models / ai-key` against the scripted API."""

from __future__ import annotations

import json

import pytest

from core.cli import generation_commands, main
from core.generation.client import ClaudeClient
from tests.core.generation.anthropic_fake import FakeAnthropic, ScriptedStream, message_events


@pytest.fixture
def fake_cli(monkeypatch):
    fake = FakeAnthropic()
    monkeypatch.setattr(
        generation_commands,
        "client_factory",
        lambda key: ClaudeClient(key, transport=fake.transport(), sleep=lambda s: None),
    )
    return fake


def scene_id(lib, book_id, index=0):
    from core.store.manuscript import list_chapters, list_scenes

    with lib.session() as s:
        scenes = [
            sc
            for ch in list_chapters(session=s, book_id=book_id)
            for sc in list_scenes(session=s, chapter_id=ch.id)
        ]
        return scenes[index].id


def run(lib, *argv):
    return main(["--library", str(lib.root), *argv])


def test_generate_streams_to_stdout_and_records(
    aw_library, aw_sample_book, fake_cli, capsys, monkeypatch
):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-cli")
    sid = scene_id(aw_library, aw_sample_book, 1)
    fake_cli.queue_message(["The fog", " thinned."], output_tokens=4)
    code = run(aw_library, "generate", "Gannet", "--scene", sid[:18], "--action", "continue")
    out, err = capsys.readouterr()
    assert code == 0
    assert out == "The fog thinned.\n"
    assert "4 out tokens" in err and "end_turn" in err
    sent = fake_cli.sent()
    assert "hundred and twelve steps" in sent["messages"][0]["content"]

    assert run(aw_library, "generations", "Gannet", "--json") == 0
    records = json.loads(capsys.readouterr().out)["generations"]
    assert [(r["action"], r["output"], r["scene_id"]) for r in records] == [
        ("continue", "The fog thinned.", sid)
    ]
    assert run(aw_library, "generations", "Gannet", "--show", records[0]["id"][:20]) == 0
    assert capsys.readouterr().out == "The fog thinned.\n"


def test_generate_rewrite_with_instructions_and_selection(
    aw_library, aw_sample_book, fake_cli, capsys, monkeypatch
):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-cli")
    sid = scene_id(aw_library, aw_sample_book, 0)
    fake_cli.queue_message(["Rewritten."])
    code = run(
        aw_library,
        "generate",
        "Gannet",
        "--scene",
        sid,
        "--action",
        "rewrite",
        "--instructions",
        "more tension",
        "--selection",
        "Come down to the village for the feast.",
    )
    assert code == 0
    content = fake_cli.sent()["messages"][0]["content"]
    assert "<selection>\nCome down to the village for the feast.\n</selection>" in content
    assert "<instructions>\nmore tension\n</instructions>" in content


def test_show_context_sends_nothing(aw_library, aw_sample_book, fake_cli, capsys):
    sid = scene_id(aw_library, aw_sample_book, 0)
    assert (
        run(
            aw_library,
            "generate",
            "Gannet",
            "--scene",
            sid,
            "--action",
            "write-scene",
            "--instructions",
            "a storm",
            "--show-context",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Priority order" in out and "[user]" in out and "a storm" in out
    assert fake_cli.requests == []


def test_errors_are_one_line(aw_library, aw_sample_book, fake_cli, capsys, monkeypatch):
    sid = scene_id(aw_library, aw_sample_book, 0)
    assert run(aw_library, "generate", "Gannet", "--scene", sid, "--action", "continue") == 1
    err = capsys.readouterr().err
    assert "no Anthropic API key" in err and len(err.strip().splitlines()) == 1

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-bad")
    fake_cli.queue_error(401, "authentication_error", "invalid x-api-key")
    assert run(aw_library, "generate", "Gannet", "--scene", sid, "--action", "continue") == 1
    err = capsys.readouterr().err
    assert "401" in err and "sk-ant-bad" not in err

    assert run(aw_library, "generate", "Gannet", "--scene", "nope", "--action", "continue") == 1
    assert "has no scene 'nope'" in capsys.readouterr().err
    assert run(aw_library, "generate", "Gannet", "--scene", sid, "--action", "freeform") == 1
    assert "type an instruction" in capsys.readouterr().err


def test_interrupted_stream_says_where_the_text_is(
    aw_library, aw_sample_book, fake_cli, capsys, monkeypatch
):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-cli")
    sid = scene_id(aw_library, aw_sample_book, 0)
    fake_cli.queue_stream(ScriptedStream(message_events(["Half"])[:4], then_raise=True))
    assert run(aw_library, "generate", "Gannet", "--scene", sid, "--action", "continue") == 1
    out, err = capsys.readouterr()
    assert out.startswith("Half")
    assert "kept in the history as" in err and "stream" in err


def test_models_and_key_status(aw_library, fake_cli, capsys, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-cli")
    fake_cli.queue_models(["claude-sonnet-5-5", "claude-opus-5-5"])
    assert run(aw_library, "models") == 0
    out = capsys.readouterr().out
    assert "* claude-sonnet-5-5" in out and "  claude-opus-5-5" in out
    assert run(aw_library, "ai-key", "status") == 0
    assert "ANTHROPIC_API_KEY" in capsys.readouterr().out
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    assert run(aw_library, "ai-key") == 0
    assert "No API key" in capsys.readouterr().out


def test_models_use_saves_the_preference(aw_library, fake_cli, capsys, monkeypatch):
    from core.generation.preferences import load_preferences

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-cli")
    fake_cli.queue_models(["claude-sonnet-5-5", "claude-opus-5-5"])
    assert run(aw_library, "models", "--use", "claude-opus-5-5") == 0
    assert "* claude-opus-5-5" in capsys.readouterr().out
    assert load_preferences().model == "claude-opus-5-5"
    fake_cli.queue_models(["claude-sonnet-5-5"])
    assert run(aw_library, "models", "--use", "claude-nope") == 1
    assert "not in the list" in capsys.readouterr().err
    assert load_preferences().model == "claude-opus-5-5"


def test_prompts_lists_and_copies_templates_for_editing(aw_library, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHORWORKS_PROMPTS", str(tmp_path / "mine"))
    assert run(aw_library, "prompts") == 0
    out = capsys.readouterr().out
    assert "write_scene" in out and "resources/prompts/write_scene.md" in out
    assert run(aw_library, "prompts", "--edit", "write-scene") == 0
    path = capsys.readouterr().out.strip()
    assert path == str(tmp_path / "mine" / "write_scene.md")
    assert run(aw_library, "prompts") == 0
    assert str(tmp_path / "mine" / "write_scene.md") in capsys.readouterr().out


def test_generate_suggest_puts_a_rewrite_into_the_scene_as_claudes_suggestions(
    aw_library, aw_sample_book, fake_cli, capsys, monkeypatch
):
    from core.review.store import book_comments

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-cli")
    sid = scene_id(aw_library, aw_sample_book, 0)
    with aw_library.session() as s:
        from core.store.manuscript import get_scene

        text = get_scene(session=s, scene_id=sid).text
    passage = " ".join(text.split()[:6])
    rewritten = passage.replace(passage.split()[2], "QUIETLY", 1) + " Then more."
    fake_cli.queue_message([rewritten])
    code = run(
        aw_library, "generate", "Gannet", "--scene", sid, "--action", "rewrite",
        "--selection", passage, "--suggest",
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0 and "suggested changes from Claude" in err
    with aw_library.session() as s:
        from core.store.manuscript import get_scene

        assert get_scene(session=s, scene_id=sid).text == text  # nothing applied
        [scene] = book_comments(s, "Gannet")
    assert {x.author for x in scene.suggestions} == {"Claude"}
    assert [x.kind for x in scene.suggestions] == ["replace", "insert"]
    # Accept the word, reject the addition: one hunk at a time.
    first, second = scene.suggestions
    assert run(aw_library, "review", "Gannet", "accept", first.id) == 0
    assert run(aw_library, "review", "Gannet", "reject", second.id) == 0
    with aw_library.session() as s:
        from core.store.manuscript import get_scene

        now = get_scene(session=s, scene_id=sid).text
    assert now == text.replace(passage, passage.replace(passage.split()[2], "QUIETLY", 1), 1)


def test_a_replacement_is_listed_as_its_deletion_and_insertion_under_one_id(
    aw_library, aw_sample_book, fake_cli, capsys, monkeypatch
):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-cli")
    sid = scene_id(aw_library, aw_sample_book, 0)
    with aw_library.session() as s:
        from core.store.manuscript import get_scene

        text = get_scene(session=s, scene_id=sid).text
    passage = " ".join(text.split()[:4])
    fake_cli.queue_message([passage.replace(passage.split()[1], "QUIETLY", 1)])
    code = run(
        aw_library, "generate", "Gannet", "--scene", sid, "--action", "rewrite",
        "--selection", passage, "--suggest",
    )  # fmt: skip
    assert code == 0
    capsys.readouterr()
    assert run(aw_library, "review", "Gannet", "--json") == 0
    entries = json.loads(capsys.readouterr().out)["suggestions"]
    assert [(e["kind"], e["text"]) for e in entries] == [
        ("delete", passage.split()[1]),
        ("insert", "QUIETLY"),
    ]
    assert entries[0]["id"] == entries[1]["id"] and {e["author"] for e in entries} == {"Claude"}
