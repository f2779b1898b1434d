"""Build the site beside ``site_dir`` and put it in place only when the build finished.

MkDocs empties ``site_dir`` before it writes a page, so a build that fails, is interrupted
or is killed would leave no site, or half of one. The plugin instead points ``site_dir`` at
a sibling folder ``.NAME.building-PID`` (``begin``, first of every plugin's ``on_config``),
and when the build finished, after every other plugin wrote its files (``finish``, last of
every ``on_post_build``), exchanges it with the previous site in one ``renameat2`` call
(two renames where the system has no such call) and deletes the previous site. A failed or
interrupted build removes its folder (``abandon``: on the build error, at shutdown, at
exit); a killed one leaves it, and the next build removes every such folder whose process
is no longer alive (``clean_leftovers``).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import os
import re
import shutil
from pathlib import Path

from toulmin.cache import process_alive

log = logging.getLogger("mkdocs.plugins.toulmin")

_BUILDING = "building"
#: where the previous site waits while the new one is renamed in (without renameat2)
_OLD = "old"


def temp_name(site: Path, kind: str, pid: int) -> Path:
    """The sibling of ``site`` a build of process ``pid`` uses: ``.site.building-PID``."""
    return site.parent / f".{site.name}.{kind}-{pid}"


def clean_leftovers(site: Path) -> list[Path]:
    """Remove the folders killed builds of ``site`` left beside it; return them.

    A ``.site.building-PID`` whose process is gone (or is this one, about to build again) is
    deleted; a ``.site.old-PID`` (a previous site set aside by a build killed between its two
    renames) is put back when there is no ``site``, else deleted.
    """
    pattern = re.compile(rf"\.{re.escape(site.name)}\.({_BUILDING}|{_OLD})-(\d+)")
    removed = []
    try:
        entries = sorted(site.parent.iterdir())
    except OSError:
        return removed
    for path in entries:
        m = pattern.fullmatch(path.name)
        if m is None or path.is_symlink() or not path.is_dir():
            continue
        pid = int(m.group(2))
        if pid != os.getpid() and process_alive(pid):
            continue  # another build of this site, still running
        if m.group(1) == _OLD and not os.path.lexists(site):
            with contextlib.suppress(OSError):
                os.rename(path, site)
                log.info("toulmin: put back the previous site a killed build had set aside")
                continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Exchange the folders ``a`` and ``b`` in one step (Linux's renameat2 with
    RENAME_EXCHANGE); False where it could not (no such call, a file system without it,
    ``b`` a mount point), and nothing was changed."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint)
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def put_in_place(new: Path, site: Path) -> None:
    """Make the folder ``new`` the folder ``site``, then delete the previous ``site``.

    Readers of ``site`` see the previous site or the new one, never neither: one exchange,
    or (where there is none) two renames with the previous site kept beside until the second
    is done. A ``site`` that cannot be renamed (a mount point) gets ``new``'s entries moved
    into it instead.
    """
    if not os.path.lexists(site):
        os.rename(new, site)
        return
    if site.is_dir() and not site.is_symlink() and _exchange(new, site):
        shutil.rmtree(new, ignore_errors=True)  # now the previous site
        return
    old = temp_name(site, _OLD, os.getpid())
    shutil.rmtree(old, ignore_errors=True)
    try:
        os.rename(site, old)
    except OSError:  # site_dir is a mount point, or in a folder we cannot rename in
        _move_entries(new, site)
        return
    try:
        os.rename(new, site)
    except OSError:
        os.rename(old, site)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _move_entries(new: Path, site: Path) -> None:
    for entry in list(site.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in list(new.iterdir()):
        os.rename(entry, site / entry.name)
    new.rmdir()


def _strict_warnings() -> bool:
    """True when MkDocs counted a warning of this ``--strict`` build (it aborts the build
    after the last ``on_post_build``)."""
    from mkdocs.utils import CountHandler

    return any(isinstance(h, CountHandler) and h.get_counts()
               for h in logging.getLogger("mkdocs").handlers)


class SiteSwap:
    """One build's temporary site folder: where MkDocs writes, and whether it is in place."""

    def __init__(self) -> None:
        self.config = None
        #: the site_dir MkDocs was given (--site-dir or mkdocs.yml), as given
        self.site_dir = ""
        self.site: Path | None = None
        self.temp: Path | None = None
        self._at_exit = False

    def begin(self, config) -> None:
        """Point ``config.site_dir`` at a fresh sibling folder of the site."""
        self.abandon()
        self.config, self.site_dir = config, config.site_dir
        site = Path(os.path.realpath(config.site_dir))
        self.site = site
        clean_leftovers(site)
        self.temp = temp_name(site, _BUILDING, os.getpid())
        config.site_dir = str(self.temp)
        if not self._at_exit:  # a build run without MkDocs' shutdown event
            atexit.register(self.abandon)
            self._at_exit = True

    def finish(self) -> None:
        """Put the finished site in place of the previous one (not when ``--strict`` is
        about to fail the build on a warning)."""
        if self.temp is None or self.site is None:
            return
        if self.config is not None and self.config.strict and _strict_warnings():
            return  # MkDocs raises next; on_build_error abandons the folder
        self.temp.mkdir(parents=True, exist_ok=True)
        try:
            put_in_place(self.temp, self.site)
        except OSError as exc:
            self.abandon()
            from mkdocs.exceptions import PluginError

            raise PluginError(f"toulmin: cannot put the built site in {self.site_dir}: "
                              f"{exc.strerror or exc}") from None
        self.temp = None
        log.info(f"toulmin: the new site is in place in {self.site_dir}")
        self._restore()

    def abandon(self) -> None:
        """Delete the temporary folder of a build that did not finish."""
        if self.temp is not None:
            shutil.rmtree(self.temp, ignore_errors=True)
            self.temp = None
        self._restore()

    def _restore(self) -> None:
        # gh-deploy and other callers read site_dir after the build
        if self.config is not None:
            self.config.site_dir = self.site_dir
            self.config = None
