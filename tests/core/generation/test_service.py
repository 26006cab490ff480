"""run_generation: the key, the request it sends, the history it records, nothing lost."""

from __future__ import annotations

import pytest

from core.generation.client import ClaudeClient
from core.generation.context import EditorState
from core.generation.errors import GenerationCancelledError, NoApiKeyError, StreamInterruptedError
from core.generation.history import get_generation, list_generations
from core.generation.preferences import (
    GenerationPreferences,
    choose_model,
    load_preferences,
    save_preferences,
)
from core.generation.service import (
    GenerationRequest,
    apply_synopsis,
    generation_job,
    parse_ideas,
    prepare_context,
    run_generation,
)
from core.jobs import JobContext, run_job
from tests.core.generation.anthropic_fake import ScriptedStream, message_events

KEY = "sk-ant-secret-0123456789"


def factory(fake, sleeps=None):
    return lambda key: ClaudeClient(key, transport=fake.transport(), sleep=(sleeps or []).append)


def test_no_key_means_no_request_and_a_clear_message(gen_book, fake_api):
    request = GenerationRequest(scene_id=gen_book.scene_ids[-1], action="continue")
    with pytest.raises(NoApiKeyError, match="enter one in the AI settings"):
        run_generation(gen_book.library, request, client_factory=factory(fake_api))
    assert fake_api.requests == []
    # What the AI would see is still available without a key.
    assert "trim the wick" in prepare_context(gen_book.library, request).user_message


def test_generation_streams_sends_context_and_records_history(
    gen_book, fake_api, memory_keyring, tmp_path
):
    from core.generation.credentials import set_api_key

    set_api_key(KEY)
    prefs = GenerationPreferences(model="claude-opus-5-5", context_budget=8000)
    pref_path = save_preferences(prefs)
    fake_api.queue_message(["The lamp", " burned on."], output_tokens=5, cache_read=700)
    pieces: list[str] = []
    request = GenerationRequest(scene_id=gen_book.scene_ids[-1], action="continue")
    result = run_generation(
        gen_book.library, request, on_text=pieces.append, client_factory=factory(fake_api)
    )
    assert result.text == "The lamp burned on." == "".join(pieces)
    sent = fake_api.sent()
    assert sent["model"] == "claude-opus-5-5"
    assert sent["max_tokens"] == result.context.template.max_tokens
    assert sent["system"] == result.context.api_system()
    assert sent["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert "Gannet Rock" in sent["system"][0]["text"]
    assert "<text_before_cursor>" in sent["messages"][0]["content"]

    with gen_book.library.session() as s:
        record = get_generation(session=s, record_id=result.record_id)
        assert (record.action, record.model, record.stop_reason) == (
            "continue",
            "claude-sonnet-5-5",  # the model the API says answered
            "end_turn",
        )
        assert record.output == "The lamp burned on."
        assert (record.input_tokens, record.output_tokens, record.cache_read_tokens) == (
            1200,
            5,
            700,
        )
        assert record.latency_ms >= 0 and "trim the wick" in record.prompt
        assert record.scene_id == gen_book.scene_ids[-1]
    # The key is in the keyring only: not in the library, not in the preferences file.
    assert KEY.encode() not in gen_book.library.db_path.read_bytes()
    assert KEY not in pref_path.read_text()


def test_interrupted_stream_is_recorded_with_its_partial_text(gen_book, fake_api):
    fake_api.queue_stream(
        ScriptedStream(message_events(["Half a", " sentence"])[:5], then_raise=True)
    )
    request = GenerationRequest(
        scene_id=gen_book.scene_ids[0],
        action="rewrite",
        editor=EditorState("Mara kept the light.", 0, 20),
    )
    with pytest.raises(StreamInterruptedError) as info:
        run_generation(gen_book.library, request, api_key=KEY, client_factory=factory(fake_api))
    assert info.value.partial_text == "Half a sentence" and info.value.record_id
    with gen_book.library.session() as s:
        (record,) = list_generations(session=s, book_id=gen_book.book_id)
        assert record.id == info.value.record_id
        assert (record.output, record.stop_reason, record.action) == (
            "Half a sentence",
            "interrupted",
            "rewrite",
        )


def test_cancelled_generation_as_a_job_keeps_its_text(gen_book, fake_api):
    fake_api.queue_stream(ScriptedStream(message_events(["Kept", " lost"]), stall_after=4))
    ctx = JobContext()

    def on_text(text: str) -> None:
        ctx.token.cancel()

    job = generation_job(
        gen_book.library,
        GenerationRequest(scene_id=gen_book.scene_ids[-1], action="continue"),
        api_key=KEY,
        client_factory=factory(fake_api),
        on_text=on_text,
    )
    with pytest.raises(GenerationCancelledError) as info:
        run_job(job, ctx)
    with gen_book.library.session() as s:
        record = get_generation(session=s, record_id=info.value.record_id)
        assert (record.output, record.stop_reason) == ("Kept", "cancelled")


def test_history_is_per_book_and_scene_newest_first(gen_book, fake_api):
    for text in ("one", "two", "three"):
        fake_api.queue_message([text])
    ids = []
    for i in range(3):
        scene = gen_book.scene_ids[0 if i < 2 else 1]
        req = GenerationRequest(scene_id=scene, action="brainstorm")
        ids.append(
            run_generation(
                gen_book.library, req, api_key=KEY, client_factory=factory(fake_api)
            ).record_id
        )
    with gen_book.library.session() as s:
        all_records = list_generations(session=s, book_id=gen_book.book_id)
        assert [r.output for r in all_records] == ["three", "two", "one"]
        scene0 = list_generations(
            session=s, book_id=gen_book.book_id, scene_id=gen_book.scene_ids[0]
        )
        assert [r.id for r in scene0] == [ids[1], ids[0]]


def test_apply_synopsis_and_parse_ideas(gen_book):
    apply_synopsis(gen_book.library, gen_book.scene_ids[0], "  Mara keeps the light.\n")
    with gen_book.library.session() as s:
        from core.store.manuscript import get_scene

        assert (
            get_scene(session=s, scene_id=gen_book.scene_ids[0]).synopsis == "Mara keeps the light."
        )
    ideas = parse_ideas("1. A storm\n   breaks early.\n2) Tobias lies.\n- A third idea")
    assert ideas == ["A storm breaks early.", "Tobias lies.", "A third idea"]
    assert parse_ideas("one idea\n\nanother") == ["one idea", "another"]


def test_preferences_round_trip_and_model_choice(tmp_path):
    path = tmp_path / "prefs.json"
    assert load_preferences(path) == GenerationPreferences()
    save_preferences(GenerationPreferences(model="claude-x", context_budget=5000), path)
    assert load_preferences(path).model == "claude-x"
    path.write_text("{not json")
    assert load_preferences(path) == GenerationPreferences()

    from core.generation.client import DEFAULT_MODEL, ModelChoice

    avail = [ModelChoice("claude-opus-9", "Opus"), ModelChoice(DEFAULT_MODEL, "Sonnet")]
    assert choose_model("claude-opus-9", avail) == "claude-opus-9"
    assert choose_model("claude-gone", avail) == DEFAULT_MODEL
    assert (
        choose_model("claude-gone", [ModelChoice("a-sonnet-2", "S"), ModelChoice("b", "B")])
        == "a-sonnet-2"
    )
    assert choose_model("claude-gone", []) == "claude-gone"
