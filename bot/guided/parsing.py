"""Reading values out of answers: lengths of time, scores, rewards, and answers that hold two fields."""

from __future__ import annotations

import re

from ..korean import RIEUL, syllable_parts, with_final
from .lexicon import lexicon, substance
from .proposals import plans_in
from .lexicon import sentences as _sentences

_NUMBERED = re.compile(r"(?:^|\s)\(?\d[.)]\s+")


def _duration_matches(text: str) -> list[tuple[int, int, int, bool]]:
    """(start, end, days, is_span) of every length of time in `text`, rates left out."""
    lex = lexicon()
    found: list[tuple[int, int, int, bool]] = []
    for pattern, per_unit in lex.duration_units:
        for m in pattern.finditer(text):
            raw = m.group(1).lower()
            n = int(raw) if raw.isdigit() else lex.duration_numbers.get(raw)
            if n:
                found.append((m.start(), m.end(), n * per_unit, False))
    for pattern, days in lex.duration_words:
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), days, False))
    kept: list[tuple[int, int, int, bool]] = []
    for start, end, days, _ in sorted(found, key=lambda f: f[0] - f[1]):  # longest first
        if any(start < e and s < end for s, e, _, _ in kept):
            continue
        before, after = text[:start], text[end:]
        if lex.rate_before.search(before) or lex.rate_after.search(after):
            continue
        span = bool(lex.span_before.search(before) or lex.span_after.search(after))
        if not span and lex.has("rate_article", text[start:end]) and lex.has("rate_count_before", before):
            continue  # "one art director a day", "one evening a week": a rate, not the experiment's length
        kept.append((start, end, days, span))
    return sorted(kept)


def parse_duration(text: str) -> int | None:
    """Days in "2주", "14일", "a week", "for 10 days", "3 weeks"; None if there is no length."""
    matches = _duration_matches(text)
    if not matches:
        return None
    spans = [m for m in matches if m[3]]
    days = spans[-1][2] if spans else max(m[2] for m in matches)
    return max(1, min(365, days))


_DAYS_TALK = re.compile(r"\b(?:fewer|less|shorter|more|longer)\s+days\b|\b(?:duration|length)\b|기간|일수|며칠", re.I)
_BARE_NUMBER = re.compile(r"\b(?:make it|to|down to|cut (?:it )?to|just|only)\s+(\d{1,2})\b(?!\s*(?:/|out of|점|%|\.\d))|(\d{1,2})\s*(?:으로|로)(?:\s|$|[.!~])", re.I)


def bare_days(text: str) -> int | None:
    """A length said as a bare number where days are the talk ("fewer days. make it 7", "기간은 5로")."""
    if not _DAYS_TALK.search(text):
        return None
    m = _BARE_NUMBER.search(text)
    return int(m.group(1) or m.group(2)) if m and 0 < int(m.group(1) or m.group(2)) <= 90 else None


def tenure_days(text: str) -> int | None:
    """How long someone has been at something, in days ("시작한 지 석 달 됐어요" -> 90, "12 years" -> 4380)."""
    lex = lexicon()
    if not lex.tenure_marker.search(text):
        return None
    found = []
    for pattern, days in lex.tenure_units:
        for m in pattern.finditer(text):
            count = m.group(1) if m.groups() else None
            n = 1 if count is None else (int(count) if count.isdigit() else lex.duration_numbers.get(count.lower(), 0))
            found.append(n * days)
    return max(found) if found else None


def where_by_tenure(text: str) -> str | None:
    """"시작한 지 석 달 됐어요" / "12 years": under a year at it is early, two years or more past the base."""
    days = tenure_days(text)
    if days is None:
        return None
    return "early" if days < 365 else "past" if days >= 730 else None


def remove_duration(text: str) -> str:
    """`text` without its length of time ("for 3 weeks", "2주 동안")."""
    lex = lexicon()
    for start, end, _, _ in reversed(_duration_matches(text)):
        before, after = text[:start], text[end:]
        b = lex.span_before.search(before)
        if b:
            before = before[: b.start()]
        a = lex.span_after.search(after)
        if a:
            after = after[a.end() :]
        text = before.rstrip(" ,") + (" " if before.strip() and after.strip() and not after.startswith((",", ".")) else "") + after.lstrip()
    return " ".join(text.split()).strip(" ,")


