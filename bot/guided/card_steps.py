"""The card's questions: its length, hypothesis and signal, the bad-day version, the obstacle,
the confidence and the shrinking, then the card running."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..models import Stage
from . import card as cards
from . import review
from .lexicon import lexicon, substance, trim
from .parsing import chosen_text, parse_duration, parse_score, split_hypothesis_reward, split_options, split_smallest_obstacle
from .steps import MIN_CONFIDENCE, next_card, start_design
from .understanding import Intent

if TYPE_CHECKING:
    from .turn import Turn

_MINUTES = re.compile(r"(\d+)\s*(?:min(?:ute)?s?\b|분)", re.I)
_EXPLICIT_SCORE = re.compile(r"(\d+)\s*(?:점|/\s*10|out of 10)")



def on_duration(t: Turn) -> None:
    card = t.card()
    days = parse_duration(t.msg)
    bare = re.fullmatch(r"\s*(\d{1,3})\s*(?:days?|일)?\s*[.!]?\s*", t.msg)
    if days is None and bare and 1 <= int(bare.group(1)) <= 365:
        days = int(bare.group(1))  # asked for a length, a bare number means days
    if days is None:
        t.say("say.duration_unclear")
        t.ask("card_duration", index=1)
        return
    cards.set_duration(card, days, t.today(), t.state.language)
    t.reflect("duration", days=days)
    next_card(t)


def set_hypothesis(t: Turn, answer: str) -> None:
    card, lex = t.card(), lexicon()
    answer = cards.clean(answer)
    days = card.duration_days or 7
    if lex.has("conditional", answer):
        card.hypothesis = answer
    elif lex.has("expectation", answer):
        card.hypothesis = t.words["card"]["hypothesis_expect"].format(days=days, answer=answer)
    else:
        card.hypothesis = t.words["card"]["hypothesis"].format(days=days, answer=answer.rstrip("."))


def set_reward_signal(t: Turn, answer: str) -> bool:
    """Keep the signal unless it is a feeling of effort (pushed back once); True if kept."""
    lex = lexicon()
    if lex.has("effort_feeling", answer) and not lex.has("world_signal", answer) and not t.p.pushback:
        t.p.pushback = True
        t.say("say.reward_pushback", fragment=trim(answer, 60))
        return False
    t.card().reward_signal = cards.clean(answer)
    return True


def on_hypothesis(t: Turn) -> None:
    lex = lexicon()
    days = parse_duration(t.msg)
    if days is not None and substance(t.msg) < 30 and not (lex.has("expectation", t.msg) or lex.has("conditional", t.msg)):
        # "a week is fine" / "2주로 할게요" speaks of the length, not of what the person expects.
        card = t.card()
        if days != card.duration_days:
            cards.set_duration(card, days, t.today(), t.state.language)
        t.reflect("duration", days=days)
        t.ask("card_hypothesis", index=1)
        return
    if days is None and parse_score(t.msg) is not None and substance(re.sub(r"\d+", "", t.msg)) < 12:
        # "8" / "6 정도": how sure they are, a step early; not what they expect to notice.
        t.say("say.score_later")
        t.ask("card_hypothesis", index=1)
        return
    hypothesis, signal = split_hypothesis_reward(t.msg)
    set_hypothesis(t, hypothesis or t.msg)
    if signal and not set_reward_signal(t, signal):
        t.ask("card_reward_signal")
        return
    t.reflect("reward", signal) if signal else t.reflect("hypothesis", hypothesis or t.msg)
    next_card(t)


def on_reward_signal(t: Turn) -> None:
    if not set_reward_signal(t, t.msg):
        t.ask("card_reward_signal", index=1)
        return
    t.reflect("reward")
    next_card(t)


def set_obstacle(t: Turn, answer: str) -> bool:
    answer = cards.clean(answer)
    if lexicon().has("if_then", answer):
        t.card().obstacle_plan = answer
        return True
    t.p.obstacle = answer.rstrip(" .")
    return False


def on_smallest(t: Turn) -> None:
    smallest, obstacle = split_smallest_obstacle(t.msg)
    if smallest:
        t.card().smallest_version = cards.clean(smallest)
    t.reflect("smallest_obstacle")
    if obstacle and not set_obstacle(t, obstacle):
        t.ask("card_obstacle_then")
        return
    next_card(t)


def on_obstacle(t: Turn) -> None:
    if not set_obstacle(t, t.msg):
        t.ask("card_obstacle_then")
        return
    t.reflect("smallest_obstacle")
    next_card(t)


def on_obstacle_then(t: Turn) -> None:
    condition = t.p.obstacle
    response = cards.clean(t.msg).rstrip(".")
    key = "card.obstacle_if" if lexicon().has("conditional", condition) else "card.obstacle"
    t.card().obstacle_plan = t.text(key, condition=condition, response=response)
    t.p.obstacle = ""
    next_card(t)


def on_confidence(t: Turn) -> None:
    card = t.card()
    n = parse_score(t.msg)
    if n is None:
        t.say("say.confidence_range")
        t.ask("card_confidence", index=1)
        return
    card.confidence = n
    if n < MIN_CONFIDENCE:
        t.say("reflect.confidence_low", n=n)
        t.ask("card_shrink")
        return
    t.say("reflect.confidence_ok", n=n)
    finish(t)


def on_shrink(t: Turn) -> None:
    """Rewrite the action smaller (never append to it); the length, hypothesis and review date follow."""
    card = t.card()
    days = parse_duration(t.msg)
    minutes = _MINUTES.search(t.msg)
    old_minutes = _MINUTES.search(card.action)
    changed = False
    _, choice = split_options(t.msg)
    described = chosen_text(choice) if choice else ""
    if described and cards.plausible_action(described) and substance(described) >= 20:
        cards.set_action(card, described, t.state.language, t.today(), days or card.duration_days)
        changed = True
    elif minutes and old_minutes:
        action = card.action[: old_minutes.start(1)] + minutes.group(1) + card.action[old_minutes.end(1) :]
        title = card.title
        cards.set_action(card, action, t.state.language, t.today(), days or card.duration_days)
        card.title = title  # the same experiment, smaller: its name stays
        changed = True
    if days and days != card.duration_days:
        cards.set_duration(card, days, t.today(), t.state.language)
        changed = True
    if not changed:
        t.say("say.card_now", action=card.action)
        t.ask("design_concrete")
        t.p.step = "card_shrink"
        return
    card.confidence = None
    score = _EXPLICIT_SCORE.search(t.msg)
    t.say("say.card_now", action=card.action)
    if score and MIN_CONFIDENCE <= int(score.group(1)) <= 10:
        card.confidence = int(score.group(1))
        t.say("reflect.confidence_ok", n=card.confidence)
        finish(t)
        return
    t.ask("card_confidence")


def finish(t: Turn) -> None:
    card = t.card()
    if not card.passages:
        card.passages = list(dict.fromkeys(t.p.design_quoted or t.p.quoted[-2:]))
    if not card.passages and t.quote(card.action) is not None:
        card.passages = [t.sources[-1].id]
    # Without any passage (an empty store) the card still runs: the person did their part.
    if card.complete or card.missing() == ["passages"]:
        card.status = "running"
    t.say("say.running", title=card.title, daily_check=card.daily_check, review_on=card.review_on)
    t.p.step, t.p.offered = "running", []
    t.state.stage = Stage.DESIGN
    t.options = t.p.offered = t.choices("running")


def on_running(t: Turn) -> None:
    card = t.running_card()
    if card is None:
        start_design(t, new_card=True)
        return
    if lexicon().has("outcome", t.msg) and review.tells_outcome(t):
        # "ok so I did the thing for a week, went ok-ish, missed two days": how it went, told unasked.
        review.start(t, card, told=True)
        return
    if t.u is not None and t.u.intent is Intent.PICK and t.u.pick == 1:
        t.show_card()
    else:
        t.say("say.still_running", title=card.title, review_on=card.review_on, daily_check=card.daily_check)
    t.ask("running")
