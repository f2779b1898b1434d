"""Checking reference entries against the DOI registries (``toulmin verify-refs``).

For each entry with a DOI it fetches

- the CSL-JSON record by content negotiation from the DOI resolver (``doiorg``), and
- the Crossref works record (``crossref``) for retraction and correction notices
  (``updated-by`` relations: this work was updated by a notice).

It compares title, year, every author's surname, the author count and the container with
the entry (``comparison``) and classifies it: ``verified``, ``mismatch`` (with the
differing fields), ``not_found`` or ``unchecked`` (network failure after retries, malformed
JSON). For a verified work it also fetches the abstract (``abstracts``: Crossref, else
Europe PMC, else OpenAlex) and stores it in ``references.sources.json``, beside records an
author wrote by hand (``via: manual``), which it never overwrites or deletes.

An entry without a DOI is searched in Crossref by title and first author: a best
candidate scoring 0.9 or more is a proposed DOI (``--accept`` writes it); below that the
verdict is ``not_registered``, unless the entry declares ``unregistered = {<reason>}``
(verdict ``unregistered``, no search). The verdicts are written to
``references.lock.json`` (``toulmin.bibliography.lock``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from toulmin.bibliography.lock import (
    DOI_PROPOSED,
    MISMATCH,
    NOT_FOUND,
    NOT_REGISTERED,
    UNCHECKED,
    UNREGISTERED,
    UNVERIFIED,
    VERIFIED,
    write_together,
)
from toulmin.bibliography.model import Reference
from toulmin.registries.abstracts import Abstract, fetch_abstract
from toulmin.registries.client import MAX_WORKERS, Client, Config, FetchError, Offline
from toulmin.registries.comparison import compare
from toulmin.registries.crossref import Proposal, fetch_crossref, retraction_status, search_doi
from toulmin.registries.doiorg import fetch_csl
from toulmin.registries.metadata import Metadata, parse_metadata
from toulmin.registries.safety import UnsafeAnswer, for_terminal, valid_doi
from toulmin.rules import RULES
from toulmin.textfile import decode_text

__all__ = ["DOI_PROPOSED", "MISMATCH", "NOT_FOUND", "NOT_REGISTERED", "UNCHECKED",
           "UNREGISTERED", "UNVERIFIED", "VERIFIED", "Outcome", "verify", "verify_refs"]


@dataclass(slots=True)
class Outcome:
    """The result of checking one entry."""

    key: str
    doi: str
    verdict: str
    differences: list[dict] = field(default_factory=list)
    retraction: dict = field(default_factory=lambda: {"retracted": False, "notice": None,
                                                      "updates": []})
    error: str = ""
    metadata: Metadata | None = None
    registry_doi: str = ""
    abstract: Abstract | None = None
    #: why the abstract could not be fetched ("" when it was, or no registry has one)
    abstract_error: str = ""


def fetch_metadata(client: Client, doi: str) -> tuple[str, Metadata | None, dict | None, str]:
    """``(status, metadata, crossref message, error)``; status found, not_found or unchecked.

    The CSL-JSON record from the resolver is the metadata; when the resolver gives no
    usable record but Crossref has the work, Crossref's message (the same field names) is
    used. A 404 from the resolver, with no Crossref record, means the DOI is not
    registered. When Crossref cannot be asked (as opposed to answering 404: not a Crossref
    DOI), retraction status is unknown and the entry could not be checked.
    """
    csl_meta, csl_error, csl_missing = None, "", False
    try:
        r = fetch_csl(client, doi)
        if r.status == 200:
            data = r.json()
            if isinstance(data, list) and len(data) == 1:
                data = data[0]
            csl_meta = parse_metadata(data)
        else:
            csl_missing = True
    except FetchError as exc:
        csl_error = str(exc)
    crossref, cr_error = None, ""
    try:
        r = fetch_crossref(client, doi)
        if r.status == 200:
            crossref = r.json()
            if not isinstance(crossref, dict):
                raise FetchError(f"malformed Crossref record for {doi}")
    except FetchError as exc:
        cr_error = str(exc)
    if csl_missing and crossref is None:
        return NOT_FOUND, None, None, ""
    if cr_error:
        return UNCHECKED, None, None, cr_error
    if csl_meta is not None:
        return "found", csl_meta, crossref, ""
    if crossref is not None:
        return "found", parse_metadata(crossref), crossref, ""
    return UNCHECKED, None, None, csl_error or "no usable record"


def verify_entry(client: Client, ref: Reference, abstract: bool = True) -> Outcome:
    """One entry's verdict; for a verified work, its abstract too (when ``abstract``)."""
    doi = ref.doi
    status, meta, crossref, error = fetch_metadata(client, doi)
    if status == NOT_FOUND:
        return Outcome(ref.key, doi, NOT_FOUND,
                       error=f"the DOI {doi} is not registered (HTTP 404)")
    if status == UNCHECKED or meta is None:
        return Outcome(ref.key, doi, UNCHECKED, error=error)
    diffs = compare(ref, meta)
    out = Outcome(ref.key, doi, MISMATCH if diffs else VERIFIED, diffs,
                  retraction_status(crossref), metadata=meta,
                  registry_doi=meta.doi if valid_doi(meta.doi) else "")
    if abstract and out.verdict == VERIFIED:
        # only a work the entry is verified to be gets its words stored under the key
        try:
            out.abstract = fetch_abstract(client, doi, crossref)
        except FetchError as exc:
            out.abstract_error = str(exc)
    return out


