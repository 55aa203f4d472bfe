"""Korean particles chosen by the word they follow: "“코드 리뷰”를", "“디버깅하는 편”을".

Texts write a particle that depends on the word before it in the dictionary's way, `을(를)`,
`이(가)`, `은(는)`, `과(와)`, `(으)로`, `(이)었`, `(이)에요`, and `particles` settles each one once the
person's words are in place. The word's last sound decides: a final consonant (받침) takes the
first form, a vowel the second; `(으)로` also takes `로` after ㄹ. Quotes and brackets between the
word and the particle are looked through; digits and Latin letters are read as they are said.
"""

from __future__ import annotations

import re

# particle token -> (after a final consonant, after a vowel, after ㄹ)
_FORMS: dict[str, tuple[str, str, str]] = {
    "을(를)": ("을", "를", "을"),
    "이(가)": ("이", "가", "이"),
    "은(는)": ("은", "는", "은"),
    "과(와)": ("과", "와", "과"),
    "(으)로": ("으로", "로", "로"),
    "(이)었": ("이었", "였", "이었"),
    "(이)에요": ("이에요", "예요", "이에요"),
}
TOKENS = re.compile("|".join(re.escape(t) for t in sorted(_FORMS, key=len, reverse=True)))
_SKIP = "”“\"'’‘)]}」』>*_ "
# How digits end when read in Sino-Korean: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGIT = {"0": "c", "1": "l", "2": "v", "3": "c", "4": "v", "5": "v", "6": "c", "7": "l", "8": "l", "9": "v"}
RIEUL = 8  # index of ㄹ among the 28 finals of a Hangul syllable


def syllable_parts(ch: str) -> tuple[int, int, int] | None:
    """(initial, medial, final) indices of a Hangul syllable ("한" -> (18, 0, 4)); None for anything else."""
    if not ("\uac00" <= ch <= "\ud7a3"):
        return None
    code = ord(ch) - 0xAC00
    return code // 588, (code % 588) // 28, code % 28


def with_final(ch: str, final: int) -> str:
    """The syllable `ch` with another final ("릴", 0 -> "리")."""
    initial, medial, _ = syllable_parts(ch) or (0, 0, 0)
    return chr(0xAC00 + initial * 588 + medial * 28 + final)


def _ending(before: str) -> str:
    """'c' (final consonant), 'l' (final ㄹ) or 'v' (vowel) for the text right before a particle."""
    text = before.rstrip(_SKIP)
    if not text:
        return "v"
    last = text[-1]
    parts = syllable_parts(last)
    if parts is not None:
        return "v" if parts[2] == 0 else "l" if parts[2] == RIEUL else "c"
    if last.isdigit():
        return _DIGIT.get(last, "v")
    if last.isascii() and last.isalpha():
        word = re.search(r"[A-Za-z]+$", text).group(0)  # type: ignore[union-attr]
        if word.isupper():  # an acronym is read letter by letter: "SQL을", "R을", "HTML을", "API를"
            return "l" if word[-1] in "LR" else "c" if word[-1] in "MN" else "v"
        word = word.lower()
        if word.endswith(("le", "l")):
            return "l"
        if word.endswith(("ng", "m", "n", "b", "k", "p")):
            return "c"  # "Python을", "Slack을", "Zoom을"
        return "v"  # -e, -y, -r, -t, -g and the like are said with a vowel ("데이터를", "테스트를", "블로그를")
    return "v"


def particles(text: str) -> str:
    """`text` with every particle token replaced by the form its preceding word takes."""
    if "(" not in text:
        return text

    def settle(match: re.Match[str]) -> str:
        consonant, vowel, rieul = _FORMS[match.group(0)]
        ending = _ending(text[: match.start()])
        return consonant if ending == "c" else rieul if ending == "l" else vowel

    return TOKENS.sub(settle, text)
