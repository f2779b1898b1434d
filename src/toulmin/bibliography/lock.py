"""``references.lock.json``: the registry verdicts the offline checks and the build rely on.

The file is committed and meant to be reviewed in diffs: JSON with sorted keys, two-space
indent and a trailing newline. It maps each entry key to its record::

    {
      "entries": {
        "lakens2013effect": {
          "checked": "2026-11-22",
          "differences": [],
          "doi": "10.3389/fpsyg.2013.00863",
          "hash": "3f1c...",
          "recorded": "registry",
          "retracted": false,
          "retraction_notice": null,
          "updates": [],
          "verdict": "verified"
        }
      },
      "format": 1
    }

``verdict`` is one of the constants below:

- ``verified``: only ever with ``"recorded": "registry"``, written by ``verify-refs`` or
  ``add-ref`` from a registry's answer;
- ``mismatch`` (``differences`` lists ``{field, entry, registry}``, e.g. ``{"field":
  "author 2", "entry": "Smiht", "registry": "Smith"}``), ``not_found`` (the DOI is not
  registered);
- ``unchecked``: the registry could not be asked; ``error`` says why;
- ``checked_by_hand``: metadata established by hand, never counted as verified; the record
  has ``checked_by`` and ``checked_against`` (free text);
- ``not_registered``: an entry without a DOI for which Crossref's bibliographic search
  found no registered work scoring 0.9 or more; ``doi`` is empty and ``best_candidate``
  (``{doi, score, title}``) is there only as information, never a proposed DOI;
- ``unregistered``: the entry declares it (``unregistered = {<reason>}``); ``reason``
  holds the declaration, ``"recorded": "entry"``, no search is made;
- ``doi_proposed``: an entry without a DOI whose best candidate scores 0.9 or more
  (``best_candidate``); ``verify-refs --accept`` writes that DOI into the entry;
- ``unverified``: a placeholder recorded offline.

A record made offline has ``"recorded": "offline"``, ``"retracted": null`` (unknown) and
a ``note`` on how the DOI was verified. ``checked`` keeps its old date when nothing
else in the record changed, so rerunning on unchanged entries rewrites identical bytes.
Writes go to a temporary file first and replace the lock in one ``os.replace``;
``write_together`` writes several such files (the reference base, the lock, the stored
abstracts) all or none. ``load`` checks each record's shape (``FIELD_TYPES``): a record
that is not an object or a field of another type is a ``LockError`` (REF000), never a
check that fails part way.

Readers that only look records up (the renderer marking retracted works, the tests) use
``lock_status`` and ``retracted_keys``, which keep the file read until it changes (mtime).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

FORMAT = 1
LOCK_NAME = "references.lock.json"

VERIFIED = "verified"
MISMATCH = "mismatch"
NOT_FOUND = "not_found"
UNCHECKED = "unchecked"
UNVERIFIED = "unverified"
CHECKED_BY_HAND = "checked_by_hand"
NOT_REGISTERED = "not_registered"
UNREGISTERED = "unregistered"
DOI_PROPOSED = "doi_proposed"
_STATUS_CACHE: dict[tuple[str, float], dict[str, dict]] = {}


class LockError(Exception):
    """The lock file exists but cannot be read."""


def load(path: str | os.PathLike) -> dict[str, dict]:
    """Key -> record; an empty mapping when the file does not exist; ``LockError`` (one
    line) when it cannot be read, or a record or a field has the wrong type
    (``FIELD_TYPES``)."""
    try:
        raw = read_committed(path, "entries", objects_only=False)
    except ValueError as exc:
        raise LockError(str(exc)) from None
    for key, rec in raw.items():
        problem = record_problem(rec)
        if problem:
            raise LockError(f"{Path(path).name}: the record of '{_shown(key)}' {problem}")
    return raw


#: the type each field of a record must have when present (JSON's names in ``_JSON``)
FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "checked": (str,), "checked_against": (str,), "checked_by": (str,),
    "differences": (list,), "doi": (str,), "error": (str,), "hash": (str,), "note": (str,),
    "reason": (str, type(None)), "recorded": (str,), "registry_doi": (str,),
    "retracted": (bool, type(None)), "retraction_notice": (str, type(None)),
    "updates": (list,), "verdict": (str,), "best_candidate": (dict, type(None)),
}
_JSON = {str: "a string", list: "a list", dict: "an object", bool: "true or false",
         type(None): "null", int: "a number", float: "a number"}


def record_problem(rec: object) -> str:
    """What is wrong with a lock record's shape ("is a list, not an object", "field
    'differences' is a string, not a list"), or "" when nothing is."""
    if not isinstance(rec, dict):
        return f"is {_JSON.get(type(rec), 'not an object')}, not an object"
    for name, value in rec.items():
        want = FIELD_TYPES.get(name)
        if want is not None and not isinstance(value, want):
            return (f"has '{name}' as {_JSON.get(type(value), type(value).__name__)}, not "
                    f"{' or '.join(dict.fromkeys(_JSON[w] for w in want))}")
        if name in ("differences", "updates") and not all(_flat(v) for v in value):
            return f"has '{name}' with an item that is not an object of plain values"
        if name == "best_candidate" and value is not None and not _flat(value):
            return f"has '{name}' that is not an object of plain values"
    return ""


def _flat(value: object) -> bool:
    """An object whose values are text, numbers, true/false or null (nothing nested)."""
    return isinstance(value, dict) and all(
        v is None or isinstance(v, str | int | float) for v in value.values())


def _shown(key: str) -> str:
    return key if len(key) <= 60 and key.isprintable() else repr(key[:60])


