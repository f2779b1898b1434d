"""``toulmin new "Title"``: start a post that already passes ``toulmin check``.

The post is ``posts/<date>-<slug>.md`` with the blog's front matter (``draft: true``, so
a production build leaves it out until the author removes the flag) and a skeleton whose
examples sit in code spans, where the checks ignore them. It is written atomically and
never over an existing file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from toulmin.findings import Finding
from toulmin.rules import RULES

SLUG_MAX = 60

SKELETON = """\
Say what this post argues in a sentence or two: this paragraph is the excerpt shown on
the blog's index. Cite each source where you use it, as in `[@key]` or `@key found`, and
quote each figure from the data as a checked statistic, as in `[50.5%]{{stat=name}}`.

<!-- more -->

## The evidence

Set out the evidence here. Run `toulmin check` (or `mkdocs serve` for a live preview) as
you write; each finding says how to fix it, and `toulmin explain CODE` says more.

## What follows

Close with what the evidence supports, and what it does not. Remove `draft: true` from
the front matter when the post is ready to publish.
"""


@dataclass(frozen=True, slots=True)
class NewPost:
    path: Path
    relpath: str


class NewPostError(Exception):
    """A user error, carried as the one finding to print."""

    def __init__(self, finding: Finding):
        super().__init__(finding.format())
        self.finding = finding


def slugify(title: str, max_length: int = SLUG_MAX) -> str:
    """ASCII, lower case, words joined by hyphens: "Où est l'IAPT?" -> "ou-est-l-iapt"."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
    return slug.strip("-") or "post"


def authors_file(root: Path, docs_dir: str, blog_dir: str = "blog") -> Path | None:
    """The blog's ``.authors.yml`` (Material's default place), if there is one."""
    default = root / docs_dir / blog_dir / ".authors.yml"
    if default.is_file():
        return default
    found = sorted((root / docs_dir).rglob(".authors.yml")) if (root / docs_dir).is_dir() else []
    return found[0] if found else None


def author_ids(path: Path | None) -> list[str]:
    """The author ids in ``.authors.yml``, in file order."""
    if path is None:
        return []
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []
    authors = data.get("authors") if isinstance(data, dict) else None
    return [str(k) for k in authors] if isinstance(authors, dict) else []


def front_matter(title: str, date: dt.date, author: str | None) -> str:
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"date: {date.isoformat()}",
    ]
    if author:
        lines.append(f"authors: [{author}]")
    lines += [
        "categories: []",
        "tags: []",
        'description: "One sentence on what this post argues, for search results and feeds."',
        "draft: true",
        "---",
    ]
    return "\n".join(lines) + "\n"


def create(root: Path, title: str, *, posts_dir: str = "posts", docs_dir: str = "docs",
           author: str | None = None, date: dt.date | None = None) -> NewPost:
    """Write the new post; raise NewPostError (NEW001/NEW002) rather than overwrite."""
    root = root.resolve()
    date = date or dt.date.today()
    title = " ".join(title.split())
    rel = f"{posts_dir.rstrip('/')}/{date.isoformat()}-{slugify(title)}.md"
    path = root / rel
    if path.exists():
        raise NewPostError(RULES["NEW001"].at(rel, 1, 1,
                                   "a post with this name already exists; edit it or choose "
                                   "another title"))
    afile = authors_file(root, docs_dir)
    ids = author_ids(afile)
    if author is not None and ids and author not in ids:
        where = os.path.relpath(afile, root).replace(os.sep, "/")
        raise NewPostError(RULES["NEW002"].at(where, 1, 1,
                                   f"unknown author '{author}' (known: {', '.join(ids)})"))
    author = author or (ids[0] if ids else None)
    text = front_matter(title or "Untitled", date, author) + "\n" + SKELETON.format()
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_new(path, text)
    return NewPost(path, rel)


def _write_new(path: Path, text: str) -> None:
    """Write atomically and never over an existing file: a temporary file, then a hard
    link to the final name (which fails if it exists), falling back to a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            rel = path.name
            raise NewPostError(RULES["NEW001"].at(rel, 1, 1,
                                                  "a post with this name already exists")) from None
        except OSError:  # no hard links on this file system
            if path.exists():
                raise NewPostError(RULES["NEW001"].at(path.name, 1, 1,
                                           "a post with this name already exists")) from None
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
