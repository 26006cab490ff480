"""The server database: accounts, devices, refresh tokens, books and their members, the
change feed, invitations, activity, notifications and media.

A writer's text belongs to a book, not to an account: every document and change row has the
book's id, and every query that reads or writes one is checked against the caller's
membership of that book (:mod:`sync_server.services.books`). The change feed is per book:
``books.last_seq`` is bumped under a row lock on each push, so the sequence numbers of one book
commit in order and a pull never skips one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.ids import new_id


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in UTC that comes back with its time zone on every database (SQLite keeps
    none, so its rows would otherwise read as naive times and go out without an offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value: datetime | None, _dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    storage_used: Mapped[int] = mapped_column(BigInteger, default=0)
    # Two-factor sign-in (services.two_factor): the secret sealed with the server's key,
    # hashes of the unused recovery codes (JSON), and since when it is on.
    totp_secret: Mapped[str | None] = mapped_column(Text, default=None)
    totp_recovery: Mapped[str | None] = mapped_column(Text, default=None)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # The time step of the last code used: a code seen once is not taken again (replay).
    totp_last_step: Mapped[int] = mapped_column(BigInteger, default=0)


class Device(Base):
    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class RefreshToken(Base):
    """A refresh token, stored hashed. Each use replaces it by a new one of the same family;
    presenting a used one again revokes the whole family (the token was stolen)."""

    __tablename__ = "refresh_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[str | None] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), default=None
    )
    family_id: Mapped[str] = mapped_column(String(36), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Book(Base):
    """A book on the server: its owner, its feed position and who may see it.

    The id is the client's book id (a UUID made by the library that created it).
    """

    __tablename__ = "books"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Read from the book's own document when it is pushed (shown in lists and emails).
    title: Mapped[str] = mapped_column(String(300), default="")
    visibility: Mapped[str] = mapped_column(String(20), default="private")
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # Cursors below this were pruned: they answer "resync required".
    feed_floor: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BookMember(Base):
    """Who may reach a book, with which role, until when. The owner has a row too."""

    __tablename__ = "book_members"

    book_id: Mapped[str] = mapped_column(
        ForeignKey("books.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    # A user id, kept after that account is gone (the activity log names it).
    granted_by: Mapped[str | None] = mapped_column(String(36), default=None)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Document(Base):
    """A synced CRDT document of one book (its id is the client's entity id)."""

    __tablename__ = "documents"

    book_id: Mapped[str] = mapped_column(
        ForeignKey("books.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    update_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Change(Base):
    """One entry of a book's change feed: an update, or the squashed state of a document."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_book_doc", "book_id", "doc_id"),)

    book_id: Mapped[str] = mapped_column(
        ForeignKey("books.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    doc_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    # Who pushed it (None for a squashed state); no foreign key: history outlives accounts.
    author_id: Mapped[str | None] = mapped_column(String(36), default=None)
    device_id: Mapped[str | None] = mapped_column(String(36), default=None)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AppliedOp(Base):
    """Op ids already applied, so that a retried push is a no-op.

    Keyed by the account that pushed: op ids are made by that account's devices, and a retry
    comes from the same account whatever books its ops touch.
    """

    __tablename__ = "applied_ops"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    op_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Invitation(Base):
    """An invitation to a book, by email. The link's token is stored hashed and works once."""

    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    book_id: Mapped[str] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    role: Mapped[str] = mapped_column(String(20))
    invited_by: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # When the invitation itself lapses, and when the membership it grants ends (optional).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    access_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # pending, accepted, declined, cancelled or revoked.
    status: Mapped[str] = mapped_column(String(20), default="pending")
    email_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class Activity(Base):
    """One event of a book's history of sharing: who did what to whom, and when."""

    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_book_id_id", "book_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    book_id: Mapped[str] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[str | None] = mapped_column(String(36), default=None)
    subject_email: Mapped[str | None] = mapped_column(String(320), default=None)
    # JSON: role, old role, and what else the kind of event names.
    detail: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Notification(Base):
    """One entry of a user's inbox, made from an activity event that concerns them."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    book_id: Mapped[str | None] = mapped_column(String(36), default=None)
    message: Mapped[str] = mapped_column(Text)
    # JSON: ids the client acts on (the invitation to accept, say).
    data: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class NotificationMute(Base):
    """A kind of notification a user does not want in their inbox (or by email)."""

    __tablename__ = "notification_mutes"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)


class Blob(Base):
    """A stored media file, by the SHA-256 of its bytes (stored once, however many own it)."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UserBlob(Base):
    __tablename__ = "user_blobs"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Subscription(Base):
    """An account's plan: what Stripe last said of its subscription (or what an operator
    set). ``plan`` is what was bought; the plan in force also depends on ``status`` and the
    grace period (sync_server.billing.entitlements)."""

    __tablename__ = "subscriptions"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    plan: Mapped[str] = mapped_column(String(40), default="free")
    # none, active, trialing, past_due, unpaid, canceled, incomplete, incomplete_expired
    status: Mapped[str] = mapped_column(String(30), default="none")
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    stripe_subscription_id: Mapped[str | None] = mapped_column(
        String(255), default=None, index=True
    )
    current_period_end: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    cancel_at_period_end: Mapped[bool] = mapped_column(Boolean, default=False)
    # A plan chosen to start at the period's end (a downgrade waits for it).
    pending_plan: Mapped[str | None] = mapped_column(String(40), default=None)
    # A failed payment keeps the plan until then; past it, the plan in force is free.
    grace_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # Per-customer limits over the plan's (JSON), for enterprise.
    limits: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BillingEvent(Base):
    """A Stripe webhook event: recorded when it arrives, marked processed only once its
    handler has committed, so a failed one is handled again when Stripe retries it."""

    __tablename__ = "billing_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    created: Mapped[int] = mapped_column(BigInteger, default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)


class AiUsage(Base):
    """Hosted AI tokens of one account in one month: used, and reserved by calls running."""

    __tablename__ = "ai_usage"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-12"
    used_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    reserved_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    reserved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


# ---------------------------------------------------------------- publishing and discovery


class Publication(Base):
    """A book published on the public site: what readers see of it, and how it is released.

    The text is rendered from the book's documents (sync_server.services.publishing) into
    :class:`PublishedChapter` rows; ``rendered_seq`` is the feed position it was rendered at.
    """

    __tablename__ = "publications"
    __table_args__ = (
        Index("ix_publications_listed", "visibility", "trending"),
        # An author's first publication (trending's places for new authors), the newest books.
        Index("ix_publications_owner_published", "owner_id", "published_at"),
        Index("ix_publications_published_at", "published_at"),
        Index("ix_publications_liked", "visibility", "likes"),
    )

    book_id: Mapped[str] = mapped_column(
        ForeignKey("books.id", ondelete="CASCADE"), primary_key=True
    )
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(120), default="")
    visibility: Mapped[str] = mapped_column(String(20), default="public")  # public | unlisted
    title: Mapped[str] = mapped_column(String(300), default="")
    author: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    genre: Mapped[str] = mapped_column(String(80), default="", index=True)
    tags: Mapped[str] = mapped_column(Text, default="[]")  # JSON list, normalised
    language: Mapped[str] = mapped_column(String(20), default="en")
    content_type: Mapped[str] = mapped_column(String(20), default="novel")
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    words: Mapped[int] = mapped_column(Integer, default=0)  # of the released chapters
    chapter_count: Mapped[int] = mapped_column(Integer, default=0)  # released
    schedule: Mapped[str] = mapped_column(String(100), default="")  # "" = all at once
    silent: Mapped[bool] = mapped_column(Boolean, default=False)
    rendered_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    cover_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    reads: Mapped[int] = mapped_column(Integer, default=0)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    follows: Mapped[int] = mapped_column(Integer, default=0)
    trending: Mapped[float] = mapped_column(Float, default=0.0)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_release_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class PublicationTag(Base):
    """One tag of a publication, for the include and exclude filters of search."""

    __tablename__ = "publication_tags"
    __table_args__ = (Index("ix_publication_tags_tag", "tag", "book_id"),)

    book_id: Mapped[str] = mapped_column(
        ForeignKey("publications.book_id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(80), primary_key=True)


class PublishedChapter(Base):
    """One chapter of a published book, rendered; ``released_at`` None: not yet released."""

    __tablename__ = "published_chapters"
    __table_args__ = (Index("ix_published_chapters_position", "book_id", "position"),)

    book_id: Mapped[str] = mapped_column(
        ForeignKey("publications.book_id", ondelete="CASCADE"), primary_key=True
    )
    chapter_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # 1-based, among all the book's chapters
    title: Mapped[str] = mapped_column(String(300), default="")
    html: Mapped[str] = mapped_column(Text, default="")
    words: Mapped[int] = mapped_column(Integer, default=0)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    silent: Mapped[bool] = mapped_column(Boolean, default=False)
    notified: Mapped[bool] = mapped_column(Boolean, default=False)


class Follow(Base):
    """A reader follows a book or an author (``target_kind`` book | author)."""

    __tablename__ = "follows"
    __table_args__ = (Index("ix_follows_target", "target_kind", "target_id"),)

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    target_kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    target_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Like(Base):
    __tablename__ = "likes"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    book_id: Mapped[str] = mapped_column(
        ForeignKey("publications.book_id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ChapterReader(Base):
    """A reader's first read of a chapter (a signed-in reader's id, or an anonymous hash).

    Re-reads are not counted again: one reader, one read per chapter."""

    __tablename__ = "chapter_readers"

    book_id: Mapped[str] = mapped_column(
        ForeignKey("publications.book_id", ondelete="CASCADE"), primary_key=True
    )
    chapter_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reader: Mapped[str] = mapped_column(String(64), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BookDay(Base):
    """A published book's reads, likes and follows of one day (trending and analytics)."""

    __tablename__ = "book_days"

    book_id: Mapped[str] = mapped_column(
        ForeignKey("publications.book_id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD, UTC
    reads: Mapped[int] = mapped_column(Integer, default=0)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    follows: Mapped[int] = mapped_column(Integer, default=0)


class ReadingProgress(Base):
    """Where a signed-in reader is in a book: by chapter id, so new chapters move nothing."""

    __tablename__ = "reading_progress"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    book_id: Mapped[str] = mapped_column(
        ForeignKey("publications.book_id", ondelete="CASCADE"), primary_key=True
    )
    chapter_id: Mapped[str] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReaderComment(Base):
    """A reader's comment on a published chapter."""

    __tablename__ = "reader_comments"
    __table_args__ = (Index("ix_reader_comments_chapter", "book_id", "chapter_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    book_id: Mapped[str] = mapped_column(ForeignKey("publications.book_id", ondelete="CASCADE"))
    chapter_id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")  # shown; never the email
    body: Mapped[str] = mapped_column(Text)
    reports: Mapped[int] = mapped_column(Integer, default=0)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommentReport(Base):
    __tablename__ = "comment_reports"

    comment_id: Mapped[str] = mapped_column(
        ForeignKey("reader_comments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReaderBlock(Base):
    """An author blocked a reader: their comments on the author's books are refused."""

    __tablename__ = "reader_blocks"

    author_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    reader_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TagBlocklist(Base):
    """A signed-in reader's tags never to be shown (search, home, trending)."""

    __tablename__ = "tag_blocklists"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    tags: Mapped[str] = mapped_column(Text, default="[]")


class SearchTerm(Base):
    """A word of the published books (title, author, tags, blurb): what a misspelt query
    word is mended against."""

    __tablename__ = "search_terms"

    term: Mapped[str] = mapped_column(String(64), primary_key=True)
