"""Findings: the one record every check produces.

Each finding has a stable code (like a linter's), a location, a one-line message and an
optional fix hint. The same list feeds the CLI, the MkDocs build and CI annotations.
A finding an author suppressed at its place (``<!-- toulmin: ignore CODE reason -->``,
``toulmin.scan.suppressions``) keeps ``suppressed=True`` and the comment's ``reason``;
only ``toulmin check --format json`` shows it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem at one place: ``path:line:col: CODE message``."""

    path: str
    line: int
    column: int
    code: str
    severity: str
    message: str
    hint: str = ""
    #: an author suppressed it at its place, for ``reason``
    suppressed: bool = False
    reason: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR and not self.suppressed

    def format(self) -> str:
        """The human form: ``path:line:col: CODE message``."""
        text = f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"
        if self.severity == WARNING:
            text = f"{self.path}:{self.line}:{self.column}: {self.code} warning: {self.message}"
        return text

    def github(self) -> str:
        """A GitHub Actions workflow command that annotates the file and line."""
        kind = "error" if self.is_error else "warning"
        msg = _gh_escape(self.message + (f" ({self.hint})" if self.hint else ""))
        return (
            f"::{kind} file={self.path},line={self.line},col={self.column},"
            f"title={self.code}::{msg}"
        )

    def as_dict(self) -> dict:
        return asdict(self)


def _gh_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def relpath(path: str | os.PathLike, root: str | os.PathLike) -> str:
    """``path`` relative to ``root`` with forward slashes, or as given when outside it."""
    p, r = Path(path), Path(root)
    try:
        return p.resolve().relative_to(r.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Stable order: by file, line, column, code; duplicates removed."""
    return sorted(set(findings))


def to_json(findings: Iterable[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.is_error for f in findings)
