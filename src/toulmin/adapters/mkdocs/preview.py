"""Live preview: a page's check findings as a banner above its content.

Only ``mkdocs serve`` shows banners (a production build still fails on errors). The
banner is plain HTML with every message escaped, since messages quote the author's text
and fields from the reference base.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from toulmin.findings import Finding


def by_document(project, findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by the Markdown document they are about (by ``file_key``)."""
    from toulmin.project import file_key

    paths = {d.path: file_key(d.abs_path) for d in project.documents}
    out: dict[str, list[Finding]] = {}
    for f in findings:
        real = paths.get(f.path)
        if real is not None:
            out.setdefault(real, []).append(f)
    return out


def banner(findings: list[Finding]) -> str:
    """The banner listing ``findings`` (errors first), as HTML."""
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' * (errors != 1)}")
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    items = []
    for f in sorted(findings, key=lambda f: (not f.is_error, f.line, f.column, f.code)):
        kind = "error" if f.is_error else "warning"
        hint = f' <span class="toulmin-banner__hint">{html.escape(f.hint)}</span>' \
            if f.hint else ""
        items.append(
            f'<li class="toulmin-banner__{kind}"><code>{html.escape(f.path)}:{f.line}:'
            f'{f.column}</code> <strong>{html.escape(f.code)}</strong> '
            f"{html.escape(f.message)}{hint}</li>"
        )
    return (
        '<div class="toulmin-banner" role="alert">'
        f'<p class="toulmin-banner__title">toulmin check: {" and ".join(parts)} on this page '
        "(shown in preview only; <code>mkdocs build</code> fails on errors)</p>"
        f'<ul>{"".join(items)}</ul></div>\n'
    )