def parse_score(text: str, low: int = 0, high: int = 10) -> int | None:
    """A whole number in [low, high] from "8", "8/10", "7점", "칠", "seven", "+1", "마이너스 1"."""
    lex = lexicon()
    sign = rf"(?P<sign>[+\-−]|{lex.patterns['sign_minus'].pattern}|{lex.patterns['sign_plus'].pattern})?"
    for m in re.finditer(sign + r"\s*(?P<n>\d+(?:\.\d+)?)", text, re.I):
        value = int(float(m.group("n")))
        s = (m.group("sign") or "").strip()
        if s and (s in "-−" or lex.has("sign_minus", s)):
            value = -value
        if low <= value <= high:
            return value
    bare = lex.strip("score_suffix", text.strip().strip(".!?")).strip().lower()
    if bare in lex.score_words and low <= lex.score_words[bare] <= high:
        return lex.score_words[bare]
    for word, value in lex.score_words.items():
        if word.isascii() and len(word) >= 3 and re.search(rf"\b{word}\b", text, re.I) and low <= value <= high:
            return value
    return None


# A rating said with more: "6. mostly cause I'm scared", "8 with 3 days", "7. 근데 …" (a number first,
# not a count of something), "… then 8", "…. 그럼 8", "…, 7 I guess" (a number last), "7점", "8/10".
_UNIT_AFTER = r"(?!\s*(?:[.,]\d|\d|days?|weeks?|months?|mins?|minutes?|hours?|hrs?|times?|x\b|%|pages?|lines?|people|일|주|달|개월|개|분|시간|번|회|장|줄|쪽|명|권|편|곳|가지))"
_SCORE_FIRST = re.compile(r"(?:^|(?<=[.!?])\s+)\s*(?:(?:ok(?:ay)?|hmm+|um+|uh|honestly|maybe|probably|like|음+|아마|솔직히|한)\s*[,.]?\s*)?(10|[0-9])" + _UNIT_AFTER + r"(?:\s*(?:점|/\s*10|out of 10))?(?:이요|요|이에요|예요)?(?=\s|[.,!?)~]|$)", re.I)
_SCORE_LAST = re.compile(r"(?:^|[.,!?;]\s*|\b(?:then|so|and|maybe|probably|like|prob)\s+|(?:그럼|그러면|그럼요|그러면은|아마|한|면)\s+)(10|[0-9])(?:\s*(?:점|/\s*10|out of 10))?\s*(?:i guess|i think|ish|maybe|정도|쯤|요|이요|일 듯|인 듯)?\s*[.!~ㅎㅋ]*\s*$", re.I)
_SCORE_MARKED = re.compile(r"(?<![\d.])(10|[0-9])\s*(?:점|/\s*10|out of 10)", re.I)


def _cued_score(text: str) -> tuple[int, int, int] | None:
    """The last number in [0, 10] that the words around it name as a rating ("I'd say a 5,
    realistically", "that would be a 7", "my confidence is seven", "8은 좀 오버고 7로 바꿔주세요"):
    (value, start, end). A count ("4 of the next 7 days", "3 days") is never one."""
    lex = lexicon()
    words = "|".join(re.escape(w) for w in lex.score_words if w.isascii() and len(w) >= 3)
    found = None
    for m in re.finditer(rf"(?<![\w.])(10|[0-9]|{words})(?![\w.]\d)" + _UNIT_AFTER + r"(?!\s*of\b)", text, re.I):
        before, after = text[: m.start()], text[m.end() :]
        if re.search(r"\b(?:of|out of)(?:\s+the\s+next)?\s*$", before, re.I):
            continue
        if lex.has("score_cue_before", before[-40:]) or lex.has("score_cue_after", after[:24]):
            value = int(m.group(1)) if m.group(1).isdigit() else lex.score_words[m.group(1).lower()]
            found = (value, m.start(), m.end())
    return found


