"""Reading the answer to a safety question: "safe", "unsafe" or "unclear".

`harm` questions ask whether the person is thinking about ending their life or hurting
themselves (yes = not safe); `safe` questions ask whether they are safe (yes = safe). A statement
outranks a bare yes or no; anything not safe wins over anything safe; danger words in a clause
that is not a denial are not safe, unless waved away ("무슨 자살이에요"); a surprised "네??" is not
a yes; nothing recognisable is unclear.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from ..words import load
from . import lexicon

Answer = Literal["safe", "unsafe", "unclear"]
Question = Literal["harm", "safe"]

_NEGATION = re.compile(r"\b(not|never|no|nope)\b|n't|안\s|않|없|아니|절대", re.IGNORECASE)
# "네??" / "예?" / "what?!" / "huh?" open a surprised answer: "pardon?", not "yes".
_SURPRISE = re.compile(r"^\s*(네|예|넹|뭐|뭐요|엥|헐|what|huh|wait|sorry)\s*[?!]+\s*", re.IGNORECASE)
# "?????? 아니요 뭔소리에요": the bewildered marks before the answer are not part of it.
_LEADING = re.compile(r"^[\s?!.~…;:]+")
_CLAUSES = re.compile(
    r"[.!?;,\n。…]+|\s(?:but|and|though|although)\s|(?:지만|는데|은데|인데)\s|(?<=아니라)\s|(?<=아니고)\s", re.IGNORECASE
)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, list[re.Pattern]]:
    answers = load("safety")["answers"]
    return {
        kind: [re.compile(p, re.IGNORECASE) for lang in lexicon.LANGUAGES for p in answers[kind][lang]]
        for kind in ("yes", "no", "unsafe", "safe", "dismissed")
    }


def _any(kind: str, text: str) -> bool:
    return any(p.search(text) for p in _patterns()[kind])


# "not suicidal yet", "오늘은 안 죽어요": a denial with a time on it is not one.
_FOR_NOW = re.compile(r"\b(yet|today|tonight|for now|right now)\b|아직|오늘은|당분간|지금은", re.IGNORECASE)


def denied(clause: str) -> bool:
    """Whether a clause names danger only to deny it ("im not suicidal", "자살 생각은 없어요",
    "I'd never hurt myself"), with no "yet" or "today" on the denial."""
    return (
        lexicon.match(clause).level != "none" and _any("safe", clause) and bool(_NEGATION.search(clause))
        and not _FOR_NOW.search(clause) and not _any("unsafe", clause)
    )


def without_denials(text: str) -> str:
    """The message without its clauses that deny danger: what is left to be read for it (`text`
    itself when no clause denies any)."""
    clauses = [c.strip() for c in _CLAUSES.split(text) if c.strip()]
    kept = [c for c in clauses if not denied(c)]
    return text if len(kept) == len(clauses) else " ".join(kept)


def read_answer(text: str, question: Question) -> Answer:
    text = _SURPRISE.sub("", _LEADING.sub("", lexicon.normalise(text or "")[:2000].strip()))
    for pattern in _patterns()["dismissed"]:
        text = pattern.sub(" ", text)
    if not text:
        return "unclear"
    safe = False
    for clause in (c.strip() for c in _CLAUSES.split(text)):
        if not clause:
            continue
        if _any("unsafe", clause):
            return "unsafe"
        danger = lexicon.match(clause).level != "none"
        if _any("safe", clause) and (not danger or denied(clause)):
            safe = True  # "I'm okay" / "I'd never hurt myself"; not "I'm okay, I just want to die"
        elif danger:
            return "unsafe"
    if safe:
        return "safe"
    if _any("yes", text):
        return "unsafe" if question == "harm" else "safe"
    if _any("no", text):
        return "safe" if question == "harm" else "unsafe"
    return "unclear"
