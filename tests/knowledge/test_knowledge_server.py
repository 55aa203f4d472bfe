"""Server mode: the same knowledge base on a real Chroma server started from the venv's `chroma` CLI."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_open_syncs_and_searches_against_a_chroma_server(open_kb, chroma_server, home, tmp_path):
    from knowledge.corpus import builtin_passages

    n = len(builtin_passages())
    kb = open_kb(chroma_url=chroma_server)
    assert kb.count() == n
    top = kb.search("축구 선수의 신체 능력", k=3)
    assert any("축구 선수" in p.text for p in top)
    assert any("축구 선수" in p.text for p in kb.search("A football player wins with a body I don't have", k=3))

    # Nothing was written under home: the data lives in the server.
    assert not (home / "chroma").exists()

    # A second client (as a second app process would) sees the same data and syncs to no change.
    again = open_kb(chroma_url=chroma_server, sync=False)
    assert again.count() == n
    report = again.sync()
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, n)

    note = tmp_path / "note.md"
    note.write_text("Every Sunday I bake sourdough bread for my neighbours.", encoding="utf-8")
    assert again.ingest([note]).added == 1
    assert "sourdough" in kb.search("weekend baking habit", k=1)[0].text


def test_a_malformed_server_url_is_refused(open_kb):
    with pytest.raises(ValueError, match="http://host:port"):
        open_kb(chroma_url="localhost:8000")
