"""A session as Markdown or JSON: the conversation, the strengths and the experiment cards."""

from __future__ import annotations

import json

from .models import CARD_FIELDS, ChatMessage, SessionState


def export_session(state: SessionState, messages: list[ChatMessage], fmt: str = "md") -> str:
    if fmt == "json":
        return json.dumps(
            {
                "session": state.model_dump(mode="json", exclude={"guided", "owner"}),
                "messages": [m.model_dump(mode="json") for m in messages],
            },
            ensure_ascii=False,
            indent=2,
        )
    if fmt != "md":
        raise ValueError(f"Unknown export format {fmt!r}: use 'md' or 'json'.")
    lines = [f"# On-Policy Coach — session {state.session_id}", "", f"Stage: {state.stage.value}", ""]
    if state.strengths:
        lines += ["## Strengths", ""]
        lines += [f"- {s.name}" + (f" ({s.kind})" if s.kind != "strength" else "") for s in state.strengths]
        lines.append("")
    for card in state.experiments:
        lines += [f"## Experiment: {card.title or card.id} ({card.status})", "", "| field | value |", "|---|---|"]
        for name in CARD_FIELDS:
            value = getattr(card, name)
            if isinstance(value, list):
                value = ", ".join(value)
            lines.append(f"| {name} | {_cell(value)} |")
        if card.review:
            r = card.review
            lines += [
                f"| outcome | {_cell(r.outcome)} |",
                f"| reward | {r.reward:+d} |",
                f"| plus / minus / next | {_cell(r.plus)} / {_cell(r.minus)} / {_cell(r.next)} |",
                f"| reviewed on | {r.date} |",
            ]
        lines.append("")
    lines += ["## Conversation", ""]
    for m in messages:
        who = "You" if m.role == "user" else "Coach"
        stamp = m.created_at.strftime("%Y-%m-%d %H:%M")
        lines += [f"**{who}** ({stamp}):", "", m.content, ""]
        if m.sources:
            lines += ["Sources: " + ", ".join(f"[{s}]" for s in m.sources), ""]
    return "\n".join(lines)


def _cell(value: object) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")