def verify(refs: Iterable[Reference], config: Config, *,
           progress: Callable[[int, int, Outcome], None] | None = None,
           client: Client | None = None, abstracts: bool = True,
           skip_abstracts: Iterable[str] = ()) -> list[Outcome]:
    """Check every entry with a DOI, at most ``config.workers`` at a time, in entry order.

    With ``abstracts``, each verified work's abstract is fetched too, except for the keys
    in ``skip_abstracts`` (an author's own record stands).
    """
    todo = [r for r in refs if r.doi]
    skip = set(skip_abstracts)
    client = client or Client(config)
    results: list[Outcome | None] = [None] * len(todo)
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, min(config.workers, MAX_WORKERS))) as pool:
        futures = {pool.submit(verify_entry, client, r, abstracts and r.key not in skip): i
                   for i, r in enumerate(todo)}
        from concurrent.futures import as_completed

        for fut in as_completed(futures):
            i = futures[fut]
            try:
                results[i] = fut.result()
            except Offline:  # no registry at all: the command says so, once
                for other in futures:
                    other.cancel()
                raise
            except Exception as exc:  # a bug or an odd record must not lose the run
                results[i] = Outcome(todo[i].key, todo[i].doi, UNCHECKED, error=repr(exc))
            done += 1
            if progress is not None:
                progress(done, len(todo), results[i])
    return [r for r in results if r is not None]


def describe(outcome: Outcome) -> str:
    """One line for the terminal."""
    if outcome.verdict == MISMATCH:
        fields = "; ".join(f"{d['field']}: entry '{d['entry']}', registry '{d['registry']}'"
                           for d in outcome.differences)
        text = f"{outcome.key}: mismatch ({fields})"
    elif outcome.verdict == NOT_FOUND:
        text = f"{outcome.key}: not found ({outcome.doi})"
    elif outcome.verdict == UNCHECKED:
        text = f"{outcome.key}: could not check ({outcome.error})"
    else:
        text = f"{outcome.key}: {outcome.verdict}"
    if outcome.retraction.get("retracted"):
        text += f" [RETRACTED, notice {outcome.retraction.get('notice')}]"
    return text


# =========================================================================== the command


