"""BibTeX source to a ``Bibliography``: blocks, macros, crossref inheritance, LaTeX.

Parsing is bibtexparser 2's (blocks, fields, line numbers, failed blocks); on top of it
this module resolves ``@string`` macros with ``#`` concatenation (bibtexparser 2.1 resolves
only a value that is a single macro), applies ``crossref`` inheritance, decodes LaTeX to
Unicode (``toulmin.bibliography.latex``), and splits names (``toulmin.bibliography.names``).

Decoding LaTeX is the slow part (about 2 ms an entry), so the full decoder runs only on
fields that need it, and ``toulmin.bibliography.loading`` caches the whole parsed result
on disk by the file's content hash.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping

from toulmin.bibliography import latex
from toulmin.bibliography.model import Bibliography, Reference, content_hash
from toulmin.bibliography.names import Name, parse_names
from toulmin.findings import WARNING, Finding
from toulmin.rules import RULES

#: BibTeX's predefined month macros.
MONTHS = {
    m: m.capitalize()
    for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
}
#: the entry types BibTeX and biblatex define (and the aliases biblatex accepts): any other
#: type is a typo (``@articel``) that would skip the required-field check (BIB009)
KNOWN_TYPES = frozenset((
    "article", "book", "booklet", "bookinbook", "collection", "commentary", "conference",
    "data", "dataset", "electronic", "image", "artwork", "audio", "music", "movie", "video",
    "performance", "letter", "letters", "inbook", "incollection", "inproceedings",
    "inreference", "jurisdiction", "legal", "legislation", "manual", "mastersthesis", "misc",
    "mvbook", "mvcollection", "mvproceedings", "mvreference", "newsarticle", "online",
    "patent", "periodical", "phdthesis", "proceedings", "reference", "report", "review",
    "set", "software", "standard", "suppbook", "suppcollection", "suppperiodical",
    "techreport", "thesis", "unpublished", "www", "xdata",
))  # fmt: skip
_MONTH_NAMES = dict(
    zip(
        MONTHS,
        ("January February March April May June July August September October November "
         "December").split(),
        strict=True,
    )
)


def parse_string(text: str, path: str = "references.bib") -> Bibliography:
    """Parse BibTeX source into a ``Bibliography``; never raises on bad input."""
    import bibtexparser
    from bibtexparser import model

    # bibtexparser logs each failed block as a multi-line warning; we report them ourselves.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    lib = bibtexparser.parse_string(text, parse_stack=[])
    findings: list[Finding] = []
    strings: dict[str, str] = dict(_MONTH_NAMES)
    raw_entries: list[tuple] = []
    seen_keys: dict[str, int] = {}

    for block in lib.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, model.String):
            value = str(block.value)
            if not _closed(value):
                findings.append(_unclosed_string(path, line, block.key))
                continue
            strings[block.key.lower()] = _resolve_value(
                value, strings, _undefined_macro(findings, path, line, f"@string {block.key}"))
        elif isinstance(block, model.DuplicateBlockKeyBlock):
            key = block.key
            first = seen_keys.get(key)
            where = f" (first defined on line {first})" if first else ""
            findings.append(
                RULES["BIB002"].at(path, line, 1, f"duplicate key '{key}'{where}",
                                   "rename one of the entries or delete the copy")
            )
        elif isinstance(block, model.ParsingFailedBlock):
            head = re.match(r"\s*@\s*string\s*[{(]\s*([^=\s]*)", getattr(block, "raw", "") or "",
                            re.IGNORECASE)
            findings.append(_unclosed_string(path, line, head.group(1)) if head
                            else _failed_block_finding(path, block, line))
        elif isinstance(block, model.Entry):
            seen_keys.setdefault(block.key, line)
            raw_entries.append((block, line))
            etype = block.entry_type.lower()
            if etype not in KNOWN_TYPES:
                findings.append(RULES["BIB009"].at(
                    path, line, 1,
                    f"entry '{_short(block.key)}' has the unknown type @{_short(etype)}",
                    "use a BibTeX or biblatex type (`@article`, `@book`, `@misc`...)"))
    # Case-only duplicates: BibTeX treats keys case-insensitively.
    lower: dict[str, str] = {}
    for block, line in raw_entries:
        k = block.key.lower()
        if k in lower and lower[k] != block.key:
            findings.append(
                RULES["BIB002"].at(path, line, 1,
                                   f"key '{block.key}' differs only in case from '{lower[k]}'",
                                   "BibTeX and pandoc treat keys case-insensitively; rename one",
                                   severity=WARNING)
            )
        lower.setdefault(k, block.key)

    # First pass: resolve macros and concatenation to raw LaTeX values.
    resolved: dict[str, tuple[str, dict[str, str], dict[str, int], int]] = {}
    for block, line in raw_entries:
        values: dict[str, str] = {}
        lines: dict[str, int] = {}
        for f in block.fields:
            name = f.key.strip().lower()
            lines[name] = (f.start_line or 0) + 1 if f.start_line is not None else line
            values[name] = _resolve_value(
                str(f.value), strings,
                _undefined_macro(findings, path, lines[name], f"field '{name}' of '{block.key}'"))
        resolved[block.key] = (block.entry_type.lower(), values, lines, line)

    # Second pass: crossref inheritance (BibTeX's same-name rule and biblatex's
    # title -> booktitle mapping for parts of books and proceedings).
    inherited: dict[str, dict[str, str]] = {}
    by_lower = {k.lower(): k for k in resolved}
    findings.extend(_crossref_cycles(path, resolved, by_lower))
    for key, (_etype, values, _lines, line) in resolved.items():
        values = dict(values)
        parent_key = values.get("crossref", "").strip()
        if parent_key:
            pk = parent_key if parent_key in resolved else by_lower.get(parent_key.lower())
            if pk is None:
                findings.append(
                    RULES["BIB008"].at(path, _lines.get("crossref", line), 1,
                            f"entry '{key}' has crossref '{parent_key}', which is not in the file",
                            "add the parent entry or remove the crossref field")
                )
            else:
                ptype, pvalues, _, _ = resolved[pk]
                for fname, fval in pvalues.items():
                    if fname in ("crossref", "ids", "key"):
                        continue
                    values.setdefault(fname, fval)
                if ptype in ("book", "proceedings", "collection", "mvbook", "mvcollection",
                             "mvproceedings", "reference") and "title" in pvalues:
                    values.setdefault("booktitle", pvalues["title"])
        inherited[key] = values

    entries: dict[str, Reference] = {}
    for key, (etype, _values, lines, line) in resolved.items():
        entries[key] = _make_reference(key, etype, inherited[key], lines, line)
    bib = Bibliography(path, entries, findings, strings)
    bib.digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return bib


def _failed_block_finding(path: str, block, line: int) -> Finding:
    raw = getattr(block, "raw", "") or ""
    err = getattr(block, "error", None)
    lines = [ln.strip() for ln in str(err or "").splitlines() if ln.strip()]
    detail = lines[-1] if lines else ""
    head = raw.strip().splitlines()[0][:60] if raw.strip() else ""
    m = re.match(r"\s*@\s*(\w+)\s*[{(]\s*([^,\s]*)", raw)
    what = f"@{m.group(1)} block '{m.group(2)}'" if m and m.group(2) else (
        f"@{m.group(1)} block" if m else f"block '{head}'")
    if "Unexpected block start" in detail or "still looking" in detail:
        detail = "unclosed brace or quote before the next entry"
    elif detail.startswith("Duplicate field keys"):
        fields = re.search(r"'([^']*)'", detail)
        detail = f"field {fields.group(0) if fields else ''} appears more than once".replace(
            "  ", " ")
    elif detail:
        detail = re.sub(r"\s+", " ", detail.split(" Note:")[0])
    else:
        detail = "syntax error"
    return RULES["BIB001"].at(path, line, 1, f"cannot parse {what}: {detail}",
                              "check the braces, quotes and commas of this entry")


def _closed(value: str) -> bool:
    """Whether a raw value's braces balance and its quotes close (bibtexparser accepts
    ``@string{x = "Bar}``, taking ``"Bar`` as the value)."""
    depth, quoted, escaped = 0, False, False
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
        elif ch == '"' and depth == 0:
            quoted = not quoted
    return depth == 0 and not quoted


def _unclosed_string(path: str, line: int, name: str) -> Finding:
    what = f"@string '{_short(name)}'" if name else "@string"
    return RULES["BIB010"].at(path, line, 1, f"{what} never closes: the macro is not defined",
                              "close its braces or quotes: @string{name = {Text}}")


def _short(text: str, limit: int = 40) -> str:
    """``text`` on one line and at most ``limit`` characters, for a message."""
    text = _WS.sub(" ", text).strip()
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _undefined_macro(findings: list[Finding], path: str, line: int, where: str):
    """A callback for ``_resolve_value``: a BIB011 finding for each undefined macro."""
    where = _short(where, 80)

    def report(name: str) -> None:
        findings.append(RULES["BIB011"].at(
            path, line, 1, f"{where} uses '{_short(name)}', which no @string defines",
            "brace the text ({text}), or define the macro with @string before it"))
    return report


def _crossref_cycles(path: str, resolved: dict, by_lower: dict[str, str]) -> list[Finding]:
    """One BIB012 finding for each crossref cycle, at the cycle's first entry in the file
    (a -> b -> a is one mistake, not two)."""
    def parent(key: str) -> str | None:
        ref = resolved[key][1].get("crossref", "").strip()
        if not ref:
            return None
        return ref if ref in resolved else by_lower.get(ref.lower())

    # Each entry has at most one parent: one walk from each entry not yet seen, stopping at
    # an entry seen before; reaching one seen in this same walk closes a cycle. Every entry
    # is walked once (linear, however long the chains).
    order = {key: i for i, key in enumerate(resolved)}
    walk_of: dict[str, int] = {}
    out = []
    for walk, key in enumerate(resolved):
        path_keys, cur = [], key
        while cur is not None and cur not in walk_of:
            walk_of[cur] = walk
            path_keys.append(cur)
            cur = parent(cur)
        if cur is None or walk_of[cur] != walk:
            continue
        cycle = path_keys[path_keys.index(cur):]
        first = min(range(len(cycle)), key=lambda i: order[cycle[i]])
        cycle = cycle[first:] + cycle[:first]
        _t, _v, lines, line = resolved[cycle[0]]
        chain = _short(" -> ".join([*cycle, cycle[0]]), 120)
        out.append(RULES["BIB012"].at(
            path, lines.get("crossref", line), 1, f"crossref cycle: {chain}",
            "a crossref names the parent work (the book, the proceedings); remove the "
            "field from the parent"))
    return out


def _resolve_value(value: str, strings: Mapping[str, str], undefined=None) -> str:
    """Resolve ``macro # "text" # {text} # 12`` into one raw LaTeX string; ``undefined``
    is called with each macro name no ``@string`` (nor a month) defines."""
    value = value.strip()
    if not value:
        return ""
    parts = _split_concat(value)
    out = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if (part[0] == "{" and part[-1] == "}") or (part[0] == '"' and part[-1] == '"'):
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        elif part.lower() in strings:
            out.append(strings[part.lower()])
        else:
            if undefined is not None:
                undefined(part)
            out.append(part)
    return "".join(out)


def _split_concat(value: str) -> list[str]:
    """Split on ``#`` outside braces and quotes."""
    if "#" not in value:
        return [value]
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(value):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return parts


