"""``toulmin check --watch``: re-run the check whenever an input changes.

Polls the inputs' modification times (every 0.5 s by default), so it needs no extra
dependency and works the same on every platform and file system. Output is appended,
never cleared, so an editor's problem matcher or a scrolling terminal sees every run.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

INTERVAL = 0.5


def snapshot(paths: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of every file under ``paths``, hidden files and folders skipped."""
    out: dict[str, tuple[int, int]] = {}
    for top in paths:
        if top.is_file():
            _stat_into(out, top)
            continue
        if not top.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
            for name in filenames:
                if not name.startswith("."):
                    _stat_into(out, Path(dirpath) / name)
    return out


def _stat_into(out: dict, path: Path) -> None:
    try:
        st = path.stat()
    except OSError:
        return
    out[str(path)] = (st.st_mtime_ns, st.st_size)


def inputs(root: Path, settings) -> list[Path]:
    """What a check reads: the reference base and its lock, posts, pages, data, scripts,
    charts and the site's configuration."""
    names = (settings.bibliography, "references.lock.json", settings.posts_dir,
             settings.docs_dir, settings.scripts_dir, settings.data_dir, settings.charts_dir,
             "mkdocs.yml")
    return [root / n for n in dict.fromkeys(names)]


def run(check: Callable[[], int], paths: list[Path], *, interval: float = INTERVAL,
        stop: threading.Event | None = None, out=None) -> int:
    """Run ``check`` now and after every change to ``paths``, until Ctrl-C (exit 0) or
    ``stop`` is set."""
    out = out or sys.stderr
    stop = stop or threading.Event()
    try:
        before = snapshot(paths)
        check()
        print(f"toulmin: watching for changes every {interval:g} s (Ctrl-C to stop)",
              file=out, flush=True)
        while not stop.wait(interval):
            now = snapshot(paths)
            if now == before:
                continue
            changed = sorted(set(now.items()) ^ set(before.items()))
            names = sorted({os.path.basename(p) for p, _ in changed})
            before = now
            print(f"\ntoulmin: {time.strftime('%H:%M:%S')} changed: {', '.join(names)}",
                  file=out, flush=True)
            check()
    except KeyboardInterrupt:
        print("", file=out, flush=True)
    return 0
