"""The web coach (Gradio). Front door: `build_app(coach=None)`; run it with `coach serve`.

Gradio is imported only when `build_app` is first used, so `import ui` stays light; when it is,
it skips rewriting its own type stubs (see gradio_import.py: ~1.4 s of a ~3 s import).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge.lazy import lazy_attributes

from .gradio_import import skip_stub_writer

skip_stub_writer()

__all__ = ["build_app"]

if TYPE_CHECKING:
    from .app import build_app

__getattr__ = lazy_attributes(__name__, {"build_app": "app"})
