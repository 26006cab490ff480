"""Publishing a shared book and reading it on the public site (SQLite and PostgreSQL):
publish, search (facets, misspellings), the pages, typo fixes reaching the site, schedules
and followers, visibility, hostile text, comments and moderation, progress, analytics."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sync_server.app import create_app
from sync_server.jobs import publishing_round
from sync_server.services import publishing
from sync_server.services.books import utcnow
from tests.sync_server.fixtures import PASSWORD, SmtpSink, fast_settings, sign_up
from tests.sync_server.published_books import API, Writer

BASE = "http://books.authorworks.test"
HTML = {"accept": "text/html"}


@pytest.fixture
def site(tmp_path: Path, sync_database_url: str, smtp_sink: SmtpSink):
    app = create_app(
        fast_settings(
            tmp_path / "server",
            sync_database_url,
            smtp_url=smtp_sink.url,
            public_url=BASE,
            release_check_seconds=3600,
            trending_refresh_seconds=3600,
        )
    )
    with TestClient(app, base_url=BASE) as client:
        yield app, client


def _writer(client, email=None) -> Writer:
    user = sign_up(client, email)
    return Writer(client, user.headers)


SPECKLED = [
    (
        "The Speckled Band",
        [
            "Helen Stoner came to Baker Street at dawn, trembling.",
            "The whistle in the night was the clue.",
        ],
    ),
    ("The Copper Beeches", ["Violet Hunter took the post against advice."]),
    ("The Final Problem", ["Moriarty waited by the falls."]),
]


def test_publish_then_read_search_and_fix_a_typo(site):
    app, client = site
    writer = _writer(client)
    chapters = writer.book(
        "book-holmes",
        "Adventures in Gaslight",
        SPECKLED,
        author="Ada Quill",
        description="Cases of a consulting detective.",
    )
    r = writer.publish("book-holmes", genre="Mystery", tags=["Victorian", "Sci-Fi"])
    assert r.status_code == 200, r.text
    published = r.json()
    assert published["chapters"] == 3 and published["words"] > 20
    assert published["url"] == f"{BASE}/book/book-holmes/adventures-in-gaslight"
    assert published["tags"] == ["victorian", "science fiction"]  # one spelling per tag

    book = client.get(f"{API}/discovery/books/book-holmes").json()
    assert [c["title"] for c in book["chapters"]] == [c[0] for c in SPECKLED]
    assert book["chapters"][0]["url"] == f"{BASE}/book/book-holmes/chapter/1"

    def found(q: str, **facets) -> list[str]:
        r = client.get(f"{API}/discovery/search", params={"q": q, **facets})
        assert r.status_code == 200, r.text
        return [b["id"] for b in r.json()["results"]]

    assert found("gaslight") == ["book-holmes"]
    assert found("Ada Quill") == ["book-holmes"]
    assert found("whistle") == ["book-holmes"]  # the text is searched too
    assert found("detectives") == ["book-holmes"]  # stemmed
    assert found("Moriarti") == ["book-holmes"]  # a misspelt word still finds
    mended = client.get(f"{API}/discovery/search", params={"q": "gaslihgt"}).json()["mended"]
    assert mended == {"gaslihgt": "gaslight"}
    assert found("", genre="mystery", tags="victorian") == ["book-holmes"]
    assert found("", tags="scifi") == ["book-holmes"]  # a synonym of the tag
    assert found("", exclude="victorian") == []
    assert found("", min_words=10_000) == []
    assert found("", status="complete") == [] and found("", status="ongoing") == ["book-holmes"]
    assert found("zebra") == []

    page = client.get("/book/book-holmes/chapter/1", headers=HTML)
    assert page.status_code == 200
    assert "Helen Stoner came to Baker Street" in page.text
    assert 'href="/book/book-holmes/chapter/2"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/book/book-holmes", headers=HTML).status_code == 200  # slug added
    assert "Adventures in Gaslight" in client.get("/", headers=HTML).text
    assert "Adventures in Gaslight" in client.get("/search?q=moriarti", headers=HTML).text

    # The writer fixes a typo and syncs: the site has it after the next round.
    writer.edit_text(chapters[0][1][0], "Helen Stoner came to Baker Street at first light.")
    assert publishing_round(app)["rendered"] == 1
    page = client.get("/book/book-holmes/chapter/1", headers=HTML)
    assert "at first light" in page.text and "at dawn" not in page.text

    epub = client.get("/book/book-holmes/download.epub")
    assert epub.status_code == 200 and epub.headers["content-type"] == "application/epub+zip"
    names = zipfile.ZipFile(io.BytesIO(epub.content)).namelist()
    assert "mimetype" in names and any(n.endswith(".xhtml") for n in names)

    assert (
        client.delete(f"{API}/books/book-holmes/publication", headers=writer.headers).status_code
        == 204
    )
    assert found("gaslight") == []
    assert client.get("/book/book-holmes/chapter/1", headers=HTML).status_code == 404
    assert client.get(f"{API}/discovery/books/book-holmes").status_code == 404
    assert "book-holmes" not in client.get("/sitemap.xml").text


def test_only_the_owner_publishes(site):
    _app, client = site
    writer = _writer(client)
    writer.book("book-own", "Mine", SPECKLED[:1])
    stranger = _writer(client)
    assert stranger.publish("book-own").status_code == 404
    assert writer.publish("book-own", schedule="every blue moon").status_code == 422
    assert writer.publish("book-own", visibility="secret").status_code == 422


HOSTILE_TITLE = '<script>alert("t")</script> Tricks'
HOSTILE_TEXT = (
    'Plain words <img src=x onerror=alert(1)> and <a href="javascript:alert(2)">a link</a>'
    " and [click](javascript:alert(3)) and </p></section><div onclick='x'>broken"
)


def test_hostile_title_and_text_are_served_harmless(site):
    _app, client = site
    writer = _writer(client)
    writer.book(
        "book-evil",
        HOSTILE_TITLE,
        [(HOSTILE_TITLE, [HOSTILE_TEXT])],
        author='<b onmouseover="x">Mallory</b>',
        description="</script><script>x()</script>",
    )
    assert writer.publish("book-evil", tags=["<script>", "ok tag"]).status_code == 200
    pages = [
        client.get(path, headers=HTML).text
        for path in (
            "/",
            "/search?q=tricks",
            "/book/book-evil/script-alert-t-script-tricks",
            "/book/book-evil/chapter/1",
            f"/author/{_owner(client, 'book-evil')}",
        )
    ]
    pages += [client.get("/book/book-evil/feed.atom").text, client.get("/sitemap.xml").text]
    for text in pages[:-2]:
        _harmless(text)
    for text in pages[-2:]:  # the feed and the sitemap: XML with nothing to run
        assert "<script" not in text and "javascript:" not in text
    chapter = client.get("/book/book-evil/chapter/1", headers=HTML).text
    assert "&lt;img src=x onerror=alert(1)&gt;" in chapter  # shown as the writer typed it


def _harmless(page: str) -> None:
    """No element the writer made: no script but ours, no handler, no javascript: link."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(page)
    for script in tree.iter("script"):
        assert script.get("src", "").startswith("/static/") or (
            script.get("type") == "application/ld+json" and "<" not in (script.text or "")
        ), lxml_html.tostring(script)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        assert (
            element.tag not in ("img", "iframe", "object", "embed", "div")
            or element.get("onclick") is None
        )
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            if name in ("href", "src", "action"):
                assert not value.strip().lower().startswith("javascript:"), value
    assert tree.xpath("//img") == []


