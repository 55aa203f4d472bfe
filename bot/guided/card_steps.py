"""The card's questions: its length, hypothesis and signal, the bad-day version, the obstacle,
the confidence and the shrinking, then the card running."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..models import Stage
from . import card as cards
from . import card_changes
from . import design_steps, review
from .lexicon import lexicon, sentences, substance, trim
from .parsing import (bare_days, chosen_text, drop_questions, parse_duration, parse_score, remove_duration, said_action, said_score,
                      split_hypothesis_reward,
                      split_options, split_smallest_obstacle)
from .question_form import is_question
from .understanding import Intent

if TYPE_CHECKING:
    from .turn import Turn

MIN_CONFIDENCE = 7  # shrink the card until the person rates it this or more
_EXPLICIT_SCORE = re.compile(r"(\d+)\s*(?:점|/\s*10|out of 10)")



# The fields each question asks for: named there with their values, they answer it; other fields
# named with values are changes to the card ("no. the action is: …" at the hypothesis question).
ASKS = {
    "card_duration": ("duration_days",), "card_hypothesis": ("hypothesis", "reward_signal"),
    "card_reward_signal": ("reward_signal",), "card_smallest": ("smallest_version", "obstacle_plan"),
    "card_obstacle": ("obstacle_plan",), "card_obstacle_then": ("obstacle_plan",), "card_confidence": (),
}


def answers_here(text: str) -> bool:
    """Whether what is left of a message, its changes taken out, still says something to the question."""
    lex = lexicon()
    rest, _ = said_action(text)
    rest = lex.strip("filler", rest).strip(" .,!?~:;")
    return substance(rest) >= 6 and not lex.has("remark", rest) and not re.search(_FIELD_TALK, rest, re.I)


_FIELD_TALK = r"\b(?:title|action|hypothesis|signal|check|smallest version|obstacle|strength)s?\b(?:\s+(?:and|&)\s+\w+)*\s+(?:is|are|looks?|seems?)\b|제목|행동|가설|신호|체크|강점"


_FIELD_JUDGED = (
    r"^\W*(?:(?:ok(?:ay)?|so|and|but|also|wait|hmm+)[,.]?\s+)*(?:the\s+)?(?:title|action|hypothesis|signal|check|strength|card)s?\b"
    r"(?:\s+(?:and|&)\s+(?:the\s+)?\w+)*\s+(?:is|are|looks?|seems?)\b[^.!?]{0,30}[.!]?$"
    r"|^\W*(?:제목|행동|가설|신호|체크|강점|카드)(?:은|는|이|가|도)\s*(?:좀\s*|너무\s*|완전\s*)?(?:좋아요|괜찮아요|괜찮네요|이상해요|이상하네요|좋네요|맞아요|별로예요)[.!~ㅋㅎ]*$"
)


def took_changes(t: Turn) -> bool:
    """Changes to fields the pending question did not ask about land on the card, which the person
    sees; the question stays open. True when nothing is left to answer it with (asked again then)."""
    if t.p.step not in ASKS:
        return False
    t.msg = drop_questions(t.msg)  # "…. whats the next experiment then?": a question is no field's value
    parts = sentences(t.msg)
    if len(parts) > 1:
        # "the title is fine. I expect …": a word on the card before the answer is not the answer.
        kept = [p for p in parts if not (re.search(_FIELD_JUDGED, p, re.I) and not card_changes.field_changes(p)[1])]
        t.msg = " ".join(kept) or t.msg
    asked = ASKS[t.p.step]
    _, changes = card_changes.field_changes(t.msg)
    others = [c for c in changes if c[0] not in asked]
    if not others:
        return False
    card = t.card()
    before = card.model_dump()
    for name, value in sorted(others, key=lambda c: c[0] != "action"):
        card_changes.apply_change(card, name, value, t.state.language, t.today())
    t.show_card("say.card_changed" if card.model_dump() != before else "say.card_intro")
    rest = card_changes.without_fields(t.msg, asked)
    score, _ = said_score(rest) if t.p.step == "card_confidence" else (None, rest)
    if score is not None:
        t.msg = str(score)  # "6. and change strength to fixing sauces, and reward to …": the changes, and the 6
        return False
    if answers_here(rest):
        t.msg = rest  # "I expect more replies. also, the title should be …": the answer is still there
        return False
    row = t.row()
    if row is not None and row.needed is not None and not row.needed(t) and row.name not in ("card_confidence", "card_obstacle_then"):
        design_steps.next_card(t)
    else:
        t.ask_again(back=True)
    return True


def on_duration(t: Turn) -> None:
    if took_changes(t):
        return
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
    design_steps.next_card(t)


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
    if took_changes(t):
        return
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
    t.reflect("reward", cards.clean(signal)) if signal else t.reflect("hypothesis", hypothesis or t.msg)
    design_steps.next_card(t)


def on_reward_signal(t: Turn) -> None:
    if took_changes(t):
        return
    if not set_reward_signal(t, t.msg):
        t.ask("card_reward_signal", index=1)
        return
    t.reflect("reward")
    design_steps.next_card(t)


def set_obstacle(t: Turn, answer: str) -> bool:
    answer = cards.clean(answer)
    if lexicon().has("if_then", answer):
        t.card().obstacle_plan = answer
        return True
    t.p.obstacle = answer.rstrip(" .")
    return False


def on_smallest(t: Turn) -> None:
    if took_changes(t):
        return
    head, changes = card_changes.field_changes(t.msg)
    labelled = dict(changes)
    if labelled:
        # "smallest version: post a 5-line summary", "just send one email. obstacle is …": by their labels.
        smallest, obstacle = labelled.get("smallest_version", ""), labelled.get("obstacle_plan", "")
        if smallest and not obstacle:
            smallest, obstacle = split_smallest_obstacle(smallest)  # "가장 작은 버전: 한 컷만. 만약 …, …"
        tail = card_changes.after_fields(t.msg)
        if obstacle and not lexicon().has("if_then", obstacle) and lexicon().has("then_lead", tail):
            set_plan(t, obstacle, tail)  # "obstacle is standup running long. then I do it after lunch"
            obstacle = ""
        elif not obstacle and lexicon().has("conditional", tail):
            obstacle = tail  # "smallest: one sketch on paper. if deadline crunch, then …": the plan after the label
        if not smallest and answers_here(head):
            smallest, more = split_smallest_obstacle(head)
            obstacle = obstacle or more
    else:
        smallest, obstacle = split_smallest_obstacle(t.msg)
    if smallest:
        t.card().smallest_version = cards.clean(smallest)
    t.reflect("smallest_obstacle", smallest or obstacle or t.msg)
    if obstacle and not set_obstacle(t, obstacle):
        t.ask("card_obstacle_then")
        return
    design_steps.next_card(t)


def on_obstacle(t: Turn) -> None:
    if took_changes(t):
        return
    if not set_obstacle(t, t.msg):
        t.ask("card_obstacle_then")
        return
    t.reflect("smallest_obstacle")
    design_steps.next_card(t)


def set_plan(t: Turn, condition: str, said: str) -> None:
    """The if-then plan from the obstacle and what the person will do then."""
    condition = re.sub(r"^i(?=')|(?<=\s)i(?=['\s])", "I", condition.rstrip(" ."))
    response = re.sub(r"^(?:then|and then|그러면|그럼)\b[,\s]*", "", cards.clean(said), flags=re.I).rstrip(".")  # "If …, then then …"
    key = "card.obstacle_if" if lexicon().has("conditional", condition) else "card.obstacle"
    t.card().obstacle_plan = t.text(key, condition=condition, response=response)
    t.p.obstacle = ""


def on_obstacle_then(t: Turn) -> None:
    if took_changes(t):
        return
    set_plan(t, t.p.obstacle, t.msg)
    design_steps.next_card(t)


def on_confidence(t: Turn) -> None:
    if took_changes(t):
        return
    card = t.card()
    said, rest = said_score(t.msg)
    if said is not None and substance(rest) >= 6:
        # The rating with more: a reason ("6. mostly cause I'm scared nobody reads them") or changes
        # ("one week instead of two, and weekdays only. then 8"). The changes go on the card; a
        # reason is never the action. The rating is for the card as it now is.
        t.msg = rest
        if shrunk(t, restate=False):
            t.say("say.card_now", action=card.action)
        t.msg = str(said)
    elif substance(re.sub(r"\d+", "", t.msg)) >= 12 and not _EXPLICIT_SCORE.search(t.msg) and shrunk(t):
        # "5일 동안 썰툰 1개 올릴게요" asked how sure: a smaller card (its "5" is no score); asked again.
        card.confidence = None
        t.say("say.card_now", action=card.action)
        t.ask("card_confidence", index=t.p.variant)
        return
    n = said if said is not None else parse_score(t.msg)
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


_AMOUNT = re.compile(
    r"(?<![\w])(\d+|한|두|세|네|다섯|one|two|three|four|five|six|seven|eight|nine|ten)\s*"
    r"(개|줄|번|편|장|쪽|페이지|문장|명|권|곳|회|가지|분|시간|[A-Za-z]+)",
    re.I,
)
_NOT_UNITS = {"day", "days", "week", "weeks", "month", "months", "a", "an", "the", "of", "more", "less", "instead", "or", "and"}


def _unit(word: str) -> str:
    w = word.lower()
    return {"mins": "minute", "min": "minute", "hrs": "hour", "hr": "hour"}.get(w, w[:-1] if w.endswith("s") and len(w) > 3 else w)


def smaller_amounts(action: str, said: str) -> str:
    """The action with the amounts the person named in place of its own ("썰툰 1개만" on "썰툰 2개 올리기"
    -> "썰툰 1개 올리기", "10 minutes" on "20 minutes a day"); unchanged when none matches."""
    for m in _AMOUNT.finditer(remove_duration(said)):
        number, unit = m.group(1), m.group(2)
        if unit.lower() in _NOT_UNITS:
            continue
        for old in _AMOUNT.finditer(action):
            if _unit(old.group(2)) == _unit(unit) and old.group(1).lower() != number.lower():
                action = action[: old.start()] + f"{number}{' ' if old.group(0)[len(old.group(1)):][:1] == ' ' else ''}{old.group(2) if not unit.isascii() else unit}" + action[old.end() :]
                break
    return action


def shrunk(t: Turn, restate: bool = True) -> bool:
    """The person's smaller version put in place of the action (rewritten, never appended to): said
    whole ("5일 동안 썰툰 1개 올릴게요"), as a smaller amount ("썰툰 1개만", "10 minutes"), a lower rate,
    a shorter length, or as a labelled change; the title (when it was the action's), check and
    hypothesis follow; with `restate` False, only an "I will …" sentence is a new action (the
    message also rated the card, and its other words are a reason). True if the card changed."""
    card, lex = t.card(), lexicon()
    before = card.model_dump()
    old_action, old_title = card.action, card.title
    derived = card.title == cards.title_for(card.action)
    _, changes = card_changes.field_changes(t.msg)
    text, _ = said_action(t.msg)
    days = parse_duration(text) or bare_days(t.msg)
    for name, value in sorted(changes, key=lambda c: c[0] != "action"):  # "행동도요. 5일 동안 썰툰 2개 올리기로 바꿔줘요"
        card_changes.apply_change(card, name, value, t.state.language, t.today())
    _, choice = split_options(text)
    described = chosen_text(choice) if choice else text
    said_plan = lex.has("i_will", described) or lex.has("i_would", described)
    restated = (
        not changes and cards.plausible_action(described) and substance(remove_duration(described)) >= 12
        and (said_plan or (restate and (bool(choice) or not lex.has("shrink_talk", described))
                           # "Oh dear, no. That was my confidence. Perhaps make it 4 days?": talk about the card, not a new action
                           and len(sentences(described)) == 1 and not is_question(described)))
    )
    if restated:
        cards.set_action(card, described, t.state.language, t.today(), days or card.duration_days)
    elif not changes and card.action:
        smaller = smaller_amounts(card.action, text)
        how_often = lex.patterns["frequency"].search(cards.as_weekly_rate(text))  # "4 days out of the 7" is a weekly rate
        if smaller != card.action:
            cards.set_action(card, smaller, t.state.language, t.today(), days or card.duration_days)
        elif how_often:
            cards.set_frequency(card, how_often.group(0), t.state.language, t.today())
    if days and days != card.duration_days:
        cards.set_duration(card, days, t.today(), t.state.language)
    if card.action != old_action:
        card.title = cards.title_for(card.action) if derived else old_title  # a name the person gave stays
    return card.model_dump() != before


def on_shrink(t: Turn) -> None:
    """Rewrite the action smaller (never append to it); the length, hypothesis and review date follow."""
    card = t.card()
    if not shrunk(t):
        n = parse_score(t.msg)
        if n is not None and substance(re.sub(r"\d+", "", t.msg)) < 12:
            # "7": the same card, now rated high enough (or still not).
            card.confidence = n
            if n >= MIN_CONFIDENCE:
                t.say("reflect.confidence_ok", n=n)
                finish(t)
                return
            t.say("reflect.confidence_low", n=n)
            t.ask("card_shrink")
            return
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
        design_steps.start_design(t, new_card=True)
        return
    if lexicon().has("outcome", t.msg) and review.tells_outcome(t):
        # "ok so I did the thing for a week, went ok-ish, missed two days": how it went, told unasked.
        review.start(t, card, told=True)
        return
    if card_changes.field_changes(t.msg)[1]:
        design_steps.correct_card(t)  # "change the strength to: …", "강점 'A' 말고 'B'로 고쳐줘요": on the running card too
        return
    if t.u is not None and t.u.intent is Intent.PICK and t.u.pick == 1:
        t.show_card()
    else:
        t.say("say.still_running", title=card.title, review_on=card.review_on, daily_check=card.daily_check)
    t.ask("running")