def read_committed(path: str | os.PathLike, member: str,
                   objects_only: bool = True) -> dict[str, dict]:
    """The records under ``member`` of a JSON file the site commits (the lock, the stored
    abstracts): key -> record, records that are not objects left out (all kept when not
    ``objects_only``); {} when the file does not exist; ``ValueError`` (one line) when it
    cannot be read or has no such object."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"cannot read {path}: {exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from None
    except RecursionError:  # "[[[[..." nested deeper than the decoder can follow
        raise ValueError(f"{path} is not valid JSON: nested too deeply") from None
    records = data.get(member) if isinstance(data, dict) else None
    if not isinstance(records, dict):
        raise ValueError(f"{path} has no '{member}' object")
    if not objects_only:
        return records
    return {k: v for k, v in records.items() if isinstance(v, dict)}


def dumps(entries: dict[str, dict]) -> str:
    """The lock's text: stable ordering, indent 2, trailing newline."""
    return json.dumps({"format": FORMAT, "entries": entries}, indent=2, sort_keys=True,
                      ensure_ascii=False) + "\n"


def write(path: str | os.PathLike, entries: dict[str, dict]) -> bool:
    """Write atomically; returns False (and leaves the file alone) when nothing changed."""
    return write_committed(path, dumps(entries))


def write_committed(path: str | os.PathLike, text: str) -> bool:
    """Write ``text`` to a file the site commits (the lock, the stored abstracts): atomically
    (a temporary file, synced, then ``os.replace``) and only when it changed; False when
    the file already held exactly ``text``."""
    path = Path(path)
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


class WriteError(OSError):
    """A file could not be written; no file was changed."""


def write_together(files: dict[Path, bytes]) -> None:
    """Write every file or none: each text to a temporary file beside its original (synced,
    with the original's permissions), then, all written, each replaces its original; on a
    failure the temporary files are removed, the originals replaced so far restored, and
    ``WriteError`` names the file and why."""
    temps: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            temps[path] = tmp
            try:
                with open(tmp, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                if path.exists():
                    os.chmod(tmp, path.stat().st_mode & 0o777)
            except OSError as exc:
                raise WriteError(exc.errno, f"cannot write {path.name}: "
                                 f"{exc.strerror or exc}") from None
        done: list[tuple[Path, bytes | None]] = []
        for path, tmp in temps.items():
            try:
                old = path.read_bytes() if path.exists() else None
                os.replace(tmp, path)
            except OSError as exc:
                for back, data in reversed(done):  # undo the replacements made so far
                    with contextlib.suppress(OSError):
                        if data is None:
                            back.unlink()
                        else:
                            back.write_bytes(data)
                raise WriteError(exc.errno, f"cannot replace {path.name}: "
                                 f"{exc.strerror or exc}") from None
            done.append((path, old))
    finally:
        for tmp in temps.values():
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


def make_record(*, doi: str, hash: str, verdict: str, checked: str, recorded: str,
                differences: list[dict] | None = None, retracted: bool | None = False,
                notice: str | None = None, updates: list[dict] | None = None,
                error: str = "", registry_doi: str = "", note: str = "",
                best_candidate: dict | None = None, reason: str | None = None) -> dict:
    rec = {
        "checked": checked,
        "differences": list(differences or []),
        "doi": doi,
        "hash": hash,
        "recorded": recorded,
        "retracted": retracted if retracted is None else bool(retracted),
        "retraction_notice": notice,
        "updates": list(updates or []),
        "verdict": verdict,
    }
    if error:
        rec["error"] = error
    if note:
        rec["note"] = note
    if registry_doi and registry_doi.lower() != doi.lower():
        rec["registry_doi"] = registry_doi
    if best_candidate:
        rec["best_candidate"] = dict(best_candidate)
    if reason is not None:
        rec["reason"] = reason
    return rec


def keep_date(new: dict, old: dict | None) -> dict:
    """``new`` with ``old``'s date when they differ in nothing else."""
    if old and "checked" in old:
        a = {k: v for k, v in new.items() if k != "checked"}
        b = {k: v for k, v in old.items() if k != "checked"}
        if a == b:
            return {**new, "checked": old["checked"]}
    return new


def lock_status(key: str, root: str | os.PathLike = ".",
                lock_path_rel: str = LOCK_NAME) -> dict | None:
    """The lock record of ``key`` (verdict, retracted, notice...), or None; cached by mtime."""
    rec = _lock_records(root, lock_path_rel).get(key)
    return dict(rec) if rec is not None else None


def lock_records(root: str | os.PathLike = ".",
                 lock_path_rel: str = LOCK_NAME) -> dict[str, dict]:
    """Every record of the lock, by key ({} without a readable lock); cached by mtime.
    The records are shared: read them, never change them."""
    return _lock_records(root, lock_path_rel)


def retracted_keys(root: str | os.PathLike = ".",
                   lock_path_rel: str = LOCK_NAME) -> frozenset[str]:
    """The keys the lock records as retracted."""
    return frozenset(k for k, rec in _lock_records(root, lock_path_rel).items()
                     if rec.get("retracted"))


def _lock_records(root: str | os.PathLike, lock_path_rel: str) -> dict[str, dict]:
    path = Path(root) / lock_path_rel
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return {}
    ident = (str(path.resolve()), mtime)
    records = _STATUS_CACHE.get(ident)
    if records is None:
        try:
            records = load(path)
        except LockError:
            records = {}
        _STATUS_CACHE.clear()
        _STATUS_CACHE[ident] = records
    return records
