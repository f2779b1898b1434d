"""The Data Package's problems as findings: ``validate(root)`` (codes DATA001-DATA004).

``validate`` checks the descriptor and every CSV with the frictionless library and returns
findings:

- ``DATA001`` a CSV disagrees with its schema (a bad cell, a short or long row, a header that
  does not match the fields, a duplicate primary key), at the CSV's line and column;
- ``DATA002`` a resource names a file that does not exist, at the resource's line;
- ``DATA003`` a source's ``citation`` key is not in the reference base, at that line;
- ``DATA004`` the descriptor itself is unreadable, not YAML or not a valid Data Package.

frictionless (and PyYAML) are imported inside the functions that need them. Validation
results are cached in ``<root>/.cache/toulmin/``: ``data-<hash>.marshal`` is named by the
hash of the descriptor's bytes, its path and the toulmin version, and records the hash of
every CSV it checked, so a warm ``validate`` only reads and hashes files and imports neither
pandas nor frictionless (nor yaml); ``data-resource-<hash>.marshal`` holds one CSV's
findings, named by the hash of its bytes and its resource's descriptor, so after a change
only the changed CSVs are read again. Citation keys are checked afresh every time, as the
reference base changes independently of the data.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from toulmin import cache
from toulmin.definitions.datapackage import (
    DEFAULT_PATH,
    DataPackage,
    Resource,
    csv_encoding,
    plain,
    read_descriptor,
    top_level_key_line,
)
from toulmin.findings import Finding, relpath, sort_findings
from toulmin.rules import RULES
from toulmin.textfile import decode_text

CACHE_DIR = ".cache/toulmin"
CACHE_FORMAT = 1

__all__ = ["validate"]


def validate(root: str | os.PathLike, datapackage_path: str | os.PathLike = DEFAULT_PATH,
             bib_keys: set[str] | None = None, cache_dir: str = CACHE_DIR) -> list[Finding]:
    """Every problem of the Data Package at ``root/datapackage_path``, as findings.

    Never raises: a failure of the validator itself becomes a ``DATA004`` finding. When
    ``bib_keys`` is given, each ``sources[].citation`` must be one of them (``DATA003``).
    """
    root = Path(root)
    dp = Path(datapackage_path)
    dp = dp if dp.is_absolute() else root / dp
    dp_rel = relpath(dp, root)
    try:
        findings, cites = _validate_cached(root, dp, dp_rel, cache_dir)
    except Exception as exc:  # never a traceback
        findings = [RULES["DATA004"].at(dp_rel, 1, 1,
                            f"could not validate the data package: {type(exc).__name__}: "
                            f"{exc}".splitlines()[0])]
        cites = []
    if bib_keys is not None:
        for key, line, column in cites:
            if key not in bib_keys:
                findings.append(RULES["DATA003"].at(
                    dp_rel, line, column,
                    f"source citation '{key}' is not in the reference base",
                    "add the entry to references.bib or correct the key"))
    return sort_findings(findings)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _file_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return _digest(fh.read())
    except OSError:
        return None


def _cache_name(*parts: str | bytes) -> str:
    return cache.fingerprint(str(CACHE_FORMAT), *parts)


def _read_cache(path: Path) -> Any:
    """The cached value, or None when absent, corrupt or written by other code."""
    return cache.read_versioned(path, CACHE_FORMAT)


def _write_cache(path: Path, value: Any) -> None:
    cache.write_versioned(path, CACHE_FORMAT, value)


def _rows_of(findings: list[Finding]) -> list[tuple]:
    return [(f.path, f.line, f.column, f.code, f.severity, f.message, f.hint) for f in findings]


def _validate_cached(root: Path, dp: Path, dp_rel: str, cache_dir: str = CACHE_DIR
                     ) -> tuple[list[Finding], list[tuple[str, int, int]]]:
    """(findings without DATA003, citations as (key, line, column)), from cache if fresh.

    Two levels: ``data-<hash>.marshal``, named by the descriptor's bytes, holds the whole
    result and the hash of every CSV (a hit needs no YAML, pandas or frictionless);
    ``data-resource-<hash>.marshal``, named by one resource's descriptor and its CSV's
    bytes, holds that CSV's DATA001 findings, so a change re-reads only what changed.
    """
    try:
        raw = dp.read_bytes()
    except OSError as exc:
        return [RULES["DATA004"].at(dp_rel, 1, 1,
                                    f"cannot read the data package: {exc.strerror or exc}")], []
    cache_dir = root / cache_dir
    cache_file = cache_dir / f"data-{_cache_name(dp_rel, raw)}.marshal"
    hit = _read_cache(cache_file)
    if hit is not None:
        files, rows, cites = hit
        if all(_file_digest(str(root / p)) == d for p, d in files):
            return [Finding(*r) for r in rows], [tuple(c) for c in cites]
    findings, files, cites = _validate_fresh(root, dp, dp_rel, cache_dir)
    _write_cache(cache_file, (files, _rows_of(findings), cites))
    return findings, cites


def _validate_fresh(root: Path, dp: Path, dp_rel: str, cache_dir: Path):
    """Validate (per-resource caches aside): (findings, [(csv path, digest)], citations)."""
    problems: list[tuple[str, int, int]] = []
    package = read_descriptor(dp, problems)
    findings = [RULES["DATA004"].at(dp_rel, line, col, msg)
                for msg, line, col in problems]
    files: list[tuple[str, str | None]] = []
    cites: list[tuple[str, int, int]] = []
    if package is None:
        return findings, files, cites
    present: list[tuple[Resource, str, str]] = []
    for res in package.resources.values():
        cites.extend(res.citation_lines)
        csv_rel = relpath(res.abs_path, root)
        digest = _file_digest(str(res.abs_path)) if res.abs_path.is_file() else None
        files.append((csv_rel, digest))
        if digest is None:
            findings.append(RULES["DATA002"].at(
                dp_rel, res.line, res.column,
                f"resource '{res.name}': file '{res.path}' does not exist",
                f"expected at {csv_rel}"))
        else:
            present.append((res, csv_rel, digest))
    if not package.resources and not problems:
        return findings, files, cites
    import frictionless

    descriptor_findings, invalid = _descriptor_findings(frictionless, package, dp_rel)
    findings.extend(descriptor_findings)
    for res, csv_rel, digest in present:
        if res.name in invalid:
            continue
        spec = json.dumps(plain(res.descriptor), sort_keys=True, ensure_ascii=False)
        res_file = cache_dir / f"data-resource-{_cache_name(csv_rel, spec, digest)}.marshal"
        rows = _read_cache(res_file)
        if rows is None:
            rows = _rows_of(_check_resource(frictionless, res, package.base, root))
            _write_cache(res_file, rows)
        findings.extend(Finding(*r) for r in rows)
    return findings, files, cites


def _package_line(package: DataPackage, message: str) -> int:
    """Best line for a package-level descriptor error: the top-level key it names."""
    m = re.search(r"at property '([^']+)'", message)
    names = [m.group(1)] if m else []
    names += sorted((k for k in package.descriptor if k != "resources" and
                     re.search(rf"\b{re.escape(k.rstrip('s'))}", message)),
                    key=len, reverse=True)
    return top_level_key_line(package.path, names)


def _descriptor_findings(frictionless, package: DataPackage, dp_rel: str
                         ) -> tuple[list[Finding], set[str]]:
    """DATA004 for what frictionless finds wrong in the descriptor, at the best line, and
    the names of the resources whose descriptor is invalid (their data is not checked)."""
    out: list[Finding] = []
    invalid: set[str] = set()
    top = {k: v for k, v in plain(package.descriptor).items() if k != "resources"}
    top["resources"] = [{"name": "toulmin-stub", "path": "toulmin-stub.csv"}]
    report = frictionless.Package.validate_descriptor(top)
    for err in _flat_errors(report):
        msg = _error_note(err)
        out.append(RULES["DATA004"].at(dp_rel, _package_line(package, msg), 1,
                                       f"invalid data package descriptor: {msg}"))
    for res in package.resources.values():
        report = frictionless.Resource.validate_descriptor(plain(res.descriptor))
        for err in _flat_errors(report):
            invalid.add(res.name)
            msg = _error_note(err)
            line, column = _resource_error_place(frictionless, res, err, msg)
            out.append(RULES["DATA004"].at(dp_rel, line, column,
                                           f"resource '{res.name}': {msg}"))
    return out, invalid


def _resource_error_place(frictionless, res: Resource, err, msg: str) -> tuple[int, int]:
    """(line, column) of what a resource descriptor error is about: the field for a field
    error, the key named by the message (``at property 'x'``, primary key), else the
    resource."""
    if err.type == "field-error":
        for f in res.fields:
            rep = frictionless.Schema.validate_descriptor({"fields": [plain(f.descriptor)]})
            if not rep.valid:
                return f.line, f.column
    keys = []
    m = re.search(r"at property '([^']+)'", msg)
    if m:
        keys += [m.group(1), "schema." + m.group(1)]
    low = msg.lower()
    if "primary key" in low or "primarykey" in low:
        keys.append("schema.primaryKey")
    if "foreign key" in low or "foreignkey" in low:
        keys.append("schema.foreignKeys")
    for key in keys:
        if key in res.key_lines:
            return res.key_lines[key]
    return res.line, res.column


def _flat_errors(report) -> list:
    errors = list(report.errors)
    for task in report.tasks:
        errors.extend(task.errors)
    return errors


def _error_note(err, limit: int = 160) -> str:
    """The informative part of a frictionless error message, on one line, shortened."""
    message = str(getattr(err, "message", "") or getattr(err, "note", "") or err.type)
    for prefix in ("The data package has an error: ", "The data resource has an error: ",
                   "Field is not valid: ", "Schema is not valid: "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    message = re.sub(r' does not match the fields "\[.*?\]"', " is not a field of the schema",
                     message)
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "\u2026"


# -- checking one CSV ----------------------------------------------------------------------

_ARTICLE = {
    "integer": "an integer", "number": "a number", "date": "a date (YYYY-MM-DD)",
    "datetime": "a date and time", "time": "a time", "year": "a year (YYYY)",
    "yearmonth": "a year and month (YYYY-MM)", "boolean": "true or false",
    "string": "a string", "duration": "a duration", "geopoint": "a geopoint",
    "geojson": "GeoJSON", "object": "a JSON object", "array": "a JSON array",
}


def _check_resource(frictionless, res: Resource, base: Path, root: Path) -> list[Finding]:
    csv_rel = relpath(res.abs_path, root)
    header_findings, header = _check_header(res, csv_rel)
    if header is None:  # unreadable or empty: nothing more to check
        return header_findings
    try:
        descriptor = plain(res.descriptor)
        # columns are matched to fields by name: _check_header reports the header itself
        descriptor.setdefault("schema", {})["fieldsMatch"] = "partial"
        resource = frictionless.Resource(descriptor, basepath=str(base))
        report = resource.validate()
    except Exception as exc:
        msg = _error_note(getattr(exc, "error", exc)) if hasattr(exc, "error") else str(exc)
        return [*header_findings, RULES["DATA001"].at(csv_rel, 1, 1,
                                          f"frictionless could not read the file: {msg}")]
    errors = [e for e in _flat_errors(report) if "#header" not in (e.tags or [])]
    blank_rows = {e.row_number for e in errors if e.type == "blank-row"}
    rows: list[int] | None = None
    out = list(header_findings)
    for err in errors:
        row = getattr(err, "row_number", None)
        if row in blank_rows and err.type != "blank-row":
            continue  # a blank row also breaks the primary key: one finding is enough
        if row:
            if rows is None:
                rows = _record_lines(res)
            line = rows[row - 1] if 0 < row <= len(rows) else row
        else:
            line = 1
        column = getattr(err, "field_number", None) or 1
        out.append(RULES["DATA001"].at(csv_rel, line, column, _row_message(res, err)))
    return out


def _check_header(res: Resource, csv_rel: str) -> tuple[list[Finding], list[str] | None]:
    """DATA001 for a header that differs from the schema's fields: one per difference;
    for a UTF-8 file, DOC001/DOC002 at the first byte that is not UTF-8 text or is NUL."""
    if csv_encoding(res.encoding) == "utf-8-sig":
        try:
            problems = decode_text(res.abs_path.read_bytes(), csv_rel)[1]
        except OSError:
            problems = []  # reported below
        if problems:
            return problems, None
    try:
        with res.abs_path.open(encoding=csv_encoding(res.encoding), newline="") as fh:
            header = next(csv.reader(fh), None)
    except (OSError, UnicodeDecodeError, LookupError, csv.Error) as exc:
        return [RULES["DATA001"].at(csv_rel, 1, 1,
                                    f"cannot read the file as {res.encoding} CSV: {exc}")], None
    if header is None:
        return [RULES["DATA001"].at(csv_rel, 1, 1, "the file is empty (no header)")], None
    names = res.field_names
    out: list[Finding] = []
    seen: dict[str, int] = {}
    for i, label in enumerate(header, 1):
        if not label.strip():
            out.append(RULES["DATA001"].at(csv_rel, 1, i,
                                           f"header: column {i} has no name"))
        elif label in seen:
            out.append(RULES["DATA001"].at(csv_rel, 1, i,
                               f"header: column '{label}' appears twice (columns {seen[label]} "
                               f"and {i})"))
        else:
            seen[label] = i
            if label not in names:
                out.append(RULES["DATA001"].at(csv_rel, 1, i,
                                   f"header: extra column '{label}' (column {i}) is not in "
                                   f"the schema of '{res.name}'",
                                   "add the field to datapackage.yaml or remove the column"))
    for f in res.fields:
        if f.name not in seen:
            out.append(RULES["DATA001"].at(csv_rel, 1, min(f.position, len(header) + 1),
                               f"header: column '{f.name}' (field {f.position} of "
                               f"'{res.name}') is missing",
                               "add the column or remove the field from datapackage.yaml"))
    if not out and header != names:
        i = next(i for i, (a, b) in enumerate(zip(header, names, strict=False), 1) if a != b)
        out.append(RULES["DATA001"].at(csv_rel, 1, i,
                           f"header: columns are not in the schema's order (column {i} is "
                           f"'{header[i - 1]}', the schema has '{names[i - 1]}')"))
    return out, header


def _record_lines(res: Resource) -> list[int]:
    """Line on which each CSV record starts (record 1 is the header)."""
    lines: list[int] = []
    try:
        with res.abs_path.open(encoding=csv_encoding(res.encoding), newline="") as fh:
            reader = csv.reader(fh)
            last = 0
            for _ in reader:
                lines.append(last + 1)
                last = reader.line_num
    except (OSError, UnicodeDecodeError, csv.Error):
        pass
    return lines


def _row_message(res: Resource, err) -> str:
    row = getattr(err, "row_number", None)
    name = getattr(err, "field_name", "") or ""
    cell = getattr(err, "cell", None)
    note = getattr(err, "note", "") or ""
    where = f"row {row}, column {name}" if row and name else (f"row {row}" if row else "file")
    kind = err.type
    if kind == "type-error":
        try:
            f = res.field(name)
            ftype = _ARTICLE.get(f.type, f"a {f.type}")
            if f.format not in ("default", "any", ""):
                ftype += f" in format {f.format}"
        except KeyError:
            ftype = note.removeprefix("type is ").strip('"')
        return f"{where}: {cell!r} is not {ftype}"
    if kind == "constraint-error":
        m = re.match(r'constraint "(\w+)" is "(.*)"', note)
        if m and m.group(1) == "required":
            return f"{where}: a value is required"
        if m:
            return f"{where}: {cell!r} breaks the constraint {m.group(1)} = {m.group(2)}"
    if kind in ("primary-key", "unique-error"):
        what = "primary key" if kind == "primary-key" else "unique value"
        m = re.search(r"row at position \"?(\d+)\"?", note)
        other = f" of row {m.group(1)}" if m else ""
        keys = ", ".join(res.primary_key) if kind == "primary-key" else name
        return f"{where}: duplicate {what} ({keys}){other}"
    if kind == "missing-cell":
        return f"{where}: the cell is missing (the row is shorter than the header)"
    if kind == "extra-cell":
        return f"{where}: extra cell {cell!r} (the row is longer than the header)"
    if kind == "blank-row":
        return f"row {row} is blank"
    return f"{where}: {_error_note(err)}"
