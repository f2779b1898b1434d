"""A site's settings: one schema for the MkDocs plugin's options and the CLI.

``Settings`` lists every option with its type, default and a one-line doc (the field's
``metadata["doc"]``); the plugin's ``ToulminConfig`` is built from it (``plugin_options``),
and the CLI reads the same options from mkdocs.yml with ``read_mkdocs``. Paths are relative
to the folder holding mkdocs.yml (the site's root) unless their doc says otherwise.

A problem with the options is one ``SettingsError`` whose finding is one line:

- CFG001 the toulmin plugin has no option of that name (at the option's name);
- CFG002 an option's value has the wrong type (at the value);
- CFG003 the ``rules`` option names a code that is not a rule (at the code).

``rules`` sets a rule's severity for the whole site, for the CLI and the build alike:
``rules: {CIT007: warning, STA005: "off"}``; each value is ``error``, ``warning`` or
``off`` (YAML reads an unquoted ``off`` as false, which means off too). ``severities``
gives the mapping checked and normalised; ``Project.check`` applies it.

Core level: imports the standard library, PyYAML (lazily) and ``toulmin.findings``; never
mkdocs.
"""

import dataclasses
import difflib
import functools
import os
import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from toulmin.findings import Finding
from toulmin.rules import RULES, closest_codes

CACHE_DIR = ".cache/toulmin"
CONFIG_FILE = "mkdocs.yml"


SEVERITIES = ("error", "warning", "off")


def _option(default: Any, doc: str, *, plugin: bool = True) -> Any:
    """A field of ``Settings``: its default, its one-line doc, and whether it is one of the
    plugin's options (``docs_dir`` is MkDocs' own, read from the top level of mkdocs.yml)."""
    return dataclasses.field(default=default, metadata={"doc": doc, "plugin": plugin})


@dataclasses.dataclass(slots=True)
class Settings:
    """Where a site keeps its inputs and how it is built (the plugin's options)."""

    bibliography: str = _option("references.bib", "the reference base")
    sources: str = _option("references.sources.json", "the cited works' abstracts "
                           "(toulmin verify-refs writes it)")
    sources_dir: str = _option("sources", "excerpts of the cited works' full text, one "
                               "YAML file a work (sources/<key>.yaml)")
    posts_dir: str = _option("posts", "the posts (outside docs_dir; the blog gets them)")
    docs_dir: str = _option("docs", "MkDocs' docs_dir (from the top level of mkdocs.yml)",
                            plugin=False)
    cache_dir: str = _option(CACHE_DIR, "cached parses, check results and renderings")
    scripts_dir: str = _option("scripts", "the scripts defining statistics and charts")
    datapackage: str = _option("data/datapackage.yaml", "the Data Package descriptor")
    script_timeout: int = _option(120, "seconds a script in scripts/ may run (loading it, "
                                  "each definition) before it is stopped; 0: no limit")
    script_memory_mb: int = _option(4096, "memory, in MB, the process running the scripts "
                                    "may allocate (RLIMIT_DATA; 0: no limit)")
    mailto: str = _option("", "contact address verify-refs and add-ref give the DOI "
                          "registries; TOULMIN_MAILTO in the environment wins")
    charts_dir: str = _option("charts", "the rendered charts (NAME.svg, NAME.vl.json)")
    vendor_dir: str = _option("assets/vendor", "vendored libraries, relative to docs_dir "
                              "(their Markdown notes are not pages)")
    assets: bool = _option(True, "add toulmin's stylesheet and chart scripts to every page "
                           "(served from the site itself, under assets/toulmin/)")
    content_security_policy: str = _option(
        "default", "the Content-Security-Policy each page declares in a <meta> ('default': "
        "nothing from another host; '': none; or a policy of your own)")
    references_title: str = _option("References", "heading of each page's reference list")
    audit_page: str = _option("evidence.md", "where the build puts the generated evidence "
                              "audit page, relative to docs_dir ('' for none)")
    audit_title: str = _option("Evidence audit", "the evidence audit page's title (and its "
                               "name in the nav)")
    require_stored_text: bool = _option(False, "SRC003 for every cited work a figure or "
                                        "quotation rests on that has no stored text, not "
                                        "only for works with a DOI")
    stopwords: str = _option("", "a text file of the site's capitalised words that are no "
                             "surnames (one a line, # comments), for the mention check")
    rules: dict = dataclasses.field(default_factory=dict, metadata={
        "doc": "per-rule severity, code -> error, warning or off "
        "(e.g. {CIT007: warning, STA005: \"off\"})", "plugin": True})
    enabled: bool = _option(True, "false: the plugin does nothing")

    def severities(self) -> dict[str, str]:
        """``rules`` normalised: code -> "error" | "warning" | "off" (validated on reading)."""
        return {str(code).strip().upper(): _severity(value)
                for code, value in (self.rules or {}).items()}

    @property
    def data_dir(self) -> str:
        """The folder holding the Data Package descriptor (its CSVs live under it)."""
        return posixpath.dirname(posixpath.normpath(self.datapackage)) or "."

    @property
    def charts_site_dir(self) -> str:
        """Where the charts are in the built site: ``charts_dir``, or its path inside
        ``docs_dir`` when it lies there (MkDocs then publishes it itself)."""
        charts = posixpath.normpath(self.charts_dir)
        docs = posixpath.normpath(self.docs_dir)
        return charts[len(docs) + 1:] if charts.startswith(docs + "/") else charts


