"""What the person did with a message, worked out before the conversation moves.

Each message is embedded once (the bundled e5 model) and read by its nearest bilingual examples
(bot/text/guided_intents.toml), together with the lexicon's markers and the step being asked:
an answer, a question to the coach, "I don't know", a request for an idea, a pick of an offered
option, a correction, a report of results, distress, another topic, or a meta remark. Without an
embedding function the lexicon alone decides.

    .venv/bin/python -m bot.guided.understanding --write   # rebuild bot/text/guided_intents.npz
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from importlib import resources
from typing import Any

from ..words import load
from ..korean import syllable_parts
from .lexicon import lexicon, said, substance
from .progress import Where

log = logging.getLogger(__name__)

Embed = Callable[[str], Sequence[float]]
VECTORS_FILE = "guided_intents.npz"


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

    def __str__(self) -> str:
        extra = "".join(f" {k}={v}" for k, v in (("topic", self.topic), ("pick", self.pick), ("where", self.where)) if v is not None)
        return f"{self.intent.value}{extra}"


# -- the examples and their vectors ----------------------------------------------------------------


def examples() -> list[tuple[str, str]]:
    """(label, text) of every example: intents, early/past, and the answers' topics."""
    intents = load("guided_intents")
    rows = [(label, text) for label, texts in intents["intents"].items() for text in texts]
    rows += [(f"where:{label}", text) for label, texts in intents["where"].items() for text in texts]
    rows += [(f"topic:{name}", text) for name, topic in load("guided_answers").items() for text in topic["examples"]]
    return rows


def examples_digest(rows: list[tuple[str, str]] | None = None) -> str:
    rows = examples() if rows is None else rows
    return hashlib.sha256("\n".join(f"{label}\t{text}" for label, text in rows).encode("utf-8")).hexdigest()[:16]


class ExampleIndex:
    """Unit vectors of the examples; `nearest(v)` is each label's best cosine with `v`."""

    def __init__(self, labels: list[str], vectors: Any) -> None:
        import numpy as np

        self.labels = labels
        matrix = np.asarray(vectors, dtype=np.float32)
        self.matrix = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
        self.groups: dict[str, Any] = {}
        for i, label in enumerate(labels):
            self.groups.setdefault(label, []).append(i)
        self.groups = {k: np.asarray(v) for k, v in self.groups.items()}

    def nearest(self, vector: Sequence[float]) -> dict[str, float]:
        import numpy as np

        v = np.asarray(vector, dtype=np.float32)
        v = v / max(float(np.linalg.norm(v)), 1e-9)
        sims = self.matrix @ v
        return {label: float(sims[idx].max()) for label, idx in self.groups.items()}


_indexes: dict[Any, ExampleIndex] = {}
_index_lock = threading.Lock()


def _embed_key(embed: Embed) -> Any:
    owner = getattr(embed, "__self__", None)
    return (id(owner), getattr(embed, "__func__", None)) if owner is not None else embed


def _model_id(embed: Embed) -> str | None:
    """The embedding model's id, from the function or the object it is a method of (E5Embeddings.model_id)."""
    return getattr(embed, "model_id", None) or getattr(getattr(embed, "__self__", None), "model_id", None)


def _shipped(model_id: str | None, rows: list[tuple[str, str]]) -> Any | None:
    """The shipped vectors, when they were made by this model from these very examples."""
    if model_id is None:
        return None
    try:
        import numpy as np

        with resources.files("bot").joinpath("text", VECTORS_FILE).open("rb") as f:
            data = np.load(f)
            if str(data["digest"]) != examples_digest(rows) or str(data["model"]) != model_id:
                log.warning("%s is stale; embedding the examples at run time", VECTORS_FILE)
                return None
            return data["vectors"].astype("float32")
    except (OSError, KeyError, ValueError):
        return None