def record_for(outcome: Outcome, ref_hash: str, today: str, previous: dict | None) -> dict:
    """The lock record of an outcome, keeping ``previous``'s date when nothing changed."""
    from toulmin.bibliography import lock

    r = outcome.retraction
    rec = lock.make_record(
        doi=outcome.doi, hash=ref_hash, verdict=outcome.verdict, checked=today,
        recorded="registry", differences=outcome.differences,
        retracted=r.get("retracted", False), notice=r.get("notice"),
        updates=r.get("updates"), error=outcome.error, registry_doi=outcome.registry_doi)
    return lock.keep_date(rec, previous)


#: A proposed DOI is written by ``--accept`` only at or above this match score.
ACCEPT_SCORE = 0.9


def _insert_doi(bib_path: Path, ref: Reference, doi: str) -> None:
    """Add ``doi = {...}`` as the entry's first field, touching no other line;
    ``UnsafeAnswer`` (nothing written) when ``doi`` is not of a DOI's shape."""
    if not valid_doi(doi):
        raise UnsafeAnswer(f"the proposed DOI '{for_terminal(doi)}' is not of a DOI's shape")
    data = bib_path.read_bytes()
    lines = data.split(b"\n")
    idx = ref.line - 1
    line = lines[idx]
    nl = b"\r" if line.endswith(b"\r") else b""
    head = line.rstrip(b"\r")
    if not head.rstrip().endswith(b","):
        raise ValueError(f"cannot insert a DOI into '{ref.key}': unusual first line")
    lines.insert(idx + 1, b"  doi = {" + doi.encode() + b"}," + nl)
    write_together({bib_path: b"\n".join(lines)})


def _differs(path: Path, text: str) -> bool:
    """Whether the file at ``path`` does not hold exactly ``text``."""
    try:
        return path.read_text(encoding="utf-8") != text
    except (OSError, UnicodeDecodeError):
        return True


def _say(text: str, file) -> None:
    """Print a line of registry text, made safe for a terminal or a CI log."""
    print(for_terminal(text), file=file, flush=True)


def is_manual(record: dict) -> bool:
    """A stored text an author recorded by hand (never overwritten or deleted)."""
    return record.get("via") == "manual" or record.get("kind") == "manual"


def merge_abstracts(stored: dict, refs: list[Reference], outcomes: dict[str, Outcome],
                    today: str) -> dict:
    """The new ``works`` of ``references.sources.json``.

    Manual records stay as they are. A registry record stays only while its entry exists
    with the same DOI; a fresh abstract replaces it (keeping the old ``retrieved`` date when
    nothing else changed); when the abstract could not be fetched, or no registry has one
    now, the stored one is kept.
    """
    dois = {r.key: r.doi.lower() for r in refs if r.doi}
    works: dict[str, dict] = {}
    for key, rec in stored.items():
        if is_manual(rec) or (dois.get(key) and str(rec.get("doi", "")).lower() == dois[key]):
            works[key] = rec
    for key, outcome in outcomes.items():
        a = outcome.abstract
        if a is None or key not in dois or (key in works and is_manual(works[key])):
            continue
        rec = {"doi": outcome.doi, "kind": "abstract", "retrieved": today, "text": a.text,
               "url": a.url, "via": a.via}
        old = works.get(key)
        if old and {k: v for k, v in old.items() if k != "retrieved"} == \
                {k: v for k, v in rec.items() if k != "retrieved"}:
            rec["retrieved"] = old.get("retrieved", today)
        works[key] = rec
    return works


