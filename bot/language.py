"""Which of the coach's two languages a message is written in: Korean or English."""

from __future__ import annotations

import re
from typing import Literal

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN = re.compile(r"[A-Za-z]")

# A Hangul syllable carries about as much as two or three Latin letters, so Korean text with
# a few English terms in it ("PyTorch 코드 리뷰가 좋아요") still counts as Korean.
_HANGUL_WEIGHT = 2.5
# Below this much weighted text ("ok", "8/10", "네") a message says nothing about its language.
_MIN_WEIGHT = 6.0
# Mixed text where neither side clearly dominates keeps the current language.
_MARGIN = 0.2


def detect_language(text: str, default: Literal["ko", "en"] = "en") -> Literal["ko", "en"]:
    """'ko' or 'en' by the share of Hangul; short or evenly mixed text keeps `default`."""
    hangul = len(_HANGUL.findall(text or "")) * _HANGUL_WEIGHT
    latin = float(len(_LATIN.findall(text or "")))
    total = hangul + latin
    if total < _MIN_WEIGHT:
        return default
    share = hangul / total
    if share >= 0.5 + _MARGIN / 2:
        return "ko"
    if share <= 0.5 - _MARGIN / 2:
        return "en"
    return default