def index_for(embed: Embed) -> ExampleIndex:
    """The examples' index for this embedding function, computed once per process."""
    key = _embed_key(embed)
    with _index_lock:
        if key not in _indexes:
            rows = examples()
            vectors = _shipped(_model_id(embed), rows)
            if vectors is None:
                vectors = [list(embed(text)) for _, text in rows]
            _indexes[key] = ExampleIndex([label for label, _ in rows], vectors)
        return _indexes[key]


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
_SHORT_ONLY = {Intent.DONT_KNOW, Intent.META, Intent.GREETING, Intent.YES, Intent.NO, Intent.PICK}
_IDEA_FORM = re.compile(r"\b(?:idea|suggest|recommend|pick (?:one|for me)|example)\b|아이디어|제안|추천|골라|예시|뭘 하면", re.I)
_REQUEST_FORM = re.compile(r"\b(?:tell me|give me|show me|translate|can you|could you|please)\b|주세요|해 ?줘|알려", re.I)
_QUESTION_END = re.compile(r"\?\s*$|[까가나요죠]\?|(?:뭐예요|뭔가요|뭐죠|인가요|나요|을까요|ㄹ까요|는지요|건가요|무슨 뜻)\s*[.?]?\s*$")
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


# A sentence inside a longer message that asks ("honestly what even is on-policy? sounds like
# corporate speak"): it ends in "?" and, past a filler or two, opens with a question word.
_ASKED = re.compile(r"[^.!?\n]*\?")
_FILLER = re.compile(r"^(?:honestly|seriously|um+|uh+|so|ok(?:ay)?|wait|but|and|like|hmm+|sorry|also|then|well|just|anyway|btw|lol)\b[,.]?\s*", re.I)
_OPENS_AS_QUESTION = re.compile(
    r"^(?:what|why|how|who|where|when|which|whose|is|are|am|was|were|can|could|do|does|did|should|will|would|isn'?t|aren'?t|don'?t|doesn'?t)\b", re.I
)


# Typed without a "?": "is this another chatgpt wrapper", "who's jason wei anyway". An auxiliary
# before a pronoun or an article, or a question word before a verb, opens a question.
_ASKS_BARE = re.compile(
    r"^(?:(?:is|are|can|could|do|does|did|will|would|should|was|were)\s+(?:this|it|that|you|there|the|a|an|i|we|my|your|he|she|they)\b"
    r"|(?:who|what|why|how|where|when)(?:'?s|\s+is|\s+are|\s+do|\s+does|\s+did|\s+can|\s+should|\s+would)\b)",
    re.I,
)


# Korean endings that ask the coach something ("뭐예요?", "해야 돼요?", "할까요?"), not the "?" of a
# guess said aloud ("칼질?", "초반인듯?", "6..?").
_KO_ASKS = re.compile(r"(?:[까나죠니냐]|(?<!거)요)\s*\?")
# Medial vowels a polite verb ending puts before 요 ("걸려요?", "돼요?", "해요?", "뭐예요?"); a noun
# before 요 ("발표요?", "칼질이요?", "엑셀요?") is a guess said back, not a question.
_VERB_VOWELS = {0, 1, 4, 5, 6, 7, 9, 10, 11, 14}  # ㅏ ㅐ ㅓ ㅔ ㅕ ㅖ ㅘ ㅙ ㅚ ㅝ


def _ko_asks(sentence: str) -> bool:
    for m in _KO_ASKS.finditer(sentence):
        if sentence[m.start()] != "요":
            return True
        parts = syllable_parts(sentence[m.start() - 1]) if m.start() else None
        if parts is not None and parts[2] == 0 and parts[1] in _VERB_VOWELS:
            return True
    return False
_WH = re.compile(r"\b(?:what|why|how|who|where|when|which)\b|왜|어떻게|언제|어디|누가|누구|무슨|몇|얼마|뭔|뭘|뭐(?:가|를|예요|야|지|죠|에요)", re.I)
# A guess said with a "?" ("모르겠음 초반인듯?", "early I guess?", "maybe a 6?"): an answer, hedged.
_HEDGE = re.compile(r"인\s?듯|같은데|같기도|아마|(?:정도|쯤|가량)\s*\?|\bor so\b|ish\?|\bi guess\b|\bmaybe\b|\bprobably\b|\bi think\b|\bkinda\b|\bsort of\b", re.I)
# A plan of the person's own, put as a question while an experiment is being designed ("필사 대신
# 판례 설명해 볼까요? 2주 동안?", "what if I post one sketch a day?"): it answers "what will you do?".
_PROPOSES = re.compile(r"볼까요|할까요|하면 어때요|하면 어떨까요|(?:는|은) 건 어때요|(?:는|은) 거 어때요|\bhow about (?:i|me)\b|\bwhat if i\b|\bshould i (?:try|do|just)\b|\bcould i (?:try|do|just)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+|(?<=\?)(?=[^\s?.!…])")