def said_score(text: str) -> tuple[int | None, str]:
    """A 0-10 rating said along with other words, and the words without it: ("6. mostly cause I'm
    scared", 6 -> "mostly cause I'm scared"); (None, text) when no number in it is a rating."""
    for pattern in (_SCORE_MARKED, None, _SCORE_FIRST, _SCORE_LAST):
        if pattern is None:
            cued = _cued_score(text)
            if cued is None:
                continue
            value, start, end = cued
        else:
            m = pattern.search(text)
            if not m:
                continue
            value, start, end = int(m.group(1)), (m.start(1) if pattern is _SCORE_MARKED else m.start()), m.end()
        rest = (text[:start] + " " + text[end:]).strip(" .,!?~:;-")
        return value, re.sub(r"\s{2,}", " ", rest)
    return None, text


def parse_reward(text: str) -> int | None:
    """-2..+2; a 0-10 rating is mapped onto that scale."""
    value = parse_score(text, -2, 2)
    if value is not None:
        return value
    rating = parse_score(text, 0, 10)
    return None if rating is None else max(-2, min(2, round((rating - 5) / 2.5)))


_DANGLING = re.compile(r"(?:[,;:—-]?\s*\b(?:the|my|a|an|and|but|so|as for|for|with|while)\b\s*)+$|(?:[,;:—-]\s*)+$", re.I)


def _split_by(text: str, key: str) -> tuple[str, str]:
    """Text before and from the first marker of `key` (not at the very start)."""
    for m in lexicon().patterns[key].finditer(text):
        if m.start() > 0:
            head = _DANGLING.sub("", text[: m.start()])  # "I expect cleaner colors; the | signal is …"
            return head.strip(" ,;:—-"), text[m.start() :].strip()
    return text.strip(), ""


def split_hypothesis_reward(text: str) -> tuple[str, str]:
    """The expectation and the world's signal from one answer; the signal may be ''."""
    lex = lexicon()
    sentences = _sentences(text)
    if len(sentences) >= 2:
        marked = [i for i, s in enumerate(sentences) if i > 0 and (lex.has("signal_marker", s) or lex.has("world_signal", s))]
        cut = marked[0] if marked else len(sentences) - 1
        return " ".join(sentences[:cut]), " ".join(sentences[cut:])
    return _split_by(text, "signal_marker")


def split_smallest_obstacle(text: str) -> tuple[str, str]:
    """The bad-day version and the "If …, then …" plan from one answer; either may be ''."""
    lex = lexicon()
    sentences = _sentences(text)
    named = [i for i, s in enumerate(sentences) if lex.has("obstacle_marker", s)]
    if named and len(sentences) >= 2:
        # "한 줄만. 방해물은 뭐 당연히 회의 터지는거죠. 그럼 점심 먹고 하던가": from the obstacle named on
        # (with its "그럼 …"), the plan; before it, the bad-day version.
        return " ".join(sentences[: named[0]]), " ".join(sentences[named[0] :])
    conditional = [i for i, s in enumerate(sentences) if lex.has("conditional", s)]
    if len(sentences) >= 2:
        cut = conditional[-1] if conditional and conditional[-1] > 0 else len(sentences) - 1
        return " ".join(sentences[:cut]), " ".join(sentences[cut:])
    return ("", text) if conditional else (text, "")


def split_plus_minus(text: str) -> tuple[str, str]:
    """What went well and what didn't, each without the label put before it ("Plus:", "잘된 점은")."""
    lex = lexicon()
    sentences: list[str] = []
    for sentence in _sentences(text):
        if sentences and not substance(lex.strip("review_label", sentences[-1])):
            sentences[-1] = f"{sentences[-1]} {sentence}"  # "잘된건.. 그래도 노트는 봤어요": the label and its words
        else:
            sentences.append(sentence)
    if len(sentences) >= 2:
        labelled = [i for i, s in enumerate(sentences) if i > 0 and lex.has("minus_label", s)]
        marked = labelled or [i for i, s in enumerate(sentences) if i > 0 and lex.has("minus_marker", s)]
        cut = marked[0] if marked else 1
        plus, minus = " ".join(sentences[:cut]), " ".join(sentences[cut:])
    else:
        plus, minus = _split_by(text, "minus_marker")
    return _unlabelled(plus), _unlabelled(minus)


