"""The server enforces the plan where the work happens, with 402 plan_limit saying which
limit and how to upgrade — and going over never deletes: a book past the limit after a
downgrade is still read and pulled, its new writes wait. Hosted AI reserves tokens before
the call: 20 calls at once against an allowance of 5 calls' worth, exactly 5 run."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from sync_server.app import create_app
from sync_server.billing.hosted_ai import cost_of
from sync_server.models import AiUsage, Subscription, User, utcnow
from tests.sync_server.collab_world import book_op, scene_op
from tests.sync_server.fixtures import fast_settings, live_server, sign_up

API = "/api/v1"


@pytest.fixture
def enforced(tmp_path: Path, sync_database_url: str) -> Iterator[TestClient]:
    """A server that enforces its plans without selling them (an operator sets them)."""
    app = create_app(fast_settings(tmp_path / "server", sync_database_url, enforce_plans=True))
    with TestClient(app) as client:
        yield client


def _set_plan(client: TestClient, email: str, plan: str, **limits: int | None) -> None:
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        user = session.query(User).filter(User.email == email).one()
        row = session.get(Subscription, user.id) or Subscription(user_id=user.id)
        row.plan, row.status, row.updated_at = plan, "manual", utcnow()
        row.limits = json.dumps(limits)
        session.add(row)
        session.commit()


def _push(client: TestClient, user, *ops) -> dict:
    r = client.post(f"{API}/sync/push", json={"ops": list(ops)}, headers=user.headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_fourth_book_waits_on_the_free_plan_and_goes_in_after_an_upgrade(enforced):
    user = sign_up(enforced)
    books = [f"book-{n}" for n in range(4)]
    for n, book in enumerate(books[:3]):
        assert _push(enforced, user, book_op(f"b{n}", f"Book {n}", book_id=book))["rejected"] == {}
    answer = _push(enforced, user, book_op("b3", "Book 3", book_id=books[3]))
    assert answer["rejected"] == {books[3]: "plan_limit"} and answer["applied"] == 0
    listed = enforced.get(f"{API}/books", headers=user.headers).json()
    assert books[3] not in {b["id"] for b in listed}  # not even made
    got = enforced.get(f"{API}/billing/subscription", headers=user.headers).json()
    assert got["plan"] == "free" and got["usage"]["synced_books"] == 3
    _set_plan(enforced, user.email, "basic")
    assert _push(enforced, user, book_op("b3", "Book 3", book_id=books[3]))["applied"] == 1


def test_after_a_downgrade_the_newest_books_are_read_but_take_no_writes(enforced):
    user = sign_up(enforced)
    _set_plan(enforced, user.email, "basic")
    books = [f"kept-{n}" for n in range(5)]
    for n, book in enumerate(books):
        _push(enforced, user, book_op(f"k{n}", f"Book {n}", book_id=book))
    _set_plan(enforced, user.email, "free")  # 5 books, the free plan allows 3
    oldest, newest = books[0], books[4]
    assert _push(enforced, user, scene_op("s1", "More.", book_id=oldest))["rejected"] == {}
    answer = _push(enforced, user, scene_op("s2", "Waits.", book_id=newest))
    assert answer["rejected"] == {newest: "plan_limit"} and answer["applied"] == 0
    # Nothing was deleted: the book is listed and pulls in full.
    page = enforced.get(
        f"{API}/sync/pull", params={"book": newest, "cursor": 0}, headers=user.headers
    )
    assert page.status_code == 200 and len(page.json()["changes"]) == 1


def test_an_invitation_past_the_collaborators_limit_is_402_and_says_how_to_upgrade(enforced):
    owner = sign_up(enforced)
    _push(enforced, owner, book_op("b", "Shared", book_id="shared-book"))
    for n in range(2):
        r = enforced.post(
            f"{API}/books/shared-book/invitations",
            json={"email": f"reader{n}@example.org", "role": "viewer"},
            headers=owner.headers,
        )
        assert r.status_code == 201, r.text
    again = enforced.post(
        f"{API}/books/shared-book/invitations",
        json={"email": "reader0@example.org", "role": "editor"},  # a new invitation, no one more
        headers=owner.headers,
    )
    assert again.status_code == 201
    r = enforced.post(
        f"{API}/books/shared-book/invitations",
        json={"email": "third@example.org", "role": "viewer"},
        headers=owner.headers,
    )
    assert r.status_code == 402
    error = r.json()["error"]
    assert error["code"] == "plan_limit"
    assert "2 collaborators on a book" in error["message"] and "Free" in error["message"]


def test_an_upload_past_the_plans_storage_is_402(enforced):
    import hashlib

    user = sign_up(enforced)
    _set_plan(enforced, user.email, "free", storage_bytes=1000)
    data = b"x" * 1500
    digest = hashlib.sha256(data).hexdigest()
    r = enforced.put(
        f"{API}/media/{digest}",
        content=data,
        headers={**user.headers, "Content-Type": "image/png"},
    )
    assert r.status_code == 402 and r.json()["error"]["code"] == "plan_limit"
    assert "storage" in r.json()["error"]["message"]


# ---------------------------------------------------------------------- hosted AI

REQUEST = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 200,
    "stream": True,
    "messages": [{"role": "user", "content": "Continue the scene."}],
}
EVENTS = (
    b'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":'
    b'"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","usage":'
    b'{"input_tokens":12,"output_tokens":1}}}\n\n'
    b'event: content_block_start\ndata: {"type":"content_block_start","index":0,'
    b'"content_block":{"type":"text","text":""}}\n\n'
    b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":'
    b'{"type":"text_delta","text":"The rain came."}}\n\n'
    b'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'
    b'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},'
    b'"usage":{"output_tokens":30}}\n\n'
    b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
)


async def _anthropic(request: httpx.Request) -> httpx.Response:
    """Anthropic, as far as the proxy can tell: the key checked, a stream of events."""
    if request.headers.get("x-api-key") != "sk-ant-server":
        return httpx.Response(
            401, json={"type": "error", "error": {"type": "authentication_error"}}
        )
    await asyncio.sleep(0.3)  # long enough for all 20 calls to be in flight together
    return httpx.Response(200, content=EVENTS, headers={"content-type": "text/event-stream"})


@pytest.fixture
def hosted(tmp_path: Path, sync_database_url: str) -> Iterator[tuple[str, object]]:
    settings = fast_settings(
        tmp_path / "server",
        sync_database_url,
        enforce_plans=True,
        anthropic_api_key="sk-ant-server",
        anthropic_base_url="https://api.anthropic.invalid",
        max_writes_per_account=32,  # 20 bodies of one account read at once, on purpose
    )
    app = create_app(settings)
    app.state.ai_client = httpx.AsyncClient(transport=httpx.MockTransport(_anthropic))
    with live_server(app) as url:
        yield url, app


def test_twenty_parallel_calls_against_five_calls_worth(hosted):
    url, app = hosted
    with httpx.Client(base_url=url) as client:
        user = sign_up(client)  # type: ignore[arg-type]
        free = client.post(f"{API}/ai/messages", json=REQUEST, headers=user.headers)
        assert free.status_code == 402 and "no hosted AI" in free.json()["error"]["message"]
    with app.state.sessions() as session:  # type: ignore[attr-defined]
        row = Subscription(user_id=session.query(User.id).scalar(), plan="basic", status="manual")
        row.limits = json.dumps({"ai_tokens_month": 5 * cost_of(REQUEST)})
        row.updated_at = utcnow()
        session.add(row)
        session.commit()

    async def call(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post(f"{API}/ai/messages", json=REQUEST, headers=user.headers)

    async def all_at_once() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            return await asyncio.gather(*(call(client) for _ in range(20)))

    answers = asyncio.run(all_at_once())
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] * 5 + [402] * 15
    for answer in answers:
        if answer.status_code == 200:
            assert answer.content == EVENTS  # streamed back unchanged
            assert answer.headers["content-type"].startswith("text/event-stream")
        else:
            assert answer.json()["error"]["code"] == "plan_limit"
    with app.state.sessions() as session:  # type: ignore[attr-defined]
        [usage] = session.query(AiUsage).all()
        assert usage.used_tokens == 5 * (12 + 30) and usage.reserved_tokens == 0


def test_a_library_over_the_plan_keeps_the_waiting_books_changes(
    tmp_path, sync_database_url, sync_keyring
):
    """The fourth book of a free account: its changes stay in the library's outbox, sync
    after sync, and go in once the plan has room."""
    from core.importers import import_manuscript
    from core.store import open_library
    from core.sync.account import sign_in, sync_library
    from tests.fixtures.plugin import SAMPLE_MANUSCRIPT

    app = create_app(fast_settings(tmp_path / "server", sync_database_url, enforce_plans=True))
    with live_server(app) as url, open_library(tmp_path / "lib") as library:
        for n in range(4):
            import_manuscript(library, SAMPLE_MANUSCRIPT, title=f"Book {n}", author="Ann")
        sign_in(library, server_url=url, email="ann@example.org", password="a long password",
                register=True)  # fmt: skip
        first = sync_library(library)
        assert len(first.waiting_for_plan) == 1 and first.queued > 0
        again = sync_library(library)
        assert len(again.waiting_for_plan) == 1 and again.queued == first.queued  # kept
        with app.state.sessions() as session:
            user = session.query(User).one()
            session.add(Subscription(user_id=user.id, plan="basic", status="manual",
                                     updated_at=utcnow()))  # fmt: skip
            session.commit()
        after = sync_library(library)
        assert after.waiting_for_plan == [] and after.queued == 0


def test_generation_without_a_key_goes_through_the_servers_hosted_ai(
    hosted, tmp_path, sync_keyring, monkeypatch
):
    """A library signed in on a plan with hosted AI and no key of its own: `generate`'s code
    path (the Anthropic SDK) reaches Claude through the server, and the tokens are counted."""
    from core.generation.service import GenerationRequest, run_generation
    from core.importers import import_manuscript
    from core.store import open_library
    from core.store.manuscript import list_books, list_chapters
    from core.sync.account import sign_in
    from tests.fixtures.plugin import SAMPLE_MANUSCRIPT

    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    url, app = hosted
    with open_library(tmp_path / "lib") as library:
        import_manuscript(library, SAMPLE_MANUSCRIPT, title="Gannet Rock", author="Ann")
        sign_in(library, server_url=url, email="ann@example.org", password="a long password",
                register=True)  # fmt: skip
        with app.state.sessions() as session:  # type: ignore[attr-defined]
            user = session.query(User).one()
            session.add(Subscription(user_id=user.id, plan="basic", status="manual",
                                     updated_at=utcnow()))  # fmt: skip
            session.commit()
        with library.session() as s:
            book = list_books(session=s)[0]
            scene = list_chapters(session=s, book_id=book.id)[0].scenes[0]
        pieces: list[str] = []
        result = run_generation(
            library, GenerationRequest(scene_id=scene.id, action="continue"),
            on_text=pieces.append,
        )  # fmt: skip
    assert "".join(pieces) == "The rain came." == result.text
    with app.state.sessions() as session:  # type: ignore[attr-defined]
        [usage] = session.query(AiUsage).all()
        assert usage.used_tokens == 12 + 30 and usage.reserved_tokens == 0


def test_a_server_that_enforces_no_plans_still_counts_hosted_ai(tmp_path, sync_database_url):
    settings = fast_settings(
        tmp_path / "server",
        sync_database_url,
        anthropic_api_key="sk-ant-server",
        anthropic_base_url="https://api.anthropic.invalid",
    )
    app = create_app(settings)
    app.state.ai_client = httpx.AsyncClient(transport=httpx.MockTransport(_anthropic))
    with TestClient(app) as client:
        user = sign_up(client)
        r = client.post(f"{API}/ai/messages", json=REQUEST, headers=user.headers)
        assert r.status_code == 200 and r.content == EVENTS
        with app.state.sessions() as session:
            [usage] = session.query(AiUsage).all()
            assert usage.used_tokens == 42 and usage.reserved_tokens == 0


def test_an_operator_sets_an_enterprise_customers_plan(tmp_path, sync_database_url, monkeypatch):
    from sync_server.__main__ import main as server_main

    settings = fast_settings(tmp_path / "server", sync_database_url, enforce_plans=True)
    monkeypatch.setenv("AUTHORWORKS_SERVER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("AUTHORWORKS_SERVER_DATA_DIR", str(settings.data_dir))
    app = create_app(settings)
    with TestClient(app) as client:
        user = sign_up(client, "Boss@Example.org")
        assert server_main(["set-plan", "boss@example.org", "enterprise",
                            "--limits", '{"seats": 40, "synced_books": 500}']) == 0  # fmt: skip
        got = client.get(f"{API}/billing/subscription", headers=user.headers).json()
        assert got["plan"] == "enterprise" and got["limits"]["seats"] == 40
        assert got["limits"]["synced_books"] == 500
        assert server_main(["set-plan", "nobody@example.org", "pro"]) == 1
        assert server_main(["set-plan", "boss@example.org", "platinum"]) == 2
        assert server_main(["set-plan", "boss@example.org", "pro", "--limits", "{bad"]) == 2