# "did it 4 of 7 days", "did it for a week": a report that leaves out its "I" ("did it work" asks).
_DID_IT = re.compile(r"(?:did|done|finished|tried) (?:it|that|this|the thing)\b(?!\s+(?:work|help|matter|count|make|go|feel|seem|actually|really|even)\b)", re.I)


# "그래서 뭘 하라는 건데요", "아니 뭘 하라는 건지 물어봤는데요", "so what am I supposed to do": asking
# what the session wants of them, with or without a "?".
_WHAT_TO_DO = re.compile(
    r"(?:뭘|무엇을|뭐를|어떻게)\s*하라는|뭘\s*해야\s*(?:하|될|돼|된)|\bwhat (?:am i|are we) (?:supposed|meant) to do\b"
    r"|\bwhat do you want (?:me|us) to do\b|\bso what do i (?:do|actually do)\b",
    re.I,
)


def _asks(sentence: str) -> bool:
    """Whether one sentence asks something: it opens as a question, or a "?" closes an asking
    ending or a question word."""
    sentence = sentence.strip(" \"'“”‘’")
    if _WHAT_TO_DO.search(sentence):
        return True
    while (stripped := _FILLER.sub("", sentence, count=1)) != sentence:
        sentence = stripped
    if _DID_IT.match(sentence) and "?" not in sentence:
        return False  # "did it 4 of 7 days": "(I) did it", told
    if len(sentence) < 80 and _ASKS_BARE.search(sentence):
        return True
    if "?" not in sentence:
        return bool(_QUESTION_END.search(sentence))  # "온폴리시가 무슨 뜻" / "이게 뭔가요."
    return bool(_OPENS_AS_QUESTION.search(sentence) or _ko_asks(sentence) or _WH.search(sentence))


def is_question(text: str) -> bool:
    """Whether the message asks the coach something. A message of one sentence ending in "?" asks
    ("a pasta recipe?"); inside a longer message, a "?" after a few words is a guess said aloud
    ("장보는거? 새벽시장 가는거 좋아함", "interviewing people? i got good at …", "+1 i guess? maybe more"),
    unless that sentence is asked as a question ("…. what does on-policy even mean?")."""
    t = text.strip()
    sentences = [s for s in _SENTENCE.split(t[:2000]) if s.strip(" .…")]
    if any(_asks(s) for s in sentences):
        return True
    return len(sentences) <= 1 and "?" in t and not _HEDGE.search(t)


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
        if question and step is not None and step.startswith(("design", "card_")) and _PROPOSES.search(text) \
                and not _WH.search(text):
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
        understanding = Understanding(text=text, intent=intent, scores=intents, vector=vector)
        if intent is Intent.PICK:
            understanding.pick = pick
        if intent is Intent.QUESTION:
            understanding.topic = self._topic(text, scores)
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


def _write() -> None:
    """Embed the examples with the bundled model and write them next to the words."""
    import numpy as np

    from knowledge.embeddings import E5Embeddings

    rows = examples()
    model = E5Embeddings()
    vectors = np.asarray([model.embed_query(text) for _, text in rows], dtype=np.float16)
    path = resources.files("bot").joinpath("text", VECTORS_FILE)
    with open(str(path), "wb") as f:
        np.savez_compressed(f, vectors=vectors, digest=np.asarray(examples_digest(rows)), model=np.asarray(model.model_id))
    print(f"wrote {len(rows)} example vectors to {path}")


if __name__ == "__main__":
    import sys

    if "--write" in sys.argv:
        _write()
    else:
        u = Understander(__import__("knowledge.embeddings", fromlist=["E5Embeddings"]).E5Embeddings().embed_query)
        for line in sys.stdin:
            print(u.read(line.strip()), "|", line.strip())
