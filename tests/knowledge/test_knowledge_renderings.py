"""Every essay passage has the project's English rendering beside it, found by id and kept in step
with the Korean; situations in both languages; the notes' shipped vectors match the notes; a query
is scored on the views in its own language."""

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


def test_every_passage_has_situations_in_both_languages():
    for pid, note in notes().items():
        for lang in ("en", "ko"):
            situations = note.situations.get(lang, [])
            assert len(situations) >= 3 and len(set(situations)) == len(situations), (pid, lang)
    texts = [t for note in notes().values() for ts in note.situations.values() for t in ts]
    assert len(set(texts)) == len(texts)  # no situation speaks for two passages


def test_a_query_is_scored_on_the_views_in_its_own_language():
    from knowledge.ranking import rank
    from knowledge.views import ViewIndex

    # Two passages: the Korean text of "a" is nearest the query, the English rendering of "b" is.
    passages = [Passage(id=f"essay-{c}", text=t, source="essay") for c, t in (("a", "가"), ("b", "나"))]
    index = ViewIndex.build(
        passages,
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
        [("essay-a", "rendering", "A", [0.0, 0.0, 1.0]), ("essay-b", "rendering", "B", [0.6, 0.8, 0.0])],
        lambda text: [],
        text_language="ko",
    )
    query = [0.9, 0.436, 0.0]
    assert [p.id for p in rank(index, query, 2)][0] == "essay-a"  # every view counts: the Korean text wins
    assert [p.id for p in rank(index, query, 2, language="en")][0] == "essay-b"  # an English query: the rendering
    assert [p.id for p in rank(index, query, 2, language="ko")][0] == "essay-a"
