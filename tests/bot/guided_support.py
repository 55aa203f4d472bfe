"""The guided coach brought to its first strengths question, in either language, and a chat with
it turn by turn (shared by the tests of what people say to it)."""

from __future__ import annotations

from bot.models import ExperimentCard

START = {
    "en": ["I feel stuck at work", "I copy my manager's playbook", "I'm past the base"],
    "ko": ["회사에서 성장이 멈춘 것 같아요", "팀장님 방식을 그대로 따라 하고 있어요", "기반은 갖춰졌어요"],
}


def at_strengths(make_coach, language: str, sid: str, *more: str):
    """A new coach whose session `sid` has answered the opening questions (and `more` after them)."""
    coach = make_coach()
    for message in START[language]:
        coach.ask(message, sid)
    assert coach.state(sid).guided.step == "strengths_clue"
    for message in more:
        coach.ask(message, sid)
    return coach


class Chat:
    def __init__(self, make_coach, sid: str) -> None:
        self.coach, self.sid = make_coach(), sid

    def say(self, *messages: str) -> str:
        text = ""
        for message in messages:
            text = self.coach.ask(message, self.sid).text
        return text

    @property
    def step(self) -> str | None:
        return self.coach.state(self.sid).guided.step

    @property
    def card(self) -> ExperimentCard:
        return self.coach.state(self.sid).experiments[-1]
