"""One streamed model reply, checked as it arrives: citations of passages it was not given are
removed before they are shown, a reply in the wrong language is retried once with a reminder
(its opening words are held back until its language is clear), and a refusal is noticed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from .citations import CitationStream
from .language import detect_language
from .words import load

log = logging.getLogger(__name__)

# Letters of a reply read before its language is judged (about six English words, a dozen Hangul syllables).
JUDGE_AFTER_LETTERS = 24


class ReplyRun:
    """Streams a reply (`stream()` yields the text to show), then holds its outcome: `text`,
    `passages`, `partial`, `refused`, and `error` when the model failed before any text."""

    def __init__(self, chain: Any, request: dict, language: str | None, strict_end: bool) -> None:
        # language: the reply's expected language, or None when this message does not say.
        self.chain, self.request, self.language, self.strict_end = chain, request, language, strict_end
        self.passages: list = request.get("passages", [])
        self.text = ""
        self.partial = self.refused = False
        self.error: BaseException | None = None

    def stream(self) -> Iterator[str]:
        for attempt in range(2):
            request = dict(self.request)
            if attempt:
                request["passages"] = self.passages
                request["reminder"] = load("prompts")["language_reminder"][self.language]
            retry = yield from self._attempt(request, judge=self.language is not None and attempt == 0)
            if not retry:
                return
            log.info("reply in the wrong language for a %s message: asking once more", self.language)

    def _attempt(self, request: dict, judge: bool) -> Iterator[str]:
        """Yields the text to show; returns True when the reply should be asked for again."""
        cites: CitationStream | None = None
        held: list[str] = []
        finished = broken = received = False
        stream = self.chain.stream(request)
        try:
            for chunk in stream:
                if "passages" in chunk:
                    self.passages = chunk["passages"]
                    cites = CitationStream(p.id for p in self.passages)
                    continue
                message = chunk["reply"]
                finished = finished or bool(message.response_metadata.get("finish_reason"))
                self.refused = self.refused or _refusal(message)
                piece = _text(message)
                if not piece:
                    continue
                received = True
                assert cites is not None
                released = cites.feed(piece)
                if judge:
                    held.append(released)
                    verdict = _verdict(cites.raw, self.language)
                    if verdict == "wrong":
                        return True  # closing the stream ends the request
                    if verdict == "ok":
                        judge = False
                        yield "".join(held)
                elif released:
                    yield released
        except Exception as exc:
            if not received:
                self.error = exc
                return False
            log.warning("the reply broke off: %s: %s", type(exc).__name__, exc)
            broken = True
        finally:
            stream.close()  # a reply abandoned for the wrong language ends its request here
        if cites is None:
            return False
        if judge and not broken and received and _verdict(cites.raw, self.language, final=True) == "wrong":
            return True
        rest = "".join(held) + cites.finish() if judge else cites.finish()
        if rest:
            yield rest
        self.text = cites.text
        self.partial = bool(self.text) and (broken or (not finished and self.strict_end))
        return False


def _verdict(text: str, language: str | None, final: bool = False) -> str | None:
    """'ok', 'wrong', or None while too little is written to tell."""
    if not final and sum(c.isalpha() for c in text) < JUDGE_AFTER_LETTERS:
        return None
    return "ok" if detect_language(text, default=language) == language else "wrong"


def _text(message: Any) -> str:
    content = message.content
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")
    return content if isinstance(content, str) else ""


def _refusal(message: Any) -> bool:
    if message.additional_kwargs.get("refusal"):
        return True
    content = message.content
    return isinstance(content, list) and any(isinstance(b, dict) and b.get("type") == "refusal" for b in content)
