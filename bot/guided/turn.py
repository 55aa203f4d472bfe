"""One reply of the guided coach: understand the message, then answer, record or move the flow."""

from __future__ import annotations

import re
from datetime import date, timedelta, timezone
from typing import TYPE_CHECKING, Any

from knowledge.passages import Passage

from ..language import detect_language
from ..models import ChatMessage, ExperimentCard, SessionState, Strength
from ..words import fill
from . import asked, design_steps, flow, quotes, review, strength_steps
from .lexicon import first_clause, fragment, lexicon, own_words, stable_index, substance, words
from .parsing import drop_questions, parse_duration, said_score
from .progress import Progress
from .understanding import Intent, Understanding, states_plan

if TYPE_CHECKING:
    from ..policy import Proposal
    from .coach import GuidedCoach

RETURN_AFTER = timedelta(hours=12)
HANGUL_ANY = re.compile(r"[\uac00-\ud7a3\u3130-\u318f]")
YES_NO_STEPS = ("confirm", "design_pick", "design_concrete", "running", "card_shrink", "review_due")
# What a person does that goes its own way even when a due review is being offered.
OWN_WAY = (Intent.REPORT, Intent.QUESTION, Intent.DESIGN, Intent.ASK_IDEA, Intent.DISTRESS, Intent.CORRECT)
# Steps whose answer is stored or reflected in the person's words: what a message says about the
# conversation itself is taken out first (answer_with).
OWN_WORDS_STEPS = frozenset({
    "open", "imitation_playbook", "imitation_given", "imitation_capped", "strengths_clue", "strengths_drain", "design_strength",
    "design_options", "card_hypothesis", "card_reward_signal", "card_smallest", "card_obstacle", "card_obstacle_then",
    "review_outcome", "review_plus", "review_minus",
})
LONG_ANSWER = 100  # substance (letters, Hangul weighted) past which a message is an answer too
CLUES = ("enjoy", "fast", "come_to_you", "tried", "free_week")


