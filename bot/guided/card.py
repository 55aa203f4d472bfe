"""The experiment card's fields in their form: a short title, "I will … for N days", a check whose
cadence matches the action, no doubled prefixes; and changes the person asks for in chat."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..models import ExperimentCard
from ..words import fill
from .lexicon import HANGUL, lexicon, sentences, substance, trim, words
from .parsing import action_core, nominalized, parse_duration, remove_duration

TITLE_WORDS = 5
TITLE_CHARS = 40

_WEEKLY = re.compile(
    r"\b(?:weekly|every (?:week|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|once a week|each week|per week|"
    r"on (?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays))\b|매주|주마다|일주일에 한 번|주 1회|[월화수목금토일]요일마다",
    re.I,
)
_DAILY = re.compile(r"\b(?:daily|every (?:day|morning|evening|night|weekday)|each (?:day|morning|evening)|a day)\b|매일|날마다|아침마다|저녁마다|하루에", re.I)
# Labels a person (or an older card) may have put in front of a value: "Signal: …", "신호: …".
_PREFIX = re.compile(
    r"^\s*(?:(?:the\s+)?(?:signal|reward(?: signal)?|hypothesis|action|title|check|daily check|smallest(?: version)?|if-then|obstacle|plan)"
    r"|신호|보상|가설|행동|제목|체크|가장 작은 버전|작은 버전|장애물|계획)\s*[:：]\s*",
    re.I,
)
_KO_PREDICATE = re.compile(r"(?:다|요|기|고|게|죠|함|음|해|하|할|까)[.!]?\s*$|하(?:고|기|면|며)\b|할게|하겠|해 ?볼|쓰기|읽기|보기|만들")
_KO_LEAD = re.compile(r"^(?:(?:매일|날마다|아침마다|저녁마다|매주|아침|저녁|점심|퇴근 후|출근 전|\d+\s*분씩?|하루에?|한 번씩?)\s*)+")
_IRREGULAR_ING = {"be": "being", "see": "seeing", "lie": "lying", "die": "dying", "tie": "tying"}
_DOUBLE = {"run", "get", "put", "sit", "stop", "plan", "chat", "jot", "set", "cut", "swim", "shop", "log", "map", "skip", "drop", "ship", "pin", "tag"}


def clean(value: str) -> str:
    """A value without labels in front (however many) and without outer quotes or spaces."""
    value = " ".join((value or "").split()).strip(" \"'“”‘’")
    while _PREFIX.match(value):
        value = _PREFIX.sub("", value, count=1)
    return value.strip()


# Words that open a phrase without being its verb: "the second one" is not "Thing second one".
_NOT_VERBS = {"the", "a", "an", "my", "our", "your", "his", "her", "their", "this", "that", "these", "those",
              "one", "some", "more", "less", "each", "every", "all", "no", "not", "only", "just", "actually"}


def strength_phrase(name: str) -> str:
    """What an action can be built on, from a strength as said: "I can code R pretty fast" ->
    "coding R", "손님들이랑 수다 떠는 건 잘해요" -> "손님들이랑 수다 떠는 것". The person's own words, less the frame."""
    phrase = " ".join(name.split())
    for pattern, replacement in lexicon().strength_phrase:
        if "{gerund}" in replacement:
            m = pattern.search(phrase)
            if m:
                rest = phrase[m.end():].split(" ", 1)
                phrase = phrase[: m.start()] + " ".join([gerund(rest[0])] + rest[1:])
            continue
        phrase = pattern.sub(replacement, phrase).strip()
    return phrase if substance(phrase) >= 1 else name


def gerund(verb: str) -> str:
    v = verb.lower()
    if v in _NOT_VERBS:
        return verb
    if v in _IRREGULAR_ING:
        return _IRREGULAR_ING[v]
    if v.endswith("ing"):
        return v
    if v in _DOUBLE:
        return v + v[-1] + "ing"
    if v.endswith("e") and not v.endswith(("ee", "ye", "oe")):
        return v[:-1] + "ing"
    return v + "ing"


def is_korean(text: str) -> bool:
    return bool(HANGUL.search(text))


def title_for(action: str) -> str:
    """A short noun phrase from the action: "I will read raw logs for …" -> "Reading raw logs"."""
    core, _ = action_core(action)
    core = " ".join(lexicon().patterns["frequency"].sub("", core).split()) or core
    core = core or trim(action, TITLE_CHARS)
    if is_korean(core):
        noun, _ = nominalized(core)
        noun = _KO_LEAD.sub("", noun).strip() or noun
        return trim(noun, TITLE_CHARS)
    lex = lexicon()
    kept: list[str] = []
    for word in core.split():
        if len(kept) >= 2 and (lex.has("title_stop", word) or re.match(r"^\d", word)):
            break
        kept.append(word)
        if len(kept) >= TITLE_WORDS:
            break
    while len(kept) > 2 and lex.has("title_stop", kept[-1]):
        kept.pop()
    if kept:
        kept[0] = gerund(kept[0]).capitalize()
    return trim(" ".join(kept), TITLE_CHARS)


