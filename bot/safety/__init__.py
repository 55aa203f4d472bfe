"""Safety, checked on every message before anything else (COACHING.md, "Safety").

    from bot.safety import assess
    assess("Honestly, I don't want to be here anymore").level   # "concern"

Two signals: the lexicon (plain danger words, exact; bot/text/safety.toml) and a classifier over
the message's multilingual-e5 query vector, its character n-grams and its nearest labelled
phrasings (bot/safety/classifier.py); a `concern` lexicon match is at least a concern. `assess` reads at most
`limit` characters (the opening and the closing half of a longer text), so it is linear in what
it reads and never in the whole of a huge message.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

from . import lexicon
from .replies import (
    concern_response,
    distress_acknowledgement,
    prompt_rules,
    response_again,
    return_check_in,
    safe_reply,
    safety_response,
)

log = logging.getLogger(__name__)

Level = Literal["none", "concern", "crisis"]
# What assess() reads of a message: its opening and closing halves past this many characters.
MAX_CHARS = 8000
# A message holding a known figure of speech ("cut myself some slack", "배고파 죽겠다") and no
# danger words outside it needs the classifier this sure before it is a concern or a crisis:
# such figures sit close to real danger in the embedding space.
FIGURE_BAR = 0.9
# The distress head's probability from which ordinary speech is acknowledged as distress.
DISTRESS_BAR = 0.5
# The classifier alone, with no word of danger in the message, checks in only this sure: in
# role-plays, disagreeing ("그건 저한테 안 맞아요"), picking an option and irritation drew a
# suicide question at the fitted bar (0.51). On the held-out fifth (bench/safety.py) 0.6 kept
# danger recall at 0.96 in both languages and cut ordinary check-ins from 9.6 % to 6.7 % (ko).
UNCUED_BAR = 0.6


@dataclass(frozen=True)
class Assessment:
    """The safety reading of one message.

    `level` decides what the coach does; `distress` (burnout or exhaustion without danger) gets an
    acknowledgement before coaching, of tiredness when `worn` (a word of exhaustion in the message),
    else of a hard time (the classifier alone heard distress: "I feel stuck at work lately" is not
    a claim to be exhausted); `words` are the words that matched the lexicon, if any;
    `danger` and `crisis_score` are the classifier's probabilities (None when it did not run).
    """

    level: Level
    distress: bool = False
    words: str = ""
    danger: float | None = None
    crisis_score: float | None = None
    source: Literal["lexicon", "classifier", "both", "none"] = "none"
    worn: bool = False


def examined(text: str, limit: int = MAX_CHARS) -> str:
    """The part of a message that safety reads: all of it, or its opening and closing halves."""
    if len(text) <= limit:
        return text
    half = max(limit // 2, 1)
    return text[:half] + "\n" + text[-half:]


def assess(
    text: str, language: str | None = None, *, vector: list[float] | None = None, limit: int = MAX_CHARS
) -> Assessment:
    """The message's safety level. `vector` is its e5 query embedding if the turn already has it;
    without one, the bundled model embeds the examined text. `language` is accepted for callers
    that know it; the thresholds are chosen by the language of the words themselves (a Korean
    message in an English session is read with the Korean bar)."""
    from .classifier import classifier, cue_features, embed
    from .features import cued_danger, language_of
    from .followup import without_denials

    text = examined(text or "", limit)
    normalised = lexicon.normalise(text)
    hit = lexicon.match(normalised)
    denial = False
    if hit.level == "crisis":
        # "no!! god no. im not suicidal im just bad at my phd": danger named only to deny it is not
        # the crisis tier; what else the message says is read as any message is.
        rest = without_denials(normalised)
        if rest is normalised or lexicon.match(rest).level == "crisis":
            return Assessment("crisis", words=hit.words, source="lexicon")
        text, normalised, denial, vector = rest, rest, True, None
        hit = lexicon.match(normalised)
    if not text.strip():
        return Assessment("none", distress=denial)
    model = classifier()
    if vector is None or len(vector) != model.dimension:
        try:
            vector = embed(text)
        except Exception:  # without the model, the lexicon still answers; safety must not fail the turn
            log.warning("safety: could not embed the message; the lexicon alone decides", exc_info=True)
            return Assessment(
                hit.level, hit.distress, hit.words, source="lexicon" if hit.level != "none" else "none", worn=hit.distress
            )
    cues = cue_features(normalised, hit.level, hit.figure)
    scores = model.scores(vector, cues, normalised)
    danger = scores.danger
    crisis_bar, danger_bar = model.threshold(language_of(normalised))  # the words decide, not the session
    if hit.figure and hit.level == "none":
        crisis_bar, danger_bar = max(crisis_bar, FIGURE_BAR), max(danger_bar, FIGURE_BAR)
    # Clear danger is the crisis tier: the classifier alone, with no danger word in the message
    # (no cue family, no lexicon match), is sure of danger at most, and asks (concern). On
    # held-out Korean it took ordinary speech sent to the crisis tier from 2.0 % to 1.4 %.
    cued = cued_danger(cues)
    if scores.crisis >= crisis_bar and cued:
        level: Level = "crisis"
    elif danger >= (danger_bar if cued else max(danger_bar, UNCUED_BAR)) or hit.level == "concern":
        level = "concern"
    else:
        level = "none"
    distress = level == "none" and (denial or hit.distress or scores.distress >= DISTRESS_BAR)
    source = "none" if level == "none" else "both" if hit.level == "concern" else "classifier"
    return Assessment(level, distress, hit.words, round(danger, 4), round(scores.crisis, 4), source, distress and hit.distress)


_SENTENCES = re.compile(r"(?<=[.!?。…])\s+|\n+")


def words_to_name(text: str, assessment: Assessment, most: int = 8) -> str:
    """The person's words a check-in names: the sentence the lexicon matched in, the whole
    message if it is one short sentence, else the sentence the classifier finds most worrying."""
    from .classifier import classifier, cue_features, embed
    from .replies import QUOTE_CHARS

    sentences = [s.strip() for s in _SENTENCES.split(examined(text, 2000)) if s.strip()]
    if assessment.words:
        lowered = assessment.words.lower()
        found = next((s for s in sentences if lowered in lexicon.normalise(s).lower()), None)
        if found:
            return found
    if len(sentences) <= 1 or len(text) <= QUOTE_CHARS:
        return text.strip()
    try:
        model = classifier()
        scored = []
        for sentence in sentences[:most]:
            normalised = lexicon.normalise(sentence)
            found = lexicon.match(normalised)
            cues = cue_features(normalised, found.level, found.figure)
            scored.append((model.scores(embed(sentence), cues, normalised).danger, sentence))
        return max(scored)[1]
    except Exception:
        log.warning("safety: could not score the sentences", exc_info=True)
        return sentences[0]


def is_crisis(message: str) -> bool:
    """True when the message speaks of clear danger: self-harm, suicide, harming others or abuse."""
    return assess(message).level == "crisis"


__all__ = [
    "MAX_CHARS",
    "Assessment",
    "assess",
    "concern_response",
    "distress_acknowledgement",
    "examined",
    "is_crisis",
    "prompt_rules",
    "response_again",
    "return_check_in",
    "safe_reply",
    "safety_response",
    "words_to_name",
]
