"""A plan of the person's own put as a question while an experiment is designed ("what if instead I
painted the porch once a day for 7 days?", "maybe i post on fridays?", "판례 설명해 볼까요?"): it
answers "what will you do?", so it is read as the plan it proposes, never dropped as a question."""

from __future__ import annotations

import re

from .lexicon import lexicon, sentences

_VOWELS = "aeiou"


def proposes(sentence: str) -> bool:
    return lexicon().has("proposes", sentence)


def plain(word: str) -> str:
    """"painted" -> "paint", "shared" -> "share", "tried" -> "try", "stopped" -> "stop", "wrote" ->
    "write", "texting" -> "text"; a word in its plain form stays as it is ("paint", "post")."""
    lower = word.lower()
    known = lexicon().past_forms.get(lower)
    if known:
        return known
    if lower.endswith("ing") and len(lower) >= 6:
        stem = word[:-3]  # "me texting two clients" -> "text"
    elif lower.endswith("ed") and len(lower) >= 5:
        if lower.endswith("ied"):
            return word[:-3] + "y"
        stem = word[:-2]
    else:
        return word
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "ls" + _VOWELS:
        return stem[:-1]  # "stopped", "planned"
    if re.search(r"(?:at|ot|ut)$", stem.lower()) or (
        len(stem) >= 3 and stem[-1] in "cdgkprsvz" and stem[-2] in _VOWELS and stem[-3] not in _VOWELS
    ):
        return stem + "e"  # "created", "shared", "baked", "used"
    return stem


def as_plan(sentence: str) -> str:
    """The plan a proposing question says, as a statement ("what if I painted the porch?" -> "I will
    paint the porch."); any other sentence as it is."""
    if not proposes(sentence):
        return sentence
    for pattern, replacement in lexicon().proposal_as_plan:
        m = pattern.search(sentence)
        if not m:
            continue
        head, rest = sentence[: m.start()], sentence[m.end() :]
        if replacement.startswith("I will"):
            if head.strip(" ,.") and not re.fullmatch(r"\W*", head):
                continue  # the lead must open the sentence: "… and what if I fail?" is no plan
            first, _, after = rest.partition(" ")
            rest = f"{plain(first)} {after}".strip()
            planned = replacement + rest
        else:
            planned = head + replacement + rest
        return re.sub(r"\s*[?？]+\s*$", ".", planned.rstrip()) if "?" in planned or "？" in planned else planned
    return sentence


def plans_in(text: str) -> str:
    """`text` with each proposing question said as the plan it is."""
    parts = sentences(text)
    if not any(proposes(p) for p in parts):
        return text
    return " ".join(as_plan(p) for p in parts)
