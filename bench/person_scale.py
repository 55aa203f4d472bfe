"""A person with a long history: how fast their board and their chart load.

    .venv/bin/python bench/person_scale.py [--years 3] [--experiments 150] [--repeat 20]

Builds, in a temporary COACH_HOME, one person with 150 experiments run back to back over 3 years
(a daily tick for every day of each: ~1,100 ticks), 12 strengths and 150 conversations of 10
messages, then times what the page does:
- board: the notebook read from the journal, the policy table with its proposal, the running cards'
  check-in lines, the notebook listing and the conversation list (ui/notebook_tab.py `refresh`
  without the chart);
- chart: the notebook read, the chart's points, and the SVG;
- the guided review's next proposal: the notebook read, with the session's cards, and the bandit
  (printed with its reason; no target).
Each figure is the median (and max) of N runs in a warm process; the first, cold run (a new Coach
opening the journal) is printed too. Targets: board < 200 ms, chart < 500 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def build(home: Path, years: int, experiments: int) -> None:
    from bot import Coach
    from bot.models import ChatMessage, ExperimentCard, Review, SessionState, Strength
    from bot.person_models import Tick
    from bot.settings import Settings

    rng = random.Random(7)
    coach = Coach(settings=Settings(home=home))
    store = coach.notebook_store
    names = [f"strength {i}: reading raw logs the slow way" for i in range(12)]
    for name in names:
        store.add_strength("local", Strength(name=name, evidence="I read logs for fun " * 3))
    today = dt.date.today()
    start = today - dt.timedelta(days=365 * years)
    days = (today - start).days // experiments
    ticks = []
    for i in range(experiments):
        began = start + dt.timedelta(days=i * days)
        last = i == experiments - 1
        card = ExperimentCard(
            title=f"experiment {i}", strength=rng.choice(names[:8]), status="running" if last else "reviewed",
            duration_days=days, daily_check="did I do it today?", review_on=began + dt.timedelta(days=days),
            hypothesis="If I do X, I expect to notice Y " * 3, action="I will do X every morning for a week",
            review=None if last else Review(outcome="it went fine " * 5, reward=rng.randint(-2, 2), date=began + dt.timedelta(days=days)),
        )
        store.put_card("local", card, session_id=f"talk-{i:04d}", started_on=began)
        ticks += [Tick(card_id=card.id, day=began + dt.timedelta(days=d), value=rng.choice(["yes", "yes", "yes", "no", "skip"]))
                  for d in range(days) if began + dt.timedelta(days=d) <= today]
    store.put_ticks("local", ticks)
    for i in range(experiments):
        state = SessionState(session_id=f"talk-{i:04d}")
        coach.journal.save(state)
        for j in range(10):
            coach.journal.append(state.session_id, ChatMessage(role="user" if j % 2 == 0 else "assistant", content="words " * 40))
    coach.journal.close()
    print(f"history: {experiments} experiments over {years} years, {len(ticks)} ticks, {len(names)} strengths, "
          f"{experiments} conversations of 10 messages")


def board(coach) -> str:
    from bot.policy import propose, strength_stats
    from ui import notebook_views as nv

    notebook = coach.notebook()
    today = coach.today()
    stats = strength_stats(notebook)
    parts = [nv.policy_html(stats, propose(notebook, stats=stats))]
    parts += [nv.running_line(c, today) for c in notebook.running()]
    parts += [nv.notebook_html(notebook), str(nv.item_choices(notebook)), str(nv.conversation_choices(coach.conversations()))]
    return "".join(parts)


def chart(coach) -> str:
    from bot.policy import points, strength_stats
    from ui import notebook_views as nv

    notebook = coach.notebook()
    return nv.chart_html(points(notebook), [s.name for s in strength_stats(notebook)])


def proposal(coach) -> str:
    """What the guided coach's review does once: the person's record with the session's cards, and the bandit."""
    from bot.models import SessionState
    from bot.policy import propose, with_session

    notebook = coach.notebook()
    state = SessionState(session_id="talk-0000", experiments=[c.card for c in notebook.running()])
    found = propose(with_session(notebook, state))
    return found.reason if found else ""


def timed(fn, coach, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(coach)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--experiments", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coach-person-") as tmp:
        home = Path(tmp) / "home"
        os.environ["COACH_HOME"] = str(home)
        build(home, args.years, args.experiments)
        from bot import Coach
        from bot.settings import Settings

        coach = Coach(settings=Settings(home=home))
        start = time.perf_counter()
        board(coach)
        cold = time.perf_counter() - start
        print(f"board, cold (a new Coach opening the journal): {cold * 1000:.0f} ms")
        for name, fn, target in (("board", board, 0.200), ("chart", chart, 0.500)):
            runs = timed(fn, coach, args.repeat)
            p50 = statistics.median(runs)
            verdict = "met" if max(runs) < target else "NOT MET"
            print(f"{name}: p50 {p50 * 1000:.1f} ms, max {max(runs) * 1000:.1f} ms over {args.repeat} runs "
                  f"(target < {target * 1000:.0f} ms: {verdict})")
        runs = timed(proposal, coach, args.repeat)
        print(f"guided review's next proposal: p50 {statistics.median(runs) * 1000:.1f} ms, max {max(runs) * 1000:.1f} ms "
              f"over {args.repeat} runs ({proposal(coach)})")
        marks = chart(coach).count("<circle")
        print(f"chart: {marks} marks, {len(chart(coach)) // 1024} KiB of SVG")


if __name__ == "__main__":
    main()
