"""Exports quote the passages a session's replies drew on: the Korean always, and in an English
session the project's English rendering, labelled as a rendering."""

from __future__ import annotations

import json


def test_an_english_export_labels_the_rendering_beside_the_korean(make_coach, recording_llm):
    coach = make_coach(llm=recording_llm(["Copying them can't take you past them.", "{}"]))
    reply = coach.ask("Why can't copying my mentor make me better than them?", "en1")
    assert reply.sources
    md = coach.export("en1", "md")
    first = reply.sources[0]
    assert "## Passages cited" in md and f"**[{first.id}]**" in md
    assert first.text.splitlines()[0] in md  # the Korean source, verbatim
    assert "*English rendering* (the project's, not the author's words):" in md
    assert first.rendering("en").splitlines()[0] in md
    data = json.loads(coach.export("en1", "json"))
    quoted = {p["id"]: p for p in data["passages"]}
    assert quoted[first.id]["text"] == first.text
    assert quoted[first.id]["rendering_label"] == "English rendering"


def test_a_korean_export_quotes_the_korean_only(make_coach, recording_llm):
    coach = make_coach(llm=recording_llm(["따라 해서는 넘어설 수 없어요.", "{}"]))
    reply = coach.ask("남을 따라 하면 왜 그 사람을 넘을 수 없나요?", "ko1")
    md = coach.export("ko1", "md")
    assert reply.sources[0].text.splitlines()[0] in md
    assert "English rendering" not in md
