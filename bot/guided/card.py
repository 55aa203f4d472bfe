"""The experiment card's fields in their form: a short title, "I will … for N days", a check whose
cadence matches the action, no doubled prefixes. Changes said in chat are in `card_changes`."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..models import ExperimentCard
from ..words import fill
from .lexicon import HANGUL, lexicon, sentences, substance, trim, words
from .parsing import action_core, drop_questions, nominalized, parse_duration, plain_verb, remove_duration

TITLE_WORDS = 5
TITLE_CHARS = 40

_WEEKLY = re.compile(
    r"\b(?:weekly|every (?:week|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:a|each|per) week|"
    r"on (?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)|on (?:[1-6]|one|two|three|four|five|six) days)\b|매주|주마다|"
    r"(?:일주일|한 주|주)에 ?(?:한|두|세|네|다섯|[1-7]) ?(?:번|회)|주 ?[1-7] ?(?:회|일)|[월화수목금토일]요일(?:마다|에만|에)|"
    r"[월화수목금토일]{2,}(?:요일)?(?:마다|에만|에)|주말(?:마다|에만)",
    re.I,
)
# How often, said inside an action; the check says its cadence in its own words ("this week", "이번 주에").
_RATE_WORDS = re.compile(
    r"\s*\b(?:(?:a|each|per|every) (?:day|week|morning|evening|night))\b|\s*\b(?:daily|weekly)\b|"
    r"(?:일주일|한 주)에 ?|매주\s*|주마다\s*|하루에\s*",
    re.I,
)
_DAILY = re.compile(r"\b(?:daily|every (?:day|morning|evening|night|weekday)|each (?:day|morning|evening)|a day)\b|매일|날마다|아침마다|저녁마다|하루에", re.I)
# Labels a person (or an older card) may have put in front of a value: "Signal: …", "신호: …".
_PREFIX = re.compile(
    r"^\s*(?:(?:(?:the|my)\s+)?(?:signal|reward(?: signal)?|hypothesis|action|title|check|daily check|smallest(?: version)?|if-then|obstacle|plan|strength)"
    r"|신호|보상 신호|보상|가설|행동|제목|체크|가장 작은 버전|작은 버전|장애물|계획|강점)\s*(?:[:：=]|->|→)\s*"
    r"|^\s*(?:(?:the|my)\s+)?(?:(?:reward )?signal|hypothesis|action|title|daily check|check|smallest version|bad[- ]day version|obstacle|strength)"
    r"\s+(?:is|would be|should be|will be)\s*[:：]?\s+",
    re.I,
)
_PREFIX_KO = re.compile(r"^\s*(?:보상 신호|신호|보상|지표|가장 작은 버전|작은 버전|가설|제목|행동|체크|강점)(?:은|는)\s+")
_COPULA_KO = re.compile(r"\s*(?:이에요|예요|입니다)?\s*[.!~]*\s*$")
_KO_PREDICATE = re.compile(r"(?:다|요|기|고|게|죠|함|음|해|하|할|까)[.!]?\s*$|하(?:고|기|면|며)\b|할게|하겠|해 ?볼|쓰기|읽기|보기|만들")
_KO_LEAD = re.compile(r"^(?:(?:매일|날마다|아침마다|저녁마다|매주|아침|저녁|점심|퇴근 후|출근 전|\d+\s*분씩?|하루에?|한 번씩?)\s*)+")
_IRREGULAR_ING = {"be": "being", "see": "seeing", "lie": "lying", "die": "dying", "tie": "tying"}
_DOUBLE = {"run", "get", "put", "sit", "stop", "plan", "chat", "jot", "set", "cut", "swim", "shop", "log", "map", "skip", "drop", "ship", "pin", "tag"}


def clean(value: str) -> str:
    """A value without labels in front (however many) and without outer quotes or spaces."""
    value = " ".join((value or "").split()).strip(" \"'“”‘’")
    while _PREFIX.match(value):
        value = _PREFIX.sub("", value, count=1)
    topic = _PREFIX_KO.match(value)
    if topic and substance(value[topic.end():]) >= 3:
        # "신호는 댓글 수예요." -> "댓글 수": the label and the "is" of the sentence are not the value.
        value = _COPULA_KO.sub("", value[topic.end():])
    return value.strip(" \"'“”‘’").lstrip(":：=").strip()


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
    if v in _NOT_VERBS or not v.isalpha():  # "i'd", "9pm", "3": no verb to turn into "-ing"
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


_ARTICLES = {"the", "a", "an"}
_TITLE_RATE = re.compile(r"\b(?:(?:a|each|per|every) (?:day|week|month|morning|evening|night|weekday))\b", re.I)
# Words that say how much or how often, which a Korean title can do without ("하루에", "하나씩", "한 줄").
_KO_COUNT = re.compile(
    r"(?:^|\s)(?:하루에|매일|매주|날마다|하나씩?|한두 ?개씩?|(?:한|두|세|네|다섯|\d+) ?(?:개|줄|번|편|장|쪽|페이지|문장|명|권|곳|회|가지)씩?|\d+분씩?)(?=\s|$)"
)
KO_TITLE_WORDS = 5


def title_for(action: str) -> str:
    """A short noun phrase from the action: "I will read raw logs for …" -> "Reading raw logs",
    "시장서 본 제철 재료로 반찬 하나 바꿔볼게요" -> "제철 재료로 반찬 바꾸기"."""
    core, _ = action_core(action)
    core = " ".join(lexicon().patterns["frequency"].sub("", core).split()) or core
    core = core or trim(action, TITLE_CHARS)
    if is_korean(core):
        return _korean_title(core)
    core = " ".join(_TITLE_RATE.sub("", core).split()) or core
    lex = lexicon()
    kept: list[str] = []
    content = 0
    for word in core.split():
        bare = word.strip(".,;:!?\"'“”‘’()").lower()
        if not bare:
            continue
        if bare == "the" and kept:
            continue  # "skip the 9pm events" -> "Skipping 9pm events"
        if bare == "of" and kept and re.match(r"^\d", kept[-1]):
            continue  # "3 of the comics" -> "3 comics"
        stop = lex.has("title_stop", bare)
        if stop and content >= 2:
            break
        kept.append(word.strip(".,;:!?\"“”()"))
        if not stop and not re.match(r"^\d+$", bare):
            content += 1
        if len(kept) >= TITLE_WORDS:
            break
    while len(kept) > 1 and (lex.has("title_stop", kept[-1].lower()) or kept[-1].lower() in _ARTICLES):
        kept.pop()
    if kept:
        kept[0] = gerund(kept[0]).capitalize() if kept[0].isalpha() else kept[0][:1].upper() + kept[0][1:]
    return trim(" ".join(kept), TITLE_CHARS)


def _korean_title(core: str) -> str:
    noun, _ = nominalized(core)
    noun = _KO_LEAD.sub("", noun).strip() or noun
    noun = plain_verb(noun)  # "바꿔 보기" -> "바꾸기": the thing tried, named
    words_ = noun.split()
    if len(words_) > KO_TITLE_WORDS:
        words_ = _KO_COUNT.sub(" ", noun).split() or words_
    while len(words_) > KO_TITLE_WORDS:
        words_.pop(0)
    # A modifier whose noun went with the words before it ("본 제철 …"): it goes too.
    while len(words_) > 2 and len(words_[0]) == 1 and _final_n(words_[0]):
        words_.pop(0)
    return trim(" ".join(words_), TITLE_CHARS)


def _final_n(ch: str) -> bool:
    return "가" <= ch <= "힣" and (ord(ch) - 0xAC00) % 28 == 4  # ㄴ: "본", "한", "산"


def weekly(action: str) -> bool:
    """Whether the action is done weekly: its first clause says so, or only weekly words appear."""
    core, _ = action_core(action)
    if _WEEKLY.search(core):
        return True
    return bool(_WEEKLY.search(action)) and not _DAILY.search(action)


def check_for(action: str, language: str, cadence: str | None = None) -> str:
    """A yes/no check at the action's own cadence (today, or this week) unless `cadence` is given."""
    core, said_i_will = action_core(action)
    if is_korean(core):
        # "일주일에 3번" -> "이번 주에 3번 …", "월수금에만" -> "이번 주에 월수금에 …"
        core = re.sub(r"(?:(?:일주일|한 주|주)에 ?|(?<![가-힣])주 ?)((?:한|두|세|네|다섯|[1-7]) ?(?:번|회))", r"\1", core)
        core = re.sub(r"(?<=[월화수목금토일])((?:요일)?)(?:마다|에만)", r"\1에", core)
    core = " ".join(lexicon().patterns["frequency"].sub("", core).split())  # "twice a week" is the cadence's to say
    cadence = cadence or ("weekly" if weekly(action) else "daily")
    if is_korean(core):
        noun, _ = nominalized(core)
        noun = " ".join(_RATE_WORDS.sub(" ", noun).split())
        noun = _KO_LEAD.sub("", noun).strip() or noun
        return fill(words("ko")["card"][f"check_{cadence}"], core=noun)
    w = words("en")["card"]
    core = re.sub(r"\b(?:each|every) (?:day|morning|evening|week|friday|monday)\b|\bdaily\b|\bweekly\b", "", core, flags=re.I)
    core = _RATE_WORDS.sub("", core)
    core = re.sub(r"\b([Aa]) (?=[aeiou])", r"\1n ", " ".join(core.split())).strip(" ,;:-")  # "post a (weekly) oddity note"
    return w[f"check_{cadence}"].format(core=core[:1].lower() + core[1:] if said_i_will else core)