def _existence_record(ref: Reference, client: Client, today: str, err,
                      where: str = "references.bib") -> tuple[dict | None, Proposal | None]:
    """The lock record of an entry without a DOI, and the proposal when one scores >= 0.9.

    ``None`` as the record when the search failed (the caller keeps the last answer).
    """
    from toulmin.bibliography import lock

    if "unregistered" in ref.fields:
        return lock.make_record(doi="", hash=ref.hash, verdict=UNREGISTERED, checked=today,
                                recorded="entry", retracted=None,
                                reason=ref.get("unregistered")), None
    try:
        prop = search_doi(client, ref) if ref.get("title") else None
    except FetchError as exc:
        _say(f"{ref.key}: search failed ({exc})", err)
        return None, None
    if prop is not None and not valid_doi(prop.doi):
        # the search's answer cannot be recorded or proposed: the last answer stands
        _say(RULES["REF009"].at(
            where, ref.line, 1,
            f"the registry's best match for entry '{ref.key}' has a DOI that cannot be "
            f"written safely ('{prop.doi}'); nothing was recorded or written for it",
            "add the DOI by hand from the publisher's page, then run "
            "'toulmin verify-refs'").format(), err)
        return None, None
    candidate = ({"doi": prop.doi, "score": prop.score, "title": prop.title}
                 if prop is not None else None)
    verdict = DOI_PROPOSED if prop is not None and prop.score >= ACCEPT_SCORE \
        else NOT_REGISTERED
    rec = lock.make_record(doi="", hash=ref.hash, verdict=verdict, checked=today,
                           recorded="registry", retracted=None, best_candidate=candidate)
    return rec, prop if verdict == DOI_PROPOSED else None


def _describe_existence(key: str, rec: dict, accepted: bool) -> str:
    cand = rec.get("best_candidate") or {}
    if rec["verdict"] == DOI_PROPOSED:
        return (f"{key}: proposed doi {cand['doi']} (score {cand['score']:.2f}: "
                f"'{cand['title']}')" + (" - accepted" if accepted else ""))
    if rec["verdict"] == UNREGISTERED:
        return f"{key}: declared unregistered ({rec.get('reason') or 'no reason given'})"
    best = (f"; the best candidate, doi {cand['doi']}, scores only {cand['score']:.2f}"
            if cand else "")
    return f"{key}: no registered work matches (no DOI){best}"