def _owner(client, book_id: str) -> str:
    return client.get(f"{API}/discovery/books/{book_id}").json()["author_id"]


def test_private_unlisted_and_unpublished_books_are_never_listed(site):
    app, client = site
    writer = _writer(client)
    writer.book("book-public", "Lantern Public", SPECKLED[:1])
    writer.book("book-unlisted", "Lantern Unlisted", SPECKLED[:1])
    writer.book("book-private", "Lantern Private", SPECKLED[:1])
    assert writer.publish("book-public").status_code == 200
    assert writer.publish("book-unlisted", visibility="unlisted").status_code == 200
    reader = _writer(client)
    for book in ("book-public", "book-unlisted"):
        client.post(f"{API}/discovery/books/{book}/like", json={"on": True}, headers=reader.headers)
    publishing_round(app, trending=True)

    listed = {
        "search": client.get(f"{API}/discovery/search", params={"q": "lantern"}).text,
        "browse": client.get(f"{API}/discovery/search").text,
        "trending": client.get(f"{API}/discovery/trending").text,
        "new": client.get(f"{API}/discovery/new").text,
        "home": client.get("/", headers=HTML).text,
        "sitemap": client.get("/sitemap.xml").text,
        "author": client.get(f"/author/{_owner(client, 'book-public')}", headers=HTML).text,
    }
    assert "book-public" in listed["trending"]
    for where, text in listed.items():
        assert "book-public" in text or "Lantern Public" in text, where
        for hidden in ("book-unlisted", "Lantern Unlisted", "book-private", "Lantern Private"):
            assert hidden not in text, (where, hidden)
    # The unlisted book is there for whoever has the link, and asks not to be indexed.
    page = client.get("/book/book-unlisted/lantern-unlisted", headers=HTML)
    assert page.status_code == 200 and 'content="noindex"' in page.text
    assert client.get("/book/book-private", headers=HTML).status_code == 404
    assert client.get("/book/book-private/feed.atom").status_code == 404


