"""Sharing a book on the server: invitations by real email, roles, revocation, expiry,
transfer, deletion, the activity log and the notification inbox (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pycrdt
from fastapi import FastAPI
from fastapi.testclient import TestClient

from core.sync.protocol import decode_update
from sync_server.models import BookMember, User
from tests.sync_server.collab_world import book_op, scene_op
from tests.sync_server.fixtures import SmtpSink, SyncUser, sign_up

API = "/api/v1"
BOOK = "book-gannet"


def _book_op(op_id: str, title: str) -> dict[str, str]:
    return book_op(op_id, title, book_id=BOOK)


def _scene_op(op_id: str, text: str, doc_id: str = "scene-1") -> dict[str, str]:
    return scene_op(op_id, text, doc_id=doc_id, book_id=BOOK)


def _texts(page: dict) -> list[str]:
    out = []
    for change in page["changes"]:
        if change["kind"] != "scene":
            continue
        doc = pycrdt.Doc()
        text = doc.get("text", type=pycrdt.Text)
        doc.apply_update(decode_update(change["update"]))
        out.append(str(text))
    return out


def _push(client: TestClient, user: SyncUser, *ops: dict[str, str]) -> dict:
    r = client.post(f"{API}/sync/push", json={"ops": list(ops)}, headers=user.headers)
    assert r.status_code == 200, r.text
    return r.json()


def _pull(client: TestClient, user: SyncUser, cursor: int = 0):
    return client.get(
        f"{API}/sync/pull", params={"book": BOOK, "cursor": cursor}, headers=user.headers
    )


def _owned_book(client: TestClient) -> SyncUser:
    owner = sign_up(client, email="ann@example.org")
    _push(client, owner, _book_op("b1", "Gannet Rock"), _scene_op("s1", "The lamp burned low."))
    return owner


def _invite(client: TestClient, owner: SyncUser, email: str, role: str = "editor", **extra):
    r = client.post(
        f"{API}/books/{BOOK}/invitations",
        json={"email": email, "role": role, **extra},
        headers=owner.headers,
    )
    assert r.status_code == 201, r.text
    return r.json()


def _token(link: str) -> str:
    return link.rsplit("/invite/", 1)[1]


def _join(client: TestClient, owner: SyncUser, email: str, role: str = "editor", **extra):
    invitation = _invite(client, owner, email, role, **extra)
    member = sign_up(client, email=email)
    r = client.post(
        f"{API}/invitations/accept",
        json={"token": _token(invitation["link"])},
        headers=member.headers,
    )
    assert r.status_code == 200, r.text
    return member, invitation


def test_an_invitation_goes_out_by_email_and_its_link_joins_the_book_once(
    sharing_client: TestClient, smtp_sink: SmtpSink
):
    owner = _owned_book(sharing_client)
    books = sharing_client.get(f"{API}/books", headers=owner.headers).json()
    assert [(b["id"], b["title"], b["role"]) for b in books] == [(BOOK, "Gannet Rock", "owner")]

    invitation = _invite(sharing_client, owner, "Bob@Example.org", "editor", expires_days=30)
    assert invitation["email"] == "bob@example.org" and invitation["email_sent"] is True
    assert invitation["email_problem"] is None
    assert invitation["link"].startswith("http://books.authorworks.test/invite/")
    # A real SMTP exchange: one message, to Bob, with the same link.
    assert len(smtp_sink.messages) == 1
    message = smtp_sink.messages[0]
    assert message["To"] == "bob@example.org"
    assert "Gannet Rock" in message["Subject"]
    assert smtp_sink.links() == [invitation["link"]]
    # The token is stored hashed: the database never holds the link's secret.
    token = _token(invitation["link"])
    page = sharing_client.get(f"/invite/{token}")
    assert page.status_code == 200 and "Gannet Rock" in page.text

    # Bob has no account yet: he registers, sees the invitation, accepts from the link.
    bob = sign_up(sharing_client, email="bob@example.org")
    mine = sharing_client.get(f"{API}/invitations", headers=bob.headers).json()
    assert [(i["id"], i["book_title"], i["role"]) for i in mine] == [
        (invitation["id"], "Gannet Rock", "editor")
    ]
    joined = sharing_client.post(
        f"{API}/invitations/accept", json={"token": token}, headers=bob.headers
    )
    assert joined.status_code == 200, joined.text
    book = joined.json()
    assert (book["id"], book["role"], book["owner"]["email"]) == (BOOK, "editor", "ann@example.org")
    assert book["expires_at"] is not None  # the access ends in 30 days
    assert _texts(_pull(sharing_client, bob).json()) == ["The lamp burned low."]
    # An editor writes, and the owner reads it.
    pushed = _push(sharing_client, bob, _scene_op("bob-1", "Gulls at dusk.", "scene-2"))
    assert pushed["applied"] == 1 and pushed["rejected"] == {}
    assert "Gulls at dusk." in _texts(_pull(sharing_client, owner).json())

    # The link works once.
    again = sharing_client.post(
        f"{API}/invitations/accept", json={"token": token}, headers=bob.headers
    )
    assert again.status_code == 404 and again.json()["error"]["code"] == "invitation_not_found"
    assert sharing_client.get(f"/invite/{token}").status_code == 404
    assert sharing_client.get(f"{API}/invitations", headers=bob.headers).json() == []

    members = sharing_client.get(f"{API}/books/{BOOK}/members", headers=bob.headers).json()
    assert [(m["email"], m["role"]) for m in members] == [
        ("ann@example.org", "owner"),
        ("bob@example.org", "editor"),
    ]
    kinds = [
        a["kind"]
        for a in sharing_client.get(f"{API}/books/{BOOK}/activity", headers=owner.headers).json()
    ]
    assert kinds == ["joined", "invited"]
    inbox = sharing_client.get(f"{API}/notifications", headers=owner.headers).json()
    assert inbox["unread"] == 1
    assert inbox["items"][0]["kind"] == "joined"
    assert "bob@example.org joined “Gannet Rock”" in inbox["items"][0]["message"]


def test_without_a_mail_relay_the_invitation_stands_and_the_owner_is_told(
    sync_client: TestClient,
):
    owner = _owned_book(sync_client)
    invitation = _invite(sync_client, owner, "bob@example.org")
    assert invitation["email_sent"] is False
    assert "no SMTP relay" in invitation["email_problem"]
    listed = sync_client.get(f"{API}/books/{BOOK}/invitations", headers=owner.headers).json()
    assert [i["id"] for i in listed] == [invitation["id"]]
    # The invitee, once registered, accepts from the inbox by id.
    bob = sign_up(sync_client, email="bob@example.org")
    r = sync_client.post(f"{API}/invitations/{invitation['id']}/accept", headers=bob.headers)
    assert r.status_code == 200 and r.json()["role"] == "editor"


def test_a_relay_that_refuses_loses_no_invitation(tmp_path, sync_database_url):
    from sync_server.app import create_app
    from tests.sync_server.fixtures import fast_settings
    from tests.sync_server.seaweed import _free_ports

    closed = _free_ports(1)[0]  # nothing listens there
    app = create_app(
        fast_settings(tmp_path / "srv", sync_database_url, smtp_url=f"smtp://127.0.0.1:{closed}")
    )
    with TestClient(app) as client:
        owner = _owned_book(client)
        invitation = _invite(client, owner, "bob@example.org")
        assert invitation["email_sent"] is False
        assert invitation["email_problem"].startswith("no email was sent: the mail relay failed")
        assert len(client.get(f"{API}/books/{BOOK}/invitations", headers=owner.headers).json()) == 1


def test_viewers_and_commenters_read_but_cannot_push_text(sync_client: TestClient):
    owner = _owned_book(sync_client)
    for role in ("viewer", "commenter"):
        reader, _ = _join(sync_client, owner, f"{role}@example.org", role)
        before = _texts(_pull(sync_client, owner).json())
        assert _texts(_pull(sync_client, reader).json()) == before
        pushed = _push(sync_client, reader, _scene_op(f"{role}-1", f"Written by a {role}."))
        assert pushed["applied"] == 0
        assert pushed["rejected"] == {BOOK: "read_only"}
        assert _texts(_pull(sync_client, owner).json()) == before
        # Made an editor, the same op goes through (it was not recorded as applied).
        me = sync_client.get(f"{API}/auth/me", headers=reader.headers).json()
        r = sync_client.patch(
            f"{API}/books/{BOOK}/members/{me['id']}", json={"role": "editor"}, headers=owner.headers
        )
        assert r.status_code == 200 and r.json()["role"] == "editor"
        again = _push(sync_client, reader, _scene_op(f"{role}-1", f"Written by a {role}."))
        assert again["applied"] == 1
        notice = sync_client.get(f"{API}/notifications", headers=reader.headers).json()["items"][0]
        assert notice["kind"] == "role_changed" and "you are now an editor" in notice["message"]


def test_removal_is_immediate_and_every_way_back_is_closed(sync_client: TestClient):
    owner = _owned_book(sync_client)
    bob, invitation = _join(sync_client, owner, "bob@example.org")
    page = _pull(sync_client, bob).json()
    cursor = page["cursor"]
    me = sync_client.get(f"{API}/auth/me", headers=bob.headers).json()
    r = sync_client.delete(f"{API}/books/{BOOK}/members/{me['id']}", headers=owner.headers)
    assert r.status_code == 204

    # The same access token, the cached cursor, the old link: all refused, as for a stranger.
    assert _pull(sync_client, bob, cursor).status_code == 404
    assert _pull(sync_client, bob, 0).status_code == 404
    assert sync_client.get(f"{API}/books/{BOOK}", headers=bob.headers).status_code == 404
    assert sync_client.get(f"{API}/books", headers=bob.headers).json() == []
    pushed = _push(sync_client, bob, _scene_op("late", "Sneaked in."))
    assert pushed["rejected"] == {BOOK: "book_not_found"} and pushed["applied"] == 0
    old_link = sync_client.post(
        f"{API}/invitations/accept", json={"token": _token(invitation["link"])}, headers=bob.headers
    )
    assert old_link.status_code == 404
    by_id = sync_client.post(f"{API}/invitations/{invitation['id']}/accept", headers=bob.headers)
    assert by_id.status_code == 404
    # A token refreshed after the removal reaches nothing either.
    fresh = sync_client.post(f"{API}/auth/refresh", json={"refresh_token": bob.refresh_token})
    headers = {"Authorization": f"Bearer {fresh.json()['access_token']}"}
    assert (
        sync_client.get(f"{API}/sync/pull", params={"book": BOOK}, headers=headers).status_code
        == 404
    )
    notice = sync_client.get(f"{API}/notifications", headers=bob.headers).json()["items"][0]
    assert notice["kind"] == "removed"


def test_a_cancelled_invitation_and_a_pending_one_of_a_removed_member_die(
    sync_client: TestClient,
):
    owner = _owned_book(sync_client)
    invitation = _invite(sync_client, owner, "carol@example.org")
    r = sync_client.delete(
        f"{API}/books/{BOOK}/invitations/{invitation['id']}", headers=owner.headers
    )
    assert r.status_code == 204
    carol = sign_up(sync_client, email="carol@example.org")
    r = sync_client.post(
        f"{API}/invitations/accept",
        json={"token": _token(invitation["link"])},
        headers=carol.headers,
    )
    assert r.status_code == 404
    assert sync_client.get(f"{API}/invitations", headers=carol.headers).json() == []


def test_expiry_ends_access_for_any_role(sync_client: TestClient, sync_app: FastAPI):
    owner = _owned_book(sync_client)
    for role in ("editor", "viewer"):
        member, _ = _join(sync_client, owner, f"{role}@example.org", role, expires_days=2)
        assert _pull(sync_client, member).status_code == 200
        with sync_app.state.sessions() as s:
            uid = s.query(User.id).filter(User.email == f"{role}@example.org").scalar()
            row = s.get(BookMember, (BOOK, uid))
            row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
            s.commit()
        assert _pull(sync_client, member).status_code == 404
        assert sync_client.get(f"{API}/books", headers=member.headers).json() == []
        assert _push(sync_client, member, _scene_op(f"x-{role}", "late"))["rejected"] == {
            BOOK: "book_not_found"
        }


def test_only_the_owner_shares_transfers_and_deletes(sync_client: TestClient):
    owner = _owned_book(sync_client)
    editor, _ = _join(sync_client, owner, "ed@example.org", "editor")
    viewer, _ = _join(sync_client, owner, "vi@example.org", "viewer")
    ed_id = sync_client.get(f"{API}/auth/me", headers=editor.headers).json()["id"]
    for who in (editor, viewer):
        for method, path, body in (
            ("POST", f"/books/{BOOK}/invitations", {"email": "x@example.org", "role": "viewer"}),
            ("POST", f"/books/{BOOK}/transfer", {"user_id": ed_id}),
            ("DELETE", f"/books/{BOOK}", None),
        ):
            r = sync_client.request(method, f"{API}{path}", json=body, headers=who.headers)
            assert r.status_code == 403, (method, path)
            assert r.json()["error"]["code"] == "role_too_low"

    r = sync_client.post(
        f"{API}/books/{BOOK}/transfer", json={"user_id": ed_id}, headers=owner.headers
    )
    assert r.status_code == 200 and r.json()["role"] == "editor"  # the old owner's role now
    assert sync_client.get(f"{API}/books/{BOOK}", headers=editor.headers).json()["role"] == "owner"
    r = sync_client.post(
        f"{API}/books/{BOOK}/invitations",
        json={"email": "x@example.org", "role": "viewer"},
        headers=owner.headers,
    )
    assert r.status_code == 403
    # The owner cannot leave; a member can.
    assert sync_client.post(f"{API}/books/{BOOK}/leave", headers=editor.headers).status_code == 400
    assert sync_client.post(f"{API}/books/{BOOK}/leave", headers=viewer.headers).status_code == 204
    assert sync_client.get(f"{API}/books", headers=viewer.headers).json() == []

    assert sync_client.delete(f"{API}/books/{BOOK}", headers=editor.headers).status_code == 204
    for who in (owner, editor):
        assert _pull(sync_client, who).status_code == 404
    notice = sync_client.get(f"{API}/notifications", headers=owner.headers).json()["items"][0]
    assert notice["kind"] == "book_deleted" and "Gannet Rock" in notice["message"]


def test_an_invitation_is_for_its_address_alone(sync_client: TestClient):
    owner = _owned_book(sync_client)
    invitation = _invite(sync_client, owner, "bob@example.org")
    mallory = sign_up(sync_client, email="mallory@example.org")
    r = sync_client.post(
        f"{API}/invitations/accept",
        json={"token": _token(invitation["link"])},
        headers=mallory.headers,
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_invitation"
    r = sync_client.post(f"{API}/invitations/{invitation['id']}/decline", headers=mallory.headers)
    assert r.status_code == 403
    assert _pull(sync_client, mallory).status_code == 404
    # Inviting a member again, or oneself, is refused with a reason.
    _join(sync_client, owner, "bob@example.org")
    r = sync_client.post(
        f"{API}/books/{BOOK}/invitations",
        json={"email": "bob@example.org", "role": "viewer"},
        headers=owner.headers,
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_member"
    r = sync_client.post(
        f"{API}/books/{BOOK}/invitations",
        json={"email": "ann@example.org", "role": "viewer"},
        headers=owner.headers,
    )
    assert r.status_code == 400


def test_declining_tells_the_inviter_and_the_inbox_can_be_read_and_muted(
    sharing_client: TestClient, smtp_sink: SmtpSink
):
    owner = _owned_book(sharing_client)
    bob = sign_up(sharing_client, email="bob@example.org")
    invitation = _invite(sharing_client, owner, "bob@example.org", "viewer")
    inbox = sharing_client.get(f"{API}/notifications", headers=bob.headers).json()
    assert inbox["unread"] == 1 and inbox["items"][0]["data"]["invitation_id"] == invitation["id"]
    r = sharing_client.post(f"{API}/invitations/{invitation['id']}/decline", headers=bob.headers)
    assert r.status_code == 204
    notices = sharing_client.get(f"{API}/notifications", headers=owner.headers).json()
    assert notices["items"][0]["kind"] == "declined"

    # Read one, then all.
    first = notices["items"][0]["id"]
    r = sharing_client.post(f"{API}/notifications/{first}/read", headers=owner.headers)
    assert r.status_code == 204
    assert sharing_client.get(f"{API}/notifications", headers=owner.headers).json()["unread"] == 0
    r = sharing_client.post(f"{API}/notifications/{first}/read", headers=bob.headers)
    assert r.status_code == 404  # someone else's notification
    assert sharing_client.post(f"{API}/notifications/read-all", headers=bob.headers).json() == {
        "marked": 1
    }

    # Muting "invited" stops both the inbox entry and the email.
    r = sharing_client.put(
        f"{API}/notifications/mutes", json={"kinds": ["invited"]}, headers=bob.headers
    )
    assert r.json() == {"kinds": ["invited"]}
    sent = len(smtp_sink.messages)
    again = _invite(sharing_client, owner, "bob@example.org", "viewer")
    assert again["email_sent"] is False and "asked not to get" in again["email_problem"]
    assert len(smtp_sink.messages) == sent
    assert sharing_client.get(f"{API}/notifications", headers=bob.headers).json()["unread"] == 0
    bad = sharing_client.put(
        f"{API}/notifications/mutes", json={"kinds": ["nonsense"]}, headers=bob.headers
    )
    assert bad.status_code == 422


def test_registering_an_address_twice_reveals_nothing_and_tells_its_owner(
    sharing_client: TestClient, smtp_sink: SmtpSink
):
    body = {"email": "owner@example.org", "password": "a long password"}
    first = sharing_client.post(f"{API}/auth/register", json=body)
    again = sharing_client.post(
        f"{API}/auth/register", json={**body, "password": "another long password"}
    )
    assert first.status_code == again.status_code == 201
    assert set(first.json()) == set(again.json())
    (message,) = smtp_sink.messages
    assert message["To"] == "owner@example.org" and "tried" in message["Subject"]
    # The account kept its password.
    r = sharing_client.post(f"{API}/auth/login", json=body)
    assert r.status_code == 200
