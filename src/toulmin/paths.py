"""Links out of the project: a symlink whose target resolves outside the site's root.

Posts, charts, data and scripts come from pull requests, and a link such as
``charts/env.json -> /proc/self/environ`` would publish (or run, or read) a file of the
machine that builds the site. Such a file is refused everywhere: the project does not read
it, the plugin does not publish it, and the path check reports it (SEC001,
``checks.paths``). A link whose target stays inside the project is an ordinary file.

This module imports nothing of toulmin: every layer may ask it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path


def escapes(root: str | os.PathLike, path: str | os.PathLike) -> bool:
    """True when ``path`` resolves outside ``root``: it is, or lies in a folder that is,
    a link whose target is outside (a dangling link to outside too)."""
    head, tail = os.path.split(os.path.abspath(path))
    real = os.path.realpath(path) if os.path.islink(path) else \
        os.path.join(_real_folder(head), tail)
    return not _inside(real, _real_folder(os.path.abspath(root)))


def outside_links(root: str | os.PathLike, folders: Iterable[str]
                  ) -> Iterator[tuple[str, str]]:
    """(path relative to ``root``, the link's target as written) of every link under the
    ``folders`` (relative to ``root``) whose target resolves outside ``root``: the folder
    itself, a file, or a subfolder (not followed). Each link once, in path order."""
    root = Path(os.path.abspath(root))
    real_root = os.path.realpath(root)
    seen: set[str] = set()
    for name in folders:
        folder = root / name
        start = _first_outside_link(root, real_root, folder)
        if start is not None:
            found = [start]
        elif not folder.is_dir():
            continue
        else:
            found = []
            for dirpath, dirnames, filenames in os.walk(folder):
                for entry in sorted(dirnames + filenames):
                    path = os.path.join(dirpath, entry)
                    if os.path.islink(path) and not _inside(os.path.realpath(path), real_root):
                        found.append(Path(path))
                dirnames.sort()
        for path in found:
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if rel not in seen:
                seen.add(rel)
                yield rel, os.readlink(path)


def _first_outside_link(root: Path, real_root: str, folder: Path) -> Path | None:
    """The link among ``folder`` and its parents below ``root`` that leads outside."""
    try:
        parts = folder.relative_to(root).parts
    except ValueError:
        return None
    path = root
    for part in parts:
        path = path / part
        if os.path.islink(path) and not _inside(os.path.realpath(path), real_root):
            return path
    return None


def _inside(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


@functools.lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)
