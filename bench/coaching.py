"""Coaching quality of the guided coach, measured with simulated people (bench/personas.toml).

    .venv/bin/python bench/coaching.py                 # every persona, table + bench/out/*.md
    .venv/bin/python bench/coaching.py terse-en ...    # some personas

Each persona talks to a real `Coach` in guided mode (throwaway COACH_HOME, the bundled essay
and embedding model). It reads the coach's question from the coach's own words and answers
from its script; it clicks quick replies when it likes to. Per persona: turns to a running card,
crashes, questions to the coach left unanswered, repeated questions, false safety check-ins (no
persona is at risk; asked, each says so), card checks, passages quoted and their variety, and the
language of the replies. Transcripts go to bench/out/.
Targets: 0 crashes; cooperating personas reach a running card in <= 12 turns (not counting the
asides they chose to make: questions to the coach, distress, a report); 0 card-check failures;
0 unanswered questions.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bot.korean import TOKENS  # noqa: E402
from bot.language import detect_language  # noqa: E402
from bot.words import load  # noqa: E402

OUT = ROOT / "bench" / "out"
MAX_TURNS = 24
TURN_TARGET = 12
SKIP_WORDS = re.compile(r"\{[^}]*\}|" + TOKENS.pattern)  # what a template fills in


def personas() -> list[dict]:
    return tomllib.loads((ROOT / "bench" / "personas.toml").read_text(encoding="utf-8"))["persona"]


# -- reading the coach -----------------------------------------------------------------------------


def _questions() -> list[tuple[str, str]]:
    """(literal piece of a question, step) for every wording the coach asks with, both languages."""
    rows: list[tuple[str, str]] = []
    for lang in ("ko", "en"):
        w = load(f"guided.{lang}")
        for step, texts in w["ask"].items():
            step = {"imitation_given": "imitation_playbook", "design_next": "design_pick"}.get(step, step)
            for text in texts:
                piece = max(SKIP_WORDS.split(text), key=len).strip()
                rows.append((piece, step))
        rows += [(text, "strengths_clue") for text in w["clues"].values()]
    return sorted(rows, key=lambda r: -len(r[0]))


QUESTIONS = _questions()


def asked_step(reply: str) -> str | None:
    """The step whose question ends the coach's reply (its last question wins)."""
    best, where = None, -1
    for piece, step in QUESTIONS:
        i = reply.rfind(piece)
        if i > where:
            best, where = step, i
    return best


def answers_given(reply: str) -> bool:
    """Whether a reply answers a question put to the coach (an answer on file, or the essay's nearest line)."""
    for topic in load("guided_answers").values():
        for lang in ("en", "ko"):
            if topic[lang][:40] in reply:
                return True
    said = [load(f"guided.{lang}")["say"][key][:30] for lang in ("en", "ko") for key in ("unknown_question", "steer")]
    return any(piece in reply for piece in said)


# -- a persona talking --------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    kinds: list[str]
    cooperative: bool
    turns_to_card: int | None = None
    asides: int = 0
    crashes: int = 0
    questions: int = 0
    unanswered: int = 0
    repeated: int = 0
    card_failures: list[str] = field(default_factory=list)
    quoted: list[str] = field(default_factory=list)
    false_checkins: int = 0
    replies: int = 0
    in_language: int = 0
    transcript: list[str] = field(default_factory=list)
    seconds: float = 0.0


def card_checks(card, understander) -> list[str]:
    """What a person would notice on a running card; an empty list when it is one they'd follow."""
    from bot.guided.card import weekly
    from bot.guided.understanding import Intent

    failures = []
    missing = [m for m in card.missing() if m != "passages"]
    if missing:
        failures.append(f"empty: {', '.join(missing)}")
    if not re.search(r"for \d+ days$|^\d+일 동안", card.action):
        failures.append(f"action has no duration: {card.action!r}")
    weekly_check = bool(re.search(r"this week|이번 주", card.daily_check))
    if weekly(card.action) != weekly_check:
        failures.append(f"check cadence: {card.daily_check!r} for {card.action!r}")
    if len(card.title.split()) > 6 or len(card.title) > 40:
        failures.append(f"title too long: {card.title!r}")
    for name in ("title", "strength", "action", "hypothesis", "reward_signal", "smallest_version", "obstacle_plan"):
        value = getattr(card, name)
        if re.match(r"\s*(signal|reward signal|신호|hypothesis)\s*:\s*\w+\s*:", value, re.I):
            failures.append(f"{name} prefix doubled: {value!r}")
        read = understander.read(value)
        if value.rstrip().endswith("?") or read.intent in (Intent.QUESTION, Intent.ASK_IDEA, Intent.META, Intent.DONT_KNOW):
            failures.append(f"{name} is a {read.intent.value}: {value!r}")
    return failures