def _unlabelled(part: str) -> str:
    rest = lexicon().strip("review_label", part) if part else part
    return rest if substance(rest) else part


def split_options(text: str) -> tuple[list[str], str]:
    """The options the user named, and the one they chose to start with ('' if none)."""
    lex = lexicon()
    sentences = _sentences(text)
    choice = ""
    chosen = [i for i, s in enumerate(sentences) if lex.has("choice", s)]
    if chosen and (len(sentences) > 1 or lex.has("i_will", sentences[0])):
        i = chosen[-1]
        choice = sentences.pop(i)
    options: list[str] = []
    for sentence in sentences:
        if lex.has("option_intro", sentence) and len(sentences) > 1:
            continue
        for piece in re.split(lex.patterns["option_sep"].pattern + r"|;\s*|" + _NUMBERED.pattern, sentence, flags=re.I):
            piece = lex.strip("option_prefix", (piece or "").strip()).strip(" .,")
            if substance(piece) >= 4:
                options.append(piece)
    return options, choice


def chosen_text(choice: str) -> str:
    """The part of "I'll start with the first: I will …" that describes the action."""
    if ":" in choice:
        _, rest = choice.split(":", 1)
        if substance(rest) >= 8:
            return rest.strip()
    return choice.strip()


# -- card derivations -------------------------------------------------------------------------


def action_core(action: str) -> tuple[str, bool]:
    """What the action does, without "I will", its length or its cadence; and whether it said "I will"."""
    lex = lexicon()
    text = remove_duration(action)
    text = (_sentences(text) or [text])[0]
    said_i_will = lex.has("i_will", text)
    text = lex.patterns["i_will"].sub("", text, count=1)
    text = lex.strip("cadence", text)
    text = re.split(lex.patterns["clause_break"].pattern, text, maxsplit=1, flags=re.I)[0]
    if text.count("(") > text.count(")"):
        text = text[: text.rfind("(")]  # "read core dumps (flame graphs": a bracket the cut left open
    elif text.count(")") > text.count("("):
        text = text.replace(")", "")
    return " ".join(text.split()).strip(" .,!;:"), said_i_will


def nominalized(core: str) -> tuple[str, bool]:
    """A Korean verb phrase as a noun ("분석하고" -> "분석하기", "올릴게요" -> "올리기",
    "바꿔볼게요" -> "바꿔 보기"); unchanged text otherwise."""
    core = core.rstrip(" .!~")
    for pattern, replacement in lexicon().nominalize:
        if pattern.search(core):
            return pattern.sub(replacement, core, count=1), True
    m = re.search(r"([가-힣])게요$", core)
    if m and (syllable_parts(m.group(1)) or (0, 0, -1))[2] == RIEUL:
        # "올릴게요", "설명해줄게요", "만들게요": the ㄹ of the future goes, unless the stem has it.
        syllable = m.group(1)
        if syllable in _RIEUL_STEMS:
            noun = core[: m.end(1)] + "기"
        else:
            noun = core[: m.start(1)] + with_final(syllable, 0) + "기"
        # "바꿔보기" -> "바꿔 보기": a helping verb after an -아/-어 form is written apart.
        noun = re.sub(r"(?<=[가-힣])(?=(?:보기|주기)$)", lambda x: " " if _connective(noun[x.start() - 1]) else "", noun)
        return noun, True
    for ending, replacement in ((r"(?:해요|합니다|했어요)$", "하기"), (r"기요$", "기")):
        if re.search(ending, core):
            return re.sub(ending, replacement, core), True
    return core, False


# Verbs whose stem ends in ㄹ keep it before 기 ("만들게요" -> "만들기", "팔게요" -> "팔기"); "갈게요" is 가기.
_RIEUL_STEMS = frozenset("들팔걸놀살열밀풀벌빌알울졸끌")


