"""Closing the loop: results told in chat (at any stage) or recorded on the board, the reward, and
the next experiment built on the person's own "next", as exploit (a strength that paid) or explore."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import ExperimentCard, Review, Stage
from . import card as cards
from .lexicon import FRAGMENT_CHARS, clauses, fragment, lexicon, substance, trim
from .parsing import parse_duration, parse_reward, split_plus_minus
from .progress import ReviewDraft, Suggestion
from .question_form import is_question
from .understanding import Intent

if TYPE_CHECKING:
    from .turn import Turn


def _draft_card(t: Turn) -> ExperimentCard | None:
    return t.state.experiment(t.p.review.card) if t.p.review is not None else None


def tells_outcome(t: Turn) -> bool:
    """Whether the message already says how it went ("it flopped", "반쯤 했어요", a few lines of it)."""
    if is_question(t.msg):
        return False
    return lexicon().has("outcome", t.msg) or substance(lexicon().strip("returning", t.msg)) >= 40


def opens_with_outcome(t: Turn) -> bool:
    """A conversation's first message that is plainly how the experiment went ("5 of 7 days", "망했어요");
    a report the understanding heard ("I'm back", "it didn't work…") starts the review by its own route."""
    return not is_question(t.msg) and lexicon().has("outcome_strong", t.msg)


def opens_as_return(t: Turn) -> bool:
    """A conversation's first message, with a card running, that says they are back or how it went:
    in so many words, or by telling what came of the card's own action ("ㅎㅇ 일주일 해봄. 숏츠 매일
    올렸는데 조회수 쫌 오름" on a card about posting shorts)."""
    lex = lexicon()
    if opens_with_outcome(t) or lex.has("returning_strong", t.msg):
        return True
    card = t.running_card()
    if card is None or is_question(t.msg) or substance(t.msg) < 12:
        return False
    from .design_steps import shares_words

    told = any(lex.has(k, t.msg) for k in ("effort_done", "world_reaction", "outcome", "not_done", "did_it"))
    return told and shares_words(t.msg, f"{card.action} {card.title}")


def start(t: Turn, card: ExperimentCard | None = None, told: bool | None = None) -> None:
    """The review of `card` (the due one, else the latest running one): how did it go? When the message
    already says how (`told`, by default `tells_outcome`), it is taken as the outcome."""
    card = card or t.due_card() or t.running_card()
    assert card is not None
    t.p.review = ReviewDraft(card=card.id)
    t.p.asked = {k: v for k, v in t.p.asked.items() if not k.startswith("review_")}
    t.state.stage = Stage.REVIEW
    if t.opening and card.review_on is not None and card.review_on <= t.today():
        t.say("say.due_since", title=card.title, review_on=t.day(card.review_on))  # which card, and since when
    else:
        t.say("say.welcome_back")
    if tells_outcome(t) if told is None else told:
        on_outcome(t)
    else:
        t.ask("review_outcome", title=card.title)


# -- a card that is due, brought up when a conversation starts --------------------------------


def offer_due(t: Turn, card: ExperimentCard, after_answer: bool = False) -> None:
    """"Your experiment '…' was due on … — shall we look at how it went?", with yes / not now. The
    Coach's opener (with the card's ticks) says it first when given; after an answer, briefly."""
    t.ask("review_due", index=1 if after_answer else 0, title=card.title, review_on=t.day(card.review_on), card=card.id)
    if t.opener and not after_answer:
        t.parts.pop()
        t.parts.insert(0, t.opener)


def on_due(t: Turn) -> None:
    """Yes (in any words, or straight away how it went) starts that card's review; "not now" lets them go on."""
    u, lex = t.u, lexicon()
    card = t.state.experiment(t.p.values.get("card", "")) or t.due_card() or t.running_card()
    if card is None or card.status != "running":
        t.p.step = None
        t.ask("open")
        return
    intent, pick = (u.intent, u.pick) if u is not None else (Intent.ANSWER, None)
    # Already how it went ("it flopped", "반쯤 했어요", "yes — 5 of 7 days and two replies"): the outcome.
    told = intent is Intent.REPORT or tells_outcome(t)
    refused = intent in (Intent.NO, Intent.DISAGREE) or (intent is Intent.PICK and pick == 1)
    if not told and (lex.has("not_now", t.msg) or refused and not lex.has("look_now", t.msg)):
        put_off(t, card)
    elif told:
        start(t, card)
    elif intent is Intent.YES or (intent is Intent.PICK and pick == 0) or lex.has("look_now", t.msg):
        start(t, card)
    elif t.next_variant("review_due") is None:
        put_off(t, card)  # asked twice and no clearer: it waits on the board
    else:
        t.ask_again(other_words=True)


