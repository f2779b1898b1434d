"""The site's Data Package (``data/datapackage.yaml``) as the rest of toulmin sees it.

``DataPackage.load(path)`` reads the Frictionless descriptor (YAML) and remembers the line of
every resource, field and source, so problems point at ``datapackage.yaml:LINE``.
``DataPackage.table(name)`` reads a resource's CSV as a pandas DataFrame typed by its Table
Schema. ``validate(root)`` checks the descriptor and every CSV with the frictionless library
and returns findings:

- ``DATA001`` a CSV disagrees with its schema (a bad cell, a short or long row, a header that
  does not match the fields, a duplicate primary key), at the CSV's line and column;
- ``DATA002`` a resource names a file that does not exist, at the resource's line;
- ``DATA003`` a source's ``citation`` key is not in the reference base, at that line;
- ``DATA004`` the descriptor itself is unreadable, not YAML or not a valid Data Package.

pandas, frictionless and even PyYAML are imported inside the functions that need them.
Validation results are cached in ``<root>/.cache/toulmin/``: ``data-<hash>.marshal`` is named
by the hash of the descriptor's bytes, its path and the toulmin version, and records the
hash of every CSV it checked, so a warm ``validate`` only reads and hashes files and imports
neither pandas nor frictionless (nor yaml); ``data-resource-<hash>.marshal`` holds one CSV's
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
from dataclasses import dataclass
from dataclasses import field as _field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from toulmin import __version__
from toulmin import cache as cachefile
from toulmin.findings import Finding, relpath, sort_findings
from toulmin.rules import RULES

if TYPE_CHECKING:
    import pandas

DEFAULT_PATH = "data/datapackage.yaml"
CACHE_DIR = ".cache/toulmin"
CACHE_FORMAT = 1

__all__ = [
    "DEFAULT_PATH",
    "DataPackage",
    "DataPackageError",
    "Field",
    "Resource",
    "validate",
]


class DataPackageError(ValueError):
    """The descriptor cannot be used: ``message`` at ``line``:``column`` (1-based)."""

    def __init__(self, message: str, line: int = 1, column: int = 1, path: str = ""):
        self.message = message
        self.line = line
        self.column = column
        self.path = path
        where = f"{path}:{line}:{column}: " if path else ""
        super().__init__(where + message)


@dataclass(frozen=True, slots=True)
class Field:
    """One column of a resource's Table Schema."""

    name: str
    type: str = "string"
    title: str = ""
    description: str = ""
    unit: str = ""
    format: str = "default"
    constraints: dict = _field(default_factory=dict)
    #: 1-based position in the schema (and, for a valid CSV, in the header)
    position: int = 1
    #: 1-based line and column of the field's mapping in datapackage.yaml
    line: int = 1
    column: int = 1
    descriptor: dict = _field(default_factory=dict, repr=False)

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))


@dataclass(frozen=True, slots=True)
class Resource:
    """One tabular resource: a CSV file and its schema, sources and licences."""

    name: str
    #: the path as written in the descriptor (relative to the descriptor's folder)
    path: str
    abs_path: Path
    title: str = ""
    description: str = ""
    sources: list[dict] = _field(default_factory=list)
    #: citation keys (``sources[].citation``), in order, without repeats
    citations: tuple[str, ...] = ()
    licenses: list[dict] = _field(default_factory=list)
    retrieved: str = ""
    fields: tuple[Field, ...] = ()
    primary_key: tuple[str, ...] = ()
    missing_values: tuple[str, ...] = ("",)
    encoding: str = "utf-8"
    #: 1-based line and column of the resource's mapping in datapackage.yaml
    line: int = 1
    column: int = 1
    #: (key, line, column) of every ``citation`` in ``sources``
    citation_lines: tuple[tuple[str, int, int], ...] = ()
    #: (line, column) of each key of the resource (``"path"``) and of its schema
    #: (``"schema.primaryKey"``)
    key_lines: dict[str, tuple[int, int]] = _field(default_factory=dict, repr=False)
    descriptor: dict = _field(default_factory=dict, repr=False)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"resource '{self.name}' has no field '{name}'")