def _as_i_will(body: str) -> str:
    """"i'd start …", "I want to send …", "let's post …" -> "I will …"; "I will" is said once."""
    lex = lexicon()
    body = lex.patterns["i_would"].sub("", body, count=1) if lex.has("i_would", body) else body
    if lex.has("i_will", body):
        body = lex.patterns["i_will"].sub("I will ", body, count=1)  # "I'll", "I'm going to": said one way
    else:
        body = body[:1].lower() + body[1:]
        # "one new weird flavor each saturday": a thing, not a verb; "I will" needs something to do
        verb = "do " if _THING_FIRST.match(body) else ""
        body = f"I will {verb}{body}"
    return body


_THING_FIRST = re.compile(r"(?:one|a|an|two|three|four|five|\d+|another|my|new|more|extra)\b", re.I)


def action_text(action: str, days: int, language: str) -> str:
    """The action as "I will … for N days" ("N일 동안 …"), its old length of time replaced."""
    body = clean(remove_duration(drop_questions(action))).rstrip(" .")
    body = (sentences(body) or [body])[0].rstrip(" .") if len(body) > 200 else body
    if is_korean(body):
        return words("ko")["card"]["action"].format(action=body, days=days)
    return words("en")["card"]["action"].format(action=_as_i_will(body), days=days)


