"""A session as Markdown or JSON: the conversation, the strengths and the experiment cards."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .models import CARD_FIELDS, ChatMessage, SessionState

if TYPE_CHECKING:
    from knowledge import Passage

# A rendering is the project's paraphrase, never the author's words, and says so wherever it appears.
RENDERING_LABEL = "English rendering"


def export_session(
    state: SessionState, messages: list[ChatMessage], fmt: str = "md", passages: Sequence[Passage] = ()
) -> str:
    """The session as Markdown or JSON; `passages` (those the replies cite) are quoted at the end,
    in the essay's Korean, with their English rendering, labelled, in an English session."""
    english = state.language != "ko"
    if fmt == "json":
        return json.dumps(
            {
                "session": state.model_dump(mode="json", exclude={"guided", "owner"}),
                "messages": [m.model_dump(mode="json") for m in messages],
                "passages": [
                    {"id": p.id, "text": p.text}
                    | ({"english_rendering": r, "rendering_label": RENDERING_LABEL} if english and (r := p.rendering("en")) else {})
                    for p in passages
                ],
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
    if passages:
        lines += ["## Passages cited", ""]
        for p in passages:
            lines += [f"**[{p.id}]**", "", *(f"> {line}" for line in p.text.splitlines()), ""]
            rendering = p.rendering("en") if english else None
            if rendering:
                lines += [f"*{RENDERING_LABEL}* (the project's, not the author's words):", ""]
                lines += [*(f"> {line}" for line in rendering.splitlines()), ""]
    return "\n".join(lines)


def _cell(value: object) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")