class Option(NamedTuple):
    """One option of the schema."""

    name: str
    type: type
    default: Any
    doc: str


def options() -> list[Option]:
    """Every field of ``Settings``, in order."""
    return [Option(f.name, _field_type(f), _field_default(f), f.metadata.get("doc", ""))
            for f in dataclasses.fields(Settings)]


def _field_type(f: dataclasses.Field) -> type:
    return {"str": str, "bool": bool, "dict": dict}.get(f.type, f.type) \
        if isinstance(f.type, str) else f.type


def _field_default(f: dataclasses.Field) -> Any:
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


def _severity(value: Any) -> str:
    """A ``rules`` value as a severity: YAML's unquoted ``off`` (false) is "off"."""
    if value is False:
        return "off"
    return str(value).strip().lower()


def rules_problem(rules: Mapping) -> tuple[Any, str, str, str] | None:
    """(the offending code, CFG code, message, hint) for the first bad entry of ``rules``."""

    for code, value in rules.items():
        name = str(code).strip().upper()
        if name not in RULES:
            near = closest_codes(name)
            guess = f"; did you mean {', '.join(near)}?" if near else ""
            return (code, "CFG003", f"unknown rule code '{code}' in the rules option{guess}",
                    "`toulmin explain` lists every code")
        if value is True or (value is not False and _severity(value) not in SEVERITIES):
            return (code, "CFG002", f"rules: {code} must be error, warning or off, not "
                    f"{value!r}"[:200], f'for example: rules: {{{name}: warning}} or '
                    f'{{{name}: "off"}}')
    return None


def plugin_options() -> list[Option]:
    """The options the plugin takes in mkdocs.yml (all but MkDocs' own ``docs_dir``)."""
    plugin = {f.name for f in dataclasses.fields(Settings) if f.metadata.get("plugin", True)}
    return [o for o in options() if o.name in plugin]


class SettingsError(Exception):
    """A problem with the options in mkdocs.yml; ``finding`` is its one line."""

    def __init__(self, finding: Finding):
        super().__init__(finding.format())
        self.finding = finding


def _type_name(kind: type) -> str:
    return ("true or false" if kind is bool else "text" if kind is str
            else "a whole number" if kind is int
            else "a mapping" if kind is dict else kind.__name__)


def option_problem(name: str, value: Any) -> tuple[str, str, str] | None:
    """(code, message, hint) when ``name: value`` is not a valid plugin option, else None.

    ``None`` (an empty value, or an ``!ENV`` tag naming an unset variable) is valid: it
    keeps the default, as MkDocs does.
    """
    known = {o.name: o for o in plugin_options()}
    option = known.get(name)
    if option is None:
        close = difflib.get_close_matches(name, known, n=1)
        guess = f"; did you mean '{close[0]}'?" if close else ""
        return ("CFG001", f"the toulmin plugin has no option '{name}'{guess}",
                "its options are: " + ", ".join(sorted(known)))
    if value is not None and type(value) is not option.type:
        return ("CFG002", f"option '{name}' must be {_type_name(option.type)}, not "
                f"{type(value).__name__} {value!r}"[:200],
                f"for example: {name}: {_yaml_scalar(option.default)}")
    if option.type is int and value is not None and value < 0:
        return ("CFG002", f"option '{name}' must be 0 or more, not {value!r}"[:200],
                f"for example: {name}: {_yaml_scalar(option.default)}")
    if option.type is dict and value:
        bad = rules_problem(value)
        if bad is not None:
            return bad[1:]
    return None


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{CIT007: warning}"
    return repr(value) if value == "" else str(value)