def plausible_action(text: str) -> bool:
    """Whether the text can be something to do: a few words with a verb, not a fragment like "새 실험 전에",
    a prediction ("손님들이 찾을 것 같아요", "I expect …") nor a condition ("if they ask more, it worked")."""
    text = clean(text)
    if lexicon().has("to_coach", text):
        return False  # "can you make it a week instead" asks the coach for something
    if lexicon().has("rejects", text) and not (lexicon().has("i_will", text) or lexicon().has("i_would", text)):
        return False  # "that's not an idea, that's a mad lib": turning something down is nothing to do
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
    weekdays = re.search(r"weekday|평일", how_often, re.I) is not None
    if weekdays:  # "weekdays only" / "평일만": still a daily action, on five days of seven
        how_often = "평일마다" if is_korean(card.action) else "on weekdays"
    body = clean(remove_duration(card.action))
    said_rate = lexicon().patterns["frequency"].search(body)
    if said_rate:  # "on 3 days" -> "on 2 days a week": the new rate in place of the old one
        body = body[: said_rate.start()] + how_often + body[said_rate.end() :]
    elif _DAILY.search(body):
        body = _DAILY.sub(how_often, body, count=1)
    elif is_korean(body):
        body = f"{how_often} {_KO_LEAD.sub('', body).strip()}"
    else:
        body = f"{body.rstrip(' .')} {how_often}"
    derived = card.title == title_for(card.action)
    card.action = action_text(body, card.duration_days, language) if card.duration_days else body
    if derived:
        card.title = title_for(card.action)
    card.daily_check = check_for(card.action, language, "daily" if weekdays else "weekly")


def as_weekly_rate(action: str) -> str:
    """"on 4 of the next 7 days" -> "on 4 days a week" ("7일 중 4일" -> "주 4일"): the length is said once."""
    for pattern, replacement in lexicon().share_of_week:
        action = pattern.sub(replacement, action)
    return action


def set_action(card: ExperimentCard, action: str, language: str, today: date, days: int | None = None) -> None:
    action = drop_questions(action)
    weekly_share = as_weekly_rate(action)
    if weekly_share != action:
        days = days or parse_duration(weekly_share) or 7
        action = weekly_share
    card.action = clean(action).rstrip(" ,;")
    if not is_korean(card.action):
        card.action = _as_i_will(card.action)
    days = days or parse_duration(action) or card.duration_days
    card.title = title_for(card.action)
    card.daily_check = check_for(card.action, language)
    if days:
        set_duration(card, days, today, language)
