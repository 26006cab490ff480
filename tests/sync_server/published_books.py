"""Books pushed to a test server the way a library pushes them (one CRDT document per book,
chapter and scene, fields JSON-encoded), for the publishing and discovery tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pycrdt

from core.sync.documents import FIELDS_MAP, TEXT, apply_text_edit, encode_field, new_doc
from core.sync.protocol import encode_update

API = "/api/v1"
_ops = itertools.count(1)


@dataclass
class Writer:
    """One writer's books on the server, their documents kept to edit them again."""

    client: Any
    headers: dict[str, str]
    docs: dict[str, tuple[str, str, pycrdt.Doc]] = field(default_factory=dict)

    def _op(self, doc_id: str, kind: str, book_id: str, update: bytes) -> dict[str, str]:
        return {
            "op_id": f"op-{next(_ops)}-{doc_id}",
            "doc_id": doc_id,
            "kind": kind,
            "book_id": book_id,
            "update": encode_update(update),
        }

    def _doc(
        self, doc_id: str, kind: str, book_id: str, fields: dict[str, Any], text: str = ""
    ) -> dict[str, str]:
        doc = new_doc()
        fmap = doc.get(FIELDS_MAP, type=pycrdt.Map)
        for name, value in fields.items():
            fmap[name] = encode_field(value)
        if text:
            doc.get(TEXT, type=pycrdt.Text).insert(0, text)
        self.docs[doc_id] = (kind, book_id, doc)
        return self._op(doc_id, kind, book_id, doc.get_update())

    def push(self, ops: list[dict[str, str]]) -> dict[str, Any]:
        r = self.client.post(f"{API}/sync/push", json={"ops": ops}, headers=self.headers)
        assert r.status_code == 200, r.text
        assert not r.json()["rejected"], r.json()
        return r.json()

    def book(
        self,
        book_id: str,
        title: str,
        chapters: list[tuple[str, list[str]]],
        **fields: Any,
    ) -> list[tuple[str, list[str]]]:
        """Push a book; returns its (chapter id, [scene ids]) in order."""
        book_fields = {
            "title": title,
            "author": "Ada Quill",
            "language": "en",
            "description": "",
            "genre": "",
            "content_type": "novel",
            "status": "drafting",
            "metadata_": {},
            **fields,
        }
        ops = [self._doc(book_id, "book", book_id, book_fields)]
        made = []
        for number, (chapter_title, scenes) in enumerate(chapters, start=1):
            chapter_id = f"{book_id}-c{number}"
            ops.append(
                self._doc(
                    chapter_id,
                    "chapter",
                    book_id,
                    {"book_id": book_id, "ordinal": number, "title": chapter_title},
                )
            )
            scene_ids = []
            for s, text in enumerate(scenes, start=1):
                scene_id = f"{chapter_id}-s{s}"
                ops.append(
                    self._doc(
                        scene_id,
                        "scene",
                        book_id,
                        {"chapter_id": chapter_id, "ordinal": s, "title": ""},
                        text,
                    )
                )
                scene_ids.append(scene_id)
            made.append((chapter_id, scene_ids))
        self.push(ops)
        return made

    def add_chapter(self, book_id: str, number: int, title: str, text: str) -> str:
        chapter_id = f"{book_id}-c{number}"
        self.push(
            [
                self._doc(
                    chapter_id,
                    "chapter",
                    book_id,
                    {"book_id": book_id, "ordinal": number, "title": title},
                ),
                self._doc(
                    f"{chapter_id}-s1",
                    "scene",
                    book_id,
                    {"chapter_id": chapter_id, "ordinal": 1, "title": ""},
                    text,
                ),
            ]
        )
        return chapter_id

    def edit_text(self, scene_id: str, new: str) -> None:
        kind, book_id, doc = self.docs[scene_id]
        before = doc.get_state()
        ytext = doc.get(TEXT, type=pycrdt.Text)
        apply_text_edit(ytext, str(ytext), new)
        self.push([self._op(scene_id, kind, book_id, doc.get_update(before))])

    def publish(self, book_id: str, **options: Any) -> Any:
        return self.client.put(
            f"{API}/books/{book_id}/publication", json=options, headers=self.headers
        )