def _connective(ch: str) -> bool:
    """Whether a syllable can end an -아/-어 form (해, 바꿔, 올려, 읽어, 가, 봐)."""
    parts = syllable_parts(ch)
    if parts is None:
        return False
    _, medial, final = parts
    return final == 0 and medial in (0, 1, 4, 6, 9, 10, 14)  # ㅏ ㅐ ㅓ ㅕ ㅘ ㅙ ㅝ


def plain_verb(noun: str) -> str:
    """"바꿔 보기" -> "바꾸기", "해 보기" -> "하기", "만들어 보기" -> "만들기": trying a thing, named as the thing."""
    m = re.search(r"([가-힣]) 보기$", noun)
    if not m:
        return noun
    ch, head = m.group(1), noun[: m.start(1)]
    if ch == "해":
        return head + "하기"
    if ch in "어아" and head and "가" <= head[-1] <= "힣":
        # "물어 보기" (묻다), "들어 보기" (듣다), "걸어 보기" (걷다): irregular stems stay as said.
        return noun if head[-1] in "물들걸실" else head + "기"
    initial, medial, final = syllable_parts(ch) or (0, 0, 0)  # ch is a Hangul syllable (matched by [가-힣])
    if final:
        return noun
    plain = {14: 13, 9: 8, 6: 20, 10: 11, 4: 18}.get(medial)  # ㅝ->ㅜ ㅘ->ㅗ ㅕ->ㅣ ㅙ->ㅚ ㅓ->ㅡ
    if plain is None and medial == 0:
        plain = 0
    if plain is None:
        return noun
    return head + chr(0xAC00 + initial * 588 + plain * 28) + "기"



# -- what the person said they will do ----------------------------------------------------------


def drop_questions(text: str) -> str:
    """`text` without the sentences that ask something: "…, move it to after lunch. whats the next
    experiment then?" holds an action and a question, and the question is no part of the action."""
    kept = [s for s in _sentences(text) if not s.rstrip(" \"'”’)").endswith("?")]
    return " ".join(kept) if kept else text


def pointed_index(text: str) -> int | None:
    """The position an ordinal points at ("the first one", "두번째", "2번"), or None."""
    for pattern, index in lexicon().ordinals:
        if pattern.search(text):
            return index
    return None


def pick_residue(sentence: str) -> str:
    lex = lexicon()
    rest = remove_duration(sentence)
    for pattern, _ in lex.ordinals:
        rest = pattern.sub(" ", rest)
    rest = lex.patterns["pick_words"].sub(" ", rest)
    return rest


def pick_only(sentence: str) -> bool:
    """A sentence that only points at an option ("i'd start with the first one i think", "제가 말한 2번이요")."""
    return pointed_index(sentence) is not None and substance(pick_residue(sentence)) <= 6


def said_action(text: str) -> tuple[str, int | None]:
    """What the person said they will do, without what leads into it: a pick ("두번째요."), a remark
    ("아니 제가 하고 싶은거 말한거예요."), a "no," or a question; and the option they pointed at, if any."""
    lex = lexicon()
    index: int | None = None
    parts = _sentences(drop_questions(plans_in(text)))  # "what if I painted …?" is their plan, not a question
    kept: list[str] = []
    for sentence in parts:
        if pick_only(sentence):
            index = pointed_index(sentence) if index is None else index
            continue
        while True:
            m = lex.patterns["lead_in"].match(sentence)
            if not m or not m.group(0):
                break
            if m.end() >= len(sentence.rstrip(" .,!~")):
                sentence = ""
                break
            lead = m.group(0)
            if index is None and pointed_index(lead) is not None:
                index = pointed_index(lead)
            sentence = sentence[m.end() :]
        if substance(sentence) < 4:
            continue  # "no." / "네." / "ok so."
        kept.append(sentence)
    if len(kept) > 1:
        kept = [s for s in kept if not lex.has("remark", s)] or kept
    return " ".join(kept).strip(), index
