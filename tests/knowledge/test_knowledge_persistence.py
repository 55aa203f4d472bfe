"""A store written by one process answers the same search in a fresh process, without re-embedding."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

QUESTIONS = ["남을 따라 하면 왜 뛰어넘을 수 없나요?", "What does the author like to do more than other researchers?"]

CHILD = textwrap.dedent(
    """
    import json, sys
    from knowledge import KnowledgeBase
    kb = KnowledgeBase.open(home=sys.argv[1], sync=False)
    note = kb.search("rooftop vegetables", k=1)
    print(json.dumps({
        "count": kb.count(),
        "essay": [[p.id for p in kb.search(q, k=3)] for q in json.loads(sys.argv[2])],
        "note": note[0].text if note else None,
    }))
    """
)


@pytest.mark.slow
def test_a_new_process_reads_what_this_one_wrote(kb, home, tmp_path):
    note = tmp_path / "garden.md"
    note.write_text("I grow lettuce and herbs in boxes on the roof of my building.", encoding="utf-8")
    kb.ingest([note])
    expected = [[p.id for p in kb.search(q, k=3)] for q in QUESTIONS]

    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "COACH_HOME": str(tmp_path / "elsewhere")}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(home), json.dumps(QUESTIONS)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["count"] == kb.count()
    assert got["essay"] == expected
    assert got["note"] == "I grow lettuce and herbs in boxes on the roof of my building."
