"""The site's Data Package (``data/datapackage.yaml``) as the rest of toulmin sees it.

``DataPackage.load(path)`` reads the Frictionless descriptor (YAML) and remembers the line of
every resource, field and source, so problems point at ``datapackage.yaml:LINE``.
``DataPackage.table(name)`` reads a resource's CSV as a pandas DataFrame typed by its Table
Schema. Checking the descriptor and the CSVs against it (findings DATA001-DATA004) is
``definitions.datavalidation``, which reads the descriptor with :func:`read_descriptor`.

pandas and even PyYAML are imported inside the functions that need them.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from dataclasses import field as _field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from toulmin.paths import escapes

if TYPE_CHECKING:
    import pandas

DEFAULT_PATH = "data/datapackage.yaml"

__all__ = [
    "DEFAULT_PATH",
    "DataPackage",
    "DataPackageError",
    "Field",
    "Resource",
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
        path and a list of named fields); ``datavalidation.validate`` checks the rest with
        frictionless.
        """
        path = Path(path)
        problems: list[tuple[str, int, int]] = []
        package = read_descriptor(path, problems)
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


def plain(value: Any) -> Any:
    """Deep copy as plain JSON-like data: shared (aliased) objects unshared, dates as str."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
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


def read_descriptor(path: Path, problems: list[tuple[str, int, int]]) -> DataPackage | None:
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
    data = plain(data)
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
    if escapes(base, base / rel):  # a link: the table is never read (SEC001 at the link)
        pkey, _ = _item(node, "path")
        problems.append((f"resource '{name}': path '{rel}' is a link out of the descriptor's "
                         "folder: not read", _line(pkey or node), _col(pkey or node)))
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


def csv_encoding(encoding: str) -> str:
    """Python's codec for a descriptor's encoding; UTF-8 tolerates a byte-order mark."""
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def top_level_key_line(path: Path, names: list[str]) -> int:
    """The line of the first of ``names`` that is a top-level key of the descriptor at
    ``path`` (1 when none is, or the descriptor cannot be read)."""
    import yaml

    try:
        node, _ = _parse_yaml(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return 1
    for name in names:
        key, _ = _item(node, name)
        if key is not None:
            return _line(key)
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
        with res.abs_path.open(encoding=csv_encoding(res.encoding), newline="") as fh:
            header = next(csv.reader(fh), [])
        if header != res.field_names:
            raise DataPackageError(f"{where}: the header {header} does not match the schema's "
                                   f"fields {res.field_names}", res.line, 1, package_path)
        df = pd.read_csv(res.abs_path, dtype=dtypes, keep_default_na=False,
                         na_values=list(res.missing_values), encoding=csv_encoding(res.encoding))
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