def from_options(options: Mapping[str, Any], base: Settings | None = None,
                 where: str = CONFIG_FILE) -> Settings:
    """``base`` (default: ``Settings()``) with the plugin's ``options`` applied.

    Raises ``SettingsError`` (at line 1 of ``where``) for the first invalid option; readers
    that know the option's place in the file (``read_mkdocs``) report it there instead.
    """
    settings = base if base is not None else Settings()
    for name, value in options.items():
        problem = option_problem(str(name), value)
        if problem is not None:
            raise SettingsError(RULES[problem[0]].at(where, 1, 1, *problem[1:]))
        if value is not None:
            setattr(settings, name, value)
    return settings


def read_mkdocs(root: str | os.PathLike, settings: Settings | None = None,
                config_file: str | os.PathLike | None = None) -> Settings:
    """``settings`` (default: ``Settings()``) with MkDocs' ``docs_dir`` and the ``toulmin``
    plugin's options read from ``root/mkdocs.yml`` (or ``config_file``), without mkdocs.

    MkDocs' own tags are tolerated: ``!ENV`` is resolved as MkDocs resolves it, any other
    tag (``!!python/name:...``) reads as None. A missing or unparsable file leaves the
    settings as they are (MkDocs reports its own syntax errors). Raises ``SettingsError``,
    at the option's line and column, for an unknown option or a value of the wrong type.
    """
    settings = settings if settings is not None else Settings()
    path = Path(config_file) if config_file is not None else Path(root) / CONFIG_FILE
    where = _shown(path, Path(root))
    top = _top_level(path)
    if top is None:
        return settings
    docs = top.get("docs_dir")
    if docs is not None:
        value = _construct(docs[1])
        if isinstance(value, str):  # as the plugin has it: relative to the root
            settings.docs_dir = os.path.relpath(Path(root) / value, root).replace(os.sep, "/")
    plugin = _plugin_node(top.get("plugins"))
    if plugin is None:
        return settings
    for key_node, value_node in plugin.value:
        name = _construct(key_node)
        value = _construct(value_node)
        problem = option_problem(str(name), value)
        if problem is not None:
            mark = (key_node if problem[0] == "CFG001" else value_node).start_mark
            if problem[0] in ("CFG002", "CFG003") and isinstance(value, dict):
                mark = _rule_mark(value_node, value, problem[0]) or mark
            raise SettingsError(RULES[problem[0]].at(where, mark.line + 1, mark.column + 1,
                                                     *problem[1:]))
        if value is not None:
            setattr(settings, name, value)
    return settings


def declared_assets(root: str | os.PathLike, config_file: str | os.PathLike | None = None
                    ) -> frozenset[str]:
    """The scripts and style sheets mkdocs.yml's ``extra_javascript`` and ``extra_css`` name
    (paths relative to ``docs_dir``, as written; an entry may be a mapping with ``path``):
    the maintainer's own assets, declared in the configuration."""
    path = Path(config_file) if config_file is not None else Path(root) / CONFIG_FILE
    top = _top_level(path)
    found: set[str] = set()
    for name in ("extra_javascript", "extra_css"):
        if top is None or name not in top:
            continue
        value = _construct(top[name][1])
        for entry in value if isinstance(value, list) else []:
            entry = entry.get("path") if isinstance(entry, dict) else entry
            if isinstance(entry, str) and "://" not in entry:
                found.add(posixpath.normpath(entry.lstrip("/")))
    return frozenset(found)


def markdown_extensions(root: str | os.PathLike,
                        config_file: str | os.PathLike | None = None
                        ) -> tuple[tuple[str, dict], ...]:
    """The Markdown extensions ``root/mkdocs.yml`` (or ``config_file``) lists at its top
    level, as (name, options) in order; an option given by a Python tag
    (``!!python/name:...``) is left out, so the extension's default stands in. () for a
    missing or unparsable file."""
    path = Path(config_file) if config_file is not None else Path(root) / CONFIG_FILE
    top = _top_level(path)
    entry = top.get("markdown_extensions") if top is not None else None
    listed = _construct(entry[1]) if entry is not None else None
    if isinstance(listed, dict):  # MkDocs accepts a mapping too
        listed = [{name: options} for name, options in listed.items()]
    out = []
    for item in listed if isinstance(listed, list) else ():
        if isinstance(item, dict) and len(item) == 1:
            name, options = next(iter(item.items()))
        else:
            name, options = item, {}
        if isinstance(name, str):
            options = options if isinstance(options, dict) else {}
            out.append((name, {k: v for k, v in options.items() if v is not None}))
    return tuple(out)
def config_values(config_file: str | os.PathLike) -> dict:
    """mkdocs.yml's top-level values as MkDocs reads them (``!ENV`` resolved, any other tag
    as None); {} when the file is missing, unreadable or not a mapping."""
    top = _top_level(Path(config_file))
    if top is None:
        return {}
    return {name: _construct(value) for name, (_, value) in top.items()}


