"""Document rules DOC001-DOC009: what cannot be read as written.

The bytes (not UTF-8, a NUL: found when the project reads the file, ``project.decode_text``),
the front matter (never closed, not YAML, a post's date that is no date, a post without a
title), and the citations and quoted statistics that are none (``[@]``, ``[@key`` never
closed, ``{stat=}``). Each is one finding at its line, so a malformed post fails the check
instead of being published silently wrong.
"""

from __future__ import annotations

import datetime as dt
import re

from toulmin.checks.interface import DOCUMENT, DocumentContext, check
from toulmin.findings import ERROR, Finding
from toulmin.rules import RULES
from toulmin.scan.citations import malformed_citations
from toulmin.scan.masking import Lines
from toulmin.scan.statrefs import empty_stat_names

#: MkDocs' front matter: a first line ``---``, closed by a line ``---`` or ``...``
_OPENING = re.compile(r"\A\ufeff?---[ \t]*\r?\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_HEADING = re.compile(r"^#[ \t]+\S", re.MULTILINE)


@check(DOCUMENT, families=("DOC",))
def document_rules(ctx: DocumentContext) -> list[Finding]:
    out = list(getattr(ctx.document, "read_findings", ()))
    text = ctx.text
    is_post = _is_post(ctx)
    body_start, source = 0, ""
    opening = _OPENING.match(text)
    if opening:
        closing = _CLOSING.search(text, opening.end())
        if closing is None:
            out.append(RULES["DOC003"].at(
                ctx.path, 1, 1, "front matter never closes: the whole document is read as "
                "front matter", "close the front matter with a line `---`"))
            return out + _body_rules(ctx)
        body_start = closing.end()
        source = text[opening.end():closing.start()]
        meta = _front_matter(ctx.path, source, out)
    else:
        meta = {}
    if is_post and meta is not None:
        out.extend(_post_rules(ctx.path, text, meta, body_start, source))
    return out + _body_rules(ctx)


def _is_post(ctx: DocumentContext) -> bool:
    if ctx.site is None:
        return False
    posts = ctx.site.settings.posts_dir.strip("/")
    return bool(posts) and ctx.path.startswith(posts + "/")


def _front_matter(path: str, source: str, out: list[Finding]) -> dict | None:
    """The front matter's mapping; None (and a DOC004 or DOC005 finding) when it cannot
    be read."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        meta = yaml.load(source, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 2, mark.column + 1) if mark else (2, 1)
        problem = exc.problem or "not valid YAML"
        if mark and _char_at(source, mark.line, mark.column) == "\t":
            problem = "a tab (YAML indents with spaces, never tabs)"
        out.append(RULES["DOC004"].at(path, line, col, f"front matter is not valid YAML: "
                                      f"{problem}", "quote the value; indent with spaces"))
        return None
    except ValueError as exc:  # a value YAML reads but cannot build: date: 2026-13-45
        where = _bad_timestamp(source)
        if where is None:  # an integer of more than 4,300 digits
            out.append(RULES["DOC004"].at(path, 2, 1, f"front matter is not valid YAML: "
                                          f"{str(exc)[:80]}", "quote the value"))
            return None
        out.append(RULES["DOC005"].at(path, *where, f"not a date: {exc}",
                                      "write the date as YYYY-MM-DD"))
        return None
    except (yaml.YAMLError, RecursionError) as exc:
        out.append(RULES["DOC004"].at(path, 2, 1, f"front matter is not valid YAML: "
                                      f"{type(exc).__name__}", "simplify the front matter"))
        return None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        out.append(RULES["DOC004"].at(path, 2, 1, "front matter is not a mapping of "
                                      "`name: value` lines", "write `title: ...` lines"))
        return None
    return meta


#: what YAML reads as a date (its timestamp's date part): then built, and it may fail
_TIMESTAMP = re.compile(r"(?<![\w.-])(\d{4})-(\d\d?)-(\d\d?)(?![\w.-]|:\d)")


def _bad_timestamp(source: str) -> tuple[int, int] | None:
    """The line and column (in the document) of the first date YAML reads but cannot
    build (``2026-13-45``, ``2026-02-30``), so that the finding points at it even under
    ``date: {created: ...}``; None when none is found."""
    for m in _TIMESTAMP.finditer(source):
        try:
            dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            start = source.rfind("\n", 0, m.start()) + 1
            return source.count("\n", 0, m.start()) + 2, m.start() - start + 1
    return None


def _char_at(source: str, line: int, column: int) -> str:
    lines = source.split("\n")
    return lines[line][column:column + 1] if line < len(lines) else ""


def _key_line(source: str, key: str) -> int:
    m = re.search(rf"^{re.escape(key)}[ \t]*:", source, re.MULTILINE)
    return source.count("\n", 0, m.start()) + 2 if m else 2


def _post_rules(path: str, text: str, meta: dict, body_start: int, source: str
                ) -> list[Finding]:
    out = []
    title = meta.get("title")
    if title is None or (isinstance(title, str) and not title.strip()):
        if not _HEADING.search(text, body_start):
            out.append(RULES["DOC006"].at(path, 1, 1, "a post without a title",
                                          "add `title:` to the front matter"))
    elif not isinstance(title, (str, int, float)):
        out.append(RULES["DOC006"].at(path, _key_line(source, "title"), 1,
                                      "the title is not text", "write `title: Text`",
                                      severity=ERROR))
    if "date" in meta and not _is_date(meta["date"]):
        out.append(RULES["DOC005"].at(path, _key_line(source, "date"), 1,
                                      f"not a date: {_shown(meta['date'])}",
                                      "write the date as YYYY-MM-DD"))
    return out


def _shown(value) -> str:
    """``value`` for a message: a scalar's first 40 characters, or what kind of YAML value
    it is (never ``str()`` of a list or mapping: aliases can make it exponentially long)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(str(value)[:40])


def _is_date(value) -> bool:
    """A date or a datetime, or Material's ``{created: ..., updated: ...}`` of them."""
    if isinstance(value, dt.date):
        return True
    if isinstance(value, dict) and value:
        return all(isinstance(v, dt.date) or (isinstance(v, list) and v and all(
            isinstance(x, dt.date) for x in v)) for v in value.values())
    return False


def _body_rules(ctx: DocumentContext) -> list[Finding]:
    masked = ctx.scan.citations.masked
    lines = Lines(ctx.text)
    out = []
    for kind, line, col in malformed_citations(masked, lines):
        if kind == "empty":
            out.append(RULES["DOC007"].at(ctx.path, line, col, "an empty citation: `@` "
                                          "names no work", "write the key after the @"))
        else:
            out.append(RULES["DOC008"].at(ctx.path, line, col, "a citation that never "
                                          "closes: `[@` without `]` in its paragraph",
                                          "close the bracket"))
    for offset in empty_stat_names(masked):
        line, col = lines.pos(offset)
        out.append(RULES["DOC009"].at(ctx.path, line, col, "a statistic quoted without a "
                                      "name: `stat=` is empty",
                                      "write the statistic's name after `stat=`"))
    return out
