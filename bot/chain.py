"""The model-backed coaching chain (LCEL): passages for the turn -> coaching prompt -> model."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from html import escape

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda

from knowledge.passages import Passage

from .models import SessionState
from .notes import notes_view, parse_notes
from .retrieval import retrieval_texts
from .words import load, message

# (session id, texts to search for, k) -> passages; see bot/retrieval.py.
Retrieve = Callable[[str, list[str], int], list[Passage]]

CITATION = re.compile(r"[ \t]?\[((?:essay|doc)-[0-9a-f]{10})\]")

REPLY_PROMPT = ChatPromptTemplate.from_messages(
    [
        ("system", "{instructions}"),
        ("system", "{material}"),
        MessagesPlaceholder("history"),
        ("human", "{message}"),
    ]
)
EXTRACT_PROMPT = ChatPromptTemplate.from_messages([("system", "{instructions}"), ("human", "{exchange}")])


def _quote(text: str) -> str:
    # Material cannot close its own tag and pose as instructions.
    return escape(text, quote=False)


def _attribute(text: str) -> str:
    # A file name with a quote in it cannot break out of its attribute and forge an id.
    return escape(text, quote=True)


def render_passages(passages: list[Passage]) -> str:
    if not passages:
        return load("prompts")["no_passages"]
    return "\n".join(
        f'<passage id="{p.id}" source="{_attribute(p.title or p.source)}">\n{_quote(p.text)}\n</passage>' for p in passages
    )


def render_profile(state: SessionState) -> str:
    lines = [f"- {s.kind}: {_quote(s.name)}" for s in state.strengths]
    for card in state.experiments:
        fields = card.model_dump(mode="json", exclude={"created_at", "passages"}, exclude_none=True)
        lines.append(f"- experiment ({card.status}): {_quote(str(fields))}")
    lines += [f"- {_quote(line)}" for line in state.notebook_lines]  # across conversations (bot/policy.py)
    return "\n".join(lines) or load("prompts")["no_profile"]


def prompt_inputs(x: dict) -> dict:
    """Everything REPLY_PROMPT needs, from {message, history, state, passages, today}."""
    prompts = load("prompts")
    state: SessionState = x["state"]
    history: list[BaseMessage] = [
        HumanMessage(m.content) if m.role == "user" else AIMessage(m.content) for m in x["history"]
    ]
    return {
        "instructions": prompts["system"].format(
            language_name=message(state.language, "language_name"),
            stage=state.stage.value,
            stage_instructions=prompts["stages"][state.stage.value],
            today=x.get("today") or date.today().isoformat(),
        ),
        "material": prompts["material"].format(
            profile=render_profile(state), passages=render_passages(x["passages"])
        ),
        "history": history,
        "message": x["message"],
    }


def reply_chain(llm: BaseChatModel, retrieve_passages: Retrieve, k: int = 4) -> Runnable:
    """Streams {"passages": [...]} first, then {"reply": AIMessageChunk} pieces as the model writes (stream it)."""
    retrieve = RunnableLambda(
        lambda x: retrieve_passages(x["state"].session_id, retrieval_texts(x["message"], x["history"]), k),
        name="retrieve",
    )
    answer = RunnableLambda(prompt_inputs, name="coaching_prompt") | REPLY_PROMPT | llm

    # Steps run one after another in the caller's thread, and the chunks are plain dicts, which
    # LangChain does not try to add up: RunnablePassthrough.assign hands every model chunk through
    # a thread pool and merges it into the turn's output, ~40 ms a turn for an 80-word reply.
    def coach_reply(x: dict, config: RunnableConfig) -> Iterator[dict]:
        passages = retrieve.invoke(x, config)
        yield {"passages": passages}
        for chunk in answer.stream({**x, "passages": passages}, config):
            yield {"reply": chunk}

    return RunnableLambda(coach_reply, name="reply")


def notes_chain(llm: BaseChatModel) -> Runnable:
    """Reads the last exchange and returns TurnNotes (or None when the model's answer is not usable JSON)."""

    def inputs(x: dict) -> dict:
        extraction = load("prompts")["extraction"]
        return {
            "instructions": extraction["system"].format(),
            "exchange": extraction["human"].format(
                notes=notes_view(x["state"]), user=_quote(x["message"]), reply=_quote(x["reply"])
            ),
        }

    return RunnableLambda(inputs, name="notes_prompt") | EXTRACT_PROMPT | llm | StrOutputParser() | RunnableLambda(parse_notes)


def keep_real_citations(text: str, passages: list[Passage]) -> str:
    """Drop citation markers that name no passage the reply was given."""
    real = {p.id for p in passages}
    return CITATION.sub(lambda m: m.group(0) if m.group(1) in real else "", text)


__all__ = ["keep_real_citations", "notes_chain", "reply_chain"]