class DataPackage:
    """A Data Package descriptor, its resources by name, and their tables on demand."""

    def __init__(self, path: Path, descriptor: dict, resources: dict[str, Resource]):
        self.path = Path(path)
        self.base = self.path.parent
        self.descriptor = descriptor
        self.resources = resources

    def __repr__(self) -> str:
        return f"DataPackage({str(self.path)!r}, resources={list(self.resources)!r})"

    def __contains__(self, name: object) -> bool:
        return name in self.resources

    def __getitem__(self, name: str) -> Resource:
        return self.resource(name)

    @property
    def name(self) -> str:
        return str(self.descriptor.get("name", ""))

    @property
    def title(self) -> str:
        return str(self.descriptor.get("title", ""))

    @classmethod
    def load(cls, path: str | os.PathLike) -> DataPackage:
        """Read ``path`` (YAML or JSON); raises ``DataPackageError`` with the line at fault.

        Only the structure toulmin relies on is checked here (resources with a name, a local
        path and a list of named fields); ``validate`` checks the rest with frictionless.
        """
        path = Path(path)
        problems: list[tuple[str, int, int]] = []
        package = _build(path, problems)
        if problems:
            message, line, column = problems[0]
            raise DataPackageError(message, line, column, str(path))
        assert package is not None
        return package

    def resource(self, name: str) -> Resource:
        try:
            return self.resources[name]
        except KeyError:
            known = ", ".join(self.resources) or "none"
            raise KeyError(f"the data package has no resource '{name}' (it has: {known})"
                           ) from None

    def table(self, name: str) -> pandas.DataFrame:
        """Resource ``name`` as a DataFrame typed by its schema (cached per process).

        integer and year -> nullable ``Int64``; number -> ``float64``; boolean -> nullable
        ``boolean``; date and datetime -> ``datetime64``; string, yearmonth and everything
        else -> ``str``. Cells listed in ``missingValues`` (here the empty cell: suppressed or
        not available) are missing. The cache is keyed by the file's path, size and mtime
        and the schema, so an edited file is read again. Raises ``DataPackageError`` when the
        CSV does not match its schema (run ``toulmin check`` for the details).
        """
        res = self.resource(name)
        try:
            st = res.abs_path.stat()
        except OSError as exc:
            raise DataPackageError(f"resource '{name}': cannot read {res.path}: "
                                   f"{exc.strerror or exc}", res.line, 1, str(self.path)
                                   ) from None
        key = (str(res.abs_path), st.st_size, st.st_mtime_ns,
               tuple((f.name, f.type, f.format) for f in res.fields), res.missing_values,
               res.encoding)
        df = _TABLES.get(key)
        if df is None:
            df = _read_table(res, str(self.path))
            _TABLES[key] = df
        # a shallow copy: with pandas' copy-on-write, callers cannot alter the cached frame
        return df.copy(deep=False)


_TABLES: dict[tuple, Any] = {}


# -- reading the descriptor ------------------------------------------------------------------


def _parse_yaml(text: str):
    """(root node, data) of a YAML document; raises yaml.YAMLError."""
    import yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def _line(node) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _col(node) -> int:
    return node.start_mark.column + 1 if node is not None else 1


def _item(node, key: str):
    """(key node, value node) of ``key`` in a YAML mapping node, or (None, None)."""
    if node is None or getattr(node, "id", "") != "mapping":
        return None, None
    found = (None, None)
    for k, v in node.value:
        if getattr(k, "id", "") == "scalar" and k.value == key:
            found = (k, v)  # the last one wins, as in the constructed data
    return found


def _items(node) -> list:
    if node is None or getattr(node, "id", "") != "sequence":
        return []
    return list(node.value)


