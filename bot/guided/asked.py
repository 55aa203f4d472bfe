"""Questions the person asks the coach: answered in a few lines from the data files, each citing
its passage, every question of the message (and one asked beside an answer), then back to where
the conversation was."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import answers, quotes
from .lexicon import trim

if TYPE_CHECKING:
    from .turn import Turn
    from .understanding import Understanding


def answer_aside(t: Turn, u: Understanding) -> None:
    """A question asked beside an answer or a change ("make it 7. also is marco gonna be pissed if
    i do this?"), answered too, before the question the reply ends with; never left unheard."""
    if not u.aside or t.answered:
        return
    found = answers.answer(u.aside_topic, t.state.language) if u.aside_topic else None
    if found is None or found.topic == "show_card":
        text = t.text("say.aside_unknown", asked=trim(u.aside, 80))
    else:
        text = found.text
        if found.topic not in t.p.topics:
            t.p.topics.append(found.topic)
    t.parts.insert(max(len(t.parts) - 1, 0), text)
    t.answered = True


def answer_question(t: Turn, u: Understanding, back: bool = True) -> None:
    """Answer a question to the coach in a few lines, cite the essay, then go back to where we were."""
    t.answered = True
    found = answers.answer(u.topic, t.state.language) if u.topic else None
    if found is not None and found.topic == "show_card":
        # "카드 한번 전체로 보여주실래요?": the card itself, not words about it
        card = t.designing() or t.running_card()
        if card is not None and card.action:
            t.show_card()
        else:
            t.say("say.no_card_yet")
    elif found is not None:
        t.parts.append(found.text)
        for pid in found.passages[:1]:
            passage = quotes.essay_passage(pid)
            if passage is not None:
                t.quote(found.text, passage=passage)
        if found.topic not in t.p.topics:
            t.p.topics.append(found.topic)
        for topic in u.more_topics:  # the other questions of the same message, answered too
            more = answers.answer(topic, t.state.language)
            if more is not None and more.topic != "show_card":
                t.parts.append(more.text)
                if more.topic not in t.p.topics:
                    t.p.topics.append(more.topic)
    else:
        t.say("say.unknown_question")
        if t.quote() is None:
            t.parts.pop()
            t.say("say.steer")
    if not back:
        return
    if t.p.step is None:
        t.ask("open")
    elif t.p.step == "running":
        card = t.running_card()
        if card is not None:
            t.say("say.still_running", title=card.title, review_on=card.review_on, daily_check=card.daily_check)
        t.ask("running")
    else:
        t.ask_again(back=True)