def test_a_schedule_releases_one_chapter_at_a_time_and_tells_followers(site, smtp_sink):
    app, client = site
    writer = _writer(client)
    writer.book("book-weekly", "The Weekly Serial", SPECKLED)
    follower_email = "follower@example.org"
    follower = _writer(client, follower_email)
    quiet = _writer(client)
    author_id = client.get(f"{API}/auth/me", headers=writer.headers).json()["id"]

    r = writer.publish("book-weekly", schedule="every friday at 18:00")
    assert r.status_code == 200 and r.json()["chapters"] == 1
    assert r.json()["next_release_at"] is not None
    assert [
        c["title"] for c in client.get(f"{API}/discovery/books/book-weekly").json()["chapters"]
    ] == ["The Speckled Band"]
    assert client.get("/book/book-weekly/chapter/2", headers=HTML).status_code == 404
    follow = client.post(
        f"{API}/discovery/books/book-weekly/follow", json={"on": True}, headers=follower.headers
    )
    assert follow.json() == {"following": True}
    client.post(
        f"{API}/discovery/authors/{author_id}/follow", json={"on": True}, headers=quiet.headers
    )
    client.put(f"{API}/notifications/mutes", json={"kinds": ["new_chapter"]}, headers=quiet.headers)
    publishing_round(app)  # nothing due yet; the first chapter's release told no one yet
    before = len(smtp_sink.messages)

    with app.state.sessions() as session:
        later = utcnow() + timedelta(days=8)
        assert publishing.release_due(session, now=later) == 1
        session.commit()
    done = publishing_round(app)
    assert done["emails"] == 1
    chapters = client.get(f"{API}/discovery/books/book-weekly").json()["chapters"]
    assert [c["title"] for c in chapters] == ["The Speckled Band", "The Copper Beeches"]
    inbox = client.get(f"{API}/notifications", headers=follower.headers).json()["items"]
    assert any("The Copper Beeches" in n["message"] for n in inbox)
    assert not client.get(f"{API}/notifications", headers=quiet.headers).json()["items"] or all(
        n["kind"] != "new_chapter"
        for n in client.get(f"{API}/notifications", headers=quiet.headers).json()["items"]
    )
    sent = [m for m in smtp_sink.messages[before:] if "Weekly Serial" in str(m["Subject"])]
    assert len(sent) == 1 and follower_email in str(sent[0]["To"])
    assert f"{BASE}/book/book-weekly/chapter/2" in sent[0].get_content()

    # A silent publish releases with no word to anyone.
    writer.add_chapter("book-weekly", 4, "A Quiet Epilogue", "Nothing more to tell.")
    assert writer.publish("book-weekly", silent=True).status_code == 200  # no schedule: all out
    publishing_round(app)
    inbox = client.get(f"{API}/notifications", headers=follower.headers).json()["items"]
    assert not any("Epilogue" in n["message"] for n in inbox)
    assert len(client.get(f"{API}/discovery/books/book-weekly").json()["chapters"]) == 4


