"""``toulmin explain``: the rule table on the command line.

``toulmin explain CODE`` prints one rule (title, family, default severity, why it matters,
a line that triggers it and the corrected line, the fix); ``toulmin explain`` lists every
rule, one a line; ``toulmin explain --markdown`` prints the rule list that docs/writing.md
and README.md hold between their ``<!-- rules:start -->`` and ``<!-- rules:end -->``
markers (a test keeps them equal).
"""

from __future__ import annotations

import sys

from toulmin.rules import FAMILIES, RULES, Rule, closest_codes, rules_markdown

MARK_START = "<!-- rules:start -->"
MARK_END = "<!-- rules:end -->"


def describe(rule: Rule) -> str:
    """The full text of one rule, as ``toulmin explain CODE`` prints it."""
    family = next(f for f in FAMILIES if f.prefix == rule.family)
    lines = [f"{rule.code}: {rule.title}",
             "",
             f"family:   {family.prefix} ({family.name})",
             f"severity: {rule.severity}"
             + (f" ({rule.severity_note})" if rule.severity_note else ""),
             ]
    if rule.reserved:
        lines.append("reserved: no check produces it")
    lines += ["", "Why it matters:", f"  {rule.why}",
              "", "Example that triggers it:", f"  {rule.example}",
              "", "Corrected:", f"  {rule.corrected}",
              "", "Fix:", f"  {rule.fix}"]
    return "\n".join(lines)


def listing() -> str:
    """Every rule, one a line: code, severity, title."""
    return "\n".join(f"{r.code:<8} {r.severity:<8} {r.title}" for r in RULES.values())


def run(code: str | None, markdown: bool = False) -> int:
    """The command: 0, or 2 for an unknown code."""
    if markdown:
        sys.stdout.write(rules_markdown())
        return 0
    if code is None:
        print(listing())
        return 0
    rule = RULES.get(code.strip().upper())
    if rule is None:
        near = closest_codes(code)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        print(f"toulmin: unknown rule code '{code}'{hint}", file=sys.stderr)
        return 2
    print(describe(rule))
    return 0


def marked_block(text: str) -> str | None:
    """What ``text`` holds between the rules markers (None without them)."""
    start, end = text.find(MARK_START), text.find(MARK_END)
    if start < 0 or end < start:
        return None
    return text[start + len(MARK_START):end].strip("\n") + "\n"
