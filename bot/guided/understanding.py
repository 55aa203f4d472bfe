"""What the person did with a message, worked out before the conversation moves.

Each message is embedded once (the bundled e5 model) and read by its nearest bilingual examples
(bot/text/guided_intents.toml), together with the lexicon's markers and the step being asked:
an answer, a question to the coach, "I don't know", a request for an idea, a pick of an offered
option, a correction, a report of results, distress, another topic, or a meta remark. Without an
embedding function the lexicon alone decides.

    echo 'what does on-policy mean' | .venv/bin/python -m bot.guided.understanding
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from ..words import load
from .intent_examples import Embed, ExampleIndex, index_for
from .lexicon import lexicon, said, sentences, substance
from .progress import Where
from .proposals import plans_in, proposes
from .question_form import asking_sentences, is_question

log = logging.getLogger(__name__)



class Intent(str, Enum):
    ANSWER = "answer"
    QUESTION = "question"
    DONT_KNOW = "dont_know"
    ASK_IDEA = "ask_idea"
    PICK = "pick"
    CORRECT = "correct"
    REPORT = "report"
    DISTRESS = "distress"
    OFF_TOPIC = "off_topic"
    DESIGN = "design"
    META = "meta"
    DISAGREE = "disagree"
    GREETING = "greeting"
    YES = "yes"
    NO = "no"


@dataclass
class Understanding:
    """One message, read: what it does, and what it refers to."""

    text: str
    intent: Intent
    scores: dict[str, float] = field(default_factory=dict)
    topic: str | None = None
    pick: int | None = None
    where: Where | None = None
    vector: list[float] | None = None
    # A question asked beside an answer or a change ("make it 7. also is marco gonna be pissed?"):
    # the asking sentence, and the topic on file it asks about (None: not one we answer).
    aside: str = ""
    aside_topic: str | None = None
    # More questions in the same message ("이거 상담이에요? 제 데이터는 어디 가요? 에세이 쓴 사람 누구예요?"):
    # the topics of the other asking sentences, each read on its own.
    more_topics: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        extra = "".join(f" {k}={v}" for k, v in (("topic", self.topic), ("pick", self.pick), ("where", self.where)) if v is not None)
        return f"{self.intent.value}{extra}"


# -- reading a message -----------------------------------------------------------------------------

# How much an intent's nearest example must beat the nearest ordinary answer (e5's cosines sit
# close together: ~0.8 for unrelated text, so margins are small).
MARGIN = 0.015
# A marker in the lexicon counts as much as this much cosine.
MARKER = 0.04
TOPIC_MIN = 0.86

# Intents said in set phrases ("ok, go on", "hi", "알겠어요"): a way of saying one sits very near an
# example, while a short answer ("요리.", "playing guitar.", "코드 리뷰요") lands on them only loosely
# (0.84-0.90 with E5). Without a lexicon mark, such an intent needs this much similarity.
SET_PHRASE_BAR = {Intent.META: 0.92, Intent.GREETING: 0.92}
_NOT_A_PLAN = {Intent.ASK_IDEA, Intent.DISAGREE, Intent.QUESTION, Intent.OFF_TOPIC, Intent.DONT_KNOW, Intent.META, Intent.NO}


def states_plan(text: str) -> bool:
    """Whether a sentence of the message says what the person will do, in enough words to be an
    action ("I will paint the porch at 4pm on 3 days for 7 days", "what if I painted it at 4pm?")."""
    lex = lexicon()
    return any(lex.has("plan_said", s) and substance(s) >= 15 for s in sentences(plans_in(text)))


_SHORT_ONLY = {Intent.DONT_KNOW, Intent.META, Intent.GREETING, Intent.YES, Intent.NO, Intent.PICK}
_IDEA_FORM = re.compile(r"\b(?:idea|suggest|recommend|pick (?:one|for me)|example)\b|아이디어|제안|추천|골라|예시|뭘 하면", re.I)
_REQUEST_FORM = re.compile(r"\b(?:tell me|give me|show me|translate|can you|could you|please)\b|주세요|해 ?줘|알려", re.I)
_QUESTION_START = re.compile(
    r"(?:^|\b(?:but|so|and|ok|okay|wait|hmm|then|sorry)[,.]?\s+)(?:what|why|how|who|where|when|is|are|can|could|do|does|did|should|will|would)\b",
    re.I,
)
# "초반은 지난 듯" / "초반은 넘었어요": the beginning is behind them, as good as a negation.
_NEGATION_AFTER = re.compile(r"^[^.,!?]{0,6}?(?:아니|않|안 |없|못|지났|지난|넘었|넘긴|벗어났)")
_NEGATION_BEFORE = re.compile(r"(?:\bnot\b|n't\b|\bno longer\b|\bnever\b|\bno\b|\bpast\b|\bbeyond\b|\bout of\b)[^.,!?]{0,25}$", re.I)
_NEGATION_TAIL = re.compile(r"^[^.,!?]{0,12}\b(?:anymore|any more|no more)\b", re.I)


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()).strip(" .!") == " ".join(b.lower().split()).strip(" .!")


# Intents that misread costs most need a clearer lead over an ordinary answer.
# Disagreeing drops the card being designed, and a correction rewrites it: without their words
# (the lexicon's markers) they need a clear lead; "I'd expect regulars to buy it again. signal:
# repeat buyers" was read as a disagreement by a 0.02 lead and the card was lost.
# A report of results takes the conversation to a review: "그냥 과제하다 왔음" ("just came from my
# homework") read as one by its neighbours alone.
MARGINS = {Intent.DISTRESS: 0.04, Intent.REPORT: 0.04, Intent.DISAGREE: 0.05, Intent.CORRECT: 0.03}


def where_by_words(text: str) -> Where | None:
    """Early or past the base from the lexicon, a negation turning one into the other."""
    lex = lexicon()
    votes: set[str] = set()
    for key in ("early", "past"):
        for m in lex.patterns[key].finditer(text):
            before, after = text[: m.start()], text[m.end() :]
            negated = bool(_NEGATION_AFTER.search(after) or _NEGATION_BEFORE.search(before) or _NEGATION_TAIL.search(after))
            votes.add({("early", False): "early", ("early", True): "past", ("past", False): "past", ("past", True): "early"}[(key, negated)])
    return votes.pop() if len(votes) == 1 else None


class Understander:
    """Reads messages; `embed` is the query embedding (e.g. `E5Embeddings().embed_query`) or None."""

    def __init__(self, embed: Embed | None = None) -> None:
        self.embed = embed

    def index(self) -> ExampleIndex | None:
        return index_for(self.embed) if self.embed is not None else None

    def vector(self, text: str) -> list[float] | None:
        if self.embed is None:
            return None
        try:
            return list(self.embed(text))
        except Exception:  # an embedding failure must not stop the conversation: words alone then
            log.warning("embedding a message failed", exc_info=True)
            return None

    def read(self, text: str, *, step: str | None = None, offered: Sequence[str] = (), numeric: bool = False) -> Understanding:
        """What `text` does, given the step being asked, the options offered and whether a number answers it."""
        lex = lexicon()
        vector = self.vector(text)
        index = self.index() if vector is not None else None
        scores = index.nearest(vector) if index is not None else {}
        intents = {i.value: scores.get(i.value, 0.0) for i in Intent}
        short = substance(text) < 30
        question = is_question(text)
        if question and step is not None and step.startswith(("design", "card_")):
            asked = asking_sentences(text)
            if asked and all(proposes(s) for s in asked):
                question = False  # their own plan, put as a question: an answer to "what will you do?"

        markers = {
            Intent.QUESTION: question,
            # "서류일. 세금 이런거 진짜 싫음. 너무 많이 쓰는건.. 모르겠네": not knowing one part is not the answer.
            Intent.DONT_KNOW: lex.has("dont_know", text) and (len(text) <= 40 or short)
            and substance(" ".join(s for s in said(text) if not lex.has("dont_know", s))) < 8,
            Intent.ASK_IDEA: lex.has("ask_suggestion", text) and not lex.has("i_will", text),
            Intent.REPORT: lex.has("returning", text) or lex.has("report", text),
            Intent.DESIGN: lex.has("design_intent", text),
            Intent.OFF_TOPIC: lex.has("off_topic", text) and len(text) <= 200,
            Intent.GREETING: lex.has("greeting", text) and substance(text) < 25,
            Intent.YES: short and lex.has("affirmative", text),
            Intent.NO: short and lex.has("negative", text),
            Intent.CORRECT: lex.has("correction", text),
            Intent.DISTRESS: lex.has("distress", text),
            Intent.META: lex.has("meta", text) and short,
            Intent.DISAGREE: lex.has("disagree", text),
        }
        for intent, marked in markers.items():
            if marked:
                intents[intent.value] += MARKER if scores else 1.0

        # Some intents need their form, not only a near example: a question is asked as one, an
        # idea is asked for, another topic comes as a question or a request ("엑셀." is an answer).
        form = {
            Intent.QUESTION: question or bool(_QUESTION_START.search(text) and substance(text) < 80),
            Intent.ASK_IDEA: markers[Intent.ASK_IDEA] or bool(_IDEA_FORM.search(text)),
            # "Their croissant recipe got me customers" is an answer; "a pasta recipe?" is another topic.
            Intent.OFF_TOPIC: question or bool(_REQUEST_FORM.search(text)) or (markers[Intent.OFF_TOPIC] and substance(text) < 30),
            Intent.DESIGN: markers[Intent.DESIGN],
        }
        for intent, present in form.items():
            if not present:
                intents[intent.value] = -1.0
        for intent, bar in SET_PHRASE_BAR.items():
            if scores and not markers[intent] and scores.get(intent.value, 0.0) < bar:
                intents[intent.value] = -1.0
        pick = self._pick(text, offered)
        exact = pick is not None and _same(text, offered[pick])
        if pick is not None and not numeric:
            intents[Intent.PICK.value] += 2 * MARKER if scores else 1.0
        # Where a number answers the question ("8", "7/10", "2 weeks"), it is an answer.
        # ... however unsure the words after it: "6..? 솔직히 불안해서 잘 모르겠어요" answers with 6.
        if numeric and (re.search(r"\d|[일이삼사오육칠팔구십]점", text) and substance(text) < 25 or re.match(r"\s*\d{1,2}\b", text)):
            intents[Intent.ANSWER.value] += 1.0

        intent = Intent.PICK if exact and not numeric else self._decide(intents, bool(scores), markers)
        if form[Intent.QUESTION] and intent in (Intent.YES, Intent.NO, Intent.META, Intent.GREETING) and substance(text) > 8:
            intent = Intent.QUESTION  # "ok but what even is a base": the "ok" is not the point
        if intent in _SHORT_ONLY and substance(text) > 40 and not markers.get(intent):
            intent = Intent.ANSWER  # a long message is not just "I don't know", "ok" or "the first one"
        if step is not None and step.startswith(("design", "card_")) and intent in _NOT_A_PLAN and states_plan(text):
            intent = Intent.ANSWER  # "That's the same idea as last time. … I will paint the porch at 4pm for 7 days.": their plan
        understanding = Understanding(text=text, intent=intent, scores=intents, vector=vector)
        if intent is Intent.PICK:
            understanding.pick = pick
        if intent is Intent.QUESTION:
            understanding.topic = self._topic(text, scores)
            asked = asking_sentences(text)
            if len(asked) >= 2 and index is not None:
                # Several questions at once: each asking sentence read on its own (an embedding each, up to three).
                topics: list[str] = []
                for sentence in asked[:3]:
                    alone = self.vector(sentence)
                    found = self._topic(sentence, index.nearest(alone) if alone is not None else {})
                    if found is not None and found not in topics:
                        topics.append(found)
                if topics:
                    understanding.topic, understanding.more_topics = topics[0], topics[1:]
        elif question and intent not in (Intent.PICK, Intent.DONT_KNOW):
            asked = asking_sentences(text)
            if asked:
                understanding.aside = " ".join(asked)
                # The asking sentence read on its own: a second embedding, only for a message that
                # mixes a question with an answer or a change.
                alone = self.vector(understanding.aside) if understanding.aside != text.strip() else vector
                nearest = index.nearest(alone) if index is not None and alone is not None else {}
                understanding.aside_topic = self._topic(understanding.aside, nearest)
        understanding.where = where_by_words(text) or self._where(scores)
        return understanding

    @staticmethod
    def _decide(intents: dict[str, float], embedded: bool, markers: dict[Intent, bool]) -> Intent:
        best = max(intents, key=lambda k: intents[k])
        if not embedded:
            return Intent(best) if intents[best] >= 1.0 else Intent.ANSWER
        if best == Intent.ANSWER.value or intents[best] - intents[Intent.ANSWER.value] < MARGINS.get(Intent(best), MARGIN):
            # An explicit marker still wins over a near tie with an answer.
            marked = [i for i, m in markers.items() if m and intents[i.value] >= intents[Intent.ANSWER.value] - MARGIN]
            if best != Intent.ANSWER.value and Intent(best) in marked:
                return Intent(best)
            # "so what am I supposed to do here": an unmarked near-tie above the answer gives way to a
            # marked intent as close to it (the question form said it; the nearest example did not).
            close = [i for i in marked if i is not Intent.ANSWER and intents[i.value] >= intents[best] - MARGIN]
            if best != Intent.ANSWER.value and close:
                return max(close, key=lambda i: intents[i.value])
            return Intent.ANSWER
        return Intent(best)

    @staticmethod
    def _pick(text: str, offered: Sequence[str]) -> int | None:
        """The index of the offered option the text points to ("the first one", "두 번째요", "2", its words)."""
        if not offered:
            return None
        lex = lexicon()
        for i, option in enumerate(offered):
            if _same(text, option):
                return i
        bare = re.fullmatch(r"\s*\(?(\d)[.)]?\s*(?:번|번이요|번요)?\s*[.!]?\s*", text)
        if bare and 1 <= int(bare.group(1)) <= len(offered):
            return int(bare.group(1)) - 1
        if substance(text) > 60:
            return None
        for pattern, i in lex.ordinals:
            if pattern.search(text) and -len(offered) <= i < len(offered):
                return i % len(offered)
        return None

    def _topic(self, text: str, scores: dict[str, float]) -> str | None:
        topics = {k.split(":", 1)[1]: v for k, v in scores.items() if k.startswith("topic:")}
        lex = lexicon()
        for name in load("guided_answers"):
            key = f"topic_{name}"
            if key in lex.patterns and lex.has(key, text):
                topics[name] = topics.get(name, 0.0) + (MARKER if scores else 1.0)
        if not topics:
            return None
        best = max(topics, key=lambda k: topics[k])
        floor = TOPIC_MIN if scores else 1.0
        return best if topics[best] >= floor else None

    @staticmethod
    def _where(scores: dict[str, float]) -> Where | None:
        where = {k.split(":", 1)[1]: v for k, v in scores.items() if k.startswith("where:")}
        if not where:
            return None
        ranked = sorted(where, key=lambda k: -where[k])
        best, second = ranked[0], where[ranked[1]] if len(ranked) > 1 else 0.0
        # Only a clear nearest example decides; otherwise the words (or "not sure") do.
        return best if where[best] >= 0.9 and where[best] - second >= 0.02 else None  # type: ignore[return-value]


if __name__ == "__main__":
    import sys

    from knowledge.embeddings import E5Embeddings

    u = Understander(E5Embeddings().embed_query)
    for line in sys.stdin:
        print(u.read(line.strip()), "|", line.strip())
