"""A session as Markdown or JSON: the conversation, the strengths, the experiment cards and feedback."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .models import CARD_FIELDS, ChatMessage, Feedback, SessionState
from .words import load

if TYPE_CHECKING:
    from knowledge import Passage

# A rendering is the project's paraphrase, never the author's words, and says so wherever it appears.
RENDERING_LABEL = "English rendering"


def export_session(
    state: SessionState,
    messages: list[ChatMessage],
    fmt: str = "md",
    passages: Sequence[Passage] = (),
    feedback: Sequence[Feedback] = (),
) -> str:
    """The session as Markdown or JSON: the conversation (turns taken back marked so), the likes and
    comments, and `passages` (those the replies cite) quoted at the end, in the essay's Korean, with
    their English rendering, labelled, in an English session."""
    english = state.language != "ko"
    if fmt == "json":
        return json.dumps(
            {
                "session": state.model_dump(mode="json", exclude={"guided", "owner"}),
                "messages": [m.model_dump(mode="json") for m in messages],
                "feedback": [f.model_dump(mode="json") for f in feedback],
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
    w = load("export").get(state.language) or load("export")["en"]
    stage = w["stages"].get(state.stage.value, state.stage.value)
    lines = [f"# {w['title'].format(session=state.session_id)}", "", f"{w['stage']}: {stage}", ""]
    if state.strengths:
        lines += [f"## {w['strengths']}", ""]
        lines += [f"- {s.name}" + (f" ({w['kinds'][s.kind]})" if w["kinds"].get(s.kind) else "") for s in state.strengths]
        lines.append("")
    for card in state.experiments:
        rows = _card_rows(card, w)
        if not (card.review or any(getattr(card, n) not in (None, "", []) for n in CARD_FIELDS if n not in _BOOKKEEPING)):
            continue  # nothing the person would recognise was written on it yet
        status = w["status"].get(card.status, card.status)
        lines += [f"## {w['experiment'].format(title=card.title or w['untitled'], status=status)}", ""]
        lines += [f"| {w['field']} | {w['value']} |", "|---|---|", *rows, ""]
    lines += [f"## {w['conversation']}", ""]
    for m in messages:
        who = w["you"] if m.role == "user" else w["coach"]
        stamp = m.created_at.strftime("%Y-%m-%d %H:%M")
        mark = f" — *{w['replaced']}*" if m.status == "replaced" else ""
        lines += [f"**{who}** ({stamp}){mark}:", "", m.content, ""]
        if m.sources:
            lines += [f"{w['sources']}: " + ", ".join(f"[{s}]" for s in m.sources), ""]
    if feedback:
        stamps = {m.id: m.created_at.strftime("%Y-%m-%d %H:%M") for m in messages}
        lines += [f"## {w['feedback']}", ""]
        for f in feedback:
            about = f" {w['feedback_on'].format(stamp=stamps[f.message_id])}" if f.message_id in stamps else ""
            lines.append(f"- {w[f.rating]}{about}" + (f": {f.comment}" if f.comment else ""))
        lines.append("")
    if passages:
        lines += [f"## {w['passages_cited']}", ""]
        for p in passages:
            lines += [f"**[{p.id}]**", "", *(f"> {line}" for line in p.text.splitlines()), ""]
            rendering = p.rendering("en") if english else None
            if rendering:
                lines += [f"*{RENDERING_LABEL}* {w['rendering_note']}:", ""]
                lines += [*(f"> {line}" for line in rendering.splitlines()), ""]
    return "\n".join(lines)


_BOOKKEEPING = ("review_on", "passages")


def _card_rows(card, w: dict) -> list[str]:
    rows = []
    for name in CARD_FIELDS:
        value = getattr(card, name)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = ", ".join(value)
        rows.append(f"| {w['fields'][name]} | {_cell(value)} |")
    if card.review:
        r, f = card.review, w["fields"]
        rows += [
            f"| {f['outcome']} | {_cell(r.outcome)} |",
            f"| {f['reward']} | {r.reward:+d} |",
            f"| {f['plus_minus_next']} | {_cell(r.plus)} / {_cell(r.minus)} / {_cell(r.next)} |",
            f"| {f['reviewed_on']} | {r.date} |",
        ]
    return rows


def _cell(value: object) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")
