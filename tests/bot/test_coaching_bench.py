"""A subset of bench/coaching.py's simulated people, held to the bench's targets."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "coaching.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_coaching", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["terse-en", "burnt-out-ko", "three-questions-en", "two-options-ko", "failed-report-ko"])
def test_simulated_people_reach_a_card_they_would_follow(bench, make_coach, embeddings, name):
    from bot.guided.understanding import Understander

    by_name = {p["name"]: p for p in bench.personas()}
    result = bench.run_persona(make_coach(), by_name[name], by_name, Understander(embeddings.embed_query))
    assert result.crashes == 0 and result.unanswered == 0, "\n".join(result.transcript)
    turns = bench.coaching_turns(result)
    assert turns is not None and turns <= bench.TURN_TARGET, "\n".join(result.transcript)
    assert result.card_failures == [], result.card_failures
    assert result.in_language == result.replies
    assert bench.ok(result)


def test_the_bench_reads_the_coachs_questions_from_its_own_words(bench):
    from bot.words import load

    ko = load("guided.ko")
    assert bench.asked_step("좋아요.\n\n" + ko["clues"]["fast"]) == "strengths_clue"
    assert bench.asked_step(load("guided.en")["ask"]["card_duration"][0]) == "card_duration"
    assert bench.asked_step("no question here") is None
