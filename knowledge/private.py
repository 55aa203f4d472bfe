"""Files only their owner can read: COACH_HOME and everything in it are 0700 folders and 0600 files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE, FILE_MODE = 0o700, 0o600


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) as 0700; an existing folder of ours is tightened to 0700."""
    path = Path(path)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _tighten(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create an empty `path` as 0600 if it is missing (so SQLite's WAL and SHM files inherit 0600)."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        _tighten(path, FILE_MODE)
    return path


def write_private(path: Path, text: str) -> None:
    """Replace `path` atomically with `text`, readable by its owner only."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def tighten_tree(root: Path) -> None:
    """Make every folder under `root` 0700 and every file 0600 (those we own; others are left alone)."""
    root = Path(root)
    if not root.exists():
        return
    _tighten(root, DIR_MODE)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            _tighten(Path(dirpath) / name, DIR_MODE)
        for name in filenames:
            _tighten(Path(dirpath) / name, FILE_MODE)


def loose(root: Path) -> list[Path]:
    """Paths under `root` (itself included) that someone other than their owner can read or enter."""
    found = []
    root = Path(root)
    for path in [root, *root.rglob("*")] if root.exists() else []:
        try:
            mode = path.lstat().st_mode
        except OSError:
            continue
        if not stat.S_ISLNK(mode) and mode & 0o077:
            found.append(path)
    return found


def _tighten(path: Path, mode: int) -> None:
    try:
        st = path.lstat()
        if st.st_uid == os.getuid() and not stat.S_ISLNK(st.st_mode) and stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o077 | (mode & 0o700))
    except OSError:
        pass  # a read-only home: reported by `coach doctor`, not fatal here


def writable(path: Path) -> bool:
    """Whether we may write `path`; for root, whose writes the kernel never refuses, the mode bits say
    what the owner meant (a home made read-only on purpose stays read-only)."""
    path = Path(path)
    if os.geteuid() == 0:
        try:
            return bool(path.stat().st_mode & 0o200)
        except OSError:
            return False
    return os.access(path, os.W_OK)
