"""What each step of the flow does with an answer: open, imitation, strengths, design and the card.

Every handler gets the `Turn`; by the time one runs, the message was understood as an answer
(questions, requests, corrections and reports were taken care of in `Turn.route`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..models import Stage
from ..words import fill
from . import card as cards
from . import flow
from .lexicon import FRAGMENT_CHARS, HANGUL, clauses, first_clause, lexicon, overlap, said, substance, trim
from .parsing import (chosen_text, drop_questions, parse_duration, pick_residue, pointed_index, remove_duration, said_action, said_score,
                      split_options, where_by_tenure)
from .progress import Suggestion, Tentative
from .understanding import Intent, where_by_words

if TYPE_CHECKING:
    from .flow import Step
    from .turn import Turn

MIN_CONFIDENCE = 7
CLUES_BEFORE_DRAIN = 2
WHERE_BY_OPTION = ("early", "past", "unsure")



# -- open and imitation -------------------------------------------------------------------------


def on_open(t: Turn) -> None:
    t.p.answers["open"] = t.msg
    # The clause that says what is wrong or whom they copy, not the introduction ("hey so i'm a
    # freelance illustrator" had been quoted back from a message about copying Moebius and feeling stuck).
    lex = lexicon()
    telling = [c for k in ("imitation", "playbook", "distress", "past") for c in clauses(t.msg) if lex.has(k, c)]
    t.reflect("open", **({"fragment": trim(telling[0], FRAGMENT_CHARS)} if telling else {}))
    if t.u is not None and t.u.where is not None and t.p.where is None and lexicon().has("early", t.msg):
        t.p.where = t.u.where
    named = lexicon().has("playbook", t.msg) or lexicon().has("imitation", t.msg)
    t.ask("imitation_playbook", key="imitation_given" if named else None)


def on_playbook(t: Turn) -> None:
    t.p.answers["playbook"] = t.msg
    where = where_by_words(t.msg)
    if where is not None:  # they already said whether they are early or past the base: follow them
        t.p.where = where
        t.reflect(f"capped_{where}")
        t.quote()
        t.ask("strengths_clue")
        return
    t.reflect("imitation_playbook")
    t.quote()
    t.ask("imitation_capped")


def on_capped(t: Turn) -> None:
    u = t.u
    where = None
    if u is not None and u.intent is Intent.PICK and u.pick is not None and u.pick < len(WHERE_BY_OPTION):
        where = WHERE_BY_OPTION[u.pick]
    where = where or (u.where if u is not None else None) or where_by_tenure(t.msg) or "unsure"
    t.p.answers["capped"] = t.msg
    t.p.where = where  # type: ignore[assignment]
    t.reflect(f"capped_{where}")
    if where == "unsure" and plausible_strength(t.msg):
        # "디버깅은 빨리 찾는 편": a strength said a question early is kept, not lost to "early or past?".
        t.capture("strength")
        t.p.clues += 1
        t.reflect("clue")
        after_clue(t)
        return
    t.quote()
    t.ask("strengths_clue")


# -- strengths ------------------------------------------------------------------------------------


def plausible_strength(text: str) -> bool:
    """Something the person does or likes, said with enough words to be sure of it, or in words
    that mark a strength ("디버깅은 빨리 찾는 편", "people come to me when …")."""
    if lexicon().has("strength_marker", text):
        return True
    if HANGUL.search(text):
        return len(HANGUL.findall(text)) >= 6 and bool(cards._KO_PREDICATE.search(text.rstrip(" .!")))
    return len(re.findall(r"[A-Za-z']+", text)) >= 3 and substance(text) >= 12


# Clue questions (turn.CLUES, in the order of their wordings) an answer can cover in passing.
CLUE_TOPICS = {0: "clue_enjoy", 1: "clue_fast", 2: "clue_come_to_you"}


def mark_clues_answered(t: Turn, text: str) -> None:
    """Clue questions this answer already covers are not asked next ("빨리 배운거.. 칼질? 손질은 금방
    늘었음" had been followed by "유난히 빨리 배웠던 것은 무엇인가요?")."""
    asked = t.p.asked.setdefault("strengths_clue", [])
    for index, key in CLUE_TOPICS.items():
        if index not in asked and lexicon().has(key, text):
            asked.append(index)


def strength_said(text: str) -> str:
    """The sentence of an answer that says the strength: the one with a strength word, not a guess
    echoing the question nor what other people feel ("장보는거? 새벽시장 가는거 좋아함. 직원들은
    질색함ㅋ" -> "새벽시장 가는거 좋아함")."""
    lex = lexicon()
    parts = said(text)
    if len(parts) <= 1:
        return text
    mine = [s for s in parts if lex.has("strength_marker", s) or not lex.has("others_feel", s)]
    marked = [s for s in mine if any(lex.has(k, s) for k in ("strength_marker", *CLUE_TOPICS.values()))]
    return " ".join(marked) if marked else text


def take_back(t: Turn) -> bool:
    """"no that's not what I meant" / "아니 그게 강점이란 게 아니고요" right after a strength was noted:
    that strength is taken back and the question asked again (the denial itself had been stored)."""
    lex = lexicon()
    if not lex.has("not_meant", t.msg) or substance(lex.strip("not_meant", t.msg)) >= 20:
        return False
    earlier = next((m.content for m in reversed(t.history) if m.role == "user"), None)
    noted = [s for s in t.state.strengths if s.evidence == earlier]
    for strength in noted:
        t.state.strengths.remove(strength)
        if strength.kind == "strength":
            t.p.clues = max(0, t.p.clues - 1)
    t.say("say.not_confirmed")
    if t.p.step == "strengths_drain" and any(s.kind == "strength" for s in noted):
        t.ask("strengths_clue")  # the strength was the last answer: its question again, not the drain one
    else:
        t.ask_again(other_words=True)
    return True


def after_clue(t: Turn) -> None:
    if t.p.clues < CLUES_BEFORE_DRAIN and t.next_variant("strengths_clue") is not None:
        t.ask("strengths_clue")
    elif "strengths_drain" not in t.p.asked:
        t.ask("strengths_drain")
    else:
        start_design(t)


def on_clue(t: Turn) -> None:
    lex = lexicon()
    # "설명을 쉽게 풀어 주는 걸 좋아해요. 다들 귀찮아하는데요": the chore is other people's feeling;
    # only what drains the person themselves turns this answer into the other side.
    drained = any(lex.has("drain_marker", s) and not lex.has("others_feel", s) for s in said(t.msg))
    if (lex.has("overused", t.msg) or (drained and not lex.has("strength_marker", t.msg))) and "strengths_drain" not in t.p.asked:
        on_drain(t)  # the other side came first: what drains them, what they overdo
        return
    where = where_by_words(t.msg)
    # "fine. past the base obviously, 12 years": talk of the base answers "early or past?", however many words.
    late_where = where is not None and t.p.where in (None, "unsure") and lex.has("base_talk", t.msg)
    if late_where or (where is not None and t.p.where in (None, "unsure") and not plausible_strength(t.msg.split(".")[-1])):
        t.p.where = where  # a late answer to "early or past the base?": taken there, not as a strength
        t.reflect(f"capped_{where}")
        t.ask_again(back=True)
        return
    if take_back(t):
        return
    mark_clues_answered(t, t.msg)
    if not plausible_strength(t.msg) and t.own_strengths():
        # A second short answer: kept, reflected tentatively, and open to correction on the next turn.
        value = trim(cards.clean(strength_said(t.msg)).rstrip(" .!"), 60)
        t.capture("strength").name = value
        t.p.clues += 1
        t.say("reflect.tentative", value=value)
        after_clue(t)
        return
    if not plausible_strength(t.msg):
        value = trim(cards.clean(strength_said(t.msg)).rstrip(" .!"), 60)
        t.p.tentative = Tentative(step="strengths_clue", value=value, evidence=t.msg)
        t.ask("confirm", value=value)
        return
    chosen = strength_said(t.msg)
    t.capture("strength").name = first_clause(chosen)
    t.p.clues += 1
    t.reflect("clue", chosen)
    after_clue(t)


def on_confirm(t: Turn) -> None:
    tentative, u = t.p.tentative, t.u
    t.p.tentative = None
    lex = lexicon()
    # "ㅇㅋ. 초반은 지난 듯? 2년 했으니까": a yes that goes on about something else is still a yes (the
    # rest was once stored as a strength); what it says of early or past the base is kept.
    said_yes = lex.has("affirmative", t.msg) and not lex.has("negative", t.msg)
    yes = u is not None and (u.intent is Intent.YES or (u.intent is Intent.PICK and u.pick == 0) or said_yes)
    no = u is not None and not yes and (u.intent is Intent.NO or (u.intent is Intent.PICK and u.pick == 1))
    if yes and t.p.where is None and (where := where_by_words(t.msg)) is not None:
        t.p.where = where
    if tentative is None:
        t.ask_again(back=True)
    elif yes:
        t.capture("strength", tentative.evidence).name = tentative.value
        t.p.clues += 1
        t.say("say.confirmed", value=tentative.value)
        after_clue(t)
    elif no or (u is not None and u.intent is Intent.DONT_KNOW):
        t.say("say.not_confirmed")
        t.p.step = tentative.step
        if u is not None and u.intent is Intent.DONT_KNOW:
            dont_know(t, flow.step(tentative.step))
        else:
            t.ask(tentative.step)
    else:  # a new answer instead of yes or no: read it as the answer to that question
        t.p.step = tentative.step
        row = flow.step(tentative.step)
        assert row is not None
        row.handle(t)


def on_drain(t: Turn) -> None:
    if take_back(t):
        return
    lex = lexicon()
    if lex.has("strength_marker", t.msg) and not (lex.has("drain_marker", t.msg) or lex.has("overused", t.msg)):
        # "people come to me when a project is on fire": a strength, late, not what drains them.
        t.capture("strength")
        t.reflect("clue")
        t.ask("strengths_drain")
        return
    told = said(t.msg)
    overused = [s for s in told if lex.has("overused", s)]
    drains = [lex.strip("drain_lead", s) or s for s in told if s not in overused]
    if drains:
        t.capture("drain", " ".join(drains))
        t.reflect("drain", drains[0])
    if overused:
        t.capture("overused", " ".join(overused))
        if not drains:
            t.reflect("overused", overused[0])
    start_design(t)


def on_design_strength(t: Turn) -> None:
    if not plausible_strength(t.msg):
        t.say("say.not_a_strength")
        t.ask_again(other_words=True)
        return
    t.capture("strength")
    t.reflect("clue")
    start_design(t)


# -- design ---------------------------------------------------------------------------------------


def drop_unused_card(t: Turn) -> None:
    """Forget a card whose design was abandoned before it had an action."""
    card = t.designing()
    if card is not None and not card.action:
        t.state.experiments.remove(card)
    t.p.card = None


def start_design(t: Turn, new_card: bool = False) -> None:
    t.state.stage = Stage.DESIGN
    if new_card:
        drop_unused_card(t)
    card = t.card()
    strengths = t.own_strengths()
    if not strengths:
        t.ask("design_strength")
        return
    lead = strengths[-1].name  # the strength just found; once experiments were reviewed, the bandit's pick
    proposal = t.proposal() if t.has_evidence() else None
    if proposal is not None:
        lead = proposal.strength
        t.say("say.policy", reason=proposal.reason)
    t.p.lead = lead
    t.say("say.options_lead", strength=lead)
    t.quote(" ".join(s.name for s in strengths))
    t.ask("design_options")


def pick_options(t: Turn) -> list[str]:
    shown = [trim(o, 60) for o in t.p.options]
    if t.p.suggestion is not None:
        shown.append(trim(drop_questions(t.p.suggestion.action), 80))  # a question said with a "next" is not part of it
    else:
        shown.append(t.choice("idea"))
    return shown


def suggestion(t: Turn) -> Suggestion:
    strengths = t.own_strengths()
    names = list(dict.fromkeys([n for n in [t.p.lead] + [s.name for s in reversed(strengths)] if n]))
    given = t.p.used.get("card.suggestion", 0)  # another idea: the next strength, in the next shape
    t.p.used["card.suggestion"] = given + 1
    name = names[given % len(names)] if names else ""
    shapes = t.words["card"]["suggestion"]
    shapes = [shapes] if isinstance(shapes, str) else shapes
    phrase = cards.strength_phrase(name)
    action = fill(shapes[given % len(shapes)], strength=phrase)
    short = phrase
    m = re.match(r"(.+?)(?:을|를)\s", short)
    if m and short.endswith("것"):
        short = m.group(1)  # "SQL이랑 쿼리 튜닝을 유난히 빨리 배운 것" -> "SQL이랑 쿼리 튜닝"
    short = trim(short, 32)
    title = t.text("card.suggestion_title", strength=short[:1].upper() + short[1:])  # "Rewriting messy docs, my way"
    return Suggestion(action=action, days=7, strength=name, title=title, kind="suggestion")


def offer_suggestion(t: Turn, asked: bool = True) -> None:
    t.card()
    if t.p.suggestion is None:
        t.p.suggestion = suggestion(t)
        t.say("say.suggest" if asked else "say.suggest_unasked", suggestion=t.p.suggestion.action)
    else:
        t.say("say.suggest_again", suggestion=t.p.suggestion.action)
    t.ask("design_pick", index=0)


def give_idea(t: Turn) -> None:
    """A request for an idea gets one (never becomes a field): the coach's option, or an example."""
    step = t.p.step or ""
    building = step.startswith(("design", "card_duration")) or step in ("running", "strengths_drain") or step.startswith("review_next")
    # An idea is built on one of the person's strengths: with none yet, an example of one helps more.
    if building and t.own_strengths():
        if lexicon().has("another_idea", t.msg):
            t.p.suggestion = None  # "something else": the next idea, not the same one again
        if step == "running" or step.startswith("review"):
            start_design(t, new_card=True)
            t.parts.pop()
        offer_suggestion(t)
        return
    example = t.words["example"].get(step) or t.words["example"]["design_strength"]
    t.parts.append(example)
    t.ask_again(back=True)


def disagree(t: Turn) -> None:
    t.say("say.disagree")
    t.p.suggestion = None
    t.ask("design_pick", index=1)


def rejects(text: str) -> bool:
    """Turning down what is on the table with nothing in its place ("that's not an idea, that's a
    mad lib. no.", "그건 저한테 안 맞아요", "안 바뀌었는데요"): no "I will …", no number to change."""
    lex = lexicon()
    if not lex.has("rejects", text) or lex.has("i_will", text) or lex.has("i_would", text):
        return False
    rest = drop_questions(text)
    return parse_duration(rest) is None and not re.search(r"\d", rest) and not cards.field_changes(rest)[1]


def rejected(t: Turn) -> None:
    """What they turned down is not recorded: the coach's idea is withdrawn, or the card's question asked again."""
    if (t.p.step or "").startswith("design") and t.p.suggestion is not None:
        disagree(t)
        return
    t.say("say.rejected")
    if (t.p.step or "").startswith("card") and t.card().action:
        t.show_card()
    t.ask_again(back=True)


def _is_action(text: str) -> bool:
    """Something to do, said with enough words to be more than a pick ("2주 동안 매일 … 올릴게요")."""
    return bool(text) and cards.plausible_action(text) and substance(remove_duration(text)) >= 12


def _shares_words(a: str, b: str) -> bool:
    """Whether two phrasings name the same thing: a word in common (a Korean word by its first two syllables)."""
    def keys(text: str) -> set[str]:
        out = set()
        for w in re.findall(r"[A-Za-z']+|[가-힣]+", text.lower()):
            if HANGUL.search(w):
                if len(w) >= 2:
                    out.add(w[:2])
            elif len(w) >= 4:
                out.add(w.rstrip("s"))
        return out

    return bool(keys(a) & keys(b))


def _pointed(t: Turn, index: int, listed: list[str]) -> tuple[str, Suggestion | None] | None:
    """What "the first one" / "두번째" names: among the options just listed in the same message, or
    else among the person's earlier options and the coach's idea."""
    if len(listed) >= 2:
        return listed[index % len(listed)], None
    count = len(t.p.options) + (t.p.suggestion is not None)
    return _picked(t, index % count) if count else None


def on_design_options(t: Turn) -> None:
    if t.u is not None and t.u.intent is Intent.PICK and (t.p.options or t.p.suggestion):
        on_design_pick(t)
        return
    lex = lexicon()
    # "두번째요. …", "아니 제가 하고 싶은거 말한거예요. …", "…. i'd start with the first one i think":
    # the lead-in and the pick are not the action; the pick names one of the options.
    text, index = said_action(t.msg)
    options, choice = split_options(text)
    options = [o for o in options if not (lex.has("ask_suggestion", o) or lex.has("affirmative", o))]
    described = chosen_text(choice) if choice else ""
    if index is not None and not _is_action(described) and not (len(options) == 1 and _is_action(options[0])):
        picked = _pointed(t, index, options)
        if picked is not None:
            if len(options) >= 2:
                t.p.options = options
            set_action(t, picked[0], picked[1], days=parse_duration(t.msg))
            return
    if choice and cards.plausible_action(described):
        t.p.options = options
        set_action(t, described)
    elif len(options) >= 2:
        t.p.options = options
        t.reflect("options", count=len(options), options=", ".join(f"“{trim(o, 40)}”" for o in options))
        t.ask("design_pick")
    elif options and cards.plausible_action(options[0]):
        set_action(t, options[0])
    elif not options and text and cards.plausible_action(text):
        set_action(t, text)
    else:
        t.ask("design_concrete")


def _picked(t: Turn, index: int) -> tuple[str, Suggestion | None] | None:
    """The action behind quick reply `index`: one of the person's options, the coach's, or "give me an idea"."""
    if index < len(t.p.options):
        return t.p.options[index], None
    if t.p.suggestion is not None and index == len(t.p.options):
        return t.p.suggestion.action, t.p.suggestion
    return None


def on_design_pick(t: Turn) -> None:
    u, lex = t.u, lexicon()
    text, index = said_action(t.msg)
    _, choice = split_options(text)
    described = chosen_text(choice or text)
    if u is not None and u.intent is Intent.PICK and u.pick is not None:
        picked = _picked(t, u.pick)
        if picked is None:
            offer_suggestion(t)
            return
        action, chosen = picked
        if _is_action(described) and (_shares_words(described, action) or lex.has("choice", described) or lex.has("i_will", described)):
            action, chosen = described, None  # "2번이요. 2주 동안 매일 … 올릴게요": their own words for it
        set_action(t, action, chosen, days=parse_duration(t.msg))
        return
    refers = lex.has("refers_suggestion", t.msg) or (u is not None and u.intent is Intent.PICK and u.pick is None)
    if t.p.suggestion is not None and (refers or (u is not None and u.intent is Intent.YES and not _is_action(described))):
        set_action(t, t.p.suggestion.action, t.p.suggestion, days=parse_duration(t.msg))
        return
    if u is not None and u.intent is Intent.NO and not _is_action(described):
        t.ask("design_pick", index=1)
        return
    if index is None and pointed_index(text) is not None and substance(remove_duration(pick_residue(text))) < 15:
        index = pointed_index(text)  # "the second one but for 10 days"
    if index is not None and not _is_action(described):
        picked = _pointed(t, index, [])
        if picked is not None:
            set_action(t, picked[0], picked[1], days=parse_duration(t.msg))
            return
    if described and cards.plausible_action(described):
        set_action(t, described)
    else:
        t.ask("design_concrete")


def set_action(t: Turn, action: str, chosen: Suggestion | None = None, days: int | None = None) -> None:
    lex = lexicon()
    if chosen is None and lex.has("imitation", action) and not t.p.challenged and t.p.where != "early":
        t.p.challenged = True
        t.say("say.imitation_challenge", fragment=trim(action, 60))
        t.ask("design_pick", index=1)
        return
    card = t.card()
    cards.set_action(card, action, t.state.language, t.today(), days or (chosen.days if chosen else None))
    if chosen is not None:
        card.title = chosen.title or card.title
        card.strength = chosen.strength or card.strength
    if not card.strength:
        strengths = t.own_strengths()
        if strengths:
            best = max(strengths, key=lambda s: (overlap(card.action, s.name + " " + s.evidence), -strengths.index(s)))
            # No words shared with any strength: the one the design led with ("Let's build on …").
            card.strength = best.name if overlap(card.action, best.name + " " + best.evidence) or not t.p.lead else t.p.lead
    t.reflect("pick", fragment=card.title)
    next_card(t)


def next_card(t: Turn) -> None:
    row = flow.next_card_step(t)
    if row.name == "card_confidence":
        t.show_card()
    t.ask(row.name)


# -- off the path ----------------------------------------------------------------------------------


def correct_card(t: Turn) -> None:
    """A change the person asked for lands on the card, which they see; then back to where we were."""
    card = t.designing() if t.designing() is not None and t.designing().action else t.running_card()
    if card is None:
        card = t.card()
    row = flow.step(t.p.step)
    if row is not None and row.name == "card_confidence" and said_score(t.msg)[0] is not None:
        row.handle(t)  # "매일은 무리고. 주 3번만. 그럼 8": the change and the rating, taken together there
        return
    if not card.action and card.status != "running":
        # "10 days" before there is anything to do for ten days: kept for the action to come, not
        # shown as a changed card of dots.
        days = parse_duration(t.msg)
        if days is not None and substance(t.msg) < 25:
            card.duration_days = days
            t.say("say.duration_noted", days=days)
            t.ask_again(back=True)
        elif row is not None:
            row.handle(t)
        else:
            t.ask_again(back=True)
        return
    from .card_steps import ASKS

    if row is not None and row.name in ASKS and card.status != "running":
        _, changes = cards.field_changes(t.msg)
        if any(name not in ASKS[row.name] for name, _ in changes):
            # "the title should be X. I expect art directors to reply": the change, and the answer beside it.
            row.handle(t)
            return
    before = card.model_dump()
    changed = cards.correction(card, t.msg, t.state.language, t.today())
    if changed is None and row is not None and substance(t.msg) >= 40 and row.name != "running":
        row.handle(t)  # it only sounded like a change ("one call instead of two"): it answers the question
        return
    if changed is None:
        t.parts.append(t.text("ask.card_which"))
        t.ask_again(back=True)
        return
    # "Changed" only when something did; a field set to what it already was shows the card as it is.
    t.show_card("say.card_changed" if card.model_dump() != before else "say.card_intro")
    if card.status == "running":
        t.ask("running")
    elif row is not None and row.card and row.needed is not None and not row.needed(t) and row.name != "card_confidence":
        next_card(t)
    else:
        t.ask_again(back=True)


def dont_know(t: Turn, row: Step | None) -> None:
    step = t.p.step or "open"
    # Not knowing what comes next is an answer there: the coach proposes from the evidence.
    index = t.next_variant(step) if step not in ("confirm", "review_next") else None
    if index is not None and not t.p.key:
        t.say("say.dont_know")
        t.ask(step, index=index, **t.p.values)
    elif row is not None and row.optional and row.skip is not None:
        t.say("say.dont_know_skip")
        row.skip(t)
    elif step in ("design_options", "design_pick", "design_concrete") and t.p.suggestion is None:
        offer_suggestion(t, asked=False)
    else:
        t.say({"card_confidence": "say.confidence_range", "review_reward": "say.reward_range"}.get(step, "say.dont_know_again"))
        example = t.words["example"].get(step)
        if example:
            t.parts.append(example)
        t.ask_again()