class Turn:
    """Builds one reply: parts of text in order, quick replies, passages quoted, the state's updates."""

    def __init__(self, coach: GuidedCoach, state: SessionState, message: str, history: list[ChatMessage],
                 opener: str | None = None) -> None:
        self.coach = coach
        self.opener = opener
        self.state = state
        self.msg = (message or "").strip()
        self.history = history
        self.p: Progress = state.guided
        self.parts: list[str] = []
        self.sources: list[Passage] = []
        self.options: list[str] = []
        self.u: Understanding | None = None
        self.acknowledged = False  # the distress in the message was acknowledged before this reply
        self.answered = False  # a question to the coach was answered in this reply

    # -- words --------------------------------------------------------------------------------

    @property
    def words(self) -> dict[str, Any]:
        return words(self.state.language)

    def pick(self, options: str | list[str], key: str) -> str:
        """One of several wordings: rotating from a start fixed by the session, so none repeats twice running."""
        if isinstance(options, str):
            return options
        count = self.p.used.get(key, 0)
        self.p.used[key] = count + 1
        return options[(stable_index(self.state.session_id, key, n=len(options)) + count) % len(options)]

    def text(self, path: str, **values: Any) -> str:
        node: Any = self.words
        for part in path.split("."):
            node = node[part]
        return fill(self.pick(node, path), **values)

    def say(self, path: str, **values: Any) -> None:
        self.parts.append(self.text(path, **values))

    def reflect(self, key: str, source: str | None = None, **values: Any) -> None:
        values.setdefault("fragment", fragment(source if source is not None else self.msg))
        self.say(f"reflect.{key}", **values)

    def choices(self, name: str) -> list[str]:
        return list(self.words["options"][name])

    def choice(self, name: str) -> str:
        return self.words["options"][name]

    def today(self) -> date:
        return self.coach.clock().date()

    # -- questions ----------------------------------------------------------------------------

    def variants(self, step: str) -> list[str]:
        if step == "strengths_clue":
            return [self.words["clues"][k] for k in CLUES]
        return self.words["ask"][step]

    def next_variant(self, step: str) -> int | None:
        asked = self.p.asked.get(step, [])
        return next((i for i in range(len(self.variants(step))) if i not in asked), None)

    def question(self, step: str, index: int, key: str | None, values: dict[str, Any]) -> str:
        wordings = self.words["ask"][key] if key else self.variants(step)
        return fill(wordings[min(index, len(wordings) - 1)], **values)

    def ask(self, step: str, index: int | None = None, key: str | None = None, **values: Any) -> None:
        """Ask `step`'s question (a fresh wording unless `index` is given); its answer comes next."""
        if index is None:
            index = self.next_variant(step)
            index = len(self.variants(step)) - 1 if index is None else index
        asked = self.p.asked.setdefault(step, [])
        if index not in asked:
            asked.append(index)
        self.p.step, self.p.variant, self.p.key = step, index, key
        self.p.values = {k: str(v) for k, v in values.items()}
        row = flow.step(step)
        if row is not None:
            self.state.stage = row.stage
        self.parts.append(self.question(step, index, key, values))
        self.options = row.options(self) if row is not None and row.options else []
        self.p.offered = list(self.options)

    def row(self, step: str | None = None) -> flow.Step | None:
        """The flow's row for `step` (the pending one when not given)."""
        return flow.step(self.p.step if step is None else step)

    def next_card_row(self) -> flow.Step:
        """The first card question whose field is still empty (the confidence comes last)."""
        return flow.next_card_step(self)

    def ask_again(self, other_words: bool = False, back: bool = False) -> None:
        """The pending question again: in other words when asked to, or briefly "where we were"."""
        step = self.p.step or "open"
        if self.p.step is None:
            self.ask("open")
            return
        if other_words and self.next_variant(step) is not None and not self.p.key:
            self.ask(step, **self.p.values)
            return
        text = self.question(step, self.p.variant, self.p.key, self.p.values)
        self.ask(step, index=self.p.variant, key=self.p.key, **self.p.values)
        if back:
            self.parts[-1] = self.text("say.back", question=text)

    # -- passages -----------------------------------------------------------------------------

    def quote(self, query: str | None = None, passage: Passage | None = None) -> Passage | None:
        """Quote a passage that fits (not quoted before in this session), or the one given."""
        if passage is None:
            vector = self.u.vector if self.u is not None and query is None else None
            passage = quotes.find(
                self.coach.passages_for, query or self.msg, self.history, skip=self.p.quoted,
                session_id=self.state.session_id, vector=vector,
            )
        if passage is None:
            return None
        w = self.words
        self.parts.append(quotes.render(passage, query or self.msg, self.state.language, self.text("quote_intro"),
                                        w["rendering_label"], w["original_label"]))
        self.sources.append(passage)
        if passage.id not in self.p.quoted:
            self.p.quoted.append(passage.id)
        self.p.design_quoted.append(passage.id)
        return passage

    def quote_claim(self, number: int, query: str) -> Passage | None:
        """Quote a passage behind COACHING.md's claim `number` not quoted yet in this session (a review
        is claim 1: learning from what your own actions earned); `query` picks its lines."""
        from ..claims import claim

        for pid in claim(number).passages:
            passage = quotes.essay_passage(pid)
            if passage is not None and pid not in self.p.quoted:
                return self.quote(query, passage=passage)
        return None

    # -- the record ---------------------------------------------------------------------------

    def running_card(self) -> ExperimentCard | None:
        return next((c for c in reversed(self.state.experiments) if c.status == "running"), None)

    def card(self) -> ExperimentCard:
        """The card being designed; a new one when there is none."""
        card = self.state.experiment(self.p.card or "")
        if card is None or card.status != "proposed":
            card = ExperimentCard()
            self.state.experiments.append(card)
            self.p.asked = {k: v for k, v in self.p.asked.items() if not k.startswith(("design_", "card_"))}
            self.p.card, self.p.options, self.p.suggestion = card.id, [], None
            self.p.challenged = self.p.pushback = False
            self.p.design_quoted, self.p.obstacle, self.p.lead = [], "", ""
        return card

    def designing(self) -> ExperimentCard | None:
        card = self.state.experiment(self.p.card or "")
        return card if card is not None and card.status == "proposed" else None

    @property
    def opening(self) -> bool:
        """The conversation's first message."""
        return not self.history

    def day(self, day: date | None) -> str:
        from ..policy import shown_day

        return shown_day(day, self.state.language) if day is not None else "…"

    def due_card(self) -> ExperimentCard | None:
        """The running card whose review day has come (the oldest), if any."""
        due = [c for c in self.state.experiments if c.status == "running" and c.review_on is not None and c.review_on <= self.today()]
        return min(due, key=lambda c: c.review_on) if due else None  # type: ignore[arg-type, return-value]

    def proposal(self) -> Proposal | None:
        """The bandit's next strength over the person's record, with its reason in their language."""
        from ..policy import propose

        return propose(self.coach.record(self.state), self.coach.seed, self.state.language)

    def arm(self, card: ExperimentCard) -> str:
        """The person's strength a card builds on, as the bandit names it."""
        from ..person_models import NotebookCard
        from ..policy import arm_of

        return arm_of(NotebookCard(card=card), [s.name for s in self.own_strengths()])

    def has_evidence(self) -> bool:
        """Whether any of the person's experiments has been reviewed (the bandit has rewards to go on)."""
        return any(c.card.status == "reviewed" for c in self.coach.record(self.state).cards)

    def own_strengths(self) -> list[Strength]:
        return [s for s in self.state.strengths if s.kind == "strength"]

    def capture(self, kind: str, text: str | None = None) -> Strength:
        text = text if text is not None else self.msg
        same = next((s for s in self.state.strengths if s.kind == kind and s.evidence == text), None)
        if same is not None:  # said again ("I already told you"): one strength, not two
            return same
        strength = Strength(name=first_clause(text), evidence=text, kind=kind)  # type: ignore[arg-type]
        self.state.strengths.append(strength)
        return strength

    def show_card(self, intro: str = "say.card_intro") -> None:
        card = self.designing() or self.running_card() or self.card()
        values = {name: getattr(card, name) or "…" for name in (
            "title", "strength", "action", "hypothesis", "reward_signal", "daily_check", "smallest_version",
            "obstacle_plan", "review_on",
        )}
        self.parts.append(self.text(intro) + "\n" + self.text("card.summary", **values))

    # -- the turn -----------------------------------------------------------------------------

    def away_long(self) -> bool:
        if not self.history:
            return False
        last = self.history[-1].created_at
        last = last.replace(tzinfo=timezone.utc) if last.tzinfo is None else last
        return self.coach.clock() - last > RETURN_AFTER

    def run(self) -> Turn:
        state, p = self.state, self.p
        # A first message decides the language on any Hangul ("ㅎㅇ" is too short for the detector).
        first = p.step is None and not self.history and HANGUL_ANY.search(self.msg)
        state.language = detect_language(self.msg, default="ko" if first else state.language)
        if not state.offline_notice_shown:
            self.say("notice")
            state.offline_notice_shown = True
        row = flow.step(p.step)
        if p.step is not None and row is None:  # a step this version no longer knows: start afresh
            p.step = None
        if p.step is not None and lexicon().has("already_said", self.msg):
            self.already_said()
        u = self.u = self.coach.understander.read(self.msg, step=p.step, offered=p.offered, numeric=bool(row and row.numeric))
        if u.intent is Intent.PICK and u.pick is not None and u.pick < len(p.offered) and p.offered[u.pick] == self.choice("idea"):
            u.intent = Intent.ASK_IDEA  # the quick reply that asks for the coach's idea
        self.route(u, row)
        asked.answer_aside(self, u)
        if self.opener and not (self.p.step or "").startswith("review"):
            self.parts.insert(0, self.opener)  # the due card, said first even when the message went elsewhere
        return self

    def route(self, u: Understanding, row: flow.Step | None) -> None:
        p, step = self.p, self.p.step
        in_review = (step or "").startswith("review") and step != "review_due"
        due = self.due_card() if (self.opening and step is None) or step == "review_due" else None
        if review.unseen_board_review(self) is not None:
            review.take_up_board_review(self)
        elif due is not None and u.intent is Intent.QUESTION and substance(self.msg) < LONG_ANSWER:
            asked.answer_question(self, u, back=False)
            review.offer_due(self, due, after_answer=True)  # then briefly: shall we look at it?
        elif step is None and self.opening and due is None and self.running_card() is not None and review.opens_as_return(self):
            review.start(self, told=review.opens_with_outcome(self) or review.tells_outcome(self))  # "저 왔어요. 하나도 못 했어요": a new session, the card's review
        elif due is not None and step is None and review.opens_with_outcome(self):
            review.start(self, due, told=True)  # straight away how it went: the review's first answer
        elif due is not None and step is None and u.intent not in OWN_WAY and substance(self.msg) < LONG_ANSWER:
            review.offer_due(self, due)  # a new conversation with a card whose review day has come
        elif step == "review_due" and u.intent not in OWN_WAY:
            review.on_due(self)
        elif not in_review and self.running_card() is not None and (
            u.intent is Intent.REPORT or self.away_long() or (step == "running" and u.intent is Intent.PICK and u.pick == 0)
        ):
            review.start(self)
        elif u.intent is Intent.REPORT and step in (None, "open") and self.running_card() is None:
            self.say("say.no_experiment")
            self.ask("strengths_clue", index=CLUES.index("tried"))
        elif (step or "").startswith("strengths") and u.intent is Intent.ANSWER and states_plan(self.msg) \
                and parse_duration(self.msg) is not None and self.own_strengths():
            # "7일 동안 방송 하이라이트 숏츠 매일 하나 올릴게" asked what drains them: a plan, early; it is the card's action
            design_steps.start_design(self)
            self.parts.pop()
            self.p.step = "design_options"
            design_steps.on_design_options(self)
        elif (step or "").startswith(("strengths", "design_strength", "design_options", "design_pick")) \
                and not (self.designing() and self.designing().action) and strength_steps.take_back(self):
            pass  # "그런 뜻이 아니에요": what was just noted is taken back, the question asked again
        elif step is not None and not step.startswith("design") and step in self.words["example"] \
                and lexicon().has("wants_example", self.msg) and not self.topic_named(u):
            self.parts.append(self.words["example"][step])  # "can you give me an example of what you mean"
            self.ask_again()
        elif step == "review_next" and (u.intent is Intent.ASK_IDEA or (u.intent is Intent.QUESTION and lexicon().has("ask_suggestion", self.msg))):
            # "What would you suggest? I'm tempted by the creek, but …": the review is saved, then the next idea
            own = drop_questions(self.msg)
            self.answered = True  # the question was the ask for an idea; the proposal answers it
            review.on_next(self, next_text="" if own == self.msg else own)
        elif (step or "").startswith("design") and lexicon().has("another_idea", self.msg) and substance(self.msg) < 40:
            design_steps.give_idea(self)  # "ugh. fine, something else" / "다른 거 없어요?": the next idea
        elif u.intent is Intent.QUESTION and substance(self.msg) >= LONG_ANSWER and (row is not None or step is None):
            # A long answer that ends with a question ("…, maybe that's normal?"): answer what we
            # know how to, then take the rest as the answer it also is.
            if u.topic:
                asked.answer_question(self, u, back=False)
            self.answer_with(row)
        elif u.intent is Intent.QUESTION:
            asked.answer_question(self, u)
        elif u.intent is Intent.ASK_IDEA:
            design_steps.give_idea(self)
        elif u.intent is Intent.DISTRESS and not (step or "").startswith("strengths") and not self.acknowledged:
            # (at the strengths questions, tiredness is an answer; acknowledged already, it is not said twice)
            self.say("say.distress")
            self.ask_again(back=step is not None)
        elif u.intent is Intent.OFF_TOPIC:
            self.say("say.steer")
            self.ask_again(back=True)
        elif (step or "").startswith(("design_pick", "design_concrete", "card_")) and step != "card_confidence" \
                and design_steps.rejects(self.msg):
            design_steps.rejected(self)  # "that's not an idea, that's a mad lib. no.": never the card's action
        elif u.intent is Intent.CORRECT and (self.designing() or self.running_card()) and step != "card_shrink":
            design_steps.correct_card(self)
        elif u.intent is Intent.DESIGN and (step == "review_due" or not (step or "").startswith(("design", "card", "review"))):
            design_steps.start_design(self, new_card=True)
        elif step is not None and self.points_at_nothing(u):
            self.say("say.nothing_to_pick")  # "the second one" / "첫 번째로 할게요" with no list to point into
            self.ask_again()
        elif step == "confirm" and row is not None:
            row.handle(self)  # yes, no, or a new answer in place of the one it checks
        elif step is not None and substance(self.msg) == 0 and not p.offered and not (row and row.numeric):
            self.ask_again(other_words=True)  # "3", "…" or an emoji answers no open question
        elif step is None:
            if u.intent in (Intent.GREETING, Intent.META, Intent.YES, Intent.NO) or len(self.msg) < 6:
                self.ask("open")
            else:
                strength_steps.on_open(self)
        elif u.intent is Intent.META:
            self.ask_again(back=True)
        elif u.intent in (Intent.YES, Intent.NO) and step not in YES_NO_STEPS:
            self.ask_again(other_words=True)  # "ㅇㅇ" to an open question answers nothing yet
        # "모르겠음 초반인듯?" at the early-or-past question: the hedged answer is still the answer.
        elif u.intent is Intent.DONT_KNOW and not (step == "imitation_capped" and (u.pick is not None or u.where is not None)):
            design_steps.dont_know(self, row)
        elif u.intent is Intent.DISAGREE and (step.startswith(("design", "card")) and p.suggestion is not None):
            design_steps.disagree(self)
        else:
            self.answer_with(row)

    def answer_with(self, row: flow.Step | None) -> None:
        """The message as the answer to the step's question, without what it says about the
        conversation itself ("You didn't answer my question about Mr. Wei, but never mind. What drains
        me is …"): that is never stored. When that is all it says, it is heard and the question asked again."""
        if self.p.step in OWN_WORDS_STEPS:
            own = own_words(self.msg)
            if not own.strip():
                self.say("say.talk_heard")
                self.ask_again(back=True)
                return
            self.msg = own
        (row.handle if row is not None else strength_steps.on_open)(self)

    def topic_named(self, u: Understanding) -> bool:
        """Whether the message names the topic it was read as asking about ("what do you mean by on-policy")."""
        key = f"topic_{u.topic}"
        return u.topic is not None and key in lexicon().patterns and lexicon().has(key, self.msg)

    def already_said(self) -> None:
        """"아까 말했잖아요 ㅠ 행정법 판례요", "priya's playbook, for the 3rd time", "already told you": the
        complaint is not part of the answer. What is left is; with nothing left, what they said before is."""
        rest = lexicon().strip("already_said", self.msg).strip(" .,!?~;ㅠㅜ")
        if substance(rest) >= 4 or (rest and said_score(rest)[0] is not None):  # "as I said, 7": the 7
            self.msg = rest
            return
        earlier = next((m.content for m in reversed(self.history) if m.role == "user" and m.content.strip()), "")
        if earlier and not lexicon().has("already_said", earlier):
            self.say("say.already_said")
            self.msg = earlier

    def points_at_nothing(self, u: Understanding) -> bool:
        """A pick by position ("the second one sounds good", "첫 번째로 할게요") when nothing numbered
        was offered: no options of the person's, no idea of the coach's, no quick replies but
        "give me an idea". It had become the card's action ("I will the second one sounds good")."""
        p = self.p
        listed = [o for o in p.offered if o != self.choice("idea")]
        if u.intent not in (Intent.PICK, Intent.ANSWER) or u.pick is not None or listed or p.options or p.suggestion:
            return False
        return lexicon().has("points_at", self.msg) and substance(self.msg) < 45

