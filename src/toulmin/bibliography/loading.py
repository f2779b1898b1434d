"""Loading ``references.bib``: the parse cache on disk and the load in a second process.

``load`` parses with ``toulmin.bibliography.bibtex`` and caches the result by the file's
content hash; ``load_in_background`` runs that in a forked process when the file is large
and not cached, so the caller can scan its documents meanwhile.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from toulmin import cache
from toulmin.bibliography import bibtex
from toulmin.bibliography.model import Bibliography
from toulmin.rules import RULES
from toulmin.textfile import decode_text


def _read_text(path: Path) -> tuple[str, bytes]:
    """The file's text (UTF-8, else read as Windows-1252 so the entries still load: the
    encoding is reported by ``decode_text``'s DOC001) and its bytes."""
    data = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(enc), data
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def load(path: str | Path, *, cache_dir: str | Path | None = None, display: str | None = None
         ) -> Bibliography:
    """Load ``path``; with ``cache_dir``, reuse the parsed result when the bytes are unchanged.

    ``display`` is the path written into findings (relative to the site root).
    """
    path = Path(path)
    shown = display or path.as_posix()
    try:
        text, data = _read_text(path)
    except OSError as exc:
        return Bibliography(
            shown, {}, [RULES["BIB000"].at(shown, 1, 1, f"cannot read file: {exc.strerror}")]
        )
    cache_file = None
    if cache_dir is not None:
        cache_file = _cache_file(data, shown, cache_dir)
        try:
            stored = cache.read_bytes(cache_file)
            cached = Bibliography.from_cache(stored) if stored is not None else None
        except OSError:
            cached = None
        if cached is not None:
            return cached
    bib = bibtex.parse_string(text, shown)
    bib.findings[:0] = decode_text(data, shown)[1]  # not UTF-8, a NUL byte
    bib.digest = hashlib.sha256(data).hexdigest()[:32]
    if cache_file is not None:
        _write_cache(cache_file, bib)
    return bib


class PendingLoad:
    """A ``load`` that may be running in a second process (``load_in_background``)."""

    def __init__(self, path: Path, cache_dir, display: str | None, pid: int | None = None,
                 bib: Bibliography | None = None):
        self._args = (path, cache_dir, display)
        self._pid = pid
        self._bib = bib

    @property
    def background(self) -> bool:
        """True while another process is parsing the file."""
        return self._pid is not None

    def result(self) -> Bibliography:
        """The bibliography: read from the cache the other process wrote, or parsed here
        if it wrote none (it failed, or the cache folder is read-only)."""
        if self._bib is None:
            if self._pid is not None:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(self._pid, 0)
                self._pid = None
            path, cache_dir, display = self._args
            self._bib = load(path, cache_dir=cache_dir, display=display)
        return self._bib


#: below this size a file parses faster than a second process starts
BACKGROUND_MIN_BYTES = 200_000


def load_in_background(path: str | Path, *, cache_dir: str | Path | None,
                       display: str | None = None) -> PendingLoad:
    """``load``, in a second process when that saves time, so the caller can read and scan
    its documents meanwhile: a large file that is not in the cache, a second CPU, and a
    process that can fork safely (no threads). The child parses the file and writes the
    cache; ``result()`` waits for it and reads the cache. Otherwise loads here and now.
    """
    path = Path(path)
    if cache_dir is None or not can_fork() or _cached(path, cache_dir, display):
        return PendingLoad(path, cache_dir, display,
                           bib=load(path, cache_dir=cache_dir, display=display))
    pid = os.fork()
    if pid == 0:  # the child: parse, write the cache, and leave without cleaning up
        code = 1
        try:
            load(path, cache_dir=cache_dir, display=display)
            code = 0
        finally:
            os._exit(code)
    return PendingLoad(path, cache_dir, display, pid=pid)


def can_fork() -> bool:
    """Whether this process can fork safely (no threads) and has a second CPU to use."""
    import threading

    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cpus or 1) >= 2


def _cached(path: Path, cache_dir: str | Path, display: str | None) -> bool:
    """True when ``load`` would read ``path`` from the cache (or it is small or unreadable,
    when there is nothing to gain)."""
    try:
        if path.stat().st_size < BACKGROUND_MIN_BYTES:
            return True
        data = path.read_bytes()
    except OSError:
        return True
    return _cache_file(data, display or path.as_posix(), cache_dir).exists()


def _cache_file(data: bytes, shown: str, cache_dir: str | Path) -> Path:
    # the file's bytes, the name it is shown by, and toulmin's code (cache.fingerprint)
    digest = cache.fingerprint(hashlib.sha256(data).hexdigest(), shown)
    return Path(cache_dir) / f"bib-{digest}.marshal"


def _write_cache(cache_file: Path, bib: Bibliography) -> None:
    """Write atomically; drop older caches of the same file (named by the path's hash)."""
    if not cache.write_bytes(cache_file, bib.to_cache()):
        return  # a read-only tree still works, only slower
    try:
        source_id = hashlib.sha256(bib.path.encode()).hexdigest()[:16]
        marker = cache_file.parent / f"bibsrc-{source_id}"
        try:
            previous = marker.read_text().strip()
        except OSError:
            previous = ""
        if previous and previous != cache_file.name:
            (cache_file.parent / previous).unlink(missing_ok=True)
        marker.write_text(cache_file.name)
    except OSError:
        pass  # a read-only tree still works, only slower
