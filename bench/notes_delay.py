"""Does a slow note-taking call delay the person? Times with a 3 s notes call (not in all.py; ~1.5 min):

    .venv/bin/python bench/notes_delay.py [--notes-latency 3] [--turns 4]

The fake model (in this process) streams a ~40-word reply, 10 ms a word, and answers the notes
request after `--notes-latency` seconds. From the reply's last token:
  reply yielded   Coach.stream's final CoachReply
  next prompt     `coach chat` (a subprocess, on pipes) printing its next "you> "
  page idle       the page's turn handler (ui/app.py `respond`) yielding its final update: the reply
                  with its Sources; the Stop button goes when it returns (the side panels follow
                  the notes in a separate event)
Each turn goes to a new session, so no turn waits for an earlier turn's notes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time

from harness import COACH, child_env, ms, p50, temp_home

REPLY = " ".join(
    "That sounds like a place where you have been following someone else's map for a while now. "
    "What do people already come to you for, without you having to try? Tell me about the last time it happened.".split()
)
SAID = "People ask me to untangle messy data problems, and I keep copying my manager's way of doing it."


def in_process(coach, turns: int) -> list[float]:
    from bot import CoachReply

    gaps = []
    for turn in range(turns):
        last = None
        for item in coach.stream(SAID, f"bench-reply-{turn}"):
            if isinstance(item, CoachReply):
                gaps.append(time.monotonic() - last)
            else:
                last = time.monotonic()
    return gaps


def page(coach, turns: int) -> list[float]:
    from ui import build_app

    app = build_app(coach)
    respond = next(f.fn for f in app.fns.values() if getattr(f.fn, "__name__", "") == "respond")
    gaps = []
    for turn in range(turns):
        last = done = None
        for update in respond(SAID, [], f"bench-page-{turn}"):
            values = list(update.values())
            chat = next((v for v in values if isinstance(v, list)), None)
            if chat and chat[-1].get("role") == "assistant" and len(update) <= 2:
                last = time.monotonic()  # a streamed piece of the reply
            done = time.monotonic()
        gaps.append(done - last)
    return gaps


def cli(url: str, home, turns: int) -> list[float]:
    env = child_env(home, OPENAI_BASE_URL=url, COACH_MODEL="fake-coach-model")
    proc = subprocess.Popen([COACH, "chat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    seen: list[tuple[float, bytes]] = []

    def read() -> None:
        while byte := proc.stdout.read(1):
            seen.append((time.monotonic(), byte))

    threading.Thread(target=read, daemon=True).start()
    gaps = []
    tail = REPLY[-12:].encode()
    for turn in range(turns + 1):
        while b"you> " not in b"".join(b for _, b in seen[-5:]):
            time.sleep(0.001)
        if turn:  # the reply's last character, then the prompt
            text = b"".join(b for _, b in seen)
            end = text.rfind(tail) + len(tail) - 1
            prompt = text.rfind(b"you> ")
            gaps.append(seen[prompt][0] - seen[end][0])
        if turn == turns:
            break
        mark = len(seen)
        proc.stdin.write((SAID + f" ({turn})\n").encode())
        proc.stdin.flush()
        while len(seen) <= mark + 5:
            time.sleep(0.001)
    proc.stdin.write(b"exit\n")
    proc.stdin.flush()
    proc.wait(timeout=60)
    return gaps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes-latency", type=float, default=3.0)
    parser.add_argument("--turns", type=int, default=4)
    args = parser.parse_args(argv)

    from bot import Coach, Settings
    from bot.testing import FakeOpenAIServer

    with temp_home() as home, FakeOpenAIServer(reply=REPLY, token_delay=0.01, notes_latency=args.notes_latency) as server:
        coach = Coach(settings=Settings(home=home / "coach", openai_base_url=server.url, model="fake-coach-model"))
        coach.warm_up()
        reply = in_process(coach, args.turns)
        shown = page(coach, args.turns)
        prompt = cli(server.url, home / "cli", args.turns)
        coach.wait_for_notes(timeout=60)
    print(f"With a {args.notes_latency:g} s notes call, from the reply's last token (p50 of {args.turns} turns):")
    print(f"  reply yielded (Coach.stream):        {ms(p50(reply))}  (max {ms(max(reply))})")
    print(f"  next `coach chat` prompt:            {ms(p50(prompt))}  (max {ms(max(prompt))})")
    print(f"  page idle (the turn handler's end):  {ms(p50(shown))}  (max {ms(max(shown))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
