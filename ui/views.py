"""What the page shows, as HTML/Markdown strings: sources, strengths, experiment cards, the mode.

Pure functions of the coach's data, no Gradio, so they are easy to test. Everything that came
from a person or a model is escaped: the page never runs text it is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import re
from html import escape
from typing import TYPE_CHECKING, Any

from bot.safe_text import safe_markdown

if TYPE_CHECKING:
    from bot.models import ChatMessage, ExperimentCard, SessionState, Strength
    from knowledge import Passage

def words(lang: str | None = None) -> dict[str, Any]:
    """The page's words from ui/text/page.toml: all of them, or (with `lang`) one language's table."""
    from bot.words import load

    table = load("page", package="ui")
    return table if lang is None else table.get(lang) or table["en"]


REWARD_CHOICES = [("−2", -2), ("−1", -1), ("0", 0), ("+1", 1), ("+2", 2)]
# A citation as the coach writes it: the passage id in square brackets.
CITATION = re.compile(r"\[((?:essay|doc)-[0-9a-f]{10})\]")  # as bot/chain.py writes them


def _text(value: Any) -> str:
    """Escaped, with line breaks kept (and no blank lines, which would end an HTML block in Markdown)."""
    return escape(str(value)).strip().replace("\r", "").replace("\n", "<br>")


# -- chat ------------------------------------------------------------------------------------


def sources_block(passages: Iterable[Passage], ids: Iterable[str] = (), language: str | None = None) -> str:
    """A collapsed "Sources" block for the end of a reply: passage ids, then their words, best first.

    The essay's Korean is always there; in an English conversation a passage's English rendering
    (the project's, labelled as such) comes first and the Korean original is folded beside it.
    No similarity score is shown: the order is the ranking."""
    passages = list(passages)
    known = {p.id for p in passages}
    missing = [i for i in ids if i not in known]
    if not passages and not missing:
        return ""
    labels = words(language if language in ("en", "ko") else "en")
    heading = labels["sources"] if language else words()["sources"]  # no language known: both
    all_ids = [p.id for p in passages] + missing
    summary = " ".join(f'<code class="pid">{escape(i)}</code>' for i in all_ids)
    quotes = []
    for p in passages:
        rendering = p.rendering(language) if language and language != "ko" else None
        head = f'<code class="pid">{escape(p.id)}</code>'
        if rendering:
            body = (
                f'<span class="coach-rendering-label">{escape(labels["rendering_label"])}</span><br>{_text(rendering)}'
                f'<details class="coach-original"><summary>{escape(labels["original_label"])}</summary>{_text(p.text)}</details>'
            )
        else:
            body = _text(p.text)
        quotes.append(f'<blockquote class="coach-passage">{head}<br>{body}</blockquote>')
    return (
        f'<details class="coach-sources"><summary>{escape(heading)} {len(all_ids)} &nbsp;{summary}</summary>'
        f'{"".join(quotes)}</details>'
    )


def bot_message(
    text: str,
    passages: Iterable[Passage] = (),
    ids: Iterable[str] = (),
    error: bool = False,
    language: str | None = None,
) -> str:
    """A reply as the chat shows it: the text, made safe (bot/safe_text.py), with its citations as
    numbered markers, then its sources in the conversation's language, so they stay with their reply."""
    passages, ids = list(passages), list(ids)
    order = list(dict.fromkeys([p.id for p in passages] + ids))
    body = safe_markdown(f"⚠️ {text}") if error else cite_markers(safe_markdown(text), order, language)
    block = sources_block(passages, ids, language)
    return f"{body}\n\n{block}" if block else body


def cite_markers(text: str, order: list[str], language: str | None = "en") -> str:
    """`[essay-3709b730e8]` as a short marker `[1]` that opens the reply's Sources block at that
    passage (the id stays in its tooltip). Only the display changes: the journal keeps the text.
    `text` is already safe Markdown: the markers are the only HTML added."""
    order = list(order)

    def marker(match: re.Match) -> str:
        pid = match.group(1)
        if pid not in order:
            order.append(pid)
        n = order.index(pid) + 1
        label = escape(words(language or "en")["source_marker"].format(n=n))
        return (
            f'<a class="coach-cite" href="#coach-sources" data-pid="{escape(pid)}" title="{escape(pid)}" '
            f'aria-label="{label}">[{n}]</a>'
        )

    return CITATION.sub(marker, text)


def chat_history(
    messages: Iterable[ChatMessage], passages: Mapping[str, Passage], language: str | None = None
) -> list[dict]:
    """Journalled messages as Chatbot messages, each reply with its sources and its journal id
    (in `metadata`, so a like reaches the right reply)."""
    shown = []
    for m in messages:
        if m.role == "user":
            shown.append({"role": "user", "content": safe_markdown(m.content)})
        else:
            found = [passages[i] for i in m.sources if i in passages]
            shown.append(assistant(bot_message(m.content, found, m.sources, language=language), m.id))
    return shown


def thinking(lang: str = "en") -> str:
    """The coach's bubble before its first word arrives."""
    return f'<span class="coach-thinking" role="status">{escape(words(lang)["thinking"])}</span>'


def assistant(content: str, message_id: int | None = None) -> dict:
    """A coach bubble; `message_id` is the journal's id of the reply (None for a notice)."""
    message: dict = {"role": "assistant", "content": content}
    if message_id is not None:
        message["metadata"] = {"id": str(message_id)}
    return message


def message_id(message: Any) -> int | None:
    """The journal id a chat message carries, if any."""
    metadata = message.get("metadata") if isinstance(message, dict) else None
    value = (metadata or {}).get("id")
    return int(value) if isinstance(value, (str, int)) and str(value).isdigit() else None


def plain_history(chat: list | None) -> list[dict]:
    """The browser's Chatbot value (content as a list of blocks) as plain {role, content} dicts."""
    plain = []
    for message in chat or []:
        content = message.get("content") if isinstance(message, dict) else getattr(message, "content", "")
        if isinstance(content, list):
            content = "\n".join(
                part.get("text", "") if isinstance(part, dict) else str(part) for part in content
            )
        role = message.get("role") if isinstance(message, dict) else getattr(message, "role", "assistant")
        item = {"role": role, "content": content if isinstance(content, str) else str(content or "")}
        metadata = message.get("metadata") if isinstance(message, dict) else None
        if isinstance(metadata, dict) and metadata.get("id") is not None:
            item["metadata"] = {"id": str(metadata["id"])}
        plain.append(item)
    return plain


# -- side panels -----------------------------------------------------------------------------


def mode_badge(mode: str, description: str) -> str:
    kind = "guided" if mode == "guided" else "model"
    return f'<span class="coach-mode coach-mode-{kind}" title="{escape(description)}">● {escape(description)}</span>'


def header(mode: str, description: str) -> str:
    """The title and the model badge (the tagline is a translated Markdown beside it)."""
    return f'<div class="coach-header"><h1>{escape(words()["title"])}</h1>{mode_badge(mode, description)}</div>'


def strengths_html(strengths: Iterable[Strength], lang: str = "en") -> str:
    strengths, w = list(strengths), words(lang)
    if not strengths:
        return f'<div class="coach-empty">{escape(w["strengths"]["empty"])}</div>'
    parts = []
    for kind, label in w["kinds"].items():
        chips = [
            f'<li class="coach-chip coach-chip-{kind}" title="{escape(s.evidence)}">{escape(s.name)}</li>'
            for s in strengths
            if s.kind == kind
        ]
        if chips:
            parts.append(f'<div class="coach-kind"><h4>{escape(label)}</h4><ul class="coach-chips">{"".join(chips)}</ul></div>')
    return f'<div class="coach-strengths">{"".join(parts)}</div>'


def status_label(status: str, lang: str = "en") -> str:
    return words(lang)["status"].get(status, status)


def missing_fields(card: ExperimentCard, lang: str = "en") -> list[str]:
    """The card's empty fields as people read them ("Builds on", not `strength`)."""
    rows = words(lang)["rows"]
    return [rows.get(m, m).lower() if lang == "en" else rows.get(m, m) for m in card.missing() if m not in ("passages", "review_on")]


def card_html(card: ExperimentCard, lang: str = "en") -> str:
    """One experiment card; a reviewed one folds away to its title and reward."""
    w = words(lang)
    b = w["board"]
    status = escape(card.status)
    tags = f'<span class="coach-status coach-status-{status}">{escape(status_label(card.status, lang))}</span>'
    if card.review:
        tags = f'<span class="coach-reward-tag">{escape(b["reward_tag"].format(n=card.review.reward))}</span>' + tags
    title = escape(card.title or b["untitled"])
    head = f'<span class="coach-card-title">{title}</span><span class="coach-tags">{tags}</span>'
    meta = []
    if card.duration_days:
        meta.append(b["days"].format(n=card.duration_days))
    if card.review_on:
        meta.append(b["review_on"].format(date=card.review_on.isoformat()))
    if card.confidence is not None:
        meta.append(b["confidence"].format(n=card.confidence))
    rows = "".join(
        f"<dt>{escape(w['rows'][name])}</dt><dd>{_text(getattr(card, name))}</dd>"
        for name in ("strength", "hypothesis", "action", "reward_signal", "daily_check", "smallest_version", "obstacle_plan")
        if getattr(card, name)
    )
    passages = "".join(f'<code class="pid">{escape(p)}</code>' for p in card.passages)
    missing = missing_fields(card, lang)
    body = (
        (f'<div class="coach-card-meta">{escape(" · ".join(meta))}</div>' if meta else "")
        + (f"<dl>{rows}</dl>" if rows else "")
        + (f'<div class="coach-card-passages" aria-label="{escape(b["passages"])}">{passages}</div>' if passages else "")
        + (
            f'<div class="coach-card-missing">{escape(b["still_open"].format(fields=", ".join(missing)))}</div>'
            if missing and card.status == "proposed"
            else ""
        )
    )
    if card.review:
        r = card.review
        body += (
            f'<div class="coach-review"><div class="coach-review-date">{escape(b["reviewed"].format(date=r.date.isoformat()))}</div>'
            f"<p>{_text(r.outcome)}</p>"
            + "".join(
                f"<p><b>{escape(label)}</b> {_text(value)}</p>"
                for label, value in ((b["plus"], r.plus), (b["minus"], r.minus), (b["next"], r.next))
                if value
            )
            + "</div>"
        )
        return (
            f'<details class="coach-card coach-card-{status}" data-experiment="{escape(card.id)}">'
            f'<summary class="coach-card-head">{head}</summary>{body}</details>'
        )
    return (
        f'<div class="coach-card coach-card-{status}" data-experiment="{escape(card.id)}">'
        f'<div class="coach-card-head">{head}</div>{body}</div>'
    )


def board_html(cards: Iterable[ExperimentCard], lang: str = "en") -> str:
    cards = list(cards)
    if not cards:
        return f'<div class="coach-empty">{escape(words(lang)["board"]["empty"])}</div>'
    order = {"running": 0, "proposed": 1, "reviewed": 2}
    ordered = sorted(cards, key=lambda c: (order.get(c.status, 3), -c.created_at.timestamp()))
    return f'<div class="coach-board">{"".join(card_html(c, lang) for c in ordered)}</div>'


def experiment_choices(cards: Iterable[ExperimentCard], lang: str = "en") -> list[tuple[str, str]]:
    untitled = words(lang)["board"]["untitled"]
    return [(f"{c.title or untitled} · {status_label(c.status, lang)}", c.id) for c in cards]


def running_choices(cards: Iterable[ExperimentCard], lang: str = "en") -> list[tuple[str, str]]:
    """The cards whose results can be recorded: the running ones."""
    return experiment_choices([c for c in cards if c.status == "running"], lang)


def default_experiment(cards: Iterable[ExperimentCard]) -> str | None:
    """The card the board's controls start on: a running one, else a proposed one, else the newest."""
    cards = list(cards)
    for status in ("running", "proposed"):
        found = [c for c in cards if c.status == status]
        if found:
            return found[-1].id
    return cards[-1].id if cards else None


def stage_label(state: SessionState, lang: str = "en") -> str:
    """Where the conversation is, in words: a running card says so rather than "design"."""
    stages = words(lang)["stages"]
    if state.stage.value in ("design", "open", "strengths", "imitation") and any(
        c.status == "running" for c in state.experiments
    ):
        return stages["running"]
    return stages.get(state.stage.value, state.stage.value)


def session_summary(state: SessionState, messages: int, lang: str = "en") -> str:
    w = words(lang)["session"]
    if not messages:
        return escape(w["none"])
    return escape(
        w["summary"].format(date=f"{state.created_at:%Y-%m-%d}", messages=messages, stage=stage_label(state, lang))
    )


def download_link(href: str, label: str, lang: str = "en") -> str:
    """A one-time link to an export (ui/downloads.py): it works once, for a few minutes. The page
    clicks it at once (one click on Export downloads); it stays as a fallback."""
    return (
        f'<a class="coach-download" href="{escape(href)}" download rel="noopener noreferrer">⬇ {escape(label)}</a>'
        f'<div class="coach-download-note">{escape(words(lang)["session"]["once"])}</div>'
    )
