"""The whole person as JSON (for `coach import`) or Markdown (for reading): the notebook, the
policy table, and every conversation with its messages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .checkins import percent
from .export import _cell, export_session
from .models import CARD_FIELDS, ChatMessage, ExperimentCard, SessionState
from .person_models import Notebook, NotebookCard, NotebookStrength, Tick
from .policy import strength_stats

FORMAT = "on-policy-coach/person"
VERSION = 1


def card_json(entry: NotebookCard, ticks: list[Tick]) -> dict[str, Any]:
    """A card as `coach notebook --json` and the export show it: its fields, id, status, and progress."""
    p = entry.progress
    return {
        **entry.card.model_dump(mode="json"),
        "session_id": entry.session_id,
        "started_on": entry.started_on.isoformat() if entry.started_on else None,
        "progress": {"yes": p.yes, "no": p.no, "skipped": p.skipped, "streak": p.streak, "adherence": p.adherence},
        "ticks": [{"day": t.day.isoformat(), "value": t.value} for t in sorted(ticks, key=lambda t: t.day)],
    }


def notebook_json(notebook: Notebook, ticks: list[Tick]) -> dict[str, Any]:
    by_card: dict[str, list[Tick]] = {}
    for tick in ticks:
        by_card.setdefault(tick.card_id, []).append(tick)
    return {
        "strengths": [s.model_dump(mode="json") for s in notebook.strengths],
        "experiments": [card_json(c, by_card.get(c.id, [])) for c in notebook.cards],
        "policy": [
            {
                "strength": s.name, "experiments": s.experiments, "running": s.running, "mean_reward": s.mean,
                "spread": s.spread, "adherence": s.adherence,
                "last_tried": s.last_tried.isoformat() if s.last_tried else None,
            }
            for s in strength_stats(notebook)
        ],
    }


@dataclass
class Conversation:
    id: str
    title: str
    state: SessionState
    messages: list[ChatMessage]


def person_json(notebook: Notebook, ticks: list[Tick], conversations: list[Conversation]) -> str:
    data = {"format": FORMAT, "version": VERSION, **notebook_json(notebook, ticks)}
    data["conversations"] = [
        {
            "id": c.id,
            "title": c.title,
            "state": c.state.model_dump(mode="json", exclude={"owner"}),
            "messages": [m.model_dump(mode="json") for m in c.messages],
        }
        for c in conversations
    ]
    return json.dumps(data, ensure_ascii=False, indent=2)


def person_markdown(notebook: Notebook, conversations: list[Conversation]) -> str:
    lines = ["# On-Policy Coach — your notebook", ""]
    lines += ["## Strengths", ""]
    for s in notebook.strengths or []:
        kind = "" if s.kind == "strength" else f" ({s.kind})"
        lines.append(f"- **{s.name}**{kind}")
        lines += [f"  - “{e.words}” ({e.at:%Y-%m-%d})" for e in s.evidence if e.words]
    if not notebook.strengths:
        lines.append("(none yet)")
    lines += ["", "## The policy: what each strength earned", "",
              "| strength | experiments | running | mean reward | spread | adherence | last tried |", "|---|---|---|---|---|---|---|"]
    for s in strength_stats(notebook):
        mean = "–" if s.mean is None else f"{s.mean:+.1f}"
        lines.append(f"| {_cell(s.name)} | {s.experiments} | {s.running} | {mean} | ±{s.spread:.1f} | {percent(s.adherence)} | {s.last_tried or '–'} |")
    lines.append("")
    for entry in notebook.cards:
        card, p = entry.card, entry.progress
        lines += [f"## Experiment: {card.title or card.id} ({card.status}, id {card.id})", "", "| field | value |", "|---|---|"]
        for name in CARD_FIELDS:
            value = getattr(card, name)
            lines.append(f"| {name} | {_cell(', '.join(value) if isinstance(value, list) else value)} |")
        lines.append(f"| daily ticks | {p.yes} done, {p.no} missed, {p.skipped} skipped; streak {p.streak}; adherence {percent(p.adherence)} |")
        if card.review:
            r = card.review
            lines.append(f"| review ({r.date}) | {r.reward:+d}: {_cell(r.outcome)} |")
        lines.append("")
    lines += ["# Conversations", ""]
    for c in conversations:
        lines += [f"## {c.title or c.id}", "", export_session(c.state, c.messages, "md"), ""]
    return "\n".join(lines)


@dataclass
class ImportReport:
    strengths: int = 0
    experiments: int = 0
    ticks: int = 0
    conversations: int = 0
    skipped: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (f"imported {self.strengths} strength(s), {self.experiments} experiment(s), "
                f"{self.ticks} tick(s), {self.conversations} conversation(s)")
        return text + (f"; skipped: {'; '.join(self.skipped)}" if self.skipped else "")


def read_person(text: str) -> dict[str, Any]:
    """The parsed export, or a ValueError that says what is wrong with the file."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"Not a JSON export (from `coach export --person --format json`): {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"Not a person export: expected \"format\": \"{FORMAT}\" (from `coach export --person --format json`).")
    if int(data.get("version", 0)) > VERSION:
        raise ValueError(f"This export is version {data['version']}; this coach reads up to version {VERSION}.")
    return data


def parse_items(data: dict[str, Any], report: ImportReport):
    """The strengths (with evidence), cards (with ticks) and conversations of an export, each one
    that cannot be read named in the report instead of failing the whole import."""
    strengths, cards, conversations = [], [], []
    for raw in data.get("strengths", []):
        try:
            strengths.append(NotebookStrength.model_validate(raw))
        except (TypeError, ValidationError) as exc:
            report.skipped.append(f"a strength ({type(exc).__name__})")
    for raw in data.get("experiments", []):
        try:
            card = ExperimentCard.model_validate({k: v for k, v in raw.items() if k in ExperimentCard.model_fields})
            ticks = [Tick(card_id=card.id, day=t["day"], value=t["value"]) for t in raw.get("ticks", [])]
            cards.append((card, raw.get("session_id"), raw.get("started_on"), ticks))
        except (KeyError, TypeError, ValidationError) as exc:
            report.skipped.append(f"experiment {raw.get('id', '?') if isinstance(raw, dict) else '?'} ({type(exc).__name__})")
    for raw in data.get("conversations", []):
        try:
            state = SessionState.model_validate(raw["state"])
            messages = [ChatMessage.model_validate(m) for m in raw.get("messages", [])]
            conversations.append(Conversation(raw.get("id") or state.session_id, raw.get("title", ""), state, messages))
        except (KeyError, TypeError, ValidationError) as exc:
            report.skipped.append(f"a conversation ({type(exc).__name__})")
    return strengths, cards, conversations
