"""The open, imitation and strengths steps: what each does with an answer.

Every handler gets the `Turn`; by the time one runs, the message was understood as an answer
(questions, requests, corrections and reports were taken care of in `Turn.route`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import card as cards
from . import design_steps
from .lexicon import FRAGMENT_CHARS, HANGUL, clauses, first_clause, lexicon, said, substance, trim
from .parsing import where_by_tenure
from .progress import Tentative
from .understanding import Intent, where_by_words

if TYPE_CHECKING:
    from .turn import Turn

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
    if where == "unsure" and plausible_strength(t.msg) and lexicon().has("strength_marker", t.msg):
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
    lex = lexicon()
    if any(lex.has(k, text) for k in ("not_meant", "already_said", "remark")) and substance(text) < 60:
        return False  # "dude that wasnt a strength that was a question", "bro u just asked that"
    if lex.has("strength_marker", text):
        return True
    if all(lex.has("negated_self", c) for c in clauses(text) if c.strip()):
        return False  # "I don't follow my washes": what they don't do is no strength
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


_WORD = re.compile(r"[A-Za-z]{3,}|[가-힣]{2,}")
_KO_PARTICLE = re.compile(r"(?:은|는|이|가|을|를|도|요|이요|에서|으로|로)$")
_DISLIKE = re.compile(r"\b(?:hate|hated|can'?t stand|drains? me)\b|싫어|싫음|싫은|질색", re.I)


def named_in(text: str, name: str) -> bool:
    """Whether `text` names the strength `name` by one of its words ("i HATE inventory" names
    "inventory n ordering"; "레터링은 강점 아니에요" names "레터링 작업")."""
    said_words = {_KO_PARTICLE.sub("", w.lower()) for w in _WORD.findall(text)}
    own = {_KO_PARTICLE.sub("", w.lower()) for w in _WORD.findall(name)} - {"the", "and", "that", "this", "with", "for", "그거", "그런", "이거"}
    return bool(own & said_words)


def take_back(t: Turn) -> bool:
    """"no that's not what I meant" / "아니 그게 강점이란 게 아니고요" right after a strength was noted,
    or "why is inventory on my strengths list" / "그거 강점에서 빼주세요" at any time before the card:
    that strength (the one named, else the one just noted) is taken back; one the person says they
    hate becomes a drain. Then the question again (the denial itself had been stored before)."""
    lex = lexicon()
    if not lex.has("not_meant", t.msg):
        return False
    named = [s for s in t.state.strengths if s.kind == "strength" and named_in(t.msg, s.name)]
    designing = (t.p.step or "").startswith("design")
    if (designing and not named) or (not named and substance(lex.strip("not_meant", t.msg)) >= 20):
        return False
    earlier = next((m.content for m in reversed(t.history) if m.role == "user"), None)
    noted = named or [s for s in t.state.strengths if s.evidence == earlier]
    for strength in noted:
        t.state.strengths.remove(strength)
        if strength.kind == "strength":
            t.p.clues = max(0, t.p.clues - 1)
        if strength.kind == "strength" and _DISLIKE.search(t.msg):
            t.capture("drain", strength.evidence).name = strength.name  # "i HATE inventory": a drain, then
    t.say("say.not_confirmed")
    if designing:
        if t.p.lead in [s.name for s in noted]:
            t.p.lead = ""
        design_steps.start_design(t)  # on what is still theirs
    elif t.p.step == "strengths_drain" and any(s.kind == "strength" for s in noted):
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
        design_steps.start_design(t)


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
    name = t.capture("strength").name = first_clause(chosen)
    t.p.clues += 1
    t.reflect("clue", fragment=name)  # the words kept are the words said back
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
            design_steps.dont_know(t, t.row(tentative.step))
        else:
            t.ask(tentative.step)
    else:  # a new answer instead of yes or no: read it as the answer to that question
        t.p.step = tentative.step
        row = t.row(tentative.step)
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
    design_steps.start_design(t)


def on_design_strength(t: Turn) -> None:
    if not plausible_strength(t.msg):
        t.say("say.not_a_strength")
        t.ask_again(other_words=True)
        return
    t.capture("strength")
    t.reflect("clue")
    design_steps.start_design(t)