# --------------------------------------------------------------------------- decoding

_WS = re.compile(r"\s+")


def decode_latex(raw: str) -> str:
    """LaTeX to plain Unicode, white space collapsed (see ``toulmin.bibliography.latex``)."""
    return latex.decode(raw)


def protected_phrases(raw: str) -> tuple[str, ...]:
    """Decoded text of each top-level ``{...}`` group, whose case must not change.

    Like pandoc (the oracle for the APA output), every group protects, command groups
    (``{\\emph{In Situ}}``) and special characters (``{\\"O}konomie``) included; escaped
    braces (``\\{``) are text, not groups.
    """
    if "{" not in raw:
        return ()
    out, depth, start = [], 0, 0
    escaped = False
    for i, ch in enumerate(raw):
        if escaped:
            escaped = False
            continue
        if ch == "\\":
            escaped = True
        elif ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                text = decode_latex(raw[start + 1 : i])
                if text:
                    out.append(text)
    return tuple(out)


def _make_reference(key: str, etype: str, values: dict[str, str], lines: dict[str, int],
                    line: int) -> Reference:
    fields: dict[str, str] = {}
    protected: dict[str, tuple[str, ...]] = {}
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    for name, raw in values.items():
        if name in ("author", "editor"):
            people = parse_names(raw)
            if name == "author":
                authors = people
            else:
                editors = people
            fields[name] = decode_latex(raw)
            continue
        if name in ("url", "doi", "file", "eprint"):
            fields[name] = _WS.sub(" ", raw.replace("\\_", "_").replace("\\%", "%")
                                   .replace("{", "").replace("}", "")).strip()
            if name == "url" and raw.strip().startswith("\\url"):
                fields[name] = fields[name].removeprefix("\\url").strip()
            continue
        fields[name] = decode_latex(raw)
        phrases = protected_phrases(raw)
        if phrases:
            protected[name] = phrases
    return Reference(
        key=key,
        type=etype,
        fields=fields,
        authors=authors,
        editors=editors,
        protected=protected,
        line=line,
        field_lines=lines,
        hash=content_hash(etype, values),
    )
