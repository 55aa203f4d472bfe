"""A file that every write to an embedded store replaces, so that other processes can tell it changed."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from .private import tighten_tree, write_private

GENERATION_FILE = "store-generation"


class Generation:
    """A file that every write to the store replaces, so other processes can tell it changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen = self._stamp()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns

    def changed(self) -> bool:
        return self._stamp() != self._seen

    def seen(self) -> None:
        self._seen = self._stamp()

    def bump(self) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}")
        write_private(tmp, uuid.uuid4().hex)
        os.replace(tmp, self.path)  # a new inode: a reader never mistakes it for the old one
        # The write that bumped it may have made new segment files: they are the owner's only too.
        tighten_tree(self.path.parent)
        self.seen()
