"""The fake OpenAI-compatible model for the speed benchmarks, as a process of its own.

    .venv/bin/python bench/fake_model.py --latency 0.2     # prints http://127.0.0.1:PORT/v1, serves until stopped

Every request waits `--latency` seconds before its first byte, then streams the reply at once
(no delay between words), so a turn's model time is fixed and all the rest is ours. Coaching
requests get an ~80-word reply citing a real essay passage, in the language of the message; note-taking requests get empty notes.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.testing import DEFAULT_NOTES, FakeOpenAIServer  # noqa: E402

CITED = "essay-3709b730e8"
_SENTENCES = [
    "That sounds like a place where you have been following someone else's map.",
    "The essay puts it plainly: copying gets you started, but it cannot take you past the person you copy [{cited}].",
    "What do people already come to you for, without you having to try?",
    "Let's pick one small experiment for the next seven days that leans on that strength.",
    "How would you notice, each evening, whether it moved you forward?",
    "On a scale from one to ten, how confident are you that you can do the smallest version?",
]


_KO = ("선배의 방식을 따라 하면서 얻은 것도 분명히 있었을 거예요. 에세이는 남의 틀을 따라가는 데에는 한계가 있다고 말해요 "
       "[{cited}]. 요즘 사람들이 당신에게 주로 무엇을 부탁하나요? 남들은 지루해하는데 당신은 즐기는 일이 있나요? ")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def korean_reply(words: int = 80) -> str:
    """A Korean coaching reply of about `words` words."""
    return " ".join((_KO.format(cited=CITED) * (words // 20 + 1)).split(" ")[:words])


def reply_in_kind(said: str, words: int = 80) -> str:
    """The reply a model would give: in the language of what was said (a reply in the other language
    would be asked for again, bot/model_reply.py)."""
    return korean_reply(words) if _HANGUL.search(said) else reply_text(words)


def reply_text(words: int = 80) -> str:
    """A coaching reply of about `words` words."""
    out: list[str] = []
    i = 0
    while len(out) < words:
        out.extend(_SENTENCES[i % len(_SENTENCES)].format(cited=CITED).split(" "))
        i += 1
    return " ".join(out[:words])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds before the first byte")
    parser.add_argument("--reply-words", type=int, default=80)
    args = parser.parse_args(argv)
    def reply(body: dict) -> str:
        return reply_in_kind(str(body["messages"][-1].get("content", "")), args.reply_words)

    server = FakeOpenAIServer(reply=reply, notes=DEFAULT_NOTES, latency=args.latency).start()
    print(server.url, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
