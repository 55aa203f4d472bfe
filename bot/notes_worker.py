"""Note-taking off the person's path: jobs run in the background, one session's in the order given.

The reply is final at its last token; the notes call (seconds, on a slow server) runs afterwards
here. A session's next turn waits only for that session's notes still running (`wait`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)

Job = Callable[[], None]


class NotesWorker:
    """A small pool; each session's jobs run one at a time, in order, on one of its threads."""

    def __init__(self, threads: int = 4) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="coach-notes")
        self._queues: dict[str, deque[Job]] = {}
        self._changed = threading.Condition()

    def submit(self, session_id: str, job: Job) -> None:
        with self._changed:
            queue = self._queues.get(session_id)
            if queue is not None:  # a job of this session is running: this one follows it
                queue.append(job)
                return
            self._queues[session_id] = deque([job])
        self._pool.submit(self._drain, session_id)

    def pending(self, session_id: str) -> bool:
        with self._changed:
            return session_id in self._queues

    def wait(self, session_id: str | None = None, timeout: float | None = None) -> bool:
        """Block until the session's jobs (all sessions' with None) are done; False on timeout."""
        with self._changed:
            return self._changed.wait_for(
                lambda: not self._queues if session_id is None else session_id not in self._queues, timeout
            )

    @contextmanager
    def lock_after_notes(self, session_id: str, lock: threading.Lock, timeout: float) -> Iterator[None]:
        """Hold `lock` (the session's) once the session's jobs are done. The jobs take that lock to
        land, so it is not held while waiting; after `timeout` seconds the lock is taken anyway."""
        deadline = time.monotonic() + timeout
        while True:
            self.wait(session_id, max(0.0, deadline - time.monotonic()))
            lock.acquire()
            if not self.pending(session_id) or time.monotonic() >= deadline:
                break
            lock.release()
        try:
            yield
        finally:
            lock.release()

    def _drain(self, session_id: str) -> None:
        while True:
            with self._changed:
                queue = self._queues[session_id]
                job = queue[0]
            try:
                job()
            except Exception:  # a job logs its own failures; this only keeps the queue moving
                log.exception("notes job failed for session %s", session_id)
            with self._changed:
                queue.popleft()
                if not queue:
                    del self._queues[session_id]
                    self._changed.notify_all()
                    return
