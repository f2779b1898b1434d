"""``toulmin add-ref DOI``: a clean BibTeX entry from the registry's metadata.

The entry is built from the CSL-JSON record (or Crossref's works message), keyed
``surnameYEARword`` (ASCII, lower case; ``a``/``b`` appended when taken), its title's
acronyms and inner-capital words protected with braces, its authors written in full
("Family, Given and ..."). It is appended to the reference base without touching the
rest of the file (the bytes are read, ``"\\n" + entry`` appended, and the result written to
a temporary file that replaces the original), and recorded in the lock as verified; its
abstract, when a registry has one, is stored in ``references.sources.json``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from toulmin.bibliography import lock
from toulmin.bibliography.model import normalise_doi
from toulmin.registries.abstracts import fetch_abstract
from toulmin.registries.client import Client, Config, FetchError
from toulmin.registries.comparison import compare
from toulmin.registries.crossref import retraction_status
from toulmin.registries.metadata import Metadata
from toulmin.registries.verify import (
    MISMATCH,
    NOT_FOUND,
    VERIFIED,
    Outcome,
    fetch_metadata,
    merge_abstracts,
    record_for,
)

#: CSL (and Crossref works) types to BibTeX types.
TYPE_MAP = {
    "article-journal": "article",
    "journal-article": "article",
    "article": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "chapter": "incollection",
    "book-chapter": "incollection",
    "entry-encyclopedia": "incollection",
    "entry-dictionary": "incollection",
    "reference-entry": "incollection",
    "paper-conference": "inproceedings",
    "proceedings-article": "inproceedings",
    "report": "techreport",
    "thesis": "phdthesis",
    "dissertation": "phdthesis",
    "dataset": "misc",
    "posted-content": "misc",
}

_STOP = {
    "a", "an", "the", "on", "of", "in", "for", "and", "to", "at", "by", "with", "from",
    "is", "are", "as", "or", "into", "about", "its", "how", "what", "why", "does", "do",
    "der", "die", "das", "le", "la", "les", "el", "los", "un", "une",
}


@dataclass(slots=True)
class Added:
    key: str
    doi: str
    text: str
    outcome: Outcome


def ascii_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("ß", "ss").replace("ø", "o").replace("Ø", "O").replace("æ", "ae")
    return text.encode("ascii", "ignore").decode()


def make_key(meta: Metadata, taken: set[str]) -> str:
    first = meta.authors[0] if meta.authors else (meta.editors[0] if meta.editors else {})
    surname = first.get("family") or first.get("literal") or "anon"
    surname = re.sub(r"[^a-z]", "", ascii_fold(surname).lower()) or "anon"
    year = meta.year or "nd"
    words = re.findall(r"[a-z0-9]+", ascii_fold(_strip_tags(meta.title)).lower())
    word = next((w for w in words if w not in _STOP and not w.isdigit()), "")
    base = f"{surname}{year}{word}"
    taken_lower = {k.lower() for k in taken}
    if base.lower() not in taken_lower:
        return base
    for i in range(26 * 27):
        suffix = chr(97 + i % 26) if i < 26 else chr(96 + i // 26) + chr(97 + i % 26)
        if (base + suffix).lower() not in taken_lower:
            return base + suffix
    raise ValueError(f"no free key for {base}")


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text or "")


_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_"}


def escape(text: str) -> str:
    """Plain text to a BibTeX value (braces balanced, TeX specials escaped)."""
    text = " ".join(_strip_tags(text).split())
    text = text.replace("\\", "").replace("{", "").replace("}", "")
    text = text.replace("~", " ")
    return "".join(_SPECIAL.get(c, c) for c in text)


def _inner_capital(word: str) -> bool:
    """A capital after the first letter of any hyphen/slash part: IAPT, McDonald, mRNA."""
    for part in re.split(r"[-/]", word):
        letters = [c for c in part if c.isalpha()]
        if len(letters) >= 2 and any(c.isupper() for c in letters[1:]):
            return True
    return False


def _sentence_case(words: list[str]) -> bool:
    """Whether a title is written in sentence case (most longer words in lower case)."""
    longer = [w for w in words[1:] if sum(c.isalpha() for c in w) > 3]
    lower = sum(1 for w in longer if w[:1].islower())
    return bool(longer) and lower * 2 > len(longer)


def protect_title(title: str) -> str:
    """Escape, then brace what sentence casing must not lower.

    Words with a capital after their first letter ({IAPT}, {McDonald}) are always
    protected; in a title already in sentence case, so is a capitalised word that does not
    start the title or follow a colon (a proper noun: {Parkinson's}). A title in Title
    Case gives no such clue, so its proper nouns are left for the editor.
    """
    tokens = re.split(r"(\s+)", escape(title))
    words = [t for t in tokens if t.strip()]
    upper = sum(c.isupper() for c in title)
    if upper * 2 > sum(c.isalpha() for c in title):
        return "".join(tokens)  # ALL CAPS: nothing to learn from the casing
    # sentence case or not, per part (a subtitle after a colon may differ)
    segments: list[list[str]] = [[]]
    for w in words:
        segments[-1].append(w)
        if w.endswith(":"):
            segments.append([])
    flags = [_sentence_case(seg) for seg in segments]
    out = []
    first = True
    seg_index = 0
    for token in tokens:
        if not token.strip():
            out.append(token)
            continue
        sentence = flags[min(seg_index, len(flags) - 1)]
        if token.endswith(":"):
            seg_index += 1
        m = re.match(r"^([(\"'\[]*)(.*?)([)\"'\].,;:!?]*)$", token)
        lead, core, trail = m.groups() if m else ("", token, "")
        poss = re.search(r"['’]s$", core)
        if poss:  # {Parkinson}'s: the apostrophe stays outside, for smart quoting
            core, trail = core[:poss.start()], core[poss.start():] + trail
        proper = sentence and not first and core[:1].isupper()
        if core and (_inner_capital(core) or proper):
            out.append(f"{lead}{{{core}}}{trail}")
        else:
            out.append(token)
        first = trail.endswith((":", "?", "!", "."))
    return "".join(out)


def _name(p: dict) -> str:
    if "literal" in p:
        return "{" + escape(p["literal"]) + "}"
    family = escape(p.get("family", ""))
    if p.get("particle"):
        family = f"{escape(p['particle'])} {family}"
    parts = [family]
    if p.get("suffix"):
        parts.append(escape(p["suffix"]))
    if p.get("given"):
        parts.append(escape(p["given"]))
    return ", ".join(parts)


def _names(people: list[dict]) -> str:
    return " and ".join(_name(p) for p in people)


def _institution(meta: Metadata) -> str:
    inst = meta.raw.get("institution")
    if isinstance(inst, list) and inst and isinstance(inst[0], dict):
        return str(inst[0].get("name") or "")
    if isinstance(inst, dict):
        return str(inst.get("name") or "")
    return meta.publisher


def make_entry(key: str, meta: Metadata, doi: str) -> str:
    """The BibTeX text of one entry, fields aligned, no trailing newline."""
    btype = TYPE_MAP.get(meta.type) or ("article" if meta.container and meta.volume
                                        else "misc")
    fields: list[tuple[str, str]] = []
    if meta.authors:
        fields.append(("author", _names(meta.authors)))
    elif meta.editors and btype not in ("incollection", "inproceedings"):
        fields.append(("editor", _names(meta.editors)))
    title = meta.title
    if meta.subtitle and meta.subtitle.lower() not in title.lower():
        title = f"{title}: {meta.subtitle}"
    fields.append(("title", protect_title(title)))
    container = escape(meta.container)
    if btype == "article":
        if container:
            fields.append(("journal", container))
    elif btype in ("incollection", "inproceedings"):
        if container:
            fields.append(("booktitle", container))
        if meta.editors:
            fields.append(("editor", _names(meta.editors)))
        if meta.publisher:
            fields.append(("publisher", escape(meta.publisher)))
    elif btype == "book":
        if meta.publisher:
            fields.append(("publisher", escape(meta.publisher)))
    elif btype == "techreport":
        inst = _institution(meta)
        if inst:
            fields.append(("institution", escape(inst)))
    elif btype == "phdthesis":
        school = _institution(meta)
        if school:
            fields.append(("school", escape(school)))
    elif meta.publisher:
        fields.append(("publisher", escape(meta.publisher)))
    if meta.year:
        fields.append(("year", meta.year))
    if btype == "article":
        if meta.volume:
            fields.append(("volume", escape(meta.volume)))
        if meta.issue:
            fields.append(("number", escape(meta.issue)))
    if meta.page and btype in ("article", "incollection", "inproceedings"):
        fields.append(("pages", escape(re.sub(r"\s*[-\u2013]+\s*", "--", meta.page))))
    if meta.isbn and btype in ("book",):
        fields.append(("isbn", escape(meta.isbn)))
    fields.append(("doi", doi))
    width = max(len(n) for n, _ in fields)
    body = ",\n".join(f"  {n.ljust(width)} = {{{v}}}" for n, v in fields)
    return f"@{btype}{{{key},\n{body}\n}}"


def append_entries(bib_path: Path, entries: list[str]) -> None:
    """Append the entries to the file's bytes, atomically, leaving the rest untouched."""
    data = bib_path.read_bytes() if bib_path.exists() else b""
    addition = "".join("\n" + e + "\n" for e in entries).encode("utf-8")
    if data and not data.endswith(b"\n"):
        data += b"\n"
    tmp = bib_path.with_name(f".{bib_path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data + addition)
            fh.flush()
            os.fsync(fh.fileno())
        if bib_path.exists():
            os.chmod(tmp, bib_path.stat().st_mode & 0o777)
        os.replace(tmp, bib_path)
    finally:
        if tmp.exists():
            tmp.unlink()


def add_refs(dois: list[str], bib_path: Path, lock_path: Path, config: Config,
             today: str | None = None, client: Client | None = None
             ) -> tuple[list[Added], list[str]]:
    """Fetch, build and append entries for ``dois``; returns (added, problems)."""
    from toulmin.bibliography import bibtex as bibmod

    today = today or date.today().isoformat()
    client = client or Client(config)
    existing = bibmod.parse_string(bib_path.read_text(encoding="utf-8")
                                   if bib_path.exists() else "", str(bib_path))
    taken = set(existing.entries.keys())
    known = {r.doi.lower(): r.key for r in existing.entries.values() if r.doi}
    added: list[Added] = []
    problems: list[str] = []
    for raw in dois:
        doi = normalise_doi(raw)
        if not doi:
            continue
        if doi.lower() in known:
            problems.append(f"{doi}: already in {bib_path.name} as '{known[doi.lower()]}'")
            continue
        status, meta, crossref, error = fetch_metadata(client, doi)
        if status == NOT_FOUND:
            problems.append(f"{doi}: not found (the DOI is not registered)")
            continue
        if meta is None:
            problems.append(f"{doi}: could not fetch the metadata ({error})")
            continue
        key = make_key(meta, taken)
        text = make_entry(key, meta, doi)
        parsed = bibmod.parse_string(text)
        ref = parsed.entries.get(key)
        if ref is None:
            problems.append(f"{doi}: the generated entry does not parse")
            continue
        diffs = compare(ref, meta)
        outcome = Outcome(key, doi, MISMATCH if diffs else VERIFIED,
                          diffs, retraction_status(crossref), metadata=meta,
                          registry_doi=meta.doi)
        if outcome.verdict == VERIFIED:
            try:
                outcome.abstract = fetch_abstract(client, doi, crossref)
            except FetchError as exc:
                outcome.abstract_error = str(exc)
                problems.append(f"{doi}: the abstract could not be fetched ({exc})")
        taken.add(key)
        known[doi.lower()] = key
        added.append(Added(key, doi, text, outcome))
    if added:
        append_entries(bib_path, [a.text for a in added])
        fresh = bibmod.parse_string(bib_path.read_text(encoding="utf-8"), str(bib_path))
        try:
            records = lock.load(lock_path)
        except lock.LockError:
            records = {}
        for a in added:
            ref = fresh.entries[a.key]
            records[a.key] = record_for(a.outcome, ref.hash, today, None)
        lock.write(lock_path, records)
        _store_abstracts(lock_path, fresh, added, today, problems)
    return added, problems


def _store_abstracts(lock_path: Path, library, added: list[Added], today: str,
                     problems: list[str]) -> None:
    from toulmin.bibliography import sources

    path = lock_path.with_name(sources.SOURCES_NAME)
    try:
        stored = sources.read_abstracts(path)
    except ValueError as exc:
        problems.append(f"{exc}; the abstracts are not stored (fix the file first)")
        return
    outcomes = {a.key: a.outcome for a in added}
    sources.write_abstracts(path, merge_abstracts(stored, list(library.entries.values()),
                                                  outcomes, today))

