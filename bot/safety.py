"""Crisis detection: when a message suggests danger, the coach stops coaching (COACHING.md, Safety)."""

from __future__ import annotations

import re
from functools import lru_cache

from .words import load


@lru_cache(maxsize=1)
def _compiled() -> tuple[list[re.Pattern], list[re.Pattern]]:
    table = load("safety")
    patterns = [re.compile(p, re.IGNORECASE) for lang in ("en", "ko") for p in table["patterns"][lang]]
    figures = [re.compile(p, re.IGNORECASE) for lang in ("en", "ko") for p in table["figures"][lang]]
    return patterns, figures


def is_crisis(message: str) -> bool:
    """True when the message speaks of self-harm, suicide, harming others or abuse (not as a figure of speech)."""
    # Phones type "don’t" with a typographic apostrophe; the patterns are written with a plain one.
    text = re.sub(r"\s+", " ", message).replace("\u2019", "'").replace("\u02bc", "'")
    patterns, figures = _compiled()
    for figure in figures:
        text = figure.sub(" ", text)
    return any(p.search(text) for p in patterns)


def safety_response(language: str) -> str:
    responses = load("safety")["response"]
    return responses.get(language, responses["en"]).strip()
