"""``toulmin add-ref DOI``: a clean BibTeX entry from the registry's metadata.

The entry is built from the CSL-JSON record (or Crossref's works message), keyed
``surnameYEARword`` (ASCII, lower case; ``a``/``b`` appended when taken), its title's
acronyms and inner-capital words protected with braces, its authors written in full
("Family, Given and ..."). It is appended to the reference base without touching the
rest of the file (the bytes are read, ``"\\n" + entry`` appended), recorded in the lock as
verified, and its abstract, when a registry has one, stored in ``references.sources.json``.

The registry's answer is third-party input (``safety``): every field value is checked
before it is written (no line break, control character or unbalanced brace; the DOI of
the shape every DOI has), and an answer that fails is refused whole (REF009: that entry
is not added). The three files are written together or not at all: each new text goes to
a temporary file beside its original first, and only when all three are written do they
replace the originals; a failure (a read-only folder, a full disk) removes the temporary
files and raises ``WriteError``, every original as it was (CLI005;
``bibliography.lock.write_together``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from toulmin.bibliography import lock
from toulmin.bibliography.lock import write_together
from toulmin.bibliography.model import normalise_doi
from toulmin.findings import Finding
from toulmin.registries.abstracts import fetch_abstract
from toulmin.registries.client import Client, Config, FetchError
from toulmin.registries.comparison import compare
from toulmin.registries.crossref import retraction_status
from toulmin.registries.metadata import Metadata
from toulmin.registries.safety import UnsafeAnswer, for_terminal, unsafe_value, valid_doi
from toulmin.registries.verify import (
    MISMATCH,
    NOT_FOUND,
    VERIFIED,
    Outcome,
    fetch_metadata,
    merge_abstracts,
    record_for,
)
from toulmin.rules import RULES

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
    """The BibTeX text of one entry, fields aligned, no trailing newline; ``UnsafeAnswer``
    when a value could not be written safely (``safety.unsafe_value``, ``valid_doi``)."""
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
    if not valid_doi(doi):
        raise UnsafeAnswer(f"the DOI '{for_terminal(doi)}' is not of a DOI's shape")
    for name, value in fields:
        why = unsafe_value(value)
        if why:
            raise UnsafeAnswer(f"its {name} has {why}")
    width = max(len(n) for n, _ in fields)
    body = ",\n".join(f"  {n.ljust(width)} = {{{v}}}" for n, v in fields)
    return f"@{btype}{{{key},\n{body}\n}}"


def appended(data: bytes, entries: list[str]) -> bytes:
    """The reference base's bytes ``data`` with ``entries`` appended, the rest untouched."""
    addition = "".join("\n" + e + "\n" for e in entries).encode("utf-8")
    if data and not data.endswith(b"\n"):
        data += b"\n"
    return data + addition


def add_refs(dois: list[str], bib_path: Path, lock_path: Path, config: Config,
             today: str | None = None, client: Client | None = None
             ) -> tuple[list[Added], list[str | Finding]]:
    """Fetch, build and append entries for ``dois``; returns (added, problems): lines, or
    REF009 findings for answers refused as unsafe. ``WriteError`` when the files could
    not be written (none was changed)."""
    from toulmin.bibliography import bibtex as bibmod

    today = today or date.today().isoformat()
    client = client or Client(config)
    try:
        data = bib_path.read_bytes() if bib_path.exists() else b""
        existing = bibmod.parse_string(data.decode("utf-8"), str(bib_path))
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"cannot read {bib_path.name} ({getattr(exc, 'strerror', None) or exc}); "
                    "nothing was added"]
    try:
        records = lock.load(lock_path)
    except lock.LockError as exc:
        return [], [f"{exc}; nothing was added (restore the lock, or delete it and run "
                    "toulmin verify-refs)"]
    taken = set(existing.entries.keys())
    known = {r.doi.lower(): r.key for r in existing.entries.values() if r.doi}
    added: list[Added] = []
    problems: list[str | Finding] = []
    for raw in dois:
        doi = normalise_doi(raw)
        if not doi:
            continue
        if not valid_doi(doi):
            problems.append(f"{doi}: not a DOI (10.NNNN/suffix, without spaces, braces, "
                            "backslashes or quotes)")
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
        if not meta.title:  # nothing to cite it by, nor to compare with the entry
            problems.append(f"{doi}: the registry's record has no title; nothing was added")
            continue
        try:
            key = make_key(meta, taken)
            text = make_entry(key, meta, doi)
        except UnsafeAnswer as exc:
            problems.append(RULES["REF009"].at(
                bib_path.name, 1, 1, f"the registry's answer for DOI {doi} cannot be written "
                f"safely: {exc}; nothing was added for it",
                "add the entry by hand from the publisher's page, then run "
                "'toulmin verify-refs'"))
            continue
        except ValueError as exc:  # no free key
            problems.append(f"{doi}: {exc}")
            continue
        parsed = bibmod.parse_string(text)
        ref = parsed.entries.get(key)
        if ref is None:
            problems.append(f"{doi}: the generated entry does not parse")
            continue
        diffs = compare(ref, meta)
        outcome = Outcome(key, doi, MISMATCH if diffs else VERIFIED,
                          diffs, retraction_status(crossref), metadata=meta,
                          registry_doi=meta.doi if valid_doi(meta.doi) else "")
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
        files = _new_files(bib_path, data, lock_path, records, added, today, problems)
        write_together(files)
    return added, problems


def _new_files(bib_path: Path, data: bytes, lock_path: Path, records: dict,
               added: list[Added], today: str, problems: list) -> dict[Path, bytes]:
    """The new bytes of the reference base, the lock and (when readable) the stored
    abstracts, each only when it changes."""
    from toulmin.bibliography import bibtex as bibmod
    from toulmin.bibliography import sources

    new_bib = appended(data, [a.text for a in added])
    fresh = bibmod.parse_string(new_bib.decode("utf-8"), str(bib_path))
    records = dict(records)
    for a in added:
        records[a.key] = record_for(a.outcome, fresh.entries[a.key].hash, today, None)
    files = {bib_path: new_bib}
    _if_changed(files, lock_path, lock.dumps(records))
    path = lock_path.with_name(sources.SOURCES_NAME)
    try:
        stored = sources.read_abstracts(path)
    except ValueError as exc:
        problems.append(f"{exc}; the abstracts are not stored (fix the file first)")
        return files
    outcomes = {a.key: a.outcome for a in added}
    works = merge_abstracts(stored, list(fresh.entries.values()), outcomes, today)
    _if_changed(files, path, sources.dumps_abstracts(works))
    return files


def _if_changed(files: dict[Path, bytes], path: Path, text: str) -> None:
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    files[path] = data
