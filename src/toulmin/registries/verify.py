"""Checking reference entries against the DOI registries (``toulmin verify-refs``).

For each entry with a DOI it fetches

- the CSL-JSON record by content negotiation from the DOI resolver (``doiorg``), and
- the Crossref works record (``crossref``) for retraction and correction notices
  (``updated-by`` relations: this work was updated by a notice).

It compares title, year, first author, author count and container with the entry
(``comparison``) and classifies it: ``verified``, ``mismatch`` (with the differing fields),
``not_found`` or ``unchecked`` (network failure after retries, malformed JSON). Entries
without a DOI get a Crossref bibliographic search and a proposed DOI with its match score.
The verdicts are written to ``references.lock.json`` (``toulmin.bibliography.lock``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from toulmin.bibliography.model import Reference
from toulmin.registries.client import MAX_WORKERS, Client, Config, FetchError
from toulmin.registries.comparison import compare
from toulmin.registries.crossref import Proposal, fetch_crossref, retraction_status, search_doi
from toulmin.registries.doiorg import fetch_csl
from toulmin.registries.metadata import Metadata, parse_metadata

VERIFIED = "verified"
MISMATCH = "mismatch"
NOT_FOUND = "not_found"
UNCHECKED = "unchecked"
#: Recorded offline (no registry answer); a warning-free placeholder until verify-refs runs.
UNVERIFIED = "unverified"


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


def verify_entry(client: Client, ref: Reference) -> Outcome:
    doi = ref.doi
    status, meta, crossref, error = fetch_metadata(client, doi)
    if status == NOT_FOUND:
        return Outcome(ref.key, doi, NOT_FOUND,
                       error=f"the DOI {doi} is not registered (HTTP 404)")
    if status == UNCHECKED or meta is None:
        return Outcome(ref.key, doi, UNCHECKED, error=error)
    diffs = compare(ref, meta)
    return Outcome(ref.key, doi, MISMATCH if diffs else VERIFIED, diffs,
                   retraction_status(crossref), metadata=meta,
                   registry_doi=meta.doi)


def verify(refs: Iterable[Reference], config: Config, *,
           progress: Callable[[int, int, Outcome], None] | None = None,
           client: Client | None = None) -> list[Outcome]:
    """Check every entry with a DOI, at most ``config.workers`` at a time, in entry order."""
    todo = [r for r in refs if r.doi]
    client = client or Client(config)
    results: list[Outcome | None] = [None] * len(todo)
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, min(config.workers, MAX_WORKERS))) as pool:
        futures = {pool.submit(verify_entry, client, r): i for i, r in enumerate(todo)}
        from concurrent.futures import as_completed

        for fut in as_completed(futures):
            i = futures[fut]
            try:
                results[i] = fut.result()
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
    """Add ``doi = {...}`` as the entry's first field, touching no other line."""
    data = bib_path.read_bytes()
    lines = data.split(b"\n")
    idx = ref.line - 1
    line = lines[idx]
    nl = b"\r" if line.endswith(b"\r") else b""
    head = line.rstrip(b"\r")
    if not head.rstrip().endswith(b","):
        raise ValueError(f"cannot insert a DOI into '{ref.key}': unusual first line")
    lines.insert(idx + 1, b"  doi = {" + doi.encode() + b"}," + nl)
    tmp = bib_path.with_name(f".{bib_path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(b"\n".join(lines))
    os.replace(tmp, bib_path)


def verify_refs(bib_path: Path, lock_path: Path, config: Config, *, accept: bool = False,
                today: str | None = None, out=None, err=None,
                client: Client | None = None) -> int:
    """``toulmin verify-refs``: check every entry, rewrite the lock once at the end."""
    from datetime import date

    from toulmin.bibliography import bibtex as bibmod
    from toulmin.bibliography import lock

    out = out or sys.stdout
    err = err or sys.stderr
    today = today or date.today().isoformat()
    client = client or Client(config)
    try:
        previous = lock.load(lock_path)
    except lock.LockError as exc:
        print(f"toulmin: {exc}; starting a new lock", file=err)
        previous = {}
    library = bibmod.parse_string(bib_path.read_text(encoding="utf-8"), str(bib_path))
    refs = list(library.entries.values())

    def progress(done: int, total: int, outcome: Outcome) -> None:
        print(f"[{done}/{total}] {describe(outcome)}", file=err, flush=True)

    outcomes = {o.key: o for o in verify(refs, config, progress=progress, client=client)}

    proposals: list[Proposal] = []
    for ref in refs:
        if ref.doi or not ref.get("title"):
            continue
        try:
            prop = search_doi(client, ref)
        except FetchError as exc:
            print(f"{ref.key}: search failed ({exc})", file=err)
            continue
        if prop is not None:
            proposals.append(prop)
    accepted = []
    for prop in proposals:
        take = accept and prop.score >= ACCEPT_SCORE
        print(f"{prop.key}: proposed doi {prop.doi} (score {prop.score:.2f}: "
              f"'{prop.title}')" + (" - accepted" if take else ""), file=out)
        if take:
            accepted.append(prop)
    if accepted:
        for prop in accepted:
            fresh = bibmod.parse_string(bib_path.read_text(encoding="utf-8"), str(bib_path))
            _insert_doi(bib_path, fresh.entries[prop.key], prop.doi)
        library = bibmod.parse_string(bib_path.read_text(encoding="utf-8"), str(bib_path))
        refs = list(library.entries.values())
        new = [library.entries[p.key] for p in accepted]
        outcomes.update({o.key: o for o in verify(new, config, client=client)})

    records: dict[str, dict] = {}
    for ref in refs:
        if not ref.doi:
            continue
        old = previous.get(ref.key)
        outcome = outcomes.get(ref.key)
        if outcome is None:
            continue
        if (outcome.verdict == UNCHECKED and old is not None
                and str(old.get("doi", "")).lower() == ref.doi.lower()
                and old.get("hash") == ref.hash and old.get("verdict") != UNCHECKED):
            records[ref.key] = old  # keep the last good answer
            continue
        records[ref.key] = record_for(outcome, ref.hash, today, old)
    changed = lock.write(lock_path, records)
    counts: dict[str, int] = {}
    for o in outcomes.values():
        counts[o.verdict] = counts.get(o.verdict, 0) + 1
    retracted = sum(1 for r in records.values() if r.get("retracted"))
    summary = ", ".join(f"{n} {v.replace('_', ' ')}" for v, n in sorted(counts.items()))
    print(f"{summary or 'no entries with a DOI'}; {retracted} retracted; "
          f"{lock_path.name} {'updated' if changed else 'unchanged'}", file=err)
    for o in outcomes.values():
        if o.verdict in (MISMATCH, NOT_FOUND, UNCHECKED) or o.retraction.get("retracted"):
            print(describe(o), file=out)
    bad = any(o.verdict in (MISMATCH, NOT_FOUND, UNCHECKED) for o in outcomes.values())
    return 1 if bad else 0