def weekly(action: str) -> bool:
    """Whether the action is done weekly: its first clause says so, or only weekly words appear."""
    core, _ = action_core(action)
    if _WEEKLY.search(core):
        return True
    return bool(_WEEKLY.search(action)) and not _DAILY.search(action)


def check_for(action: str, language: str, cadence: str | None = None) -> str:
    """A yes/no check at the action's own cadence (today, or this week) unless `cadence` is given."""
    core, said_i_will = action_core(action)
    core = " ".join(lexicon().patterns["frequency"].sub("", core).split())  # "twice a week" is the cadence's to say
    core = _KO_LEAD.sub("", core).strip() if is_korean(core) else core
    cadence = cadence or ("weekly" if weekly(action) else "daily")
    if is_korean(core):
        noun, _ = nominalized(core)
        return fill(words("ko")["card"][f"check_{cadence}"], core=noun)
    w = words("en")["card"]
    core = re.sub(r"\b(?:each|every) (?:day|morning|evening|week|friday|monday)\b|\bdaily\b|\bweekly\b", "", core, flags=re.I)
    core = " ".join(core.split())
    return w[f"check_{cadence}"].format(core=core[:1].lower() + core[1:] if said_i_will else core)


def action_text(action: str, days: int, language: str) -> str:
    """The action as "I will … for N days" ("N일 동안 …"), its old length of time replaced."""
    body = clean(remove_duration(action)).rstrip(" .")
    body = (sentences(body) or [body])[0].rstrip(" .") if len(body) > 200 else body
    if is_korean(body):
        return words("ko")["card"]["action"].format(action=body, days=days)
    lex = lexicon()
    if not lex.has("i_will", body):
        body = "I will " + body[:1].lower() + body[1:]
    return words("en")["card"]["action"].format(action=body, days=days)


def plausible_action(text: str) -> bool:
    """Whether the text can be something to do: a few words with a verb, not a fragment like "새 실험 전에",
    a prediction ("손님들이 찾을 것 같아요", "I expect …") nor a condition ("if they ask more, it worked")."""
    text = clean(text)
    if lexicon().has("to_coach", text):
        return False  # "can you make it a week instead" asks the coach for something
    if lexicon().has("success_condition", text):
        return False  # "if they ask more questions in class, it worked" says what would show it, not what to do
    if lexicon().has("expectation", text) or re.search(r"것 같아요|것 같다|듯해요|\bI (?:expect|guess|bet)\b", text):
        return False
    if is_korean(text):
        return len(HANGUL.findall(text)) >= 5 and bool(_KO_PREDICATE.search(text))
    words_ = re.findall(r"[A-Za-z']+", text)
    return len(words_) >= 3


def set_duration(card: ExperimentCard, days: int, today: date, language: str) -> None:
    """Days, review date, and every field that mentions the length follow the new number."""
    old = card.duration_days
    card.duration_days = days
    card.review_on = today + timedelta(days=days)
    if card.action:
        card.action = action_text(card.action, days, language)
    if card.hypothesis and old and old != days:
        card.hypothesis = re.sub(rf"\b{old}(\s*(?:days?|일))", rf"{days}\1", card.hypothesis)


def set_frequency(card: ExperimentCard, how_often: str, language: str, today: date) -> None:
    """"일주일에 두 번만 할래요" on a daily action: its every-day words give way to the new rate
    (or the rate is added), and the check becomes a weekly one."""
    body = clean(remove_duration(card.action))
    if _DAILY.search(body):
        body = _DAILY.sub(how_often, body, count=1)
    elif is_korean(body):
        body = f"{how_often} {_KO_LEAD.sub('', body).strip()}"
    else:
        body = f"{body.rstrip(' .')} {how_often}"
    derived = card.title == title_for(card.action)
    card.action = action_text(body, card.duration_days, language) if card.duration_days else body
    if derived:
        card.title = title_for(card.action)
    card.daily_check = check_for(card.action, language, "weekly")


def set_action(card: ExperimentCard, action: str, language: str, today: date, days: int | None = None) -> None:
    card.action = clean(action)
    if not is_korean(card.action) and not lexicon().has("i_will", card.action):
        card.action = "I will " + card.action[:1].lower() + card.action[1:]
    days = days or parse_duration(action) or card.duration_days
    card.title = title_for(card.action)
    card.daily_check = check_for(card.action, language)
    if days:
        set_duration(card, days, today, language)


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


def correction(card: ExperimentCard, text: str, language: str, today: date) -> str | None:
    """Apply a change the person asked for ("make it 10 days", "기간을 열흘로 바꿔 주세요"); the field changed, or None."""
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
