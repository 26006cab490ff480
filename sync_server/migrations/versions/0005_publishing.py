"""publishing and discovery: publications, their chapters, tags, follows, likes, reads,
reading progress, reader comments and moderation, tag blocklists, and the search index

The search index is the database's own: an FTS5 table on SQLite, a tsvector column with a
GIN index on PostgreSQL (and pg_trgm for mending misspelt words). Those objects are not in
the models (sync_server.services.search_index names them).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NOW = sa.DateTime(timezone=True)


def _user(name: str = "user_id", primary: bool = True) -> sa.Column:
    return sa.Column(
        name, sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=primary
    )


def _publication(primary: bool = True) -> sa.Column:
    return sa.Column(
        "book_id",
        sa.String(36),
        sa.ForeignKey("publications.book_id", ondelete="CASCADE"),
        primary_key=primary,
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column(
            "book_id", sa.String(36), sa.ForeignKey("books.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "owner_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("visibility", sa.String(20), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("author", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("genre", sa.String(80), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("language", sa.String(20), nullable=False),
        sa.Column("content_type", sa.String(20), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("words", sa.Integer(), nullable=False),
        sa.Column("chapter_count", sa.Integer(), nullable=False),
        sa.Column("schedule", sa.String(100), nullable=False),
        sa.Column("silent", sa.Boolean(), nullable=False),
        sa.Column("rendered_seq", sa.BigInteger(), nullable=False),
        sa.Column("cover_sha256", sa.String(64), nullable=True),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("follows", sa.Integer(), nullable=False),
        sa.Column("trending", sa.Float(), nullable=False),
        sa.Column("published_at", NOW, nullable=False),
        sa.Column("updated_at", NOW, nullable=False),
        sa.Column("next_release_at", NOW, nullable=True),
    )  # fmt: skip
    op.create_index("ix_publications_owner_id", "publications", ["owner_id"])
    op.create_index("ix_publications_genre", "publications", ["genre"])
    op.create_index("ix_publications_listed", "publications", ["visibility", "trending"])
    op.create_index("ix_publications_owner_published", "publications", ["owner_id", "published_at"])
    op.create_index("ix_publications_published_at", "publications", ["published_at"])
    op.create_index("ix_publications_liked", "publications", ["visibility", "likes"])
    op.create_table(
        "publication_tags", _publication(), sa.Column("tag", sa.String(80), primary_key=True)
    )
    op.create_index("ix_publication_tags_tag", "publication_tags", ["tag", "book_id"])
    op.create_table(
        "published_chapters",
        _publication(),
        sa.Column("chapter_id", sa.String(36), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("words", sa.Integer(), nullable=False),
        sa.Column("released_at", NOW, nullable=True),
        sa.Column("silent", sa.Boolean(), nullable=False),
        sa.Column("notified", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_published_chapters_position", "published_chapters", ["book_id", "position"])
    op.create_table(
        "follows",
        _user(),
        sa.Column("target_kind", sa.String(10), primary_key=True),
        sa.Column("target_id", sa.String(36), primary_key=True),
        sa.Column("created_at", NOW, nullable=False),
    )
    op.create_index("ix_follows_target", "follows", ["target_kind", "target_id"])
    op.create_table("likes", _user(), _publication(), sa.Column("created_at", NOW, nullable=False))
    op.create_index("ix_likes_book_id", "likes", ["book_id"])
    op.create_table(
        "chapter_readers",
        _publication(),
        sa.Column("chapter_id", sa.String(36), primary_key=True),
        sa.Column("reader", sa.String(64), primary_key=True),
        sa.Column("read_at", NOW, nullable=False),
    )
    op.create_table(
        "book_days",
        _publication(),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("follows", sa.Integer(), nullable=False),
    )
    op.create_table(
        "reading_progress",
        _user(),
        _publication(),
        sa.Column("chapter_id", sa.String(36), nullable=False),
        sa.Column("updated_at", NOW, nullable=False),
    )
    op.create_table(
        "reader_comments",
        sa.Column("id", sa.String(36), primary_key=True),
        _publication(primary=False),
        sa.Column("chapter_id", sa.String(36), nullable=False),
        sa.Column(
            "user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("hidden_at", NOW, nullable=True),
        sa.Column("created_at", NOW, nullable=False),
    )  # fmt: skip
    op.create_index(
        "ix_reader_comments_chapter", "reader_comments", ["book_id", "chapter_id", "created_at"]
    )
    op.create_index("ix_reader_comments_user_id", "reader_comments", ["user_id"])
    op.create_table(
        "comment_reports",
        sa.Column(
            "comment_id", sa.String(36),
            sa.ForeignKey("reader_comments.id", ondelete="CASCADE"), primary_key=True,
        ),
        _user(),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
    )  # fmt: skip
    op.create_table(
        "reader_blocks",
        _user("author_id"),
        _user("reader_id"),
        sa.Column("created_at", NOW, nullable=False),
    )
    op.create_table("tag_blocklists", _user(), sa.Column("tags", sa.Text(), nullable=False))
    op.create_table("search_terms", sa.Column("term", sa.String(64), primary_key=True))

    from sync_server.services.search_index import create_index_objects

    create_index_objects(op.get_bind())


def downgrade() -> None:
    from sync_server.services.search_index import drop_index_objects

    drop_index_objects(op.get_bind())
    for table in (
        "search_terms", "tag_blocklists", "reader_blocks", "comment_reports", "reader_comments",
        "reading_progress", "book_days", "chapter_readers", "likes", "follows",
        "published_chapters", "publication_tags", "publications",
    ):  # fmt: skip
        op.drop_table(table)
