"""Suppressions and per-rule severities: what an author decided about a finding.

**A suppression** silences one rule at one place, with its reason, in the Markdown::

    The programme's motto was "recovery for all". <!-- toulmin: ignore CIT007 a slogan -->

    <!-- toulmin: ignore CIT007, STA005 the programme's slogan, not a quotation -->
    The programme's motto was "recovery for all", said 40 times a day.

The comment applies to findings on its own line, or, when it stands alone on its line,
to findings on the next line. It names one or more rule codes (comma-separated), then the
reason (required). A comment without a reason, naming no code or an unknown code
is CFG004 (an error, at the comment); one that matches no finding is CFG005 (a warning).
Comments inside code (fenced or indented blocks, code spans) are examples, not
suppressions. A suppressed finding keeps ``suppressed=True`` and the reason; it counts
for nothing (``Finding.is_error`` is false) and only JSON output shows it.

**Severities** come from the ``rules`` option (``Settings.severities()``): a rule set to
``warning`` or ``error`` has its findings' severity changed; ``off`` drops them. They are
applied to the findings after the check (and its cache), so changing them re-checks
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from toulmin.findings import WARNING, Finding
from toulmin.rules import RULES
from toulmin.scan.masking import Lines, mask_code

#: a comment ``<!-- toulmin: ignore ... -->`` (the body is parsed by ``parse``)
_COMMENT = re.compile(r"<!--\s*toulmin\s*:\s*ignore\b(?P<body>.*?)-->", re.S | re.I)
#: a rule code, or what looks like a misspelt one (reported as unknown)
_CODE = re.compile(r"[A-Za-z]{2,5}\d{1,4}\b")
#: between codes: a comma (the reason may itself start with a code-like word)
_NEXT = re.compile(r"\s*,\s*")
_REASON_LEAD = re.compile(r"^[\s:\-–—]+")
#: a stand-in for ``<!--`` of the same length, which ``mask_code`` leaves alone, so that
#: only the comments inside code are blanked
_OPEN_STANDIN = "<!\x01\x01"


@dataclass(frozen=True, slots=True)
class Suppression:
    """One ``<!-- toulmin: ignore CODES reason -->`` comment."""

    line: int
    column: int
    codes: tuple[str, ...]
    reason: str
    #: the lines whose findings it silences (its own; and the next when alone on its line)
    lines: tuple[int, ...]


def find(text: str) -> list[Suppression]:
    """The suppression comments of a Markdown text that lie outside code, in order."""
    if "toulmin" not in text or "<!--" not in text:
        return []
    visible = mask_code(text.replace("<!--", _OPEN_STANDIN))
    lines = Lines(text)
    out: list[Suppression] = []
    for m in _COMMENT.finditer(text):
        if not visible.startswith(_OPEN_STANDIN, m.start()):
            continue  # inside code: an example
        line, column = lines.pos(m.start())
        end_line, _ = lines.pos(m.end())
        codes, reason = parse(m["body"])
        start = lines.starts[line - 1]
        end = lines.starts[end_line] if end_line < len(lines.starts) else len(text)
        alone = not (text[start:m.start()].strip() or text[m.end():end].strip())
        applies = (*range(line, end_line + 1), end_line + 1) if alone else (line,)
        out.append(Suppression(line, column, codes, reason, applies))
    return out


def parse(body: str) -> tuple[tuple[str, ...], str]:
    """(the codes, the reason) of a comment's text after ``ignore``."""
    codes: list[str] = []
    pos = len(body) - len(body.lstrip())
    while True:
        m = _CODE.match(body, pos)
        if m is None:
            break
        codes.append(m.group().upper())
        pos = m.end()
        sep = _NEXT.match(body, pos)
        if sep is None or _CODE.match(body, sep.end()) is None:
            break
        pos = sep.end()
    reason = _REASON_LEAD.sub("", body[pos:]).strip()
    return tuple(codes), " ".join(reason.split())


def problems(path: str, suppressions: Iterable[Suppression]) -> list[Finding]:
    """CFG004 for each comment without a code, with an unknown code or without a reason."""
    out = []
    for s in suppressions:
        unknown = [c for c in s.codes if c not in RULES]
        if not s.codes:
            msg = "a suppression names no rule code"
        elif unknown:
            msg = f"a suppression names an unknown rule code '{unknown[0]}'"
        elif not s.reason:
            msg = f"a suppression of {', '.join(s.codes)} gives no reason"
        else:
            continue
        out.append(RULES["CFG004"].at(path, s.line, s.column, msg))
    return out


def apply(findings: Iterable[Finding], suppressions: Mapping[str, list[Suppression]],
          severities: Mapping[str, str]) -> list[Finding]:
    """The findings with the authors' decisions applied: each finding at a suppressed place
    marked suppressed (with the reason), CFG004/CFG005 for the comments themselves, then
    the ``rules`` severities (``off`` drops a finding). Order is kept."""
    marked: list[Finding] = []
    used: set[tuple[str, int, int]] = set()
    index: dict[tuple[str, int], list[Suppression]] = {}
    for path, found in suppressions.items():
        for s in found:
            if s.codes and s.reason and all(c in RULES for c in s.codes):
                for ln in s.lines:
                    index.setdefault((path, ln), []).append(s)
    for f in findings:
        hit = next((s for s in index.get((f.path, f.line), ()) if f.code in s.codes), None)
        if hit is not None:
            used.add((f.path, hit.line, hit.column))
            f = replace(f, suppressed=True, reason=hit.reason)
        marked.append(f)
    for path, found in suppressions.items():
        marked += problems(path, found)
        for s in found:
            if (s.codes and s.reason and all(c in RULES for c in s.codes)
                    and (path, s.line, s.column) not in used):
                marked.append(RULES["CFG005"].at(
                    path, s.line, s.column,
                    f"this suppression of {', '.join(s.codes)} matches no finding on its "
                    "line" + (" or the next" if len(s.lines) > 1 else "")))
    return with_severities(marked, severities)


def with_severities(findings: Iterable[Finding], severities: Mapping[str, str]) -> list[Finding]:
    """``findings`` with each rule's severity from the ``rules`` option (``off``: dropped)."""
    if not severities:
        return list(findings)
    out = []
    for f in findings:
        level = severities.get(f.code)
        if level == "off":
            continue
        if level in ("error", WARNING) and level != f.severity:
            f = replace(f, severity=level)
        out.append(f)
    return out
