"""Per-turn overhead: what the coach adds around the model, beside the newcomer's RAG chain.

    .venv/bin/python bench/turn.py [--turns 40]

Part 1, a real HTTP model: bench/fake_model.py in its own process answers every request after a
fixed 200 ms and then streams an 80-word reply at once. For each turn we time, from the call:
  first token  the first piece of the reply reaching the caller
  last token   the last piece of the reply
  done         the final CoachReply (journal written); the next turn starts after it
Overhead = time minus the model's 200 ms. A model call made before the reply would count as
overhead; the coach's note-taking call runs in the background after the reply (bot/notes_worker.py),
and a session's next turn waits for it (so part 1's turns in a session include it). The coach runs with the product's defaults (Settings(openai_base_url=...),
its own knowledge base and journal under a temporary COACH_HOME), in 4 sessions whose history
grows. The baseline is bench/baseline_rag.py's chain on the same server and embeddings. Turns of
the two alternate, so machine noise hits both alike. The chat messages are 12-90 characters; a
few 180-310-character messages are timed on their own line (each in a new session), since
embedding the retrieval query costs about 1 ms a character; so is a short follow-up after one of
them, which embeds only itself (bot/retrieval.py).

Part 2, no model time at all: the same turns with LangChain's GenericFakeChatModel, which answers
instantly, so a whole turn is time spent outside the model (retrieval, prompt, journal, notes).

Part 3, prompt tokens per turn over a 30-turn conversation (bench/prompt_tokens.py); target: turn 30
costs at most 1.3x turn 8. `--tokens-only` runs just this part (~1 minute).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator

from harness import MODEL_LATENCY, Figure, fake_model, ms, p50, percentile, report, temp_home

from bot.testing import DEFAULT_NOTES
from fake_model import reply_in_kind

MESSAGES = [
    "요즘 팀 선배가 일하는 방식을 그대로 따라 하고 있는데, 점점 제 일 같지가 않아요.",
    "I keep copying my manager's way of running projects and it isn't working for me anymore.",
    "그건 왜 그런 걸까요?",
    "What do you mean by staying on-policy?",
    "사람들이 저한테는 주로 복잡한 문제를 쉽게 설명해 달라고 부탁해요.",
    "People usually ask me to untangle messy data problems.",
    "그럼 일주일 동안 뭘 해보면 좋을까요?",
    "How would I know if the experiment is working?",
    "자신감은 한 6점 정도예요. 조금 더 작게 만들 수 있을까요?",
    "Maybe I could write one short explainer every day for a week.",
]

# Longer messages (180-310 characters): embedding the retrieval query costs about 1 ms a character.
LONG_MESSAGES = [
    "요즘 회사에서 팀 선배가 일하는 방식을 그대로 따라 하고 있어요. 회의 준비하는 법, 문서 쓰는 법, 코드 리뷰에서 말하는 "
    "방식까지 전부요. 처음에는 도움이 많이 됐는데, 반년쯤 지나니까 제 일 같지가 않고 성장도 멈춘 느낌이에요. 선배처럼 "
    "잘하려면 계속 따라 해야 하는 건지, 아니면 제 방식을 찾아야 하는 건지 모르겠어요.",
    "I have spent the last year copying how my manager runs projects: the same planning documents, the same meeting "
    "rhythm, even the same phrases in reviews. It helped at first, but lately it feels like I am performing someone "
    "else's job, and my results have stopped improving. How do I work out what is actually mine?",
]

Stream = Callable[[str, int], Iterator[tuple[str, float]]]


def coach_stream(coach, sessions: int | None = 4, prefix: str = "bench") -> Stream:
    """Yields ("piece", t) for each reply piece and ("done", t) for the CoachReply; t from the call.

    Turn n goes to session n % `sessions` (None: a new session every turn). A session never gets the
    same message twice in a row: the coach remembers a session's last query vectors (bot/retrieval.py),
    which would make a repeated message look cheap.
    """
    from bot import CoachReply

    def run(message: str, turn: int) -> Iterator[tuple[str, float]]:
        start = time.perf_counter()
        for item in coach.stream(message, f"{prefix}-{turn if sessions is None else turn % sessions}"):
            kind = "done" if isinstance(item, CoachReply) else "piece"
            if kind == "done" and item.error:
                raise RuntimeError(f"the coach failed: {item.error}: {item.text}")
            yield kind, time.perf_counter() - start
        # Untimed: the turn's notes land before the next turn, so an instant fake model that answers
        # in call order (part 2) gets its reply and notes requests in turn.
        coach.wait_for_notes(timeout=30)

    return run


def chain_stream(chain) -> Stream:
    def run(message: str, turn: int) -> Iterator[tuple[str, float]]:
        start = time.perf_counter()
        for piece in chain.stream(message):
            if piece:
                yield "piece", time.perf_counter() - start
        yield "done", time.perf_counter() - start

    return run


def measure(
    streams: dict[str, Stream], turns: int, warm: int = 2, messages: list[str] = MESSAGES
) -> dict[str, dict[str, list[float]]]:
    """first/last/done seconds per turn for each stream, turns interleaved (order alternating)."""
    out = {name: {"first": [], "last": [], "done": []} for name in streams}
    names = list(streams)
    for turn in range(-warm, turns):
        message = messages[turn % len(messages)]
        for name in names if turn % 2 else reversed(names):
            first = last = done = None
            for kind, t in streams[name](message, turn):
                if kind == "piece":
                    first = t if first is None else first
                    last = t
                else:
                    done = t
            if first is None or done is None:
                raise RuntimeError(f"{name}: no reply in turn {turn}")
            if turn >= 0:
                out[name]["first"].append(first)
                out[name]["last"].append(last)
                out[name]["done"].append(done)
    return out


FOLLOW_UPS = ["그럼 어떻게 해요?", "Why is that?"]


def follow_ups(coach, turns: int) -> tuple[list[float], list[float]]:
    """Seconds to the first piece of a short follow-up after a long message, each pair in a new session;
    and, for comparison, seconds to embed the two joined as one query (the coach's way before)."""
    first, joined = [], []
    embed = coach.knowledge.embeddings.embed_query
    for turn in range(turns):
        session, long_message, short = f"follow-{turn}", LONG_MESSAGES[turn % 2], FOLLOW_UPS[turn % 2]
        coach.ask(long_message, session)
        start, seen = time.perf_counter(), None
        for item in coach.stream(short, session):  # read to the end, as the page does
            if seen is None and isinstance(item, str) and item:
                seen = time.perf_counter() - start
        first.append(seen)
        start = time.perf_counter()
        embed(f"{long_message[-300:]}\n{short}")
        joined.append(time.perf_counter() - start)
    return first, joined


def fake_chat_model():
    """Answers instantly, word by word: the notes to a note-taking request, else a coaching reply in
    the language of the message."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    from bot.testing import NOTES_MARKER

    class InKind(GenericFakeChatModel):
        def _generate(self, messages, *args, **kwargs):
            said = str(messages[-1].content)
            text = DEFAULT_NOTES if any(NOTES_MARKER in str(m.content) for m in messages) else reply_in_kind(said)
            self.messages = iter([AIMessage(text)])
            return super()._generate(messages, *args, **kwargs)

    return InKind(messages=iter([]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=40, help="timed turns per figure")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--tokens-only", action="store_true", help="only part 3: prompt tokens per turn")
    args = parser.parse_args(argv)
    tokens = token_figures()
    if args.tokens_only:
        return report("Prompt tokens per turn (30-turn conversation)", tokens, args.json)

    from baseline_rag import rag_chain, vectorstore

    from bot import Coach, Settings
    from knowledge import E5Embeddings

    embeddings = E5Embeddings()
    with temp_home() as home, fake_model(MODEL_LATENCY) as url:
        coach = Coach(settings=Settings(home=home / "coach", openai_base_url=url, model="fake-coach-model"))
        coach.warm_up()
        store = vectorstore(str(home / "baseline"), embeddings)
        http_streams = {"coach": coach_stream(coach), "baseline": chain_stream(rag_chain(store, url))}
        http = measure(http_streams, args.turns)
        long_streams = {"coach": coach_stream(coach, None, "long"), "baseline": http_streams["baseline"]}
        long = measure(long_streams, max(4, args.turns // 4), warm=0, messages=LONG_MESSAGES)
        follow_up, joined = follow_ups(coach, max(4, args.turns // 4))

        # Part 2: the model answers instantly.
        from baseline_rag import PROMPT, format_docs
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.runnables import RunnablePassthrough

        offline = Coach(llm=fake_chat_model(), settings=Settings(home=home / "coach-fake"))
        offline.warm_up()
        retriever = store.as_retriever(search_kwargs={"k": 4})
        newcomer = {"context": retriever | format_docs, "question": RunnablePassthrough()} | PROMPT | fake_chat_model() | StrOutputParser()
        instant = measure({"coach": coach_stream(offline), "baseline": chain_stream(newcomer)}, args.turns)

    ours, base = http["coach"], http["baseline"]
    over = {k: [t - MODEL_LATENCY for t in v] for k, v in ours.items()}
    base_over = {k: [t - MODEL_LATENCY for t in v] for k, v in base.items()}
    after = [d - last for d, last in zip(ours["done"], ours["last"])]
    print(
        f"coach, from the call: first token p50 {ms(p50(ours['first']))}, last token {ms(p50(ours['last']))}, "
        f"done {ms(p50(ours['done']))} (p95 {ms(percentile(ours['done'], 95))})"
    )
    print(f"baseline, from the call: first token p50 {ms(p50(base['first']))}, last token {ms(p50(base['last']))}")
    print(f"last token -> CoachReply (journal; the notes run afterwards in the background): p50 {ms(p50(after))}")
    print(
        f"180-310-character messages: overhead to the first token p50 {ms(p50(long['coach']['first']) - MODEL_LATENCY)}, "
        f"baseline {ms(p50(long['baseline']['first']) - MODEL_LATENCY)} (the query embedding grows with the message)"
    )
    print(
        f"a short follow-up after one of those (\"{FOLLOW_UPS[0]}\"): overhead to the first token p50 "
        f"{ms(p50(follow_up) - MODEL_LATENCY)}; embedding both messages joined, as the coach did before it kept "
        f"each session's last query vectors: {ms(p50(joined))} alone"
    )
    figures = [
        Figure.medians(
            "per-turn overhead to the first token, p50", "< 150 ms", over["first"], base_over["first"], limit=0.150
        ),
        Figure.medians(
            "per-turn overhead to the reply's last token, p50", "< 300 ms", over["last"], base_over["last"], limit=0.300
        ),
        Figure.medians("time to the first token (200 ms model latency), p50", "", ours["first"], base["first"]),
        Figure.medians(
            "whole turn with an instant fake chat model (time outside the model), p50",
            "",
            instant["coach"]["done"],
            instant["baseline"]["done"],
        ),
    ]
    return report(f"Turns (p50 of {args.turns} turns; baseline: bench/baseline_rag.py)", figures + tokens, args.json)


def token_figures() -> list[Figure]:
    from prompt_tokens import TURNS, prompt_tokens

    per_turn, how = prompt_tokens(MESSAGES, TURNS)
    print(f"prompt tokens per turn ({how}): " + " ".join(f"{n}:{t}" for n, t in enumerate(per_turn, 1)))
    first, eighth, last = per_turn[0], per_turn[7], per_turn[-1]
    print(f"turn 1: {first}, turn 8: {eighth}, turn {len(per_turn)}: {last} ({last / eighth:.2f}x turn 8)")
    return [Figure(f"prompt tokens at turn {len(per_turn)} vs turn 8", "<= 1.3x", f"{last} tokens",
                   last <= 1.3 * eighth, f"{eighth} tokens (turn 8)", f"{last / eighth:.2f}×")]


if __name__ == "__main__":
    sys.exit(main())
