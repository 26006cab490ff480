"""The generation history: every generation of a book, browsable and re-insertable."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import GenerationRecord
from core.errors import NotFoundError


def record_generation(*, session: Session, **fields: object) -> GenerationRecord:
    """Add one generation to the history (fields as on :class:`GenerationRecord`)."""
    record = GenerationRecord(**fields)
    session.add(record)
    session.flush()
    return record


def list_generations(
    *, session: Session, book_id: str, scene_id: str | None = None, limit: int = 200
) -> list[GenerationRecord]:
    """A book's generations (or one scene's), newest first."""
    stmt = select(GenerationRecord).where(GenerationRecord.book_id == book_id)
    if scene_id is not None:
        stmt = stmt.where(GenerationRecord.scene_id == scene_id)
    stmt = stmt.order_by(GenerationRecord.created_at.desc(), GenerationRecord.id.desc()).limit(
        limit
    )
    return list(session.scalars(stmt))


def get_generation(*, session: Session, record_id: str) -> GenerationRecord:
    record = session.get(GenerationRecord, record_id)
    if record is None:
        raise NotFoundError(f"no generation with id {record_id}")
    return record
