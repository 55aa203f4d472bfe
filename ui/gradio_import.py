"""Import Gradio without rewriting its type stubs.

Every `import gradio` (6.x) runs `gradio.component_meta.create_or_modify_pyi` once per component
class: it parses the component's module source twice and renders a Jinja template, to keep the
`.pyi` files beside Gradio's own sources up to date for editors. At run time that is pure cost:
on this project's 2-core machine it is ~1.4 s of a ~3 s import, the largest part of the wait
before `coach serve` answers (bench/serve.py). The stubs already ship with the wheel.

`skip_stub_writer()` puts a finder on `sys.meta_path` that, right after `gradio.component_meta`
is executed, replaces that one function with a no-op. If a Gradio release renames or drops the
function, nothing is replaced and Gradio behaves as it always does.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from types import ModuleType

TARGET = "gradio.component_meta"
FUNCTION = "create_or_modify_pyi"


def _no_stubs(*args: object, **kwargs: object) -> None:
    return None


class _StubWriterSkipper(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path=None, target=None):
        if fullname != TARGET:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            if callable(getattr(module, FUNCTION, None)):
                setattr(module, FUNCTION, _no_stubs)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def skip_stub_writer() -> None:
    """Make the next `import gradio` skip the stub rewriting (no effect once Gradio is imported)."""
    if TARGET in sys.modules or any(isinstance(f, _StubWriterSkipper) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _StubWriterSkipper())
