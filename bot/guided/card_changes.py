"""Changes to the card said in chat: "make it 10 days", "기간을 열흘로 바꿔 주세요", "the strength is X,
not Y", "제목 바꿔 주세요: …". Each names a field (by the words people use for it) and a new value,
which lands in the field's form (`card`)."""

from __future__ import annotations

import re
from datetime import date

from ..models import ExperimentCard
from .card import check_for, clean, is_korean, set_action, set_duration, set_frequency, title_for
from .lexicon import lexicon, substance, words
from .parsing import parse_duration

FIELD_WORDS = {
    "duration_days": r"\b(?:duration|length|days?|weeks?|long)\b|기간|일수|며칠|주로|일로",
    "title": r"\b(?:title|name|call it)\b|제목|이름",
    "daily_check": r"\b(?:check|tick|weekly|daily)\b|체크|확인|매주로|매일로",
    "action": r"\baction\b|\bwhat i(?:'ll| will) do\b|행동|할 일",
    "reward_signal": r"\b(?:signal|reward|metric)\b|신호|지표",
    "hypothesis": r"\b(?:hypothesis|expect)\b|가설|기대",
    "smallest_version": r"\b(?:smallest|bad day|bad-day)\b|작은 버전|바쁜 날",
    "obstacle_plan": r"\b(?:obstacle|if-then)\b|장애물|만약",
}
_NEW_VALUE = re.compile(r"(?:\bto\b|\bbe\b|[:：]|\bcall it\b|\bsay\b)\s*[\"“']?(.+?)[\"”']?\s*[.!]?$", re.I)
_NEW_VALUE_KO = re.compile(r"(?:[을를은는]\s*)[\"“']?(.+?)[\"”']?\s*(?:으로|로|라고)\s*(?:바꿔|고쳐|해|수정|변경|줄여|늘려)")


# The card's fields by the names a person gives them, when they say what one should be.
_LABELS = {
    "title": r"title|name",
    "strength": r"strength",
    "action": r"action|what i(?:'ll| will) do",
    "duration_days": r"duration|length",
    "hypothesis": r"hypothesis|expectation|prediction",
    "reward_signal": r"(?:reward\s+)?signal|reward|metric",
    "daily_check": r"(?:daily\s+|weekly\s+)?check",
    "smallest_version": r"smallest(?:\s+version)?|bad[- ]day\s+version|small(?:er)?\s+version|minimum\s+version",
    "obstacle_plan": r"obstacle(?:\s+plan)?|if-then(?:\s+plan)?",
}
_LABELS_KO = {
    "title": "제목|이름",
    "strength": "강점",
    "action": "행동|할 일",
    "duration_days": "기간|일수",
    "hypothesis": "가설",
    "reward_signal": "보상 신호|신호|보상|지표",
    "daily_check": "데일리 체크|체크|확인 질문",
    "smallest_version": "가장 작은 버전|작은 버전|최소 버전|바쁜 날 버전",
    "obstacle_plan": "장애물|만약-그러면",
}
_LABEL = re.compile(r"\b(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _LABELS.items()) + r")\b", re.I)
_LABEL_KO = re.compile("(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _LABELS_KO.items()) + ")")
# Before a label: the start of a sentence or of a clause, a word or two of lead, a verb of change.
_LABEL_BEFORE = re.compile(
    r"(?:^|[.!?;,:]|\b(?:and|also|then|plus|but))\s*(?:(?:ok(?:ay)?|so|wait|no|nope|actually|please|pls|hmm+|and|also|then|but|oh|sorry|yeah|yes)[,.!]?\s+)*"
    r"(?:(?:change|make|set|update|fix|rename|put|switch|edit)\s+)?(?:(?:the|my)\s+)?$",
    re.I,
)
_LABEL_AFTER = re.compile(
    r"\s*(?:should\s+(?:be|say|read)|needs?\s+to\s+be|has\s+to\s+be|would\s+be|will\s+be|must\s+be|to\s+be|is|=|:|：|→|->|to|becomes?|reads?|as)"
    r"(?![\w])\s*[:：]?\s*",
    re.I,
)
_LABEL_BEFORE_KO = re.compile(r"(?:^|[.!?,:~]|하고|그리고|또|근데|ㅋ+|ㅎ+|요)\s*(?:(?:잠깐(?:만요)?|아|아니|음+|네|근데|그리고|그럼|또|그냥|앗|헐|저기)[,.!~]?\s+)*$")
_PARTICLE_KO = re.compile(r"(?:은|는|을|를|이|가|도요|도|이요|요)?(?=[\s.!?,:：=~]|$)")
_COMPLAINT_KO = re.compile(
    r"^(?:(?:좀|너무|완전|진짜|뭔가|조금)\s*)?(?:이상해요|이상하네요|이상함|이상한데요?|이상해|틀렸어요|틀렸네요|틀려요|잘못\s?됐어요|별로예요|별로네요|어색해요|깨졌어요|아니에요)[\s.!~ㅋㅎㅠㅜ]*"
)
_VALUE_KO = re.compile(
    r"^(.+?)\s*(?:으로|로|라고)\s*(?:(?:바꿔|바꾸|고쳐|고치|해|하|수정|변경|줄여|늘려|정해|가|부탁|할|볼|주|줘)\S*\s*)*[.!~ㅋㅎ]*\s*$"
)
_VALUE_COLON_KO = re.compile(r"^\s*(?:(?:좀\s*)?(?:바꿔|고쳐|수정해|변경해|해)\s*(?:주세요|줘요|줘|요|주실래요)?)?\s*(?:[:：=]|->|→)\s*(.+)$", re.S)
# "the title is broken", "the action is too big", "the title is fine": a judgment of a field, not its new value.
_COMPLAINT = re.compile(
    r"^(?:too\b.*|(?:(?:a bit|kind of|kinda|way|really|so|very|pretty|still|just|not|now|all)\s+)*"
    r"(?:broken|wrong|weird|off|bad|messed up|garbled|cut off|long|short|big|small|much|vague|fine|ok(?:ay)?|good|great|perfect|"
    r"right|correct|confusing|unclear|hard|easy|odd|strange|a mess|cut|missing|empty|the same|same)\b(?:\s+\w+)?[.!]*)$",
    re.I,
)


