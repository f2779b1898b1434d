"""``toulmin init [DIR]``: a working site in an empty folder.

The site is copied from the template shipped with toulmin (``toulmin/templates/site``):
mkdocs.yml with the toulmin plugin and Material's blog, ``docs/`` (home, blog, statistics
and references pages), ``posts/`` with a first post that cites a work and quotes a checked
statistic, ``references.bib`` with that work, ``scripts/`` defining an example statistic
and chart, ``data/`` with a tiny Data Package (Anscombe's quartet, its source named),
the CI workflow (``.github/workflows/site.yml``: ``toulmin check`` then ``mkdocs build
--strict``), ``requirements.txt`` (this toulmin version, which CI installs) and a
``.gitignore``. Then ``references.lock.json`` is written (the entry
recorded as not yet verified: ``toulmin verify-refs`` checks it against the registries)
and the chart is rendered into ``charts/``, so ``toulmin check`` and ``mkdocs build
--strict`` pass straight away.

Template files whose name starts with ``dot-`` are written with a leading dot instead
(``dot-gitignore`` -> ``.gitignore``): dot files do not travel well as package data. The
first post's and the excerpts' ``__DATE__`` becomes the day the site is made, and
``__VERSION__`` in requirements.txt the toulmin version that made it.

``init`` never overwrites: a folder that already holds a site (a ``mkdocs.yml``) or any
file the template would write is refused with one NEW004 line, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from toulmin import __version__
from toulmin.findings import Finding
from toulmin.rules import RULES

TEMPLATE = "templates/site"
DOT_PREFIX = "dot-"
DATE_TOKEN = "__DATE__"
VERSION_TOKEN = "__VERSION__"
LOCK_NOTE = ("recorded by toulmin init from the template; run toulmin verify-refs to check "
             "it against the registries")


class InitError(Exception):
    """A user error, carried as the one finding to print."""

    def __init__(self, finding: Finding):
        super().__init__(finding.format())
        self.finding = finding


@dataclass(frozen=True, slots=True)
class NewSite:
    root: Path
    #: every file written, relative to ``root``, in the order written
    written: list[str]


def template_files() -> dict[str, bytes]:
    """The template's files: site path (dot names restored) -> bytes."""
    base = resources.files("toulmin").joinpath(TEMPLATE)
    out: dict[str, bytes] = {}

    def walk(node, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            name = child.name
            if name == "__pycache__" or name.startswith("."):
                continue
            if name.startswith(DOT_PREFIX):
                name = "." + name[len(DOT_PREFIX):]
            rel = f"{prefix}{name}"
            if child.is_dir():
                walk(child, rel + "/")
            else:
                out[rel] = child.read_bytes()

    walk(base, "")
    return out


def shown(path: Path) -> str:
    """``path`` as the user would type it: relative to the working folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path.as_posix()
    return rel.replace(os.sep, "/") if not rel.startswith("..") else path.as_posix()


def create(target: str | os.PathLike, *, today: dt.date | None = None,
           progress: Callable[[str], None] | None = None) -> NewSite:
    """Write a new site into ``target``; raise InitError (NEW004) rather than overwrite."""
    root = Path(target).resolve()
    if root.exists() and not root.is_dir():
        raise InitError(RULES["NEW004"].at(shown(root), 1, 1,
                                           "a file, not a folder: give a folder for the site"))
    date = (today or dt.date.today()).isoformat()
    files = _filled(template_files(), date)
    if (root / "mkdocs.yml").exists():
        raise InitError(RULES["NEW004"].at(
            shown(root / "mkdocs.yml"), 1, 1,
            "this folder already holds a site; `toulmin new \"Title\"` starts a post in it, "
            "or give `toulmin init` an empty folder"))
    clash = sorted(rel for rel in [*files, "references.lock.json"] if (root / rel).exists())
    if clash:
        more = f" (and {len(clash) - 1} more)" if len(clash) > 1 else ""
        raise InitError(RULES["NEW004"].at(
            shown(root / clash[0]), 1, 1,
            f"already exists{more}; toulmin init never overwrites a file: give it an empty "
            "folder"))
    before = set(os.listdir(root)) if root.is_dir() else None
    written: list[str] = []
    try:
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as fh:  # never over a file made meanwhile
                written.append(rel)
                fh.write(data)
        written.append(_write_lock(root, date))
        written += _render_charts(root, progress)
    except (OSError, InitError) as exc:  # full disk, read-only folder: no half a site
        _remove_new(root, before)
        if isinstance(exc, InitError):
            raise
        where = shown(Path(exc.filename)) if exc.filename else shown(root)
        raise InitError(RULES["CLI005"].at(
            where, 1, 1, f"cannot write: {exc.strerror or exc}; the new site was removed",
            "free some space, or give a folder you can write to")) from None
    return NewSite(root, written)


def _remove_new(root: Path, before: set[str] | None) -> None:
    """Remove what ``create`` made in ``root``: every entry that was not there before
    (``before``; None: ``create`` made ``root`` itself). ``create`` never writes over a
    file, so what the folder held is left as it was."""
    import shutil

    if before is None:
        shutil.rmtree(root, ignore_errors=True)
        return
    for name in set(os.listdir(root)) - before:
        path = root / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _filled(files: dict[str, bytes], date: str) -> dict[str, bytes]:
    """The template's files as written: dated, versioned, the first post named by date."""
    out: dict[str, bytes] = {}
    for rel, data in files.items():
        if rel.startswith(("posts/", "sources/")):
            data = data.replace(DATE_TOKEN.encode(), date.encode())
        elif rel == "requirements.txt":
            data = data.replace(f"toulmin=={VERSION_TOKEN}".encode(),
                                requirement().encode())
        if rel == "posts/first-post.md":
            rel = f"posts/{date}-first-post.md"
        out[rel] = data
    return out


def requirement() -> str:
    """The requirement that installs this toulmin in CI: where pip installed it from a
    repository (PEP 610's ``direct_url.json``), that repository at this commit; else this
    version (a local or editable install has no address CI could reach)."""
    import json
    from importlib import metadata

    try:
        raw = metadata.distribution("toulmin").read_text("direct_url.json")
        direct = json.loads(raw) if raw else {}
    except (metadata.PackageNotFoundError, ValueError):
        direct = {}
    url, vcs = direct.get("url", ""), direct.get("vcs_info") or {}
    if isinstance(url, str) and re.fullmatch(r"https://[\w.~/:%+-]+", url) \
            and vcs.get("vcs") == "git" \
            and isinstance(vcs.get("commit_id"), str) and vcs["commit_id"].isalnum():
        return f"toulmin @ git+{url}@{vcs['commit_id']}"
    return f"toulmin=={__version__}"


def _write_lock(root: Path, date: str) -> str:
    """references.lock.json: each entry with a DOI recorded as not yet verified (no finding;
    ``toulmin verify-refs`` replaces the record with the registry's verdict)."""
    from toulmin.bibliography import bibtex, lock

    path = root / "references.bib"
    library = bibtex.parse_string(path.read_text(encoding="utf-8"), str(path))
    records = {}
    for ref in library.entries.values():
        if ref.doi:
            records[ref.key] = lock.make_record(
                doi=ref.doi, hash=ref.hash, verdict=lock.UNVERIFIED, checked=date,
                recorded="offline", retracted=None, note=LOCK_NOTE)
    lock.write(root / lock.LOCK_NAME, records)
    return lock.LOCK_NAME


def _render_charts(root: Path, progress: Callable[[str], None] | None) -> list[str]:
    """Render the template's charts into charts/, as ``toulmin charts`` does."""
    from toulmin.definitions import charts

    result = charts.compute(root, progress=progress)
    try:
        return charts.write(root, result)
    except charts.WriteError as exc:
        raise InitError(exc.finding()) from None
