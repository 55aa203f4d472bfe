"""The design steps: options, the coach's idea, the pick and the action; and the two moves off
the path that any step can meet: a change to the card said in chat, and "I don't know".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..models import Stage
from ..words import fill
from . import card as cards
from . import card_changes
from .lexicon import HANGUL, lexicon, overlap, substance, trim
from .parsing import (chosen_text, drop_questions, parse_duration, pick_residue, pointed_index, remove_duration, said_action, said_score,
                      split_options)
from .progress import Suggestion
from .understanding import Intent, states_plan

if TYPE_CHECKING:
    from .flow import Step
    from .turn import Turn

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
    t.card()  # the card being designed: made here if there is none
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
    if not lex.has("rejects", text) or lex.has("i_will", text) or lex.has("i_would", text) or states_plan(text):
        return False
    rest = drop_questions(text)
    return parse_duration(rest) is None and not re.search(r"\d", rest) and not card_changes.field_changes(rest)[1]


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


def shares_words(a: str, b: str) -> bool:
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
        if _is_action(described) and (shares_words(described, action) or lex.has("choice", described) or lex.has("i_will", described)):
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
    row = t.next_card_row()
    if row.name == "card_confidence":
        t.show_card()
    t.ask(row.name)


# -- off the path ----------------------------------------------------------------------------------


def correct_card(t: Turn) -> None:
    """A change the person asked for lands on the card, which they see; then back to where we were."""
    card = t.designing() if t.designing() is not None and t.designing().action else t.running_card()
    if card is None:
        card = t.card()
    row = t.row()
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
        _, changes = card_changes.field_changes(t.msg)
        if any(name not in ASKS[row.name] for name, _ in changes):
            # "the title should be X. I expect art directors to reply": the change, and the answer beside it.
            row.handle(t)
            return
    before = card.model_dump()
    changed = card_changes.correction(card, t.msg, t.state.language, t.today())
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
