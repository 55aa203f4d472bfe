"""The policy: per-strength evidence, and the bandit's proposal with its reason, on crafted histories."""

from __future__ import annotations

import datetime as dt

from bot.models import ExperimentCard, Review
from bot.person_models import Notebook, NotebookCard, NotebookStrength, Progress
from bot.policy import evidence_lines, points, propose, strength_stats

DAY = dt.date(2026, 11, 1)


def history(*arms: tuple[str, list[int]], untested: tuple[str, ...] = (), running: dict[str, int] | None = None) -> Notebook:
    strengths = [NotebookStrength(id=f"s{i}", name=name) for i, (name, _) in enumerate(arms)]
    strengths += [NotebookStrength(id=f"u{i}", name=name) for i, name in enumerate(untested)]
    cards = []
    for name, rewards in arms:
        for i, reward in enumerate(rewards):
            card = ExperimentCard(title=f"{name} #{i}", strength=name, status="reviewed",
                                  review=Review(outcome="…", reward=reward, date=DAY + dt.timedelta(days=7 * i)))
            cards.append(NotebookCard(card=card, progress=Progress(yes=5, no=2)))
    for name, yes in (running or {}).items():
        card = ExperimentCard(title=f"{name} now", strength=name, status="running", review_on=DAY + dt.timedelta(days=60))
        cards.append(NotebookCard(card=card, started_on=DAY + dt.timedelta(days=50), progress=Progress(yes=yes, no=0, streak=yes)))
    return Notebook(owner="local", strengths=strengths, cards=cards)


PAID = ("reading raw logs", [2, 1])
FAILED = ("copying the senior's slides", [-2, -1])
UNTESTED = "automation scripts"


def test_stats_per_strength():
    stats = {s.name: s for s in strength_stats(history(PAID, FAILED, untested=(UNTESTED,), running={"reading raw logs": 3}))}
    paid = stats["reading raw logs"]
    assert (paid.experiments, paid.running, paid.mean, round(paid.spread, 2)) == (2, 1, 1.5, 0.71)
    assert paid.adherence == 13 / 17 and paid.last_tried == DAY + dt.timedelta(days=50)
    assert stats[UNTESTED].experiments == 0 and stats[UNTESTED].mean is None and stats[UNTESTED].last_tried is None


def test_the_bandit_exploits_what_paid_explores_the_untested_and_drops_what_failed():
    notebook = history(PAID, FAILED, untested=(UNTESTED,))
    chosen = [propose(notebook, seed=seed) for seed in range(200)]
    counts = {name: sum(p.strength == name for p in chosen) for name in ("reading raw logs", UNTESTED, FAILED[0])}
    assert counts["reading raw logs"] > counts[UNTESTED] > counts[FAILED[0]]
    exploit = next(p for p in chosen if p.strength == "reading raw logs")
    assert exploit.kind == "exploit"
    assert exploit.reason == "exploit — 'reading raw logs' paid +1.5 on average over 2 experiment(s)"
    explore = next(p for p in chosen if p.strength == UNTESTED)
    assert explore.kind == "explore" and explore.reason == "explore — you haven't tested 'automation scripts' yet"


def test_the_same_seed_gives_the_same_proposal():
    notebook = history(PAID, FAILED, untested=(UNTESTED,))
    assert [propose(notebook, seed=s) for s in range(20)] == [propose(notebook, seed=s) for s in range(20)]
    assert propose(notebook) == propose(notebook)  # the default seed is stable until a new review


def test_only_failures_and_an_untested_strength_explore_it():
    notebook = history(("copying the senior's slides", [-2, -2, -1]), untested=(UNTESTED,))
    chosen = [propose(notebook, seed=s) for s in range(200)]
    assert sum(p.strength == UNTESTED for p in chosen) > 120  # Beta(1, 1) against Beta(1.25, 3.75): ~3 in 4
    failed = next((p for p in chosen if p.strength != UNTESTED), None)
    if failed is not None:
        assert failed.kind == "explore" and "nothing has paid off yet" in failed.reason


def test_a_strength_with_little_evidence_is_explored_with_its_numbers():
    notebook = history(("reading raw logs", [2, 2, 2, 1]), ("drawing diagrams", [0]))
    lesser = next(p for s in range(300) if (p := propose(notebook, seed=s)).strength == "drawing diagrams")
    assert lesser.kind == "explore"
    assert lesser.reason == "explore — 'drawing diagrams' averaged +0.0 over only 1 experiment(s); one more tells whether it pays"


def test_reasons_in_korean():
    notebook = history(PAID, untested=(UNTESTED,))
    reasons = {propose(notebook, seed=s, language="ko").reason for s in range(100)}
    assert "활용 — 'reading raw logs'는 실험 2번에서 평균 +1.5의 보상을 줬어요" in reasons
    assert "탐색 — 'automation scripts'는 아직 시험해 보지 않았어요" in reasons


def test_no_strengths_no_proposal():
    assert propose(Notebook(owner="local")) is None


def test_card_strength_in_other_words_counts_for_the_strength():
    notebook = history(PAID)
    notebook.cards[0].card.strength = "raw logs reading"
    assert [s.name for s in strength_stats(notebook)] == ["reading raw logs"]


def test_evidence_lines_and_chart_points():
    notebook = history(PAID, untested=(UNTESTED,), running={"reading raw logs": 3})
    notebook.cards[-1].card.review_on = DAY - dt.timedelta(days=1)
    lines = evidence_lines(notebook, "en", today=DAY, seed=1)
    assert lines[0].startswith("DUE: experiment 'reading raw logs now' was due for review on 2026-10-31")
    assert "strength 'reading raw logs': 2 reviewed experiment(s), mean reward +1.5 (spread ±0.7), adherence 76%" in lines[1]
    assert "strength 'automation scripts': not tested yet" in lines
    assert any(l.startswith("running experiment 'reading raw logs now'") and "streak 3 day(s)" in l for l in lines)
    assert lines[-1].startswith("next proposal from the evidence: ")
    marks = points(notebook)
    assert [(m.reward, m.status) for m in marks] == [(None, "running"), (2, "reviewed"), (1, "reviewed")]