def plugin_config(values: Mapping[str, Any], *names: str) -> dict | None:
    """The options of the first of the plugins ``names`` listed in mkdocs.yml's ``plugins``
    (``values`` from ``config_values``): {} when it is listed without options, None when
    it is not listed."""
    plugins = values.get("plugins")
    entries = list(plugins.items()) if isinstance(plugins, dict) else [
        next(iter(p.items())) if isinstance(p, dict) and len(p) == 1 else (p, None)
        for p in (plugins if isinstance(plugins, list) else [])]
    for name in names:
        for key, options in entries:
            if key == name:
                return dict(options) if isinstance(options, dict) else {}
    return None


def _rule_mark(node, value: dict, code: str):
    """Where in the ``rules`` mapping node the first bad entry is: its code for CFG003,
    its value for CFG002."""
    import yaml

    bad = rules_problem(value)
    if bad is None or not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if _construct(key_node) == bad[0]:
            return (key_node if code == "CFG003" else value_node).start_mark
    return None


def find_site(start: str | os.PathLike) -> Path | None:
    """The root of the toulmin site holding ``start``: the nearest folder at or above it
    whose mkdocs.yml enables the toulmin plugin; None when there is none."""
    here = Path(start).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file() and uses_plugin(folder / CONFIG_FILE):
            return folder
    return None


def _top_level(path: Path) -> dict | None:
    """mkdocs.yml's top-level mapping (name -> (key node, value node)), or None when the
    file is missing, unreadable, not YAML or not a mapping."""
    import yaml

    try:
        loader = _loader(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return _mapping(node) if isinstance(node, yaml.MappingNode) else None


def uses_plugin(config_file: Path) -> bool:
    """Whether the mkdocs.yml at ``config_file`` lists the toulmin plugin."""
    import yaml

    top = _top_level(config_file)
    if top is None:
        return False
    entry = top.get("plugins")
    plugins = entry[1] if entry is not None else None
    if isinstance(plugins, yaml.SequenceNode):
        for item in plugins.value:
            if isinstance(item, yaml.ScalarNode) and item.value == "toulmin":
                return True
            if isinstance(item, yaml.MappingNode) and "toulmin" in _mapping(item):
                return True
    elif isinstance(plugins, yaml.MappingNode):
        return "toulmin" in _mapping(plugins)
    return False


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def _mapping(node) -> dict[str, tuple]:
    """A mapping node's entries by their (plain text) key: key -> (key node, value node)."""
    out: dict[str, tuple] = {}
    for key, value in node.value:
        if getattr(key, "id", "") == "scalar":
            out.setdefault(key.value, (key, value))
    return out


def _plugin_node(entry):
    """The mapping node of the ``toulmin`` plugin's options in ``plugins:`` (a list, or a
    mapping as MkDocs also accepts), or None when it has none."""
    import yaml

    if entry is None:
        return None
    plugins = entry[1]
    if isinstance(plugins, yaml.SequenceNode):
        for item in plugins.value:
            if isinstance(item, yaml.MappingNode):
                found = _mapping(item).get("toulmin")
                if found is not None and isinstance(found[1], yaml.MappingNode):
                    return found[1]
    elif isinstance(plugins, yaml.MappingNode):
        found = _mapping(plugins).get("toulmin")
        if found is not None and isinstance(found[1], yaml.MappingNode):
            return found[1]
    return None


def _construct(node) -> Any:
    """The Python value of one node, tags as MkDocs reads them (see ``read_mkdocs``)."""
    loader = _loader("")
    try:
        return loader.construct_document(node)
    except Exception:  # a value PyYAML cannot build: as good as absent
        return None
    finally:
        loader.dispose()


def _env_tag(loader, node) -> Any:
    """``!ENV NAME`` or ``!ENV [NAME, OTHER, default]``: the first variable set (typed by
    YAML's implicit resolvers), else the default (MkDocs' yaml_env_tag)."""
    import yaml

    default = None
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
        if len(children) > 1:
            default = loader.construct_object(children[-1])
            children = children[:-1]
        names = [loader.construct_scalar(child) for child in children]
    else:
        return None
    for name in names:
        if name in os.environ:
            value = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, value, (True, False))
            return loader.construct_object(yaml.ScalarNode(tag, value))
    return default


@functools.cache
def _loader_class():
    import yaml

    class Loader(yaml.SafeLoader):
        """mkdocs.yml's tags: ``!ENV`` resolved, any other (``!!python/name``) as None."""

    Loader.add_constructor("!ENV", _env_tag)
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return Loader


def _loader(text: str):
    """A loader of ``text`` for mkdocs.yml (the class is made once, on first use)."""
    return _loader_class()(text)
