"""The session as the model reads it: compact state lines (imitation check, strengths, the open
card with its missing fields, one line per review) and the stage to hint at this turn."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from .models import ChatMessage, ExperimentCard, SessionState, Stage
from .words import load

# A message after this long a pause, with an experiment running, opens a review.
RETURN_GAP = timedelta(hours=3)
_SHOWN_CARD_FIELDS = ("strength", "hypothesis", "action", "duration_days", "reward_signal", "daily_check",
                      "smallest_version", "obstacle_plan", "confidence")


def quote(text: object) -> str:
    """Quoted text cannot close its own tag and pose as instructions."""
    return escape(str(text), quote=False)


def _q(text: object) -> str:
    return f'"{quote(text)}"' if text not in (None, "") else "?"


def render_state(state: SessionState) -> str:
    lines = load("prompts")["state"]
    out: list[str] = []
    if state.imitation and (state.imitation.playbook or state.imitation.verdict):
        verdict = lines[f"verdict_{state.imitation.verdict}"] if state.imitation.verdict else lines["verdict_unknown"]
        out.append(lines["imitation"].format(playbook=_q(state.imitation.playbook), verdict=verdict))
    for kind, key in (("strength", "strengths"), ("drain", "drains"), ("overused", "overused")):
        names = [_q(s.name) for s in state.strengths if s.kind == kind]
        if names:
            out.append(lines[key].format(items=", ".join(names)))
    for card in state.experiments:
        out.append(_card_line(card, lines))
    return "\n".join(out) or load("prompts")["no_profile"]


def _card_line(card: ExperimentCard, lines: dict) -> str:
    if card.status == "reviewed" and card.review:
        r = card.review
        return lines["reviewed_card"].format(
            title=_q(card.title), date=r.date.isoformat(), reward=r.reward, outcome=_q(r.outcome),
            plus=_q(r.plus), minus=_q(r.minus), next=_q(r.next),
        )
    if card.status == "running":
        return lines["running_card"].format(
            title=_q(card.title), id=card.id, action=_q(card.action), reward_signal=_q(card.reward_signal),
            review_on=card.review_on.isoformat() if card.review_on else "?",
        )
    fields = "; ".join(
        f"{name}={_q(value) if isinstance(value, str) else value}"
        for name in _SHOWN_CARD_FIELDS
        if (value := getattr(card, name)) not in (None, "", [])
    )
    missing = [m for m in card.missing() if m not in ("review_on", "passages")]
    if card.confidence is not None and card.confidence < 7:
        missing.append("confidence >= 7")
    return lines["open_card"].format(
        status=card.status, title=_q(card.title), fields=fields or load("prompts")["state"]["none"],
        missing=", ".join(missing) or load("prompts")["state"]["none"],
    )


def stage_hint(state: SessionState, history: list[ChatMessage], now: datetime) -> Stage:
    """The stage this turn is coached in: a return visit with a running card is a review from its first message."""
    if state.stage is Stage.SAFETY:
        return state.stage
    running = [e for e in state.experiments if e.status == "running"]
    if running:
        last = history[-1].created_at if history else None
        due = any(e.review_on and e.review_on <= now.date() for e in running)
        if due or last is None or now - last >= RETURN_GAP:
            return Stage.REVIEW
    return state.stage
