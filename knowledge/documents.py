"""Reading user documents for ingest: which files qualify, and why the others were skipped."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = (".md", ".markdown", ".txt")


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class Document:
    path: Path
    text: str


def _within(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def collect(paths: list[str | Path]) -> tuple[list[Path], list[Skipped]]:
    """Expand folders into their text files; never follow links out of a folder that was asked for."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            skipped.append(Skipped(str(raw), "not found"))
        elif path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    child = Path(dirpath) / name
                    if name.startswith("."):
                        continue
                    if not name.lower().endswith(TEXT_SUFFIXES):
                        skipped.append(Skipped(str(child), "not a .md or .txt file"))
                        continue
                    if not _within(child, path):
                        skipped.append(Skipped(str(child), "links outside the folder"))
                        continue
                    files.append(child)
        elif not path.is_file():
            skipped.append(Skipped(str(raw), "not a regular file"))
        elif not path.name.lower().endswith(TEXT_SUFFIXES):
            skipped.append(Skipped(str(raw), "not a .md or .txt file"))
        else:
            files.append(path)
    return files, skipped


def read(path: Path, max_bytes: int) -> Document | Skipped:
    """The file's text, or the reason it cannot be ingested."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Skipped(str(path), f"too large ({size:,} bytes; the limit is {max_bytes:,})")
        data = path.read_bytes()
    except OSError as exc:
        return Skipped(str(path), f"unreadable ({exc.strerror or exc})")
    if b"\x00" in data:
        return Skipped(str(path), "binary file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Skipped(str(path), "not UTF-8 text")
    if not text.strip():
        return Skipped(str(path), "empty")
    return Document(path=path, text=text)