def _label_spans(text: str) -> list[tuple[str, int, int, int]]:
    """(field, where its label's lead starts, where its value starts, where it ends) of each "title
    should be …", "제목은 …로"; an English value ends with its sentence."""
    found: list[tuple[str, int, int]] = []
    for m in _LABEL.finditer(text):
        after = _LABEL_AFTER.match(text, m.end())
        before = _LABEL_BEFORE.search(text[: m.start()])
        if after and before:
            lead = before.start() + (1 if before.group(0)[:1] and before.group(0)[:1] in ".!?;,:" else 0)
            found.append((m.lastgroup or "", lead, after.end()))
    for m in _LABEL_KO.finditer(text):
        if m.start() > 0 and not re.match(r"[\s.!?,:~ㅋㅎ]", text[m.start() - 1]):
            continue  # "손님이름": part of a longer word
        particle = _PARTICLE_KO.match(text, m.end())
        before = _LABEL_BEFORE_KO.search(text[: m.start()])
        if particle and before:
            found.append((m.lastgroup or "", m.start(), particle.end()))
    found.sort(key=lambda f: f[1])
    spans: list[tuple[str, int, int, int]] = []
    for i, (name, lead, value_start) in enumerate(found):
        end = found[i + 1][1] if i + 1 < len(found) else len(text)
        if not is_korean(text[lead:value_start]):
            stop = re.search(r"(?<=[.!?])\s+(?=\S)", text[value_start:end])
            end = value_start + stop.start() if stop else end
        spans.append((name, lead, value_start, end))
    return spans


def _value_ko(rest: str) -> str:
    colon = _VALUE_COLON_KO.match(rest)
    if colon:
        return colon.group(1)
    rest = rest.strip(" .!,~")
    while True:
        stripped = _COMPLAINT_KO.sub("", rest).strip(" .!,~")
        stripped = re.sub(r"^[ㅋㅎㅠㅜ]+\s*", "", stripped)
        if stripped == rest:
            break
        rest = stripped
    m = _VALUE_KO.match(rest)
    return m.group(1) if m else ""


def without_fields(text: str, names: tuple[str, ...]) -> str:
    """`text` less the labelled values of fields not in `names` ("… the action is X" said at another question)."""
    out, last = [], 0
    for name, lead, _, end in _label_spans(text):
        if name not in names:
            out.append(text[last:lead])
            last = end
    out.append(text[last:])
    return " ".join("".join(out).split())


def _instead(value: str) -> str:
    """The new value of a swap: "'A' 말고 'B'" -> B, "the doc rewriting, not the meetings thing" -> the
    doc rewriting, "not A but B" -> B, "B instead of A" -> B."""
    quotes = " '\"“”‘’"
    ko = re.search(r"\s*말고\s+(.+)$", value)
    if ko:
        return ko.group(1).strip(quotes)
    m = re.match(r"^not\s+.+?,?\s+but\s+(.+)$", value, re.I)
    if m:
        return m.group(1).strip(quotes)
    m = re.match(r"^(.+?),?\s+(?:not|instead of|rather than)\s+(?:the\s+|my\s+)?\S.*$", value, re.I)
    if m and substance(m.group(1)) >= 4:
        return m.group(1).strip(quotes)
    return value.strip(quotes)


def after_fields(text: str) -> str:
    """What follows the last labelled value ("smallest: one sketch. if crunch, then …" -> "if crunch, then …")."""
    spans = _label_spans(text)
    return text[spans[-1][3]:].strip(" .,;") if spans else ""