def _sign_in_on_site(client, email: str) -> None:
    client.get("/signin", headers=HTML)
    r = client.post(
        "/signin",
        data={
            "csrf": client.cookies.get("aw_csrf"),
            "email": email,
            "password": PASSWORD,
            "next": "/",
        },
        headers=HTML,
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def test_readers_comment_and_the_author_moderates(site):
    app, client = site
    writer = _writer(client, "author@example.org")
    writer.book("book-talk", "Talkative", SPECKLED)
    writer.publish("book-talk")
    readers = [_writer(client, f"reader{i}@example.org") for i in range(3)]

    def post(who, body):
        return client.post(
            f"{API}/discovery/books/book-talk/chapters/1/comments",
            json={"body": body},
            headers=who.headers,
        )

    first = post(readers[0], "<b>Loved</b> the opening!")
    assert first.status_code == 201, first.text
    assert first.json()["name"] != "reader0@example.org" and "@" not in first.json()["name"]
    rude = post(readers[1], "Rude words")
    listing = client.get(f"{API}/discovery/books/book-talk/chapters/1/comments").json()
    assert [c["body"] for c in listing] == ["<b>Loved</b> the opening!", "Rude words"]
    page = client.get("/book/book-talk/chapter/1", headers=HTML).text
    assert "&lt;b&gt;Loved&lt;/b&gt;" in page

    for reader in readers:
        client.post(
            f"{API}/discovery/comments/{rude.json()['id']}/report", json={}, headers=reader.headers
        )
    listing = client.get(f"{API}/discovery/books/book-talk/chapters/1/comments").json()
    assert [c["body"] for c in listing] == ["<b>Loved</b> the opening!"]  # hidden by reports

    assert (
        client.post(
            f"{API}/discovery/comments/{first.json()['id']}/hide",
            json={"on": True},
            headers=readers[2].headers,
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"{API}/discovery/comments/{rude.json()['id']}/block", headers=writer.headers
        ).status_code
        == 204
    )
    assert post(readers[1], "Again").status_code == 403
    for n in range(app.state.settings.reader_comment_limit):
        assert post(readers[2], f"Note {n}").status_code == 201
    assert post(readers[2], "One too many").status_code == 429

    # On the site: signed in, the author sees Hide and Block; a reader posts through the form.
    _sign_in_on_site(client, "reader0@example.org")
    page = client.get("/book/book-talk/chapter/2", headers=HTML)
    assert "Your comment" in page.text and "Block this reader" not in page.text
    r = client.post(
        "/book/book-talk/chapter/2/comments",
        data={"csrf": client.cookies.get("aw_csrf"), "body": "Through the form"},
        headers=HTML,
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "Through the form" in client.get("/book/book-talk/chapter/2", headers=HTML).text
    forged = client.post(
        "/book/book-talk/chapter/2/comments", data={"csrf": "forged", "body": "x"}, headers=HTML
    )
    assert forged.status_code == 403
    odd = client.post(
        "/book/book-talk/chapter/2/comments", data={"csrf": "é", "body": "x"}, headers=HTML
    )
    assert odd.status_code == 403  # not a crash on a non-ASCII token


def test_progress_survives_new_chapters_and_the_author_sees_analytics(site):
    app, client = site
    writer = _writer(client, "novelist@example.org")
    writer.book("book-long", "The Long Road", SPECKLED)
    writer.publish("book-long")
    reader = _writer(client, "steady@example.org")
    _sign_in_on_site(client, "steady@example.org")
    client.get("/book/book-long/chapter/1", headers=HTML)
    client.get("/book/book-long/chapter/2", headers=HTML)
    client.get("/book/book-long/chapter/2", headers=HTML)  # a re-read is not a second read
    # The writer inserts a prologue before chapter 1: the reader's place stays the same chapter.
    writer.push(
        [
            writer._doc(
                "book-long-c0",
                "chapter",
                "book-long",
                {"book_id": "book-long", "ordinal": 0, "title": "Prologue"},
            ),
            writer._doc(
                "book-long-c0-s1",
                "scene",
                "book-long",
                {"chapter_id": "book-long-c0", "ordinal": 1, "title": ""},
                "Before it all.",
            ),
        ]
    )
    publishing_round(app)
    page = client.get("/book/book-long/the-long-road", headers=HTML).text
    assert "Continue: The Copper Beeches" in page
    assert 'href="/book/book-long/chapter/3">Continue' in page.replace("\n", "")

    analytics = client.get(
        f"{API}/books/book-long/publication/analytics", headers=writer.headers
    ).json()
    assert analytics["reads"] == 2 and analytics["unique_readers"] == 1
    by_title = {c["title"]: c for c in analytics["chapters"]}
    assert by_title["The Speckled Band"]["readers"] == 1
    assert by_title["The Copper Beeches"]["completion"] == 1.0
    assert analytics["days"] and analytics["days"][-1]["reads"] == 2
    assert (
        client.get(
            f"{API}/books/book-long/publication/analytics", headers=reader.headers
        ).status_code
        == 404
    )
    # The author, signed in on the site, sees the same figures on their page (over time too).
    _sign_in_on_site(client, "novelist@example.org")
    author_id = client.get(f"{API}/discovery/books/book-long").json()["author_id"]
    page = client.get(f"/author/{author_id}", headers=HTML).text
    assert "Your readers" in page and "reads a day" in page and "readers per chapter" in page


def test_the_blocklist_hides_tags_everywhere(site):
    _app, client = site
    writer = _writer(client)
    writer.book("book-a", "Orchard Glass", SPECKLED[:1])
    writer.book("book-b", "Orchard Stone", SPECKLED[:1])
    writer.publish("book-a", tags=["gore"])
    writer.publish("book-b", tags=["cosy"])
    reader = _writer(client)
    r = client.put(f"{API}/discovery/blocklist", json={"tags": ["Gore"]}, headers=reader.headers)
    assert r.json() == {"tags": ["gore"]}
    # Anonymous readers keep theirs in a cookie.
    client.post("/blocklist", data={"csrf": _csrf(client), "tags": "gore"}, headers=HTML)
    text = client.get("/search?q=orchard", headers=HTML).text
    assert "Orchard Stone" in text and "Orchard Glass" not in text
    assert "Orchard Glass" not in client.get("/", headers=HTML).text


def _csrf(client) -> str:
    client.get("/blocklist", headers=HTML)
    return client.cookies.get("aw_csrf")


def test_recommendations_are_what_readers_also_read_then_books_alike(site):
    _app, client = site
    writer = _writer(client)
    writer.book(
        "book-sea",
        "Lighthouse Storms",
        SPECKLED[:1],
        description="A lighthouse keeper braves winter storms on a rocky island.",
    )
    writer.book(
        "book-sea2",
        "Keeper of the Light",
        SPECKLED[:1],
        description="An island lighthouse, a keeper, and the storms of one winter.",
    )
    writer.book(
        "book-city",
        "Neon Streets",
        SPECKLED[:1],
        description="A detective in a rain-soaked megacity of chrome and neon.",
    )
    writer.book(
        "book-read", "Dragon Tax Season", SPECKLED[:1], description="Accountants audit a hoard."
    )
    for book in ("book-sea", "book-sea2", "book-city", "book-read"):
        assert writer.publish(book).status_code == 200
    liked = client.get(f"{API}/discovery/recommendations", params={"book": "book-sea"}).json()
    ids = [b["id"] for b in liked["results"]]
    assert ids[:1] == ["book-sea2"] and "book-sea" not in ids  # alike in what it is about
    # A reader of both "Lighthouse Storms" and "Dragon Tax Season" puts it first.
    client.get("/book/book-sea/chapter/1", headers=HTML)
    client.get("/book/book-read/chapter/1", headers=HTML)
    ids = [
        b["id"]
        for b in client.get(f"{API}/discovery/recommendations", params={"book": "book-sea"}).json()[
            "results"
        ]
    ]
    assert ids[:2] == ["book-read", "book-sea2"]


ODD_QUERIES = [
    "'",
    '"',
    "a & b | !c",
    "foo:*",
    "(((",
    "-",
    "né\u0301e",
    "OR AND NOT",
    "NEAR(a b)",
    "*" * 200,
    "🐉 dragon",
    "a_b-c'd",
    "\\",
    "%_%",
    "select * from users",
]


def test_any_query_is_only_words(site):
    _app, client = site
    writer = _writer(client)
    writer.book("book-q", "Dragon Lore", SPECKLED[:1])
    writer.publish("book-q")
    for q in ODD_QUERIES:
        r = client.get(f"{API}/discovery/search", params={"q": q})
        assert r.status_code == 200, (q, r.text)
        assert client.get("/search", params={"q": q}, headers=HTML).status_code == 200, q
    huge = {"max_words": str(2**63), "min_words": "0"}
    assert client.get(f"{API}/discovery/search", params=huge).status_code == 422
    assert client.get("/search", params=huge, headers=HTML).status_code == 200  # clamped
    found = client.get(f"{API}/discovery/search", params={"q": "🐉 dragon"}).json()["results"]
    assert [b["id"] for b in found] == ["book-q"]


def test_one_place_in_four_on_trending_is_kept_for_new_authors(site):
    from sync_server.models import Publication
    from sync_server.services import discovery

    app, client = site
    veteran, newcomer = _writer(client), _writer(client)
    for n in range(6):
        veteran.book(f"book-v{n}", f"Veteran Saga {n}", SPECKLED[:1])
        veteran.publish(f"book-v{n}")
    newcomer.book("book-new", "First Light", SPECKLED[:1])
    newcomer.publish("book-new")
    with app.state.sessions() as session:
        for n in range(6):
            row = session.get(Publication, f"book-v{n}")
            row.trending = 100.0 - n
            row.published_at = utcnow() - timedelta(days=400)
        session.get(Publication, "book-new").trending = 1.0
        session.commit()
        discovery.forget_lists()
        ranked = [p.book_id for p in discovery.trending(session, limit=6)]
    assert ranked == ["book-v0", "book-v1", "book-v2", "book-new", "book-v3", "book-v4"]


def test_a_screenplay_reads_as_a_script(site):
    _app, client = site
    writer = _writer(client)
    fountain = (
        "INT. LIGHTHOUSE - NIGHT\n\nMara climbs the stairs.\n\n"
        "MARA\n(whispering)\nWho's there?\n\nCUT TO:"
    )
    writer.book("book-script", "Beacon", [("Act One", [fountain])], content_type="screenplay")
    assert writer.publish("book-script").status_code == 200
    page = client.get("/book/book-script/chapter/1", headers=HTML).text
    assert '<h2 class="sc-heading">INT. LIGHTHOUSE - NIGHT</h2>' in page
    assert '<p class="sc-character">MARA</p>' in page
    assert (
        '<p class="sc-dialogue">Who&#x27;s there?</p>' in page
        or '<p class="sc-dialogue">Who\'s there?</p>' in page
    )
    assert '<p class="sc-transition">CUT TO:</p>' in page