def _plain(value: Any) -> Any:
    """Deep copy as plain JSON-like data: shared (aliased) objects unshared, dates as str."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _unsafe_path(path: str) -> str:
    """Why a resource path cannot be used, or ''."""
    if "://" in path:
        return "is a URL; toulmin recomputes statistics from local files only"
    if path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        return "is absolute; give it relative to the descriptor's folder"
    if ".." in PurePosixPath(path.replace("\\", "/")).parts:
        return "leaves the descriptor's folder ('..')"
    return ""


def _build(path: Path, problems: list[tuple[str, int, int]]) -> DataPackage | None:
    """Read the descriptor; append (message, line, column) for each structural problem.

    Returns None when there is no usable descriptor; otherwise a package holding the
    resources that could be read (a broken resource is reported and left out).
    """
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        problems.append((f"cannot read {path.name}: {exc.strerror or exc}", 1, 1))
        return None
    except UnicodeDecodeError as exc:
        problems.append((f"{path.name} is not UTF-8 text ({exc.reason} at byte {exc.start})",
                         _text_line(path, exc.start), 1))
        return None
    import yaml

    try:
        node, data = _parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
        problems.append((message, line, column))
        return None
    except Exception as exc:  # e.g. an unhashable key
        problems.append((f"invalid YAML: {exc}", 1, 1))
        return None
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}, not a mapping"
        problems.append((f"the descriptor is {kind}", _line(node), 1))
        return None
    rkey, rnode = _item(node, "resources")
    problems.extend(_duplicate_keys(node, skip=rnode))
    data = _plain(data)
    resources_data = data.get("resources")
    if not isinstance(resources_data, list):
        if rkey is None:
            problems.append(("the descriptor has no 'resources' list", 1, 1))
        else:
            problems.append(("'resources' must be a list of resources", _line(rkey),
                             _col(rkey)))
        return DataPackage(path, data, {})
    base = path.parent
    resources: dict[str, Resource] = {}
    for index, (desc, rnode_i) in enumerate(zip(resources_data, _items(rnode), strict=False)):
        res = _build_resource(base, index, desc, rnode_i, problems)
        if res is None:
            continue
        if res.name in resources:
            problems.append((f"resource name '{res.name}' is used twice (first at line "
                             f"{resources[res.name].line})", res.line, 1))
            continue
        resources[res.name] = res
    return DataPackage(path, data, resources)


def _duplicate_keys(root, skip=None) -> list[tuple[str, int, int]]:
    """YAML forbids repeated keys in a mapping; PyYAML silently keeps the last one.

    (message, line, column) for each repeat under ``root``, not descending into ``skip``.
    """
    out = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node is skip:
            continue
        kind = getattr(node, "id", "")
        if kind == "mapping":
            seen: dict[str, int] = {}
            for k, v in node.value:
                if getattr(k, "id", "") == "scalar":
                    if k.value in seen:
                        out.append((f"duplicate key '{k.value}' (first at line {seen[k.value]})",
                                    _line(k), _col(k)))
                    else:
                        seen[k.value] = _line(k)
                stack.append(v)
        elif kind == "sequence":
            stack.extend(node.value)
    return sorted(out, key=lambda p: (p[1], p[2]))


def _build_resource(base: Path, index: int, desc: Any, node,
                    problems: list[tuple[str, int, int]]) -> Resource | None:
    line = _line(node)
    if not isinstance(desc, dict):
        problems.append((f"resource {index + 1} must be a mapping", line, _col(node)))
        return None
    name = desc.get("name")
    if not isinstance(name, str) or not name:
        problems.append((f"resource {index + 1} has no name", line, _col(node)))
        return None
    duplicates = _duplicate_keys(node)
    if duplicates:
        problems.extend((f"resource '{name}': {m}", ln, col) for m, ln, col in duplicates)
        return None
    rel = desc.get("path")
    if not isinstance(rel, str) or not rel:
        what = "no 'path'" if rel is None else "a 'path' that is not one file name"
        problems.append((f"resource '{name}' has {what}", line, _col(node)))
        return None
    why = _unsafe_path(rel)
    if why:
        pkey, _ = _item(node, "path")
        problems.append((f"resource '{name}': path '{rel}' {why}", _line(pkey or node),
                         _col(pkey or node)))
        return None
    schema = desc.get("schema", {})
    skey, snode = _item(node, "schema")
    if isinstance(schema, str):
        problems.append((f"resource '{name}': an external schema file is not supported; "
                         "give the schema inline", _line(skey), _col(skey)))
        return None
    if not isinstance(schema, dict):
        problems.append((f"resource '{name}': 'schema' must be a mapping", _line(skey),
                         _col(skey)))
        return None
    fkey, fnode = _item(snode, "fields")
    fields_data = schema.get("fields", [])
    if not isinstance(fields_data, list):
        problems.append((f"resource '{name}': 'schema.fields' must be a list",
                         _line(fkey or skey), 1))
        return None
    fields: list[Field] = []
    ok = True
    for pos, (fdesc, fnode_i) in enumerate(zip(fields_data, _items(fnode), strict=False), 1):
        if not isinstance(fdesc, dict) or not isinstance(fdesc.get("name"), str):
            problems.append((f"resource '{name}': field {pos} has no name", _line(fnode_i),
                             _col(fnode_i)))
            ok = False
            continue
        constraints = fdesc.get("constraints")
        fields.append(Field(
            name=fdesc["name"], type=str(fdesc.get("type", "string")),
            title=str(fdesc.get("title", "")), description=str(fdesc.get("description", "")),
            unit=str(fdesc.get("unit", "")), format=str(fdesc.get("format", "default")),
            constraints=constraints if isinstance(constraints, dict) else {},
            position=pos, line=_line(fnode_i), column=_col(fnode_i), descriptor=fdesc))
    if not ok:
        return None
    pk = schema.get("primaryKey", [])
    primary_key = tuple([pk] if isinstance(pk, str) else [str(k) for k in pk or []])
    missing = schema.get("missingValues", [""])
    missing_values = tuple(str(m) for m in missing) if isinstance(missing, list) else ("",)
    sources = desc.get("sources") or []
    if not isinstance(sources, list):
        sources = []
    _, snodes = _item(node, "sources")
    cites: list[tuple[str, int, int]] = []
    for src, src_node in zip(sources, _items(snodes), strict=False):
        if isinstance(src, dict) and isinstance(src.get("citation"), str):
            ckey, cval = _item(src_node, "citation")
            cites.append((src["citation"], _line(ckey or src_node), _col(cval or src_node)))
    licenses = desc.get("licenses") or []
    key_lines: dict[str, tuple[int, int]] = {}
    for prefix, mapping in (("", node), ("schema.", snode)):
        if getattr(mapping, "id", "") == "mapping":
            for k, _v in mapping.value:
                if getattr(k, "id", "") == "scalar":
                    key_lines[prefix + str(k.value)] = (_line(k), _col(k))
    return Resource(
        name=name, path=rel, abs_path=(base / rel).resolve(),
        title=str(desc.get("title", "")), description=str(desc.get("description", "")),
        sources=[s for s in sources if isinstance(s, dict)],
        citations=tuple(dict.fromkeys(c[0] for c in cites)),
        licenses=[lic for lic in licenses if isinstance(lic, dict)]
        if isinstance(licenses, list) else [],
        retrieved=str(desc.get("retrieved", "")), fields=tuple(fields),
        primary_key=primary_key, missing_values=missing_values,
        encoding=str(desc.get("encoding", "utf-8")), line=line, column=_col(node),
        citation_lines=tuple(cites), key_lines=key_lines, descriptor=desc)


def _text_line(path: Path, offset: int) -> int:
    """1-based line of byte ``offset`` in ``path`` (1 when unreadable)."""
    try:
        return path.read_bytes()[:offset].count(b"\n") + 1
    except OSError:
        return 1


# -- reading tables ------------------------------------------------------------------------


def _read_table(res: Resource, package_path: str):
    import pandas as pd

    dtypes: dict[str, str] = {}
    dates: dict[str, str] = {}
    booleans: dict[str, Field] = {}
    for f in res.fields:
        if f.type in ("integer", "year"):
            dtypes[f.name] = "Int64"
        elif f.type == "number":
            dtypes[f.name] = "float64"
        else:
            dtypes[f.name] = "str"
            if f.type in ("date", "datetime"):
                fmt = f.format if f.format.startswith("%") else ""
                dates[f.name] = fmt or ("%Y-%m-%d" if f.type == "date" else "ISO8601")
            elif f.type == "boolean":
                booleans[f.name] = f
    where = f"resource '{res.name}' ({res.path})"
    try:
        with res.abs_path.open(encoding=_py_encoding(res.encoding), newline="") as fh:
            header = next(csv.reader(fh), [])
        if header != res.field_names:
            raise DataPackageError(f"{where}: the header {header} does not match the schema's "
                                   f"fields {res.field_names}", res.line, 1, package_path)
        df = pd.read_csv(res.abs_path, dtype=dtypes, keep_default_na=False,
                         na_values=list(res.missing_values), encoding=_py_encoding(res.encoding))
        for name, fmt in dates.items():
            df[name] = pd.to_datetime(df[name], format=fmt)
        for name, f in booleans.items():
            true = f.descriptor.get("trueValues", ["true", "True", "TRUE", "1"])
            false = f.descriptor.get("falseValues", ["false", "False", "FALSE", "0"])
            mapping = {**{t: True for t in true}, **{v: False for v in false}}
            df[name] = df[name].map(mapping).astype("boolean")
    except DataPackageError:
        raise
    except (OSError, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise DataPackageError(f"{where} does not match its schema: {exc}", res.line, 1,
                               package_path) from None
    return df


# -- validation ----------------------------------------------------------------------------


def validate(root: str | os.PathLike, datapackage_path: str | os.PathLike = DEFAULT_PATH,
             bib_keys: set[str] | None = None) -> list[Finding]:
    """Every problem of the Data Package at ``root/datapackage_path``, as findings.

    Never raises: a failure of the validator itself becomes a ``DATA004`` finding. When
    ``bib_keys`` is given, each ``sources[].citation`` must be one of them (``DATA003``).
    """
    root = Path(root)
    dp = Path(datapackage_path)
    dp = dp if dp.is_absolute() else root / dp
    dp_rel = relpath(dp, root)
    try:
        findings, cites = _validate_cached(root, dp, dp_rel)
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
    raw = [__version__.encode(), str(CACHE_FORMAT).encode()]
    raw += [p if isinstance(p, bytes) else p.encode("utf-8") for p in parts]
    return _digest(b"\0".join(raw))


def _read_cache(path: Path) -> Any:
    """The cached value, or None when absent, corrupt or from another toulmin version."""
    return cachefile.read_versioned(path, CACHE_FORMAT)


def _write_cache(path: Path, value: Any) -> None:
    cachefile.write_versioned(path, CACHE_FORMAT, value)


def _rows_of(findings: list[Finding]) -> list[tuple]:
    return [(f.path, f.line, f.column, f.code, f.severity, f.message, f.hint) for f in findings]


def _validate_cached(root: Path, dp: Path, dp_rel: str
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
    cache_dir = root / CACHE_DIR
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
    package = _build(dp, problems)
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
        spec = json.dumps(_plain(res.descriptor), sort_keys=True, ensure_ascii=False)
        res_file = cache_dir / f"data-resource-{_cache_name(csv_rel, spec, digest)}.marshal"
        rows = _read_cache(res_file)
        if rows is None:
            rows = _rows_of(_check_resource(frictionless, res, package.base, root))
            _write_cache(res_file, rows)
        findings.extend(Finding(*r) for r in rows)
    return findings, files, cites


def _package_line(package: DataPackage, message: str) -> int:
    """Best line for a package-level descriptor error: the top-level key it names."""
    import yaml

    try:
        node, _ = _parse_yaml(package.path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return 1
    m = re.search(r"at property '([^']+)'", message)
    names = [m.group(1)] if m else []
    names += sorted((k for k in package.descriptor if k != "resources" and
                     re.search(rf"\b{re.escape(k.rstrip('s'))}", message)),
                    key=len, reverse=True)
    for name in names:
        key, _ = _item(node, name)
        if key is not None:
            return _line(key)
    return 1


def _descriptor_findings(frictionless, package: DataPackage, dp_rel: str
                         ) -> tuple[list[Finding], set[str]]:
    """DATA004 for what frictionless finds wrong in the descriptor, at the best line, and
    the names of the resources whose descriptor is invalid (their data is not checked)."""
    out: list[Finding] = []
    invalid: set[str] = set()
    top = {k: v for k, v in _plain(package.descriptor).items() if k != "resources"}
    top["resources"] = [{"name": "toulmin-stub", "path": "toulmin-stub.csv"}]
    report = frictionless.Package.validate_descriptor(top)
    for err in _flat_errors(report):
        msg = _error_note(err)
        out.append(RULES["DATA004"].at(dp_rel, _package_line(package, msg), 1,
                                       f"invalid data package descriptor: {msg}"))
    for res in package.resources.values():
        report = frictionless.Resource.validate_descriptor(_plain(res.descriptor))
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
            rep = frictionless.Schema.validate_descriptor({"fields": [_plain(f.descriptor)]})
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
        descriptor = _plain(res.descriptor)
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
    """DATA001 for a header that differs from the schema's fields: one per difference."""
    try:
        with res.abs_path.open(encoding=_py_encoding(res.encoding), newline="") as fh:
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


def _py_encoding(encoding: str) -> str:
    """Python's codec for a descriptor's encoding; UTF-8 tolerates a byte-order mark."""
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def _record_lines(res: Resource) -> list[int]:
    """Line on which each CSV record starts (record 1 is the header)."""
    lines: list[int] = []
    try:
        with res.abs_path.open(encoding=_py_encoding(res.encoding), newline="") as fh:
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
