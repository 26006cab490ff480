"""The public site on a large catalogue (the issue's targets in brackets), PostgreSQL:

A synthetic catalogue of 100,000 works and 1,000,000 chapters is written straight into the
server's tables (COPY), searched through the real server on a loopback port:

* search with three facets (words, genre, a tag, a length range) [p95 <= 150 ms];
* a chapter page, time to first byte [p95 <= 50 ms];
* the home page (trending, new, recommended) [<= 80 ms].

    python tests/benchmarks/bench_discovery.py [--works N] [--chapters-per-work M]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.local_server import local_server

PG = "postgresql://postgres@127.0.0.1:5432/test"
GENRES = [
    "fantasy",
    "mystery",
    "romance",
    "science fiction",
    "horror",
    "historical",
    "thriller",
    "literary",
    "adventure",
    "young adult",
]
TAGS = [f"tag{n}" for n in range(300)]
SYLLABLES = [
    "ka",
    "lo",
    "mir",
    "an",
    "te",
    "vos",
    "ul",
    "ri",
    "sen",
    "da",
    "mor",
    "ith",
    "el",
    "bra",
    "qu",
    "ne",
    "sol",
    "tar",
    "wyn",
    "fe",
]


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def vocabulary(rng: random.Random, n: int = 4000) -> list[str]:
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def copy(cur, table: str, columns: tuple[str, ...], rows) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
        for row in rows:
            out.write_row(row)


def fill(schema: str, works: int, per_work: int, rng: random.Random) -> list[str]:
    import psycopg

    words = vocabulary(rng)
    now = "2026-12-01 12:00:00+00"
    authors = max(1, works // 10)
    book_ids = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(works)]
    started = time.perf_counter()
    with psycopg.connect(PG, options=f"-csearch_path={schema}", autocommit=False) as conn:
        cur = conn.cursor()
        user_ids = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(authors)]
        copy(
            cur,
            "users",
            ("id", "email", "password_hash", "created_at", "storage_used", "totp_last_step"),
            ((u, f"a{i}@bench.test", "x", now, 0, 0) for i, u in enumerate(user_ids)),
        )
        owners = [user_ids[i % authors] for i in range(works)]
        copy(
            cur,
            "books",
            ("id", "owner_id", "title", "visibility", "last_seq", "feed_floor", "created_at"),
            ((b, owners[i], "", "public", 0, 0, now) for i, b in enumerate(book_ids)),
        )

        def title() -> str:
            return " ".join(rng.choice(words) for _ in range(3)).title()

        titles = [title() for _ in book_ids]
        tags = [rng.sample(TAGS, 3) for _ in book_ids]
        genres = [rng.choice(GENRES) for _ in book_ids]
        blurbs = [" ".join(rng.choice(words) for _ in range(25)) for _ in book_ids]
        wordcounts = [rng.randint(2_000, 200_000) for _ in book_ids]
        copy(
            cur,
            "publications",
            (
                "book_id",
                "owner_id",
                "slug",
                "visibility",
                "title",
                "author",
                "description",
                "genre",
                "tags",
                "language",
                "content_type",
                "complete",
                "words",
                "chapter_count",
                "schedule",
                "silent",
                "rendered_seq",
                "reads",
                "likes",
                "follows",
                "trending",
                "published_at",
                "updated_at",
            ),
            (
                (
                    b,
                    owners[i],
                    titles[i].lower().replace(" ", "-"),
                    "public",
                    titles[i],
                    f"Author {i % authors}",
                    blurbs[i],
                    genres[i],
                    json.dumps(tags[i]),
                    "en",
                    "novel",
                    i % 3 == 0,
                    wordcounts[i],
                    per_work,
                    "",
                    False,
                    0,
                    rng.randint(0, 5000),
                    rng.randint(0, 500),
                    rng.randint(0, 300),
                    rng.random() * 100,
                    now,
                    now,
                )
                for i, b in enumerate(book_ids)
            ),
        )
        copy(
            cur,
            "publication_tags",
            ("book_id", "tag"),
            ((b, t) for i, b in enumerate(book_ids) for t in tags[i]),
        )
        print(f"  publications written in {time.perf_counter() - started:.0f} s", flush=True)
        paragraph = "<p>" + " ".join(words[:60]) + "</p>"

        def chapters():
            for b in book_ids:
                for n in range(1, per_work + 1):
                    text = " ".join(rng.choice(words) for _ in range(40))
                    yield (
                        b,
                        f"{b[:30]}-{n}",
                        n,
                        f"Chapter {n}",
                        f'<section role="doc-chapter"><h1 class="chapter-title">Chapter {n}'
                        f"</h1><p>{text}</p>{paragraph}</section>",
                        100,
                        now,
                        False,
                        True,
                    )

        copy(
            cur,
            "published_chapters",
            (
                "book_id",
                "chapter_id",
                "position",
                "title",
                "html",
                "words",
                "released_at",
                "silent",
                "notified",
            ),
            chapters(),
        )
        print(f"  chapters written in {time.perf_counter() - started:.0f} s", flush=True)
        # The search entries: title and author A, tags B, blurb C, some text D, as the
        # server's own indexing writes them.
        cur.execute(
            "CREATE TEMP TABLE entry (book_id text, title text, author text, tags text,"
            " blurb text, body text)"
        )
        copy(
            cur,
            "entry",
            ("book_id", "title", "author", "tags", "blurb", "body"),
            (
                (
                    b,
                    titles[i],
                    f"Author {i % authors}",
                    " ".join([genres[i], *tags[i]]),
                    blurbs[i],
                    " ".join(rng.choice(words) for _ in range(120)),
                )
                for i, b in enumerate(book_ids)
            ),
        )
        cur.execute(
            "INSERT INTO publication_search (book_id, document) SELECT book_id,"
            " setweight(to_tsvector('english', title), 'A')"
            " || setweight(to_tsvector('english', author), 'A')"
            " || setweight(to_tsvector('english', tags), 'B')"
            " || setweight(to_tsvector('english', blurb), 'C')"
            " || setweight(to_tsvector('english', body), 'D') FROM entry"
        )
        copy(cur, "search_terms", ("term",), ((w,) for w in words))
        conn.commit()
        cur.execute("ANALYZE")
        conn.commit()
    print(
        f"  catalogue of {works:,} works, {works * per_work:,} chapters in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return words


def timed(client: httpx.Client, path: str, params: dict | None = None) -> float:
    started = time.perf_counter()
    with client.stream("GET", path, params=params, headers={"accept": "text/html"}) as r:
        chunks = r.iter_raw()
        first = next(chunks, b"")  # the first byte
        elapsed = time.perf_counter() - started
        assert r.status_code == 200 and first, (path, r.status_code)
        for _ in chunks:
            pass
    return elapsed * 1000


def cold_lists(url: str, rounds: int = 10) -> dict[str, list[float]]:
    """Each of the home page's lists computed with nothing kept (as a worker does when its
    copy expires: every 30 s, the genres every 5 minutes)."""
    from sqlalchemy.orm import sessionmaker

    from sync_server.app import make_engine
    from sync_server.services import discovery

    engine = make_engine(url)
    times: dict[str, list[float]] = {}
    lists = {
        "trending": discovery.trending,
        "new": discovery.new_books,
        "liked": discovery.most_liked,
        "genres": discovery.genres,
    }
    with sessionmaker(engine)() as session:
        for _ in range(rounds):
            for name, compute in lists.items():
                discovery.forget_lists()
                started = time.perf_counter()
                compute(session)
                times.setdefault(name, []).append((time.perf_counter() - started) * 1000)
    engine.dispose()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--chapters-per-work", type=int, default=10)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    import psycopg

    rng = random.Random(7)
    schema = f"aw_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = f"{PG}?options=-csearch_path%3D{schema}"
        with local_server(database_url=url, release_check_seconds="3600") as server:
            words = fill(schema, args.works, args.chapters_per_work, rng)
            with httpx.Client(base_url=server.url, timeout=30) as client:
                for _ in range(5):  # warm the caches and the connection pool
                    timed(client, "/")
                search, chapter, home = [], [], []
                ids = client.get("/api/v1/discovery/search", params={"sort": "new"}).json()
                book_ids = [b["id"] for b in ids["results"]] or ["none"]
                for _ in range(args.queries):
                    lo = rng.choice([0, 5_000, 20_000])
                    search.append(
                        timed(
                            client,
                            "/search",
                            {
                                "q": rng.choice(words),
                                "genre": rng.choice(GENRES),
                                "tags": rng.choice(TAGS),
                                "min_words": lo,
                                "max_words": lo + 150_000,
                            },
                        )
                    )
                    chapter.append(
                        timed(
                            client,
                            f"/book/{rng.choice(book_ids)}/chapter/"
                            f"{rng.randint(1, args.chapters_per_work)}",
                        )
                    )
                for _ in range(max(20, args.queries // 4)):
                    home.append(timed(client, "/"))
                cold = cold_lists(url)
                misspelt = client.get(
                    "/api/v1/discovery/search", params={"q": words[100][:-1] + "x" + words[100][-1]}
                ).json()
    finally:
        with psycopg.connect(PG, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print(
        f"search, three facets: {len(search)} queries, p50 {statistics.median(search):.1f} ms,"
        f" p95 {p(search, 0.95):.1f} ms (target p95 <= 150)"
    )
    print(
        f"chapter page, first byte: p50 {statistics.median(chapter):.1f} ms,"
        f" p95 {p(chapter, 0.95):.1f} ms (target p95 <= 50)"
    )
    print(
        f"home page: p50 {statistics.median(home):.1f} ms, p95 {p(home, 0.95):.1f} ms"
        " (target <= 80)"
    )
    cold_figures = ", ".join(
        f"{name} {statistics.median(values):.1f} ms" for name, values in cold.items()
    )
    print(f"home lists worked out afresh (when a worker's copy expires), p50: {cold_figures}")
    print(f"a misspelt word mended: {misspelt['mended']}, {len(misspelt['results'])} results")


if __name__ == "__main__":
    main()
