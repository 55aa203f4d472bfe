"""Reading rows a newer version wrote: a value this version does not know is left out (its default
applies), an item of a list that cannot be read is dropped, and everything else is kept."""

from __future__ import annotations

import json
import logging
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)


def lenient_model(model: type[M], data: str | bytes | dict, *, what: str = "a row", attempts: int = 50) -> M:
    """`model` validated from `data`; on errors, the offending values are removed one by one."""
    raw: Any = json.loads(data) if isinstance(data, (str, bytes)) else data
    try:
        return model.model_validate(raw)
    except ValidationError:
        pass
    dropped = []
    for _ in range(attempts):
        try:
            result = model.model_validate(raw)
        except ValidationError as exc:
            error = exc.errors()[0]
            if not _drop(raw, list(error["loc"]), missing=error["type"] == "missing"):
                raise
            dropped.append(".".join(str(part) for part in error["loc"]))
            continue
        log.warning("%s holds values this version cannot read (%s); they were left out", what, ", ".join(dropped))
        return result
    return model.model_validate(raw)


def _drop(raw: Any, loc: list, missing: bool) -> bool:
    """Remove the value at `loc` (its default then applies); when it is required, remove the list item
    that holds it instead."""
    path: list[tuple[Any, Any]] = []
    node = raw
    for part in loc:
        if isinstance(node, dict) and part in node or isinstance(node, list) and isinstance(part, int) and part < len(node):
            path.append((node, part))
            node = node[part]
        else:
            break
    if missing or len(path) < len(loc):
        items = [(c, k) for c, k in path if isinstance(c, list)]
        if not items:
            return False
        container, key = items[-1]
    elif path:
        container, key = path[-1]
    else:
        return False
    container.pop(key)
    return True
