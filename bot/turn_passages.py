"""The Coach's passages: what a turn quotes (turn retrieval with the session's history and
stage), the message's query vector shared with safety, and passages by claim or by id."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .journal import check_session_id
from .models import ChatMessage, SessionState, Stage

if TYPE_CHECKING:
    from knowledge import KnowledgeBase, Passage

    from .journal import Journal
    from .settings import Settings


class TurnPassages:
    """Mixed into Coach: needs `knowledge`, `journal`, `settings`, `state()` (SessionData) and the
    session query vectors' slot."""

    knowledge: KnowledgeBase
    journal: Journal
    settings: Settings
    _open_lock: threading.Lock
    _query_vectors: Any
    state: Callable[[str], SessionState]

    def search(self, query: str, k: int | None = None) -> list[Passage]:
        return self.knowledge.search(query, k or self.settings.retrieval_k)

    def retrieve(self, session_id: str, texts: list[str], k: int | None = None) -> list[Passage]:
        """Passages for a turn whose message is `texts[-1]` (the model chain's way in): turn
        retrieval with the session's journalled history and stage."""
        texts = [t for t in texts if t.strip()]
        if not texts:
            return []
        message, history, stage = texts[-1], [], None
        if session_id:
            history = self.journal.messages(check_session_id(session_id), limit=self.settings.history_turns)
            history = [m for m in history if m.status != "error"]  # as the turn itself reads it
            if history and history[-1].role == "user" and history[-1].content == message:
                history = history[:-1]  # the turn's own message, journalled before the reply
            stage = self.state(session_id).stage.value
        return self.passages_for(message, history, k, session_id=session_id, stage=stage)

    def _session_vectors(self) -> Any:
        """Each session's recent query vectors (bot/retrieval.py SessionQueryVectors)."""
        from .retrieval import SessionQueryVectors

        knowledge = self.knowledge  # opened (under _open_lock) before that lock is taken below
        if self._query_vectors is None:
            with self._open_lock:
                if self._query_vectors is None:
                    self._query_vectors = SessionQueryVectors(knowledge.embeddings.embed_query)
        return self._query_vectors

    def message_vector(self, session_id: str, text: str) -> list[float]:
        """The message's e5 query vector, embedded once a turn and kept with the session's query
        vectors, so safety and the retrieval that follows share it."""
        return self._session_vectors().vector(session_id, text)

    def passages_for(
        self,
        message: str,
        history: list[ChatMessage] | None = None,
        k: int | None = None,
        *,
        session_id: str | None = None,
        vector: list[float] | None = None,
        stage: str | Stage | None = None,
    ) -> list[Passage]:
        """The passages a coach would quote for this turn: the message read with its context (the
        coach's question it answers, the stage, the previous message; bot/turn_retrieval.py).
        Both coaches use it; `kb.search()` stays for plain queries. `vector`, when given, is the
        message's query embedding already computed this turn (nothing is embedded twice). The
        stage, when not given, is the session's."""
        from .retrieval import query_vector
        from .turn_retrieval import Turn, rank_turn

        if not message or not message.strip():
            return []
        if stage is None and session_id:
            stage = self.state(session_id).stage
        stage = stage.value if isinstance(stage, Stage) else stage
        turn = Turn.of(message, history or [], stage)
        vectors = self._session_vectors()
        key = session_id or ""
        if vector is not None:
            vectors.remember(key, message, list(vector))
        texts = list(turn.texts)
        query = query_vector(texts, vectors.vectors(key, texts))
        return rank_turn(self.knowledge, turn, query, k or self.settings.retrieval_k)

    def claim_passages(self, number: int) -> list[Passage]:
        """The passages that back COACHING.md's claim `number` (1-5), e.g. claim 2 (imitation early)."""
        from .claims import passages_for_claim

        return passages_for_claim(number, self.knowledge)

    def passages(self, ids: list[str]) -> list[Passage]:
        """The passages with these ids (those still in the knowledge base), e.g. to show a past reply's sources."""
        return self.knowledge.get(list(dict.fromkeys(ids)))
