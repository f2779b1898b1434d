"""``references.sources.json``: the stored text of the cited works (their abstracts).

Committed beside ``references.lock.json`` and read offline::

    {"format": 1, "works": {"<key>": {"doi": "10.x/y", "text": "<plain text abstract>",
      "kind": "abstract", "via": "crossref"|"europepmc"|"openalex"|"manual",
      "url": "<API URL or, for manual, the public page>", "retrieved": "YYYY-MM-DD",
      "recorded_by": "<only for via=manual: who>"}}}

``verify-refs`` writes the registry records; an author may add ``manual`` ones by hand,
which ``verify-refs`` never overwrites or deletes. Written with sorted keys, indent 2 and a
trailing newline, atomically, and only when the text changes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

FORMAT = 1
SOURCES_NAME = "references.sources.json"


def dumps_abstracts(works: dict) -> str:
    """The file's text: stable ordering, indent 2, trailing newline."""
    return json.dumps({"format": FORMAT, "works": works}, indent=2, sort_keys=True,
                      ensure_ascii=False) + "\n"


def read_abstracts(path: str | os.PathLike) -> dict:
    """Key -> record; empty when the file does not exist; ``ValueError`` when unreadable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from None
    works = data.get("works") if isinstance(data, dict) else None
    if not isinstance(works, dict):
        raise ValueError(f"{path} has no 'works' object")
    return {k: v for k, v in works.items() if isinstance(v, dict)}


def write_abstracts(path: str | os.PathLike, works: dict) -> bool:
    """Write atomically; False (the file left alone) when nothing changed."""
    path = Path(path)
    text = dumps_abstracts(works)
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return True
