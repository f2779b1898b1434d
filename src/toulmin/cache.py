"""The one cache layer: files under the site's cache folder, fingerprinted, written atomically.

Every cache toulmin keeps (the parsed reference base, check results, statistics, charts,
data validation, year suffixes, rendered citations) is stored through this module, and each
stored value carries a fingerprint of what it was computed from:

* ``code_digest()``: a digest of toulmin's own source files, so an upgrade, or an edit to
  the engine (a message, a rule), never serves output that the old code computed;
* the cache's format number, bumped when the stored shape changes;
* the caller's *key*: a digest of the real inputs (file contents, the set of cited works,
  settings), made with ``fingerprint()``.

A cache is never the only copy of anything: a file that cannot be read (missing, written by
other code, truncated, of the wrong shape) reads as None (a miss), and one that cannot be
written is skipped. Writes go to a temporary file that replaces the cache in one
``os.replace``, so a killed build never leaves half a cache behind.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
from pathlib import Path
from typing import Any


@functools.cache
def code_digest() -> str:
    """A digest of every Python source file of the installed toulmin package.

    Reading and hashing the package's sources costs about a millisecond, once per process;
    a cache keyed on it cannot outlive the code that wrote it.
    """
    package = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(b"\0")
        with contextlib.suppress(OSError):
            h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def fingerprint(*parts: str | bytes) -> str:
    """A digest of ``parts`` (the real inputs of a cached value) and of toulmin's code."""
    h = hashlib.blake2b(digest_size=16)
    h.update(code_digest().encode())
    for part in parts:
        h.update(b"\0")
        h.update(part if isinstance(part, bytes) else part.encode())
    return h.hexdigest()


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


def process_alive(pid: int) -> bool:
    """True while a process ``pid`` exists (this one included): a temporary file or folder
    named for a process that is gone was left by a killed run and can be removed."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OSError:
        return False
    return True


def read_versioned(path: Path, fmt: int, key: str = "") -> Any | None:
    """The value ``write_versioned`` stored under the same format and key by this code, or
    None when absent, corrupt, or written in another format, for other inputs, or by other
    code."""
    found = read(path)
    if not isinstance(found, tuple) or len(found) != 3:
        return None
    return found[2] if (found[0], found[1]) == (fmt, fingerprint(key)) else None


def write_versioned(path: Path, fmt: int, value: Any, key: str = "") -> None:
    """Store ``value`` with the cache format and the fingerprint of ``key`` and the code."""
    write(path, (fmt, fingerprint(key), value))
