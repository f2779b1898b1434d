"""Cache files under ``.cache/toulmin``: marshal values, written atomically, read leniently.

A cache is never the only copy of anything: a file that cannot be read (missing, from an
older format, truncated) reads as None, and one that cannot be written is skipped. Writes go
to a temporary file that replaces the cache in one ``os.replace``, so a killed build never
leaves half a cache behind.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from pathlib import Path
from typing import Any


def read(path: Path) -> Any | None:
    """The value marshalled in ``path``, or None when there is none to be had."""
    try:
        return marshal.loads(Path(path).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write(path: Path, value: Any) -> None:
    """Marshal ``value`` into ``path`` atomically."""
    try:
        data = marshal.dumps(value)
    except ValueError:  # a value marshal cannot hold: leave the cache as it was
        return
    write_bytes(path, data)


def write_bytes(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; False when it could not be written."""
    path = Path(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
    return True


def read_versioned(path: Path, fmt: int) -> Any | None:
    """The value ``write_versioned`` stored, or None when absent, corrupt, or written in
    another cache format or by another toulmin version."""
    from toulmin import __version__

    found = read(path)
    if not isinstance(found, tuple) or len(found) != 3:
        return None
    return found[2] if (found[0], found[1]) == (fmt, __version__) else None


def write_versioned(path: Path, fmt: int, value: Any) -> None:
    """Store ``value`` with the cache format and this toulmin's version."""
    from toulmin import __version__

    write(path, (fmt, __version__, value))
