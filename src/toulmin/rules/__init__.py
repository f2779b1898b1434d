"""The rule table: every finding code toulmin produces, as ruff documents its rules.

Each ``Rule`` has a stable code, its family (the code's letters), a default severity, a
one-line title, why it matters, a line that triggers it and the corrected line, and the fix.
The tables live one module per family (``rules/citations.py``...); this module gathers them
into ``RULES`` and is the one way a finding is made::

    RULES["CIT001"].at(path, line, column, message, hint)
    finding("CIT001", path, line, column, message, hint)

The severity comes from the table; a call passes ``severity=`` only where the rule says
when it differs (``Rule.severity_note``). Core level: imports only ``toulmin.findings``, so
every layer (the BibTeX loader, the definitions, the CLI) may import it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

from toulmin.findings import ERROR, WARNING, Finding

__all__ = [
    "ERROR",
    "FAMILIES",
    "RULES",
    "WARNING",
    "Family",
    "Rule",
    "closest_codes",
    "families",
    "finding",
    "fix_for",
    "human",
    "rules_markdown",
]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: what it finds, why it matters, and what a triggering line looks like fixed."""

    code: str
    severity: str
    title: str
    why: str
    example: str
    corrected: str
    fix: str
    #: when a finding of this rule takes the other severity, and why ("" when never)
    severity_note: str = ""
    #: a code kept for a rule no code path produces (yet or any more)
    reserved: bool = False

    @property
    def family(self) -> str:
        """The code's letters: CIT, BIB, STA, DATA, CHA, REF, SRC, NEW, CFG, CLI."""
        return self.code.rstrip("0123456789")

    def at(self, path: str, line: int, column: int, message: str, hint: str = "", *,
           severity: str | None = None) -> Finding:
        """A finding of this rule at ``path:line:column``, with the table's severity unless
        ``severity`` overrides it (see ``severity_note``)."""
        return Finding(path, line, column, self.code, severity or self.severity, message, hint)


@dataclass(frozen=True, slots=True)
class Family:
    """The rules sharing a code prefix, as listed in docs/writing.md."""

    prefix: str
    name: str
    heading: str
    intro: str
    rules: tuple[Rule, ...]


#: each family's code prefix and the module of this package holding its table, in the
#: order the code lists give them
_FAMILY_MODULES = {
    "CIT": "citations", "BIB": "bibliography", "STA": "statistics", "DATA": "data",
    "CHA": "charts", "REF": "lock", "SRC": "sources", "DOC": "documents",
    "SEC": "security", "NEW": "new", "CFG": "config", "CLI": "cli",
}


def _family(prefix: str) -> Family:
    import importlib

    return importlib.import_module(f"toulmin.rules.{_FAMILY_MODULES[prefix]}").FAMILY


class _Rules(dict):
    """code -> Rule, each family's table imported on the first look-up of one of its codes.

    A warm check that reports nothing new imports no table; iterating (``explain``, the
    code lists, the tests) imports them all.
    """

    def _load(self, prefix: str) -> None:
        for rule in _family(prefix).rules:
            self.setdefault(rule.code, rule)

    def _load_all(self) -> None:
        if not getattr(self, "_complete", False):
            for prefix in _FAMILY_MODULES:
                self._load(prefix)
            self._complete = True

    def __missing__(self, code: str) -> Rule:
        prefix = code.rstrip("0123456789")
        if prefix in _FAMILY_MODULES and not dict.__contains__(self, f"{prefix}:loaded"):
            self._load(prefix)
            dict.__setitem__(self, f"{prefix}:loaded", None)
            if dict.__contains__(self, code):
                return dict.__getitem__(self, code)
        raise KeyError(code)

    def __contains__(self, code: object) -> bool:
        if isinstance(code, str) and not dict.__contains__(self, code):
            try:
                self[code]
            except KeyError:
                return False
        return dict.__contains__(self, code)

    def get(self, code, default=None):
        """``RULES[code]``, its family's table loaded first; ``default`` for no such rule."""
        try:
            return self[code]
        except KeyError:
            return default

    def _rules(self) -> dict[str, Rule]:
        self._load_all()
        return {k: v for k, v in dict.items(self) if not k.endswith(":loaded")}

    def __iter__(self):
        return iter(self._rules())

    def __len__(self) -> int:
        return len(self._rules())

    def keys(self):
        return self._rules().keys()

    def values(self):
        return self._rules().values()

    def items(self):
        return self._rules().items()


RULES: dict[str, Rule] = _Rules()


def families() -> tuple[Family, ...]:
    """Every family, in the order of the code lists (imports every table)."""
    return tuple(_family(prefix) for prefix in _FAMILY_MODULES)


def __getattr__(name: str):
    if name == "FAMILIES":  # imported on first use, like the tables
        return families()
    raise AttributeError(f"module 'toulmin.rules' has no attribute {name!r}")


def finding(code: str, path: str, line: int, column: int, message: str, hint: str = "", *,
            severity: str | None = None) -> Finding:
    """A finding of rule ``code`` (which must be in the table): ``RULES[code].at(...)``."""
    return RULES[code].at(path, line, column, message, hint, severity=severity)


def fix_for(f: Finding) -> str:
    """What to do about a finding: its own hint, else its rule's ``fix``."""
    if f.hint:
        return f.hint
    rule = RULES.get(f.code)
    return rule.fix if rule is not None else ""


def human(f: Finding) -> str:
    """A finding as the terminal shows it: its line, then an indented ``fix:`` line."""
    fix = fix_for(f)
    return f.format() + (f"\n  fix: {' '.join(fix.split())}" if fix else "")


def closest_codes(code: str, limit: int = 3) -> list[str]:
    """Codes of the table most like ``code`` (for a did-you-mean), nearest first."""
    import difflib

    wanted = code.strip().upper()
    return difflib.get_close_matches(wanted, list(RULES), n=limit, cutoff=0.5)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code_cell(text: str) -> str:
    """``text`` as inline code in a table cell (backticks inside get a longer fence)."""
    if not text:
        return ""
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{_cell(text)}{pad}{fence}"


def rules_markdown() -> str:
    """The rule list of docs/writing.md and README.md (between their ``rules`` markers)."""
    out: list[str] = []
    for fam in families():
        out += [f"### {fam.heading} (`{fam.prefix}`)", ""]
        if fam.intro:
            out += [fam.intro, ""]
        out += ["| code | what it finds | example that triggers it | corrected | fix |",
                "|---|---|---|---|---|"]
        for r in fam.rules:
            code = f"`{r.code}`" + (" (warning)" if r.severity == WARNING else "")
            if r.reserved:
                code += " (reserved)"
            out.append(f"| {code} | {_cell(r.title)} | {_code_cell(r.example)} | "
                       f"{_code_cell(r.corrected)} | {_cell(r.fix)} |")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
