"""What the coach says about safety, from bot/text/safety.toml, in the person's language."""

from __future__ import annotations

import re

from ..words import load

QUOTE_CHARS = 160


def _table(name: str, language: str):
    table = load("safety")[name]
    return table.get(language, table["en"])


def _pick(options: list[str], key: str) -> str:
    # Variety without randomness: the same turn always gets the same sentence.
    return options[sum(map(ord, key)) % len(options)].strip()


def safety_response(language: str) -> str:
    """The crisis response: acknowledgement, that the coach is not a counsellor, the help lines."""
    return _table("response", language).strip()


def response_again(language: str, key: str = "") -> str:
    """The crisis response once more, shorter, for an answer after it that is not safe or unclear."""
    return _pick(_table("response_again", language), key)


def concern_response(language: str, words: str) -> str:
    """The check-in: the person's words named, the direct question, the help lines."""
    return _table("concern_response", language).strip().format(words=quotable(words))


def safe_reply(language: str, key: str = "") -> str:
    return _pick(_table("safe", language), key)


def safe_resume(language: str, key: str = "") -> str:
    """Glad, and back to the message that drew a check-in only the classifier asked for."""
    return _pick(_table("safe_resume", language), key)


def moving_on(language: str) -> str:
    return _table("moving_on", language).strip()


def return_check_in(language: str) -> str:
    return _table("return_check_in", language).strip()


def distress_acknowledgement(language: str, key: str = "", worn: bool = True) -> str:
    """One sentence before coaching: of tiredness when the person said they are worn out, else of a hard time."""
    return _pick(_table("distress_acknowledgement" if worn else "hard_time_acknowledgement", language), key)


def quotable(words: str) -> str:
    """The person's words as they can be quoted back: one line, short, no Markdown or HTML of theirs."""
    words = re.sub(r"\s+", " ", words).strip().strip("\"'“”‘’")
    if len(words) > QUOTE_CHARS:
        words = words[: QUOTE_CHARS - 1].rstrip() + "…"
    words = re.sub(r"[<>]", "", words)
    return re.sub(r"([\\`*_\[\]!#|])", r"\\\1", words)


def prompt_rules(language: str, acknowledged: str = "") -> str:
    """COACHING.md's safety rules and help lines for the model's system prompt ({safety_rules})."""
    prompt = load("safety")["prompt"]
    rules = prompt.get(language, prompt["en"]).strip()
    return rules + ("\n" + prompt["acknowledged"].format(sentence=acknowledged) if acknowledged else "")
