"""The baseline: the straightforward LangChain RAG app a newcomer would write, on the same data.

    .venv/bin/python bench/baseline_rag.py --help
    .venv/bin/python bench/baseline_rag.py search "왜 모방만으로는 부족한가" --persist /tmp/baseline-chroma
    .venv/bin/python bench/baseline_rag.py serve --persist /tmp/baseline-chroma --base-url http://127.0.0.1:PORT/v1 --port 7861

A Chroma retriever (langchain_chroma) over the essay's passages with the product's embeddings, a
ChatPromptTemplate and ChatOpenAI pointed at whatever server the caller names, and for `serve` a
gr.ChatInterface over that chain. Everything but Gradio is imported at the top, as such scripts do. No journal, no history, no notes, no safety check: the
speed benchmarks put the coach beside it to show what the coach's extra work costs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from langchain_chroma import Chroma  # noqa: E402
from langchain_core.output_parsers import StrOutputParser  # noqa: E402
from langchain_core.prompts import ChatPromptTemplate  # noqa: E402
from langchain_core.runnables import Runnable, RunnablePassthrough  # noqa: E402
from langchain_openai import ChatOpenAI  # noqa: E402

from knowledge import E5Embeddings  # noqa: E402
from knowledge.corpus import builtin_passages  # noqa: E402

PROMPT = ChatPromptTemplate.from_messages(
    [
        (
            "system",
            "You are a coach grounded in Jason Wei's essay 'Life lessons from reinforcement learning'. "
            "Answer using these passages and cite them by id:\n\n{context}",
        ),
        ("human", "{question}"),
    ]
)


def vectorstore(persist_directory: str, embeddings=None) -> Chroma:
    """The essay in a Chroma collection on disk, embedded on first use."""
    store = Chroma(
        collection_name="essay",
        embedding_function=embeddings or E5Embeddings(),
        persist_directory=persist_directory,
    )
    if store._collection.count() == 0:
        passages = builtin_passages()
        store.add_texts([p.text for p in passages], metadatas=[{"id": p.id} for p in passages], ids=[p.id for p in passages])
    return store


def format_docs(docs) -> str:
    return "\n\n".join(f"[{d.id}] {d.page_content}" for d in docs)


def rag_chain(store: Chroma, base_url: str, model: str = "fake-coach-model") -> Runnable:
    """question -> retrieve 4 passages -> prompt -> streamed answer text."""
    llm = ChatOpenAI(model=model, base_url=base_url, api_key="not-needed", streaming=True)
    retriever = store.as_retriever(search_kwargs={"k": 4})
    return {"context": retriever | format_docs, "question": RunnablePassthrough()} | PROMPT | llm | StrOutputParser()


def serve(store: Chroma, base_url: str, port: int) -> None:
    """The chain behind a gr.ChatInterface on 127.0.0.1:port (its history is not used, as is common)."""
    import gradio as gr

    chain = rag_chain(store, base_url)

    def respond(message, history):
        text = ""
        for piece in chain.stream(message):
            text += piece
            yield text

    gr.ChatInterface(respond, title="Essay coach", api_name="chat").launch(server_name="127.0.0.1", server_port=port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A newcomer's LangChain RAG app over the essay.")
    sub = parser.add_subparsers(dest="command", required=True)
    search = sub.add_parser("search", help="print the 4 passages closest to QUERY")
    search.add_argument("query")
    search.add_argument("--persist", required=True, help="Chroma directory")
    web = sub.add_parser("serve", help="a chat page over the chain")
    web.add_argument("--persist", required=True, help="Chroma directory")
    web.add_argument("--base-url", required=True, help="the OpenAI-compatible server, http://127.0.0.1:PORT/v1")
    web.add_argument("--port", type=int, default=7861)
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(vectorstore(args.persist), args.base_url, args.port)
        return 0
    for rank, doc in enumerate(vectorstore(args.persist).similarity_search(args.query, k=4), 1):
        print(f"{rank}. [{doc.id}] {doc.page_content}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
