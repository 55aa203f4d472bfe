"""`coach doctor --repair` keeps the person: a salvaged journal still holds their notebook (strengths with
their words, cards, daily ticks, reviews, conversation titles), and what they deleted stays deleted."""

from __future__ import annotations

import datetime as dt
import sqlite3

from bot.doctor import salvage_journal
from bot.models import ExperimentCard, Review, Strength
from bot.people import LOCAL, Person

GUEST = Person.from_key("guest:ab12cd34ef56ab12cd34ef56")


def person_with_a_history(coach, today: dt.date) -> tuple[str, ExperimentCard, ExperimentCard]:
    coach.today = lambda: today
    session = coach.ask("I read raw logs for fun; nobody else on my team does.").session_id
    store = coach.notebook_store
    store.add_strength(LOCAL.key, Strength(name="reading raw logs", evidence="I read raw logs for fun"), session)
    store.add_strength(LOCAL.key, Strength(name="automation scripts", evidence="I script every chore"), session)
    store.add_strength(LOCAL.key, Strength(name="staying late", evidence="I stay late"), session)
    running = ExperimentCard(title="Raw logs every morning", strength="reading raw logs", status="running",
                             duration_days=7, daily_check="Did I read logs this morning?", review_on=today + dt.timedelta(days=2))
    store.put_card(LOCAL.key, running, session, started_on=today - dt.timedelta(days=4))
    done = ExperimentCard(title="Script one chore", strength="automation scripts", status="running", duration_days=5)
    store.put_card(LOCAL.key, done, session, started_on=today - dt.timedelta(days=20))
    coach.review_card(done.id, Review(outcome="two chores scripted", reward=2, plus="saved an hour", next="script the deploy"))
    for back, value in ((3, "yes"), (2, "no"), (1, "yes"), (0, "yes")):
        coach.check(running.id, value, today - dt.timedelta(days=back))
    coach.rename_session(session, "Logs and scripts")
    staying = next(s for s in coach.notebook().strengths if s.name == "staying late")
    coach.delete_strength(staying.id)  # deleted by the person: must not come back with the sessions
    logs = next(s for s in coach.notebook().strengths if s.name == "reading raw logs")
    coach.edit_strength(logs.id, name="reading raw production logs")
    coach.notebook_store.add_strength(GUEST.key, Strength(name="a guest's own strength", evidence="theirs"))
    return session, running, done


def test_a_persons_notebook_survives_a_journal_repair(make_coach):
    today = dt.date(2026, 12, 1)
    coach = make_coach()
    session, running, done = person_with_a_history(coach, today)
    before = coach.notebook()
    path = coach.journal.path
    coach.journal.close()

    kept, rows = salvage_journal(path)
    assert kept.exists() and rows > 10

    again = make_coach()  # a coach on the repaired journal, as after `coach doctor --repair`
    again.today = lambda: today
    after = again.notebook()
    assert [(s.name, [e.words for e in s.evidence]) for s in after.strengths] == [
        (s.name, [e.words for e in s.evidence]) for s in before.strengths
    ]
    names = [s.name for s in after.strengths]
    assert "reading raw production logs" in names and "staying late" not in names  # the edit and the delete hold
    card = again.card(running.id)
    assert card.card.status == "running" and card.started_on == today - dt.timedelta(days=4)
    assert (card.progress.yes, card.progress.no, card.progress.streak) == (3, 1, 2)
    reviewed = again.card(done.id).card
    assert reviewed.status == "reviewed" and reviewed.review.reward == 2 and reviewed.review.next == "script the deploy"
    assert [c.title for c in again.conversations()] == ["Logs and scripts"] and again.conversations()[0].id == session
    assert [s.name for s in again.notebook(GUEST).strengths] == ["a guest's own strength"]  # each person keeps theirs
    assert [d.card.title for d in again.due(today=today + dt.timedelta(days=2))] == ["Raw logs every morning"]
    [stat] = [s for s in again.policy() if s.name == "automation scripts"]
    assert stat.rewards == [2]


def test_a_journal_from_before_the_notebook_is_still_migrated_after_a_repair(make_coach):
    """Salvaging a journal that never had notebook tables: opening it copies the sessions' strengths as usual."""
    coach = make_coach()
    session = coach.ask("I read raw logs for fun; nobody else on my team does.").session_id
    state = coach.state(session)
    state.strengths = [Strength(name="reading raw logs", evidence="I read raw logs for fun")]
    coach.journal.save(state)
    path = coach.journal.path
    coach.journal.close()
    with sqlite3.connect(path) as db:  # as a journal written before the notebook existed
        for table in ("notebook_strengths", "notebook_cards", "notebook_ticks", "session_titles", "notebook_meta"):
            db.execute(f"DROP TABLE {table}")

    salvage_journal(path)
    assert [s.name for s in make_coach().notebook().strengths] == ["reading raw logs"]
