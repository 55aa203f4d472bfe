"""Whether a message asks the coach something: a "?" after an asking ending or a question word,
an opening that asks without one ("whats this", "is this another chatgpt wrapper"), or "what am I
supposed to do" in any form; not a guess said aloud with a "?" ("칼질?", "early I guess?")."""

from __future__ import annotations

import re

from ..korean import syllable_parts

_QUESTION_END = re.compile(r"\?\s*$|[까가나요죠]\?|(?:뭐예요|뭔가요|뭐죠|인가요|나요|을까요|ㄹ까요|는지요|건가요|무슨 뜻)\s*[.?]?\s*$")

# A sentence inside a longer message that asks ("honestly what even is on-policy? sounds like
# corporate speak"): it ends in "?" and, past a filler or two, opens with a question word.
_ASKED = re.compile(r"[^.!?\n]*\?")
_FILLER = re.compile(r"^(?:by the way|oh and|and also|one more thing|honestly|seriously|um+|uh+|so|ok(?:ay)?|wait|but|and|like|hmm+|sorry|also|then|well|just|anyway|btw|lol|lmao|wtf|omg|omfg|bro|bruh|dude|yo|ugh|man|ok so|also like)\b[,.]?\s*", re.I)
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
WH = re.compile(r"\b(?:what|why|how|who|where|when|which)\b|왜|어떻게|언제|어디|누가|누구|무슨|몇|얼마|뭔|뭘|뭐(?:가|를|예요|야|지|죠|에요)", re.I)
# A guess said with a "?" ("모르겠음 초반인듯?", "early I guess?", "maybe a 6?"): an answer, hedged.
_HEDGE = re.compile(r"인\s?듯|같은데|같기도|아마|(?:정도|쯤|가량)\s*\?|\bor so\b|ish\?|\bi guess\b|\bmaybe\b|\bprobably\b|\bi think\b|\bkinda\b|\bsort of\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+|(?<=\?)(?=[^\s?.!…])")


# "did it 4 of 7 days", "did it for a week": a report that leaves out its "I" ("did it work" asks).
_DID_IT = re.compile(r"(?:did|done|finished|tried) (?:it|that|this|the thing)\b(?!\s+(?:work|help|matter|count|make|go|feel|seem|actually|really|even)\b)", re.I)


# "그래서 뭘 하라는 건데요", "아니 뭘 하라는 건지 물어봤는데요", "so what am I supposed to do": asking
# what the session wants of them, with or without a "?".
_WHAT_TO_DO = re.compile(
    r"(?:뭘|뭐|무엇을|뭐를|어떻게)\s*하라는|뭘\s*해야\s*(?:하|될|돼|된)|\bwhat (?:am i|are we) (?:supposed|meant) to do\b"
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
    return bool(_OPENS_AS_QUESTION.search(sentence) or _ko_asks(sentence) or WH.search(sentence))


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


def asking_sentences(text: str) -> list[str]:
    """The sentences of a message that ask something ("fewer days. make it 7. also is marco gonna be
    pissed if i do this?" -> the last one)."""
    return [s.strip() for s in _SENTENCE.split(text.strip()[:2000]) if s.strip(" .…") and _asks(s)]