def verify_refs(bib_path: Path, lock_path: Path, config: Config, *, accept: bool = False,
                today: str | None = None, out=None, err=None,
                client: Client | None = None, sources_path: Path | None = None) -> int:
    """``toulmin verify-refs``: check every entry, store the abstracts of verified works,
    rewrite the lock and ``references.sources.json`` once at the end."""
    from datetime import date

    from toulmin.bibliography import bibtex as bibmod
    from toulmin.bibliography import lock, sources

    out = out or sys.stdout
    err = err or sys.stderr
    today = today or date.today().isoformat()
    client = client or Client(config)
    sources_path = sources_path or lock_path.with_name(sources.SOURCES_NAME)
    try:
        previous = lock.load(lock_path)
    except lock.LockError as exc:
        print(f"toulmin: {exc}; starting a new lock", file=err)
        previous = {}
    try:
        stored: dict | None = sources.read_abstracts(sources_path)
    except ValueError as exc:
        print(f"toulmin: {exc}; the abstracts are not stored (fix the file first)", file=err)
        stored = None
    try:
        data = bib_path.read_bytes()
    except OSError as exc:
        print(RULES["BIB000"].at(bib_path.name, 1, 1, f"cannot be read: "
                                 f"{exc.strerror or exc}; nothing was checked").format(),
              file=err)
        return 2
    text, problems = decode_text(data, bib_path.name)
    if problems:  # not UTF-8 or a NUL: `toulmin check` says where; nothing is checked
        print(problems[0].format(), file=err)
        return 2
    library = bibmod.parse_string(text, str(bib_path))
    refs = list(library.entries.values())

    def progress(done: int, total: int, outcome: Outcome) -> None:
        _say(f"[{done}/{total}] {describe(outcome)}", err)

    manual = {k for k, r in (stored or {}).items() if is_manual(r)}
    outcomes = {o.key: o for o in verify(refs, config, progress=progress, client=client,
                                         abstracts=stored is not None,
                                         skip_abstracts=manual)}

    existence: dict[str, dict | None] = {}
    proposals: list[Proposal] = []
    for ref in refs:
        if ref.doi:
            continue
        existence[ref.key], prop = _existence_record(ref, client, today, err, bib_path.name)
        if prop is not None:
            proposals.append(prop)
    accepted = [p for p in proposals if accept and p.score >= ACCEPT_SCORE]
    for key, rec in existence.items():
        if rec is not None:
            _say(_describe_existence(key, rec, any(p.key == key for p in accepted)), out)
    if accepted:
        for prop in list(accepted):
            fresh = bibmod.parse_string(bib_path.read_text(encoding="utf-8"), str(bib_path))
            try:
                _insert_doi(bib_path, fresh.entries[prop.key], prop.doi)
            except ValueError as exc:  # UnsafeAnswer too: the entry keeps its proposal
                _say(f"{prop.key}: the proposed DOI was not written ({exc})", err)
                accepted.remove(prop)
                continue
            existence.pop(prop.key, None)
        library = bibmod.parse_string(bib_path.read_text(encoding="utf-8"), str(bib_path))
        refs = list(library.entries.values())
        new = [library.entries[p.key] for p in accepted]
        outcomes.update({o.key: o for o in verify(new, config, client=client,
                                                  abstracts=stored is not None,
                                                  skip_abstracts=manual)})

    records: dict[str, dict] = {}
    for ref in refs:
        old = previous.get(ref.key)
        if not ref.doi:
            rec = existence.get(ref.key)
            if rec is None:  # the search failed: keep the last answer for this entry
                if old is not None and old.get("hash") == ref.hash and not old.get("doi"):
                    records[ref.key] = old
                continue
            records[ref.key] = lock.keep_date(rec, old)
            continue
        outcome = outcomes.get(ref.key)
        if outcome is None:
            continue
        if (outcome.verdict == UNCHECKED and old is not None
                and str(old.get("doi", "")).lower() == ref.doi.lower()
                and old.get("hash") == ref.hash and old.get("verdict") != UNCHECKED):
            records[ref.key] = old  # keep the last good answer
            continue
        records[ref.key] = record_for(outcome, ref.hash, today, old)
    # the lock and the abstracts together or neither (lock.write_together: WriteError)
    files = {lock_path: lock.dumps(records)}
    if stored is not None:
        works = merge_abstracts(stored, refs, outcomes, today)
        files[sources_path] = sources.dumps_abstracts(works)
    changes = {p: text.encode("utf-8") for p, text in files.items() if _differs(p, text)}
    write_together(changes)
    changed = lock_path in changes
    stored_note = "abstracts not stored"
    if stored is not None:
        n = sum(1 for r in works.values() if not is_manual(r))
        stored_note = (f"{n} abstract{'s' * (n != 1)} stored; {sources_path.name} "
                       f"{'updated' if sources_path in changes else 'unchanged'}")
    counts: dict[str, int] = {}
    for o in outcomes.values():
        counts[o.verdict] = counts.get(o.verdict, 0) + 1
    for rec in existence.values():
        if rec is not None:
            counts[rec["verdict"]] = counts.get(rec["verdict"], 0) + 1
    retracted = sum(1 for r in records.values() if r.get("retracted"))
    summary = ", ".join(f"{n} {v.replace('_', ' ')}" for v, n in sorted(counts.items()))
    print(f"{summary or 'no entries'}; {retracted} retracted; "
          f"{lock_path.name} {'updated' if changed else 'unchanged'}; {stored_note}", file=err)
    for o in outcomes.values():
        if o.verdict in (MISMATCH, NOT_FOUND, UNCHECKED) or o.retraction.get("retracted"):
            _say(describe(o), out)
        if o.abstract_error:
            _say(f"{o.key}: the abstract could not be fetched ({o.abstract_error})", err)
    # a failed search (None) could not check the entry, like UNCHECKED
    bad = any(o.verdict in (MISMATCH, NOT_FOUND, UNCHECKED) for o in outcomes.values()) or \
        any(r is None or r["verdict"] == NOT_REGISTERED for r in existence.values())
    return 1 if bad else 0
