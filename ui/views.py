"""What the page shows, as HTML/Markdown strings: sources, strengths, experiment cards, the mode.

Pure functions of the coach's data, no Gradio, so they are easy to test. Everything that came
from a person or a model is escaped: the page never runs text it is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import TYPE_CHECKING, Any

from bot.safe_text import safe_markdown

if TYPE_CHECKING:
    from bot.models import ChatMessage, ExperimentCard, SessionState, Strength
    from knowledge import Passage

def words() -> dict[str, Any]:
    """The page's labels and notices, from ui/text/page.toml."""
    from bot.words import load

    return load("page", package="ui")


REWARD_CHOICES = [("−2", -2), ("−1", -1), ("0", 0), ("+1", 1), ("+2", 2)]


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
    labels = words()
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
        f'<details class="coach-sources"><summary>{escape(labels["sources"])} {len(all_ids)} &nbsp;{summary}</summary>'
        f'{"".join(quotes)}</details>'
    )


def bot_message(
    text: str, passages: Iterable[Passage] = (), ids: Iterable[str] = (), error: bool = False, language: str | None = None
) -> str:
    """A reply as the chat shows it: the text, then its sources, so they stay with their reply."""
    body = safe_markdown(f"⚠️ {text}" if error else text)
    block = sources_block(passages, ids, language)
    return f"{body}\n\n{block}" if block else body


def chat_history(
    messages: Iterable[ChatMessage], passages: Mapping[str, Passage], language: str | None = None
) -> list[dict]:
    """Journalled messages as Chatbot messages, each reply with its sources."""
    shown = []
    for m in messages:
        if m.role == "user":
            shown.append({"role": "user", "content": safe_markdown(m.content)})
        else:
            found = [passages[i] for i in m.sources if i in passages]
            shown.append({"role": "assistant", "content": bot_message(m.content, found, m.sources, language=language)})
    return shown


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
        plain.append({"role": role, "content": content if isinstance(content, str) else str(content or "")})
    return plain


# -- side panels -----------------------------------------------------------------------------


def mode_badge(mode: str, description: str) -> str:
    kind = "guided" if mode == "guided" else "model"
    return f'<span class="coach-mode coach-mode-{kind}" title="{escape(description)}">● {escape(description)}</span>'


def header(mode: str, description: str) -> str:
    return (
        f'<div class="coach-header"><div><h1>{escape(words()["title"])}</h1>'
        f"<p>{escape(words()['tagline'])}</p></div>"
        f"{mode_badge(mode, description)}</div>"
    )


def strengths_html(strengths: Iterable[Strength]) -> str:
    strengths = list(strengths)
    if not strengths:
        return f'<div class="coach-empty">{words()["strengths"]["empty"]}</div>'
    parts = []
    for kind, label in words()["strengths"]["kinds"].items():
        chips = [
            f'<span class="coach-chip coach-chip-{kind}" title="{escape(s.evidence)}">{escape(s.name)}</span>'
            for s in strengths
            if s.kind == kind
        ]
        if chips:
            parts.append(f'<div class="coach-kind"><h4>{label}</h4><div class="coach-chips">{"".join(chips)}</div></div>')
    return f'<div class="coach-strengths">{"".join(parts)}</div>'


def card_html(card: ExperimentCard) -> str:
    """One experiment card; a reviewed one folds away to its title and reward."""
    status = escape(card.status)
    tags = f'<span class="coach-status coach-status-{status}">{status}</span>'
    if card.review:
        tags = f'<span class="coach-reward-tag">reward {card.review.reward:+d}</span>' + tags
    title = escape(card.title or "Untitled experiment")
    head = f'<span class="coach-card-title">{title}</span><span class="coach-tags">{tags}</span>'
    meta = []
    if card.duration_days:
        meta.append(f"{card.duration_days} days")
    if card.review_on:
        meta.append(f"review on {card.review_on.isoformat()}")
    if card.confidence is not None:
        meta.append(f"confidence {card.confidence}/10")
    rows = "".join(
        f"<dt>{label}</dt><dd>{_text(getattr(card, name))}</dd>" for name, label in words()["board"]["rows"].items() if getattr(card, name)
    )
    passages = "".join(f'<code class="pid">{escape(p)}</code>' for p in card.passages)
    missing = [m for m in card.missing() if m not in ("passages", "review_on")]
    body = (
        (f'<div class="coach-card-meta">{" · ".join(meta)}</div>' if meta else "")
        + (f"<dl>{rows}</dl>" if rows else "")
        + (f'<div class="coach-card-passages">{passages}</div>' if passages else "")
        + (
            f'<div class="coach-card-missing">still open: {escape(", ".join(missing))}</div>'
            if missing and card.status == "proposed"
            else ""
        )
    )
    if card.review:
        r = card.review
        body += (
            f'<div class="coach-review"><div class="coach-review-date">reviewed {r.date.isoformat()}</div>'
            f"<p>{_text(r.outcome)}</p>"
            + "".join(
                f"<p><b>{label}</b> {_text(value)}</p>"
                for label, value in (("Plus", r.plus), ("Minus", r.minus), ("Next", r.next))
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


def board_html(cards: Iterable[ExperimentCard]) -> str:
    cards = list(cards)
    if not cards:
        return f'<div class="coach-empty">{words()["board"]["empty"]}</div>'
    order = {"running": 0, "proposed": 1, "reviewed": 2}
    ordered = sorted(cards, key=lambda c: (order.get(c.status, 3), -c.created_at.timestamp()))
    return f'<div class="coach-board">{"".join(card_html(c) for c in ordered)}</div>'


def experiment_choices(cards: Iterable[ExperimentCard]) -> list[tuple[str, str]]:
    return [(f"{c.title or 'Untitled'} · {c.status}", c.id) for c in cards]


def default_experiment(cards: Iterable[ExperimentCard]) -> str | None:
    """The card the review form starts on: a running one, else a proposed one, else the newest."""
    cards = list(cards)
    for status in ("running", "proposed"):
        found = [c for c in cards if c.status == status]
        if found:
            return found[-1].id
    return cards[-1].id if cards else None


def download_link(href: str, label: str) -> str:
    """A one-time link to an export (ui/downloads.py): it works once, for a few minutes."""
    return (
        f'<a class="coach-download" href="{escape(href)}" download rel="noopener noreferrer">⬇ {escape(label)}</a>'
        f'<div class="coach-download-note">{escape(words()["session"]["once"])}</div>'
    )


def session_summary(state: SessionState, messages: int, started: bool = True) -> str:
    if not started:
        return words()["session"]["not_started"]
    return (
        f"Session `{state.session_id}` · started {state.created_at:%Y-%m-%d} · "
        f"{messages} messages · stage **{state.stage.value}**"
    )