def talk(coach, persona: dict, session_id: str, result: Result, understander) -> None:
    """The persona's side of one conversation, until a card runs (or MAX_TURNS)."""
    language = persona["language"]
    asks = {int(i): text for i, text in persona.get("asks", [])}
    switch = persona.get("switch")
    used: dict[str, int] = {}
    reply, turn = None, 0
    start_cards = {c.id for c in coach.state(session_id).experiments if c.status == "running"}
    while turn < MAX_TURNS:
        if switch and turn >= int(switch[0]):
            language = switch[1]
        replies = persona.get("replies_ko", {}) if language == "ko" and "replies_ko" in persona else {}
        replies = {**persona.get("replies", {}), **replies}
        step = asked_step(reply.text) if reply is not None else None
        is_question = False
        if reply is not None and reply.stage.value == "safety":
            # No persona is at risk: asked about safety, each says so, as a person not at risk would
            # (a persona that said "I don't know" rightly got the crisis response for ever). Each
            # such check-in is a false one, counted.
            result.false_checkins += 1
            message = "No, nothing like that. I'm fine." if language == "en" else "아니요, 그런 생각은 없어요. 괜찮아요."
        elif turn in asks:
            message = asks[turn]
            result.asides += result.turns_to_card is None
            is_question = message.rstrip().endswith("?") or message.endswith("세요.") and "같이" not in message
        elif reply is not None and reply.options and persona.get("click") and step in ("imitation_capped", "confirm"):
            wanted = replies.get(step, [""])[0]
            message = next((o for o in reply.options if o == wanted), reply.options[0])
        elif step in replies:
            options = replies[step]
            message = options[min(used.get(step, 0), len(options) - 1)]
            used[step] = used.get(step, 0) + 1
        elif step is None and reply is None:
            message = replies.get("open", ["Hi"])[0]
            used["open"] = 1
        else:
            message = "I don't know." if language == "en" else "모르겠어요."
        if is_question:
            result.questions += 1
        started = time.perf_counter()
        try:
            new = coach.ask(message, session_id)
        except Exception as exc:  # a crash is a figure, not the end of the bench
            result.crashes += 1
            result.transcript.append(f"**{persona['name']}:** {message}\n\n**CRASH:** {type(exc).__name__}: {exc}\n")
            turn += 1
            continue
        result.seconds += time.perf_counter() - started
        if new.error:
            result.crashes += 1
        result.replies += 1
        result.in_language += detect_language(new.text, default=language) == language
        result.quoted += [p.id for p in new.sources]
        if is_question and not answers_given(new.text):
            result.unanswered += 1
        last = new.text.strip().split("\n\n")[-1]
        if reply is not None and last == reply.text.strip().split("\n\n")[-1] and not is_question:
            result.repeated += 1
        options = f"\n\n_options: {' · '.join(new.options)}_" if new.options else ""
        result.transcript.append(f"**{persona['name']}:** {message}\n\n**Coach** ({new.stage.value}): {new.text}{options}\n")
        reply, turn = new, turn + 1
        running = [c for c in new.experiments if c.status == "running" and c.id not in start_cards]
        if running:
            result.turns_to_card = turn
            result.card_failures += card_checks(running[-1], understander)
            return


def run_persona(coach, persona: dict, by_name: dict[str, dict], understander) -> Result:
    from bot.models import SessionState

    result = Result(persona["name"], persona.get("kinds", []), persona.get("cooperative", True))
    session_id = f"bench-{persona['name']}"
    if persona.get("setup"):
        setup = Result("setup", [], True)
        talk(coach, by_name[persona["setup"]], f"{session_id}-before", setup, understander)
        before = coach.state(f"{session_id}-before")
        carried = SessionState(session_id=session_id, language=before.language, strengths=before.strengths,
                               experiments=before.experiments, offline_notice_shown=True)
        coach.journal.save(carried)  # a new conversation that carries the running card
        result.transcript.append(f"_(setup: {persona['setup']} ran a card; this is a new session carrying it)_\n")
    talk(coach, persona, session_id, result, understander)
    return result