def put_off(t: Turn, card: ExperimentCard) -> None:
    """Not now: the card stays running (and due) on the board; the conversation goes on."""
    t.say("say.due_later", title=card.title)
    t.p.review = None
    t.p.step = None
    t.ask("open")


def not_now(t: Turn) -> bool:
    """A short "not now" / "나중에요" (not an account of how it went)."""
    u = t.u
    return (u is None or u.intent is not Intent.REPORT) and substance(t.msg) < 40 and lexicon().has("not_now", t.msg)


def on_outcome(t: Turn) -> None:
    card = _draft_card(t)
    if t.p.review is None or card is None:
        t.p.step = None
        t.ask("open")
        return
    if not_now(t):
        put_off(t, card)
        return
    t.p.review.outcome = t.msg
    # What it says of how it went ("went ok-ish, missed two days"), not its lead-in ("so I did the thing").
    lex = lexicon()
    # The world's answer ("the coffee group really liked it") is told apart from how much they did
    # ("I managed 3 of the 7 days"): the reward is about the first.
    parts = clauses(t.msg)
    world = [c for c in parts if lex.has("world_reaction", c) or lex.has("world_signal", c)]
    told = [c for c in parts if c not in world and (lex.has("outcome", c) or lex.has("not_done", c) or lex.has("because", c))]
    effort = [c for c in told if lex.has("effort_done", c)]
    if world and (effort or told):
        t.reflect("review_outcome_both", done=trim((effort or told)[0], FRAGMENT_CHARS), world=trim(world[0], FRAGMENT_CHARS))
    elif world:
        t.reflect("review_outcome", fragment=trim(", ".join(world[:2]), FRAGMENT_CHARS))
    elif lex.has("not_done", t.msg):
        t.reflect("review_not_done", **({"fragment": trim(", ".join(told[:2]), FRAGMENT_CHARS)} if told else {}))
    elif effort and len(effort) == len(told):
        t.reflect("review_effort_only", fragment=trim(", ".join(effort[:2]), FRAGMENT_CHARS))
    else:
        t.reflect("review_outcome", **({"fragment": trim(", ".join(told[:2]), FRAGMENT_CHARS)} if told else {}))
    t.ask("review_reward")


def on_reward(t: Turn) -> None:
    u = t.u
    reward = parse_reward(t.msg)
    if reward is None and u is not None and u.intent is Intent.PICK and u.pick is not None:
        reward = u.pick - 2
    if reward is None and lexicon().has("self_blame_words", t.msg):
        t.say("say.self_blame")  # "좀 자책돼요 솔직히": kindly, then the same question
        t.ask("review_reward", index=1)
        return
    if reward is None or t.p.review is None:
        t.say("say.reward_range")
        t.ask("review_reward", index=1)
        return
    t.p.review.reward = reward
    t.reflect("review_reward", reward=reward)
    t.ask("review_plus")


def on_plus(t: Turn) -> None:
    assert t.p.review is not None
    plus, minus = split_plus_minus(t.msg)
    t.p.review.plus = plus or t.msg
    if minus:
        t.p.review.minus = minus
        t.reflect("review_plus_minus", plus=fragment(plus or t.msg), minus=fragment(minus))
        t.ask("review_next")
    else:
        t.reflect("review_plus", plus or t.msg)
        t.ask("review_minus")


def on_minus(t: Turn) -> None:
    assert t.p.review is not None
    t.p.review.minus = t.msg
    t.reflect("review_minus")
    t.ask("review_next")


def on_next(t: Turn, next_text: str | None = None) -> None:
    """Save the review with the person's "next" ("I don't know" saves it without one) and propose the next card."""
    draft, card = t.p.review, _draft_card(t)
    if draft is None or card is None:  # the card vanished from the state; start afresh
        from .design_steps import start_design

        start_design(t, new_card=True)
        return
    reward = draft.reward if draft.reward is not None else 0
    card.review = Review(
        outcome=draft.outcome, reward=reward, plus=draft.plus, minus=draft.minus,
        next=t.msg if next_text is None else next_text, date=t.today(),
    )
    card.status = "reviewed"
    t.p.reviews_seen.append(card.id)
    t.say("say.review_saved", title=card.title, reward=reward)
    propose_next(t, card)


def unseen_board_review(t: Turn) -> ExperimentCard | None:
    """A card whose review was recorded on the board and not yet talked about."""
    for card in t.state.experiments:
        if card.review is not None and card.id not in t.p.reviews_seen and (not t.p.legacy or t.state.stage == Stage.REVIEW):
            return card
    return None


