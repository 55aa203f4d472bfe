"""The model-backed coaching chain (LCEL): passages for the turn -> coaching messages -> model.

Every request has one system message (the stable instructions first, for prompt caches, then this
turn's stage hint and quoted material), then strictly alternating user / assistant messages
ending with the user's: what Gemma and Mistral chat templates insist on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda

from knowledge.passages import Passage

from .citations import keep_real_citations
from .models import ChatMessage, SessionState, Stage
from .notes import notes_view
from .prompt_state import quote as _quote
from .prompt_state import render_state
from .retrieval import retrieval_texts
from .safety import prompt_rules
from .words import load, message

# (session id, texts to search for, k) -> passages; see bot/retrieval.py.
Retrieve = Callable[[str, list[str], int], list[Passage]]

# An assistant message longer than this is cut in the history: it was read once already.
TRIM_ASSISTANT_CHARS = 700


def _attribute(text: str) -> str:
    # A file name with a quote in it cannot break out of its attribute and forge an id.
    from html import escape

    return escape(text, quote=True)


def render_passages(passages: list[Passage]) -> str:
    if not passages:
        return load("prompts")["no_passages"]
    return "\n".join(
        f'<passage id="{p.id}" source="{_attribute(p.title or p.source)}">\n{_quote(p.text)}\n</passage>' for p in passages
    )


def render_profile(state: SessionState) -> str:
    """The session notes as compact state lines (see bot/prompt_state.py)."""
    return render_state(state)


def system_text(state: SessionState, passages: list[Passage], stage: Stage | None = None, today: str | None = None,
                reminder: str = "", acknowledged: str = "") -> str:
    """The one system message: stable instructions, then this turn's hint and quoted material.
    `acknowledged` is the distress sentence the reply already opens with (bot/safety)."""
    prompts = load("prompts")
    stage = stage or state.stage
    stable = prompts["system"].format(safety_rules=prompt_rules(state.language)).strip()
    if acknowledged:
        reminder = "\n".join(part for part in (reminder, load("safety")["prompt"]["acknowledged"].format(sentence=acknowledged)) if part)
    turn = prompts["turn"].format(
        today=today or date.today().isoformat(),
        language_name=message(state.language, "language_name"),
        stage=stage.value,
        stage_instructions=prompts["stages"][stage.value],
        profile=render_profile(state),
        passages=render_passages(passages),
    ).strip()
    return "\n\n".join(part for part in (stable, reminder, turn) if part)


def conversation(history: list[ChatMessage], text: str, turns: int) -> list[BaseMessage]:
    """The last `turns` turns and the new message as alternating user / assistant messages.

    A turn that failed left its user message without a reply: it is folded into the next one (once,
    if the person sent the same words again). Long assistant messages are trimmed.
    """
    merged: list[tuple[str, list[str]]] = []
    for role, content in [(m.role, m.content) for m in history] + [("user", text)]:
        if role == "assistant":
            content = _trim(content)
        if merged and merged[-1][0] == role:
            parts = merged[-1][1]
            parts[:] = [p for p in parts if p.strip() != content.strip()] + [content]  # a resend counts once
        else:
            merged.append((role, [content]))
    while merged and merged[0][0] != "user":
        merged.pop(0)
    users = [i for i, (role, _) in enumerate(merged) if role == "user"]
    merged = merged[users[-min(len(users), turns + 1)]:]
    return [(HumanMessage if role == "user" else AIMessage)("\n\n".join(parts)) for role, parts in merged]


def _trim(content: str) -> str:
    if len(content) <= TRIM_ASSISTANT_CHARS:
        return content
    cut = content[:TRIM_ASSISTANT_CHARS].rsplit(" ", 1)[0]
    return f"{cut} {load('prompts')['trimmed']}"


def reply_messages(x: dict) -> list[BaseMessage]:
    """The request for {message, history, state, passages, turns, stage?, today?, reminder?}."""
    system = system_text(
        x["state"], x["passages"], x.get("stage"), x.get("today"), x.get("reminder", ""), x.get("acknowledged", "")
    )
    return [SystemMessage(system), *conversation(x["history"], x["message"], x.get("turns", 6))]


def prompt_inputs(x: dict) -> dict:
    """The parts of the request, by name (for tests and benches that read what the model is sent)."""
    messages = reply_messages(x)
    return {"system": messages[0].content, "conversation": messages[1:]}


def reply_chain(llm: BaseChatModel, retrieve_passages: Retrieve, k: int = 4) -> Runnable:
    """Streams {"passages": [...]} first, then {"reply": AIMessageChunk} pieces as the model writes (stream it).
    With "passages" in the input, retrieval is skipped (a retry reuses the first attempt's)."""
    retrieve = RunnableLambda(
        lambda x: retrieve_passages(x["state"].session_id, retrieval_texts(x["message"], x["history"]), k),
        name="retrieve",
    )
    answer = RunnableLambda(reply_messages, name="coaching_prompt") | llm

    # Steps run one after another in the caller's thread: RunnablePassthrough.assign would hand every
    # model chunk through a thread pool and merge it into the turn's output, ~40 ms a turn.
    def coach_reply(x: dict, config: RunnableConfig) -> Iterator[dict]:
        passages = x["passages"] if "passages" in x else retrieve.invoke(x, config)
        yield {"passages": passages}
        for chunk in answer.stream({**x, "passages": passages}, config):
            yield {"reply": chunk}

    return RunnableLambda(coach_reply, name="reply")


def notes_messages(state: SessionState, user: str, reply: str, earlier: list[ChatMessage]) -> list[BaseMessage]:
    """The note-taking request: the current notes and the last two exchanges."""
    extraction = load("prompts")["extraction"]
    before = "\n".join(
        f"<{'user' if m.role == 'user' else 'coach'}>\n{_quote(_trim(m.content))}\n</{'user' if m.role == 'user' else 'coach'}>"
        for m in earlier
    )
    return [
        SystemMessage(extraction["system"].format().strip()),
        HumanMessage(
            extraction["human"].format(
                notes=notes_view(state), earlier=before or extraction["no_earlier"], user=_quote(user), reply=_quote(reply)
            ).strip()
        ),
    ]


__all__ = ["conversation", "keep_real_citations", "notes_messages", "reply_chain", "reply_messages", "system_text"]