def main(argv: list[str] | None = None) -> int:
    names = list(argv if argv is not None else sys.argv[1:])
    from bot import Coach
    from bot.guided.understanding import Understander
    from bot.settings import Settings
    from knowledge import E5Embeddings, KnowledgeBase

    all_personas = personas()
    by_name = {p["name"]: p for p in all_personas}
    chosen = [by_name[n] for n in names] if names else all_personas
    OUT.mkdir(parents=True, exist_ok=True)
    embeddings = E5Embeddings()
    understander = Understander(embeddings.embed_query)
    results = []
    # Each simulated person in a home of their own: the local person's notebook is shared by all of
    # their conversations, so people in one home would start with each other's cards.
    for persona in chosen:
        with tempfile.TemporaryDirectory(prefix="coach-coaching-") as home:
            settings = Settings(home=Path(home))
            coach = Coach(knowledge=KnowledgeBase.open(settings=settings, embeddings=embeddings), settings=settings)
            assert coach.mode == "guided", "unset OPENAI_API_KEY / OPENAI_BASE_URL: this bench measures the guided coach"
            results.append(run_persona(coach, persona, by_name, understander))
            speed_line = speed(embeddings, coach.passages_for)
    print(table(results))
    print(speed_line)
    for r in results:
        (OUT / f"coaching-{r.name}.md").write_text(f"# {r.name} ({', '.join(r.kinds)})\n\n" + "\n".join(r.transcript), encoding="utf-8")
    print(f"\ntranscripts: {OUT}/coaching-<persona>.md")
    return 0 if all(ok(r) for r in results) else 1


def speed(embeddings, passages_for) -> str:
    """The guided coach's own cost per turn, beyond the message's one query embedding (memoized here)."""
    import statistics
    from datetime import datetime, timedelta, timezone

    from bot.guided import GuidedCoach
    from bot.models import ChatMessage, SessionState

    memo: dict[str, list[float]] = {}

    def embed(text: str) -> list[float]:
        if text not in memo:
            memo[text] = embeddings.embed_query(text)
        return memo[text]

    embed.model_id = embeddings.model_id  # type: ignore[attr-defined]  # the shipped example vectors fit
    quiet = lambda *a, **k: []  # noqa: E731 - retrieval is the Coach's, timed in the table
    script = load("sample_conversations")["en"]["visit"] + load("sample_conversations")["ko"]["visit"]
    for text in script:
        embed(text)
    times = []
    for _ in range(3):
        clock = [datetime(2026, 11, 25, tzinfo=timezone.utc)]
        coach = GuidedCoach(passages_for=quiet, embed=embed, clock=lambda: clock[0])
        for half in (script[:10], script[10:]):
            state, history = SessionState(session_id="speed"), []
            for text in half:
                started = time.perf_counter()
                coach.reply(state, text, history)
                times.append(time.perf_counter() - started)
                history.append(ChatMessage(role="user", content=text, created_at=clock[0]))
                clock[0] += timedelta(minutes=1)
    one = statistics.median([timed_embed(embeddings, t) for t in script[:6]])
    return (f"guided turn beyond its embedding: median {1000 * statistics.median(times):.1f} ms, "
            f"max {1000 * max(times):.1f} ms over {len(times)} turns; one query embedding: median {1000 * one:.0f} ms")


def timed_embed(embeddings, text: str) -> float:
    started = time.perf_counter()
    embeddings.embed_query(text)
    return time.perf_counter() - started


def coaching_turns(r: Result) -> int | None:
    """Turns to a running card, not counting the persona's asides or the two turns each false
    safety check-in took (the check-in and the answer to it: issue 11's cost, in its own column)."""
    return None if r.turns_to_card is None else r.turns_to_card - r.asides - 2 * r.false_checkins


def ok(r: Result) -> bool:
    turns = coaching_turns(r)
    reached = turns is not None and turns <= TURN_TARGET
    return r.crashes == 0 and r.unanswered == 0 and not r.card_failures and (reached or not r.cooperative)


def table(results: list[Result]) -> str:
    rows = ["| persona | kinds | turns to card | crashes | unanswered | repeated | false check-ins | card checks | quoted (distinct) | replies in language | ms/turn |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        turns = str(r.turns_to_card) if r.turns_to_card is not None else ("—" if not r.cooperative else "never")
        turns += f" ({r.asides} aside{'s' * (r.asides != 1)})" if r.asides and r.turns_to_card is not None else ""
        checks = "ok" if not r.card_failures else "; ".join(r.card_failures)
        ms = 1000 * r.seconds / max(1, r.replies)
        rows.append(f"| {r.name} | {', '.join(r.kinds)} | {turns} | {r.crashes} | {r.unanswered}/{r.questions} | {r.repeated} | {r.false_checkins} | "
                    f"{checks} | {len(r.quoted)} ({len(set(r.quoted))}) | {r.in_language}/{r.replies} | {ms:.0f} |")
    everything = [q for r in results for q in r.quoted]
    rows.append(f"\nall personas: {len(everything)} quotes of {len(set(everything))} distinct passages; "
                f"{sum(ok(r) for r in results)}/{len(results)} personas meet every target")
    return "\n".join(rows)


if __name__ == "__main__":
    raise SystemExit(main())
