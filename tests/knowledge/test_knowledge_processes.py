"""A long-running process (as `coach serve` is) sees what `coach ingest` in another process added
or removed, without a restart, and a removal leaves no gap in k."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

COACH = str(Path(sys.executable).parent / "coach")
NOTE = "Kimchi fermentation diary: I taste the brine every morning and write down the sourness."


def _ingest(home: Path, *paths: Path) -> None:
    env = {**os.environ, "COACH_HOME": str(home), "OMP_WAIT_POLICY": "PASSIVE"}
    done = subprocess.run([COACH, "ingest", *map(str, paths)], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr


def test_a_running_reader_sees_another_processes_ingest_and_removal(tmp_path, embeddings):
    from knowledge import KnowledgeBase

    home = tmp_path / "home"
    server = KnowledgeBase.open(home=home, embeddings=embeddings)  # stays open, like `coach serve`
    query = embeddings.embed_query("fermenting kimchi and tasting the brine")
    assert all(p.source == "essay" for p in server.search_by_vector(query, 4))
    essay_count = server.count()

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "kimchi.md").write_text(f"# Kimchi\n\n{NOTE}\n", encoding="utf-8")
    _ingest(home, notes)

    assert server.count() == essay_count + 1  # the note (its heading with it), no restart
    assert any(NOTE in p.text for p in server.search_by_vector(query, 4))
    assert any(NOTE in p.text for p in server.search_views(query, 4, text="kimchi brine"))  # turn retrieval too

    (notes / "kimchi.md").unlink()
    _ingest(home, notes)  # the file left the folder: its passages leave the store

    found = server.search_by_vector(query, 4)
    assert len(found) == 4 and not any(NOTE in p.text for p in found)  # no gap where it was
    assert len(server.search_views(query, 4)) == 4
    assert server.count() == essay_count