def field_changes(text: str) -> tuple[str, list[tuple[str, str]]]:
    """What comes before any label, and the (field, value) pairs said with labels: "title should be
    'X' and the action is Y", "행동도요. 5일 동안 썰툰 2개 올리기로 바꿔줘요", "signal = replies"."""
    spans = _label_spans(text)
    changes: list[tuple[str, str]] = []
    for name, lead, value_start, end in spans:
        raw = text[value_start:end]
        if is_korean(text[lead:value_start]):
            value = _value_ko(raw)
        else:
            value = re.sub(r"(?:[,;]|\s)*(?:\b(?:and|also|then|plus|but|ok(?:ay)?|so|please)\b[\s,]*)*$", "", raw.strip(), flags=re.I)
            value = re.sub(r"\s+(?:please|instead|pls)\s*[.!]*$", "", value, flags=re.I)
        value = _instead(clean(value)).rstrip(" .,;!")
        if substance(value) >= 2 and not _COMPLAINT.match(value):
            changes.append((name, value))
    head = text[: spans[0][1]].strip() if spans else text.strip()
    return head, changes


def _hypothesis(card: ExperimentCard, value: str, language: str) -> str:
    lex, w = lexicon(), words("ko" if is_korean(value) else "en")["card"]
    days = card.duration_days or 7
    if lex.has("conditional", value):
        return value
    if lex.has("expectation", value):
        return w["hypothesis_expect"].format(days=days, answer=value)
    return w["hypothesis"].format(days=days, answer=value.rstrip("."))


def apply_change(card: ExperimentCard, name: str, value: str, language: str, today: date) -> None:
    """One field set to what the person said it should be; what follows from it follows."""
    if name == "duration_days":
        days = parse_duration(value)
        bare = re.search(r"\d{1,3}", value)
        days = days or (int(bare.group(0)) if bare else None)
        if days and 1 <= days <= 365:
            set_duration(card, days, today, language)
    elif name == "action":
        title = card.title
        derived = not title or title == title_for(card.action)
        set_action(card, value, language, today, parse_duration(value) or card.duration_days)
        if not derived:
            card.title = title  # a name the person gave stays
    elif name == "daily_check":
        if substance(value) < 15 and re.search(r"weekly|week|매주|주마다|주간", value, re.I):
            card.daily_check = check_for(card.action, language, "weekly")
        elif substance(value) < 15 and re.search(r"daily|day|매일|날마다", value, re.I):
            card.daily_check = check_for(card.action, language, "daily")
        else:
            card.daily_check = value
    elif name == "hypothesis":
        card.hypothesis = _hypothesis(card, value, language)
    else:
        setattr(card, name, value)


def correction(card: ExperimentCard, text: str, language: str, today: date) -> str | None:
    """Apply a change the person asked for ("make it 10 days", "기간을 열흘로 바꿔 주세요", "title
    should be 'X' and the action is Y"); the (first) field named, or None."""
    head, changes = field_changes(text)
    if changes:
        for name, value in sorted(changes, key=lambda c: c[0] != "action"):  # the action first: the rest may follow it
            apply_change(card, name, value, language, today)
        if substance(head) >= 6:
            _correction(card, head, language, today)  # "make it 10 days, and the title should be …"
        return changes[0][0]
    return _correction(card, text, language, today)


def _correction(card: ExperimentCard, text: str, language: str, today: date) -> str | None:
    days = parse_duration(text)
    if days is None:
        bare = re.search(r"\b(\d{1,3})\b", text)
        if bare and re.search(FIELD_WORDS["duration_days"], text, re.I):
            days = int(bare.group(1))
    wants = [name for name, pattern in FIELD_WORDS.items() if re.search(pattern, text, re.I)]
    changed = None
    how_often = lexicon().patterns["frequency"].search(text)
    if how_often and card.action:
        set_frequency(card, how_often.group(0), language, today)
        changed = "action"
    cadence = re.search(r"weekly|매주|주마다", text, re.I) or re.search(r"\bdaily\b|매일", text, re.I)
    if cadence and not changed and ("daily_check" in wants or "make it" in text.lower() or len(wants) <= 1):
        week = bool(re.search(r"weekly|매주|주마다", text, re.I))
        card.daily_check = check_for(card.action, language, "weekly" if week else "daily")
        changed = "daily_check"
    if days and (not wants or "duration_days" in wants or "make it" in text.lower() or changed):
        set_duration(card, days, today, language)
        return "duration_days"
    if changed:
        return changed
    m = _NEW_VALUE_KO.search(text) if is_korean(text) else _NEW_VALUE.search(text)
    value = clean(m.group(1)) if m else ""
    for name in wants:
        if name == "duration_days" or not value:
            continue
        if name == "action":
            set_action(card, value, language, today, card.duration_days)
        else:
            setattr(card, name, value)
        return name
    return None
