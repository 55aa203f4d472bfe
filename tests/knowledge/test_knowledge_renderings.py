"""Every essay passage has the project's English rendering beside it, found by id and kept in step
with the Korean; the notes' shipped vectors match the notes."""

from __future__ import annotations

import hashlib

from knowledge import Passage
from knowledge.corpus import builtin_passages, notes
from knowledge.embeddings import MODEL_ID
from knowledge.views import shipped_vectors, view_texts


def test_every_passage_has_an_english_rendering_found_by_its_id():
    passages = builtin_passages()
    assert set(notes()) == {p.id for p in passages}  # none missing, none left over from an edited passage
    for p in passages:
        rendering = p.rendering("en")
        assert rendering and rendering.isascii() and len(rendering) > len(p.text) // 3
        # The note was written for this very Korean text: an edited passage fails here.
        assert notes()[p.id].korean_sha1 == hashlib.sha1(p.text.encode("utf-8")).hexdigest()
        assert notes()[p.id].position == p.position


def test_the_korean_is_the_source_and_user_documents_have_no_rendering():
    first = builtin_passages()[0]
    assert first.rendering("ko") is None
    doc = Passage(id="doc-0123456789", text="My own notes.", source="/tmp/notes.md")
    assert doc.rendering("en") is None and doc.rendering("ko") is None


def test_the_summary_keeps_its_verbatim_korean_and_renders_a_growth_curve():
    (summary,) = [p for p in builtin_passages() if p.text.startswith("요약하자면")]
    assert "성장 공선" in summary.text  # the source's own words, kept as they are
    assert "growth curve" in summary.rendering("en")


def test_the_shipped_vectors_cover_every_note():
    # After editing a note, `python -m knowledge.views` writes the file again.
    shipped = shipped_vectors(MODEL_ID)
    assert {v.id for v in view_texts(notes())} <= set(shipped)
