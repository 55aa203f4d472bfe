"""Prompt tokens per turn over a long conversation: what each reply request costs as the session grows.

    .venv/bin/python bench/turn.py --tokens-only      # or as part of bench/turn.py

A 30-turn conversation against the in-process fake server, whose notes fill the session as a real one
would (strengths every few turns, the imitation check, a card shaped field by field, agreed, reviewed,
a second card) and whose replies are ~90 words, every fifth one a 2,000-word ramble cut at the
request's max_tokens. Tokens are counted offline with o200k_base (`bpe-openai`, the `bench` extra);
without it, an estimate: 4 characters a token for Latin text, 2.4 for Hangul.
"""

from __future__ import annotations

import json
import re

from fake_model import reply_in_kind

TURNS = 30
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def counter():
    """(count(text) -> tokens, what counts them)."""
    try:
        import bpe_openai

        encoding = bpe_openai.get_encoding("o200k_base")
        return (lambda text: len(encoding.encode(text))), "o200k_base (bpe-openai)"
    except Exception:  # not installed: a documented estimate
        def estimate(text: str) -> int:
            hangul = len(_HANGUL.findall(text))
            return round(hangul / 2.4 + (len(text) - hangul) / 4)

        return estimate, "estimate (4 chars/token Latin, 2.4 Hangul; pip install bpe-openai for o200k_base)"


def _notes(turn: int) -> dict:
    """What a note-taking model would record after turn `turn` (1-based) of the scripted conversation."""
    card = {"title": "One explainer a day", "strength": "untangling messy data",
            "hypothesis": "If I write one explainer a day, I expect two teammates a week to ask follow-ups",
            "action": "I will write a 200-word explainer every morning for 7 days", "duration_days": 7,
            "reward_signal": "follow-up questions from teammates", "daily_check": "Did I post an explainer today?",
            "smallest_version": "one paragraph", "obstacle_plan": "If a meeting eats my morning, then I write after lunch",
            "confidence": 8}
    keys = list(card)
    notes: dict = {"stage": "open" if turn < 3 else "imitation" if turn < 5 else "strengths" if turn < 9
                   else "design" if turn < 14 else "review" if turn < 20 else "design"}
    if turn % 3 == 0:
        notes["strengths"] = [{"name": f"strength number {turn} in the user's own words", "evidence": "they said so",
                               "kind": "strength" if turn % 2 else "drain"}]
    if turn == 4:
        notes["imitation"] = {"playbook": "my manager's way of running projects", "verdict": "past_base"}
    if 9 <= turn <= 13:  # the card, two fields a turn, agreed at the end
        notes["experiment"] = {k: card[k] for k in keys[: 2 * (turn - 8)]}
        notes["experiment_agreed"] = turn == 13
    if turn == 15:
        notes["review"] = {"outcome": "Two teammates asked follow-ups; one explainer fixed a bug", "reward": 1,
                           "plus": "people came back", "minus": "mornings with standups", "next": "write after lunch"}
    if 20 <= turn <= 24:
        notes["experiment"] = {k: (v.replace("explainer", "data walk-through") if isinstance(v, str) else v)
                               for k, v in list(card.items())[: 2 * (turn - 19)]}
    return notes


def prompt_tokens(messages: list[str], turns: int = TURNS) -> tuple[list[int], str]:
    """Prompt tokens of each reply request over `turns` turns, and how they were counted."""
    from bot import Coach, Settings
    from bot.testing import FakeOpenAIServer
    from harness import temp_home

    count, how = counter()
    turn_of_notes = {"n": 0}

    def notes(body: dict) -> str:
        turn_of_notes["n"] += 1
        return json.dumps(_notes(turn_of_notes["n"]))

    def reply(body: dict) -> str:
        said = body["messages"][-1]["content"]
        words = 2000 if len(requests_seen) % 5 == 4 else 90
        requests_seen.append(1)
        return reply_in_kind(said, words)

    requests_seen: list[int] = []

    with temp_home() as home, FakeOpenAIServer(reply=reply, notes=notes, honor_max_tokens=True) as server:
        coach = Coach(settings=Settings(home=home / "coach", openai_base_url=server.url, model="fake-coach-model"))
        for turn in range(turns):
            coach.ask(messages[turn % len(messages)], "tokens")
            coach.wait_for_notes("tokens", timeout=30)
        requests = server.chat_requests()
    # Each message costs its content plus ~4 tokens of framing (role, separators), as OpenAI counts.
    return [sum(count(m["content"]) + 4 for m in r["messages"]) + 3 for r in requests], how
