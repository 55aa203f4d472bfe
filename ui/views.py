"""What the page shows, as HTML/Markdown strings: sources, strengths, experiment cards, the mode.

Pure functions of the coach's data, no Gradio, so they are easy to test. Everything that came
from a person or a model is escaped: the page never runs text it is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.models import ChatMessage, ExperimentCard, SessionState, Strength
    from knowledge import Passage

EXAMPLES = [
    "요즘 선배가 하는 방식을 그대로 따라 하고 있는데, 성장이 멈춘 느낌이에요.",
    "I've been copying my manager's playbook and I feel stuck.",
    "남들이 지루해하는 일인데 저는 이상하게 재밌어요. 이걸 강점으로 써 볼 수 있을까요?",
    "I ran my experiment last week. Can we review how it went?",
]

PLACEHOLDER = """\
### 처음엔 따라 하고, 그다음엔 내 선택의 결과에서 배우기
Imitate to get started, then learn from the results of your own moves.

Tell the coach where you are. It asks about your strengths, helps you design a small experiment,
and cites the essay passages each answer draws on.
"""

GUIDED_NOTICE = """\
**Guided offline mode** · 오프라인 안내 모드 — no language model is connected, so the coach follows
scripted questions grounded in the essay. To connect one, restart `coach serve` with `OPENAI_API_KEY`
set (optionally `COACH_MODEL`), or with `OPENAI_BASE_URL` pointing at an OpenAI-compatible server
such as Ollama (`http://localhost:11434/v1`) or vLLM.
"""

KIND_LABELS = {"strength": "Strengths · 강점", "overused": "Overused · 과하게 쓰는 것", "drain": "Drains · 기운 빠지는 것"}
REWARD_CHOICES = [("−2", -2), ("−1", -1), ("0", 0), ("+1", 1), ("+2", 2)]

_CARD_ROWS = (
    ("strength", "Builds on"),
    ("hypothesis", "Hypothesis"),
    ("action", "Action"),
    ("reward_signal", "Reward signal"),
    ("daily_check", "Daily check"),
    ("smallest_version", "On a bad day"),
    ("obstacle_plan", "If-then plan"),
)


def _text(value: Any) -> str:
    """Escaped, with line breaks kept (and no blank lines, which would end an HTML block in Markdown)."""
    return escape(str(value)).strip().replace("\r", "").replace("\n", "<br>")


# -- chat ------------------------------------------------------------------------------------


def sources_block(passages: Iterable[Passage], ids: Iterable[str] = ()) -> str:
    """A collapsed "Sources" block for the end of a reply: passage ids, then their words."""
    passages = list(passages)
    known = {p.id for p in passages}
    missing = [i for i in ids if i not in known]
    if not passages and not missing:
        return ""
    all_ids = [p.id for p in passages] + missing
    summary = " ".join(f'<code class="pid">{escape(i)}</code>' for i in all_ids)
    quotes = "".join(
        f'<blockquote class="coach-passage"><code class="pid">{escape(p.id)}</code>'
        + (f' <span class="coach-score">{p.score:.2f}</span>' if p.score is not None else "")
        + f"<br>{_text(p.text)}</blockquote>"
        for p in passages
    )
    return (
        f'<details class="coach-sources"><summary>Sources · 근거 {len(all_ids)} &nbsp;{summary}</summary>'
        f"{quotes}</details>"
    )


def bot_message(text: str, passages: Iterable[Passage] = (), ids: Iterable[str] = (), error: bool = False) -> str:
    """A reply as the chat shows it: the text, then its sources, so they stay with their reply."""
    body = f"⚠️ {text}" if error else text
    block = sources_block(passages, ids)
    return f"{body}\n\n{block}" if block else body


def chat_history(messages: Iterable[ChatMessage], passages: Mapping[str, Passage]) -> list[dict]:
    """Journalled messages as Chatbot messages, each reply with its sources."""
    shown = []
    for m in messages:
        if m.role == "user":
            shown.append({"role": "user", "content": m.content})
        else:
            found = [passages[i] for i in m.sources if i in passages]
            shown.append({"role": "assistant", "content": bot_message(m.content, found, m.sources)})
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
        '<div class="coach-header"><div><h1>On-Policy Coach</h1>'
        "<p>Imitation gets you started; your own experiments take you further. "
        "· 따라 하기로 시작하고, 나만의 실험으로 나아가기.</p></div>"
        f"{mode_badge(mode, description)}</div>"
    )


def strengths_html(strengths: Iterable[Strength]) -> str:
    strengths = list(strengths)
    if not strengths:
        return (
            '<div class="coach-empty">As you talk, the coach notes here what is yours: strengths, '
            "what drains you, what you overuse.<br>대화하면서 코치가 알아챈 나의 강점이 여기에 모여요.</div>"
        )
    parts = []
    for kind, label in KIND_LABELS.items():
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
        f"<dt>{label}</dt><dd>{_text(getattr(card, name))}</dd>" for name, label in _CARD_ROWS if getattr(card, name)
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
        return (
            '<div class="coach-empty">No experiments yet. When you and the coach shape one, its card '
            "appears here; you can start it and record what the world answered.<br>"
            "코치와 함께 설계한 실험 카드가 여기에 나타나요.</div>"
        )
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


def session_summary(state: SessionState, messages: int) -> str:
    return (
        f"Session `{state.session_id}` · started {state.created_at:%Y-%m-%d} · "
        f"{messages} messages · stage **{state.stage.value}**"
    )
