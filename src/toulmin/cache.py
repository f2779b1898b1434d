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

**Signed.** The cache folder lies in the project, so a pull request can commit one (a
fingerprint is computed from public inputs: anyone can make a key that matches): check
results saying a hostile post is clean, statistics agreeing with a wrong figure. Every
file is therefore signed, HMAC-SHA256 (RFC 2104) under a key of this user's that never
lies in a project: ``$XDG_CACHE_HOME/toulmin/cache-key`` (default ``~/.cache``), 32
random bytes made on first use, readable by its owner only. A file without this user's
signature (committed, copied from another machine, or made by hand) is a miss; where no
key can be kept, a key for the process alone is used (the cache then lasts one run).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import marshal
import os
import secrets
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


#: what a signed cache file starts with (then the 32-byte signature, then the data)
_MAGIC = b"toulmin-cache-1\n"


@functools.cache
def _key() -> bytes:
    """This user's cache key (see the module's docstring)."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(home) / "toulmin" / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".cache-key.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
        os.link(tmp, path)  # never over a key another process made meanwhile
    except FileExistsError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        try:
            found = path.read_bytes()
            return found if len(found) == 32 else key
        except OSError:
            return key
    except OSError:  # no home to keep it in: this process's key
        return key
    with contextlib.suppress(OSError):
        tmp.unlink()
    return key


def _signature(data: bytes) -> bytes:
    return hmac.new(_key(), data, hashlib.sha256).digest()


def read_bytes(path: Path) -> bytes | None:
    """The data ``write_bytes`` stored in ``path``, or None when the file is missing,
    unreadable, or not signed with this user's key."""
    try:
        raw = Path(path).read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 32
    if len(raw) < head or not raw.startswith(_MAGIC):
        return None
    data = raw[head:]
    if not hmac.compare_digest(raw[len(_MAGIC):head], _signature(data)):
        return None
    return data


def read(path: Path) -> Any | None:
    """The value marshalled in ``path``, or None when there is none to be had."""
    data = read_bytes(path)
    if data is None:
        return None
    try:
        return marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return None


def write(path: Path, value: Any) -> None:
    """Marshal ``value`` into ``path`` atomically."""
    try:
        data = marshal.dumps(value)
    except ValueError:  # a value marshal cannot hold: leave the cache as it was
        return
    write_bytes(path, data)


def write_bytes(path: Path, data: bytes) -> bool:
    """Write ``data``, signed, to ``path`` atomically; False when it could not be
    written."""
    path = Path(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(_MAGIC + _signature(data) + data)
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