def take_up_board_review(t: Turn) -> None:
    card = unseen_board_review(t)
    assert card is not None and card.review is not None
    r = card.review
    t.p.reviews_seen.append(card.id)
    t.p.review = None
    t.say("say.board_review", title=card.title, reward=r.reward)
    if r.plus or r.minus or r.next:
        t.say("say.board_review_words", plus=r.plus or "…", minus=r.minus or "…", next=r.next or "…")
    propose_next(t, card)


def _own_next(text: str) -> str:
    """The person's "next", when it says what to do (not "stop", not "I don't know")."""
    lex = lexicon()
    text = cards.clean(text).rstrip(" .")
    if lex.has("dont_know", text) or lex.has("deliberating", text) or not cards.plausible_action(text):
        return ""  # "I'm tempted by the creek, but I wonder if I should stay with the porch": not decided yet
    return lex.strip("next_lead", text).strip() or text  # "다음엔 퇴근 전에 5분 …" -> "퇴근 전에 5분 …"


def propose_next(t: Turn, done: ExperimentCard) -> None:
    """The next experiment from the evidence: the bandit over the person's record (bot/policy.py) picks
    the strength and says why ("exploit — … paid +1.5 …" / "explore — you haven't tested … yet"). The
    person's own "next", when they gave one, is the next card; the bandit's pick is said beside it."""
    from .design_steps import drop_unused_card

    review = done.review
    assert review is not None
    days = done.duration_days or 7
    own = _own_next(review.next)
    proposal = t.proposal()
    t.say("say.paid" if review.reward > 0 else "say.not_paid")
    if lexicon().has("deliberating", review.next):  # "the porch again, or the creek?": both moves named
        move = "exploit" if proposal is None or proposal.kind == "exploit" else "explore"
        t.say("say.weighing", move=t.text(f"say.move_{move}"))
    same = proposal is None or proposal.strength == t.arm(done)
    if own:
        strength, kind = done.strength, "next"
        t.say("say.own_next", next=trim(own, 80))
        if proposal is not None:
            t.say("say.policy" if same else "say.policy_later", reason=proposal.reason, strength=proposal.strength)
        days = parse_duration(own) or days  # "…, for 7 days": their length, not the last card's
        body = lexicon().strip("i_will", own) if lexicon().has("i_will", own) else own  # "I will" is said once
        body = body[:1].lower() + body[1:] if body[:1].isascii() else body
        action, title = t.text("card.suggestion_next", next=body), ""
    elif proposal is None:
        strength, kind = done.strength, "change"
        t.say("say.change_one")
        action, title = t.text("card.suggestion_change", title=done.title, minus=fragment(review.minus or review.next, 40)), t.text("card.change_title")
    else:
        strength = proposal.strength
        t.say("say.policy", reason=proposal.reason)
        if proposal.kind == "exploit" and same:
            kind, action, title = "exploit", t.text("card.suggestion_exploit", title=done.title, plus=fragment(review.plus, 40)), t.text("card.exploit_title")
            t.say("say.exploit_next")
        elif proposal.kind == "exploit":
            kind, days = "exploit", 7
            action, title = t.text("card.suggestion_exploit_other", strength=cards.strength_phrase(strength)), t.text("card.exploit_title")
            t.say("say.exploit_other", strength=strength)
        elif same:
            kind = "change"
            action, title = t.text("card.suggestion_change", title=done.title, minus=fragment(review.minus or review.next, 40)), t.text("card.change_title")
            t.say("say.explore_same", strength=strength)
        elif not proposal.experiments:
            kind, days = "explore", 7
            action, title = t.text("card.suggestion_explore", strength=cards.strength_phrase(strength)), t.text("card.explore_title")
            t.say("say.explore_next")
        else:
            kind, days = "change", 7
            action, title = t.text("card.suggestion_retry", strength=cards.strength_phrase(strength)), t.text("card.retry_title")
            t.say("say.retry", strength=strength)
    drop_unused_card(t)
    t.p.review = None
    card = t.card()
    card.strength = strength
    t.p.suggestion = Suggestion(action=action, days=days, strength=strength, title=title, kind=kind)  # type: ignore[arg-type]
    t.say("say.proposal", suggestion=cards.action_text(action, days, t.state.language))
    # What the essay says of a review: learn from what your own actions earned (claim 1), not a
    # passage that shares a word with the outcome.
    t.quote_claim(1, f"{review.outcome} {review.next}")
    t.ask("design_pick", key="design_next")
