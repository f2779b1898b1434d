"""APA 7 reference-list entries and in-text citations, rendered natively.

This module turns the ``Reference`` records of ``bibliography.bibtex`` into the style of the
*Publication Manual of the American Psychological Association* (7th ed., 2020), without
pandoc or any citeproc at run time. Its behaviour was fixed against pandoc's citeproc with
``apa.csl`` (the CSL "APA Style 7th edition" style) as the oracle: ``tests/test_apa_oracle.py``
renders real reference bases both ways and lists every remaining difference with its reason.

Sections of the Manual that the code follows:

* In-text citations: author–date system (§8.10), parenthetical and narrative forms
  (§8.11), several works in one citation in reference-list order, separated by semicolons,
  with the years of one author's works joined by commas (§8.12), specific parts and page
  numbers (§8.13), unknown author: the title, in quotation marks or italics (§8.14), the
  number of authors to name (one or two always, three or more as "et al.", §8.17), names
  added until two et al. citations differ (§8.18), year suffixes for works with the same
  author and date (§8.19), initials for first authors who share a surname (§8.20). "&"
  joins names inside parentheses and "and" in running text (§8.17).
* Reference list: the author element, up to 20 authors and then an ellipsis and the final
  author (§9.8), group authors (§9.11), editors in place of authors (§9.10, "(Eds.)"), no
  author: the title moves to the author position (§9.12); the date, "n.d." (§9.13–9.17);
  the title in sentence case, italic for works that stand alone, with descriptions in
  square brackets (§9.18–9.22, §6.17); the source: periodical title in title case and
  italic with italic volume (§9.25), edited book chapters (§9.28), publishers (§9.29),
  websites (§9.33), DOIs as https://doi.org/ links and URLs only without a DOI
  (§9.34–9.36), retrieval dates for pages that change (§9.16); page ranges with an en
  dash (§6.6); order of the list (§9.44–9.48).

How titles are cased follows what pandoc does with BibTeX titles: English titles are
turned into sentence case, except the brace-protected phrases of ``ref.protected``; words
with capitals after the first letter ("IAPT", "GaN") keep their case. Journal titles are
shown in title case (apa.csl's ``text-case="title"``). Both use citeproc's word-by-word
rules, so a title renders the same here and in pandoc.

Where the Manual and pandoc part, this module follows the Manual: a name's particle stays
with the surname ("van Straten, A."; pandoc: "Straten, A. van"), "and" joins two names in
running text (pandoc: "&"), the works of one citation come in reference-list order and the
reference list is ordered by initials letter by letter (citeproc compares full given names),
"No." rather than "Nos." for a report number such as 18-2059, and a publisher such as
"Department of Health and Social Care" is not split at "and" (pandoc reads .bib files as
biblatex, whose lists split there). URLs are linked only when they are http or https.

Entries are memoised on the content hash that ``bibliography.bibtex`` gives each Reference, and
the list-wide facts that citations need (names to add, initials) on the identity of the
``refs`` mapping, so a build pays for each entry once.

Public API: :func:`reference_text`, :func:`reference_html`, :func:`sort_key`,
:func:`year_suffixes`, :func:`author_short`, :func:`render_citation` and
:func:`disambiguate_names`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from toulmin.bibliography.model import Reference
from toulmin.bibliography.names import Name, parse_names
from toulmin.scan.model import Citation, CiteItem

__all__ = [
    "author_short",
    "disambiguate_names",
    "reference_html",
    "reference_text",
    "render_citation",
    "sort_key",
    "year_suffixes",
]

# A rendered fragment is a pair: (plain text, HTML).
Frag = tuple[str, str]
_EMPTY: Frag = ("", "")


_NEEDS_ESCAPE = re.compile("[&<>\"']")


def _esc(s: str) -> str:
    return html.escape(s, quote=True) if _NEEDS_ESCAPE.search(s) else s


def _plain(s: str) -> Frag:
    return (s, _esc(s)) if s else _EMPTY


def _em(f: Frag) -> Frag:
    return (f[0], "<em>" + f[1] + "</em>") if f[0] else _EMPTY


# --------------------------------------------------------------------------- punctuation

# What to keep when one piece ends and the next starts with punctuation (citeproc's
# table, which is citeproc-js's): 1 keep the first, 2 keep the second, 0 keep both.
_PUNCT_COLLISION = {
    ("!", "."): 1, ("!", ":"): 1, ("?", "."): 1, ("?", ":"): 1,
    (":", "!"): 2, (":", "?"): 2, (":", "."): 1,
    (",", ","): 1, (";", "!"): 2, (";", "?"): 2, (";", ":"): 1, (";", "."): 1,
    (";", ";"): 1, (".", "."): 1,
}  # fmt: skip
_END_PUNCT = frozenset(".,;:!?")
_TRAILING_TAGS = re.compile(r"(?:</?[a-z]+[^>]*>)*$")


def _drop_last_char(h: str) -> str:
    m = _TRAILING_TAGS.search(h)
    cut = m.start() if m else len(h)
    return h[: cut - 1] + h[cut:]


def _append(acc: Frag, nxt: Frag) -> Frag:
    """Concatenate, resolving doubled punctuation and moving "." and "," inside quotes."""
    t, h = acc
    nt, nh = nxt
    if not t:
        return nxt
    if not nt:
        return acc
    first = nt[0]
    if first in _END_PUNCT:
        last = t[-1]
        if last == "”" and first in ".," and h.endswith("”"):
            # American usage (and apa.csl's en-US locale): the period or comma goes inside.
            inner = t[-2] if len(t) > 1 else ""
            i = h.rfind("”")
            if inner in _END_PUNCT:
                return (t + nt[1:], h + nh[1:])
            return (t[:-1] + first + "”" + nt[1:], h[:i] + first + h[i:] + nh[1:])
        rule = _PUNCT_COLLISION.get((last, first))
        if rule == 1:
            return (t + nt[1:], h + nh[1:])
        if rule == 2:
            return (t[:-1] + nt, _drop_last_char(h) + nh)
    return (t + nt, h + nh)


_DELIMS: dict[str, Frag] = {}


def _join(frags: Iterable[Frag], delim: str) -> Frag:
    out = _EMPTY
    d = _DELIMS.get(delim)
    if d is None:
        d = _DELIMS[delim] = _plain(delim)
    for f in frags:
        if not f[0]:
            continue
        out = _append(_append(out, d), f) if out[0] else f
    return out


def _affix(f: Frag, prefix: str = "", suffix: str = "") -> Frag:
    if not f[0]:
        return _EMPTY
    out = _append(_plain(prefix), f) if prefix else f
    return _append(out, _plain(suffix)) if suffix else out


# --------------------------------------------------------------------------- case rules

# Pieces of a title: (kind, text). Kinds: plain text, a brace-protected phrase, and the
# opening or closing mark of a quotation (text "d" or "s" for double or single).
_TXT, _NOC, _QO, _QC = 0, 1, 2, 3

# citeproc's states while it walks a title word by word.
_START, _START_SENT, _AFTER_WORD_END, _AFTER_WORD_CHAR, _AFTER_SENT_PUNCT, _BEFORE_LAST = range(6)
_WORD_BREAK = frozenset("-/\u2013\u2014")
_WORD_BREAK_RE = re.compile("[-/\u2013\u2014]")
_SENT_PUNCT = frozenset(".?!:")
_STOP_WORDS = frozenset(
    (
        "a", "an", "and", "as", "at", "but", "by", "down", "for", "from", "in", "into", "nor",
        "of", "on", "onto", "or", "over", "so", "the", "till", "to", "up", "via", "with", "yet",
        "about", "van", "von", "de", "d", "l",
    )
)  # fmt: skip
_AT_START = (_START, _START_SENT)


def _all_lower(w: str) -> bool:
    # citeproc's test is per character: "covid19" is not all lower case.
    return w.islower() and w.isalpha()


def _is_capitalized(w: str) -> bool:
    return w[0].isupper() and (len(w) == 1 or _all_lower(w[1:]))


def _sentence_word(st: int, w: str) -> str:
    """citeproc's sentence case: "Capitalized" words are lowered, others kept."""
    rest = w[1:]
    if st in _AT_START:
        if (w[0].isupper() and (not rest or (rest.islower() and rest.isalpha()))) or (
            w.islower() and w.isalpha()
        ):
            return w[0].upper() + rest.lower()
        return w
    if w[0].isupper() and (not rest or (rest.islower() and rest.isalpha())):
        return w.lower()
    return w


def _title_word(st: int, w: str) -> str:
    """citeproc's title case: lower-case words are capitalized, except stop words."""
    if w == w.upper():  # no lower-case letter: "IAPT", "2D"
        return w
    if w != w.lower():  # mixed case: "iPhone", "McDonald"
        return w
    if st in _AT_START:
        return w[0].upper() + w[1:]
    if len(w) > 1 and (st == _BEFORE_LAST or (st == _AFTER_WORD_END and w not in _STOP_WORDS)):
        return w[0].upper() + w[1:]
    return w


def _capfirst_word(st: int, w: str) -> str:
    if st == _START and _all_lower(w):
        return w[0].upper() + w[1:]
    return w


def _gap_state(st: int, gap: str) -> int:
    """The state after the characters between two words."""
    prev_space = False
    for ch in gap:
        if ch in _SENT_PUNCT:
            st = _AFTER_SENT_PUNCT
        elif ch.isspace():
            if not prev_space:  # a run of spaces is one step
                st = _START_SENT if st == _AFTER_SENT_PUNCT else _AFTER_WORD_END
            prev_space = True
            continue
        elif ch in _WORD_BREAK:
            st = _AFTER_WORD_END
        elif ch.isalnum():
            st = _AFTER_WORD_CHAR
        prev_space = False
    return st


_SPLIT_WORDS = re.compile(r"([^\W_]+)")


def _walk_sentence(text: str, st: int, out: list[str]) -> int:
    """``_walk`` for sentence case, fast on the usual space-separated plain words."""
    prev_empty = False
    for j, tok in enumerate(text.split(" ")):
        if j:
            out.append(" ")
            if not prev_empty:  # a run of spaces is one step
                st = _START_SENT if st == _AFTER_SENT_PUNCT else _AFTER_WORD_END
        prev_empty = not tok
        if not tok:
            continue
        if tok.isalpha():
            if st in _AT_START:
                tok = _sentence_word(st, tok)
            elif tok[0].isupper():
                rest = tok[1:]
                if not rest or rest.islower():
                    tok = tok.lower()
            out.append(tok)
            st = _AFTER_WORD_CHAR
        else:
            st = _walk(tok, st, _sentence_word, out)
    return st


def _walk_sentence_with(
    text: str, st: int, _word: Callable[[int, str], str], out: list[str]
) -> int:
    return _walk_sentence(text, st, out)


def _walk(text: str, st: int, word: Callable[[int, str], str], out: list[str]) -> int:
    parts = _SPLIT_WORDS.split(text)  # gap, word, gap, word, ..., gap
    for i, part in enumerate(parts):
        if i % 2:
            out.append(word(st, part))
            st = _AFTER_WORD_CHAR
        elif part:
            out.append(part)
            if part == " ":
                st = _START_SENT if st == _AFTER_SENT_PUNCT else _AFTER_WORD_END
            else:
                st = _gap_state(st, part)
    return st


def _transform(
    pieces: Iterable[tuple[int, str]], word: Callable[[int, str], str]
) -> tuple[tuple[int, str], ...]:
    """Apply a citeproc case transformation (``word`` maps a state and a word to a word).

    Brace-protected pieces are left alone but move the state on; quotation marks are
    transparent. The last word of a title is treated as citeproc treats it.
    """
    if not isinstance(pieces, tuple):
        pieces = tuple(pieces)
    last_idx, last_at = -1, -1
    if pieces and pieces[-1][0] == _TXT:
        text = pieces[-1][1]
        cut = text.rfind(" ")
        if "\t" in text or "\n" in text:
            cut = max(cut, text.rfind("\t"), text.rfind("\n"))
        tail = text[cut + 1 :]
        if tail and (cut >= 0 or len(pieces) > 1) and not _WORD_BREAK_RE.search(tail):
            last_idx, last_at = len(pieces) - 1, cut + 1
    st = _START
    out: list[tuple[int, str]] = []
    walk = _walk_sentence_with if word is _sentence_word else _walk
    for i, (kind, text) in enumerate(pieces):
        if kind == _NOC:
            stripped = text.rstrip()
            if stripped:
                st = _gap_state(st, stripped[-1])
            out.append((kind, text))
            continue
        if kind != _TXT:
            out.append((kind, text))
            continue
        buf: list[str] = []
        if i == last_idx:
            if last_at:
                st = walk(text[:last_at], st, word, buf)
            if st in (_AFTER_WORD_END, _START_SENT, _START):
                st = _BEFORE_LAST
            st = walk(text[last_at:], st, word, buf)
        else:
            st = walk(text, st, word, buf)
        out.append((kind, "".join(buf)))
    return tuple(out)


# --------------------------------------------------------------------------- titles


def _segment(text: str, phrases: Iterable[str]) -> list[tuple[int, str]]:
    """Split decoded text into plain and brace-protected pieces (found left to right)."""
    out: list[tuple[int, str]] = []
    pos = 0
    for ph in phrases:
        i = _find_phrase(text, ph, pos)
        if i < 0:
            continue
        if i > pos:
            out.append((_TXT, text[pos:i]))
        out.append((_NOC, ph))
        pos = i + len(ph)
    if pos < len(text):
        out.append((_TXT, text[pos:]))
    return out


def _find_phrase(text: str, ph: str, pos: int) -> int:
    """Where a protected phrase is, as ``ref.protected`` gives phrases without positions.

    Of the occurrences after ``pos``, the first is taken that stands as whole words ("{I}"
    in "Ionicity scales. {I}." is the second "I"), preferring one that sentence case would
    lower ("(In,Ga)N" rather than the title's first word "In"); failing that, the first
    occurrence ("{É}cole").
    """
    best, best_score = -1, -1
    i = text.find(ph, pos)
    seen = 0
    while i >= 0 and seen < 8:
        end = i + len(ph)
        before = text[i - 1] if i > 0 else " "
        after = text[end] if end < len(text) else " "
        whole = not (before.isalnum() and ph[0].isalnum()) and not (
            after.isalnum() and ph[-1].isalnum()
        )
        # A whole-word phrase matters where sentence case would lower its first word.
        score = 2 + (i > 0 and _is_capitalized(ph.split(" ", 1)[0] or " ")) if whole else 0
        if score == 3:
            return i
        if score > best_score:
            best, best_score = i, score
        seen += 1
        i = text.find(ph, i + 1)
    return best


_QUOTE_CHARS = re.compile("[`'\u201c\u201d]")


def _smart_quotes(pieces: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """LaTeX quotes as pandoc reads them: `x' and ``x'' quote, a lone ' is an apostrophe."""
    if not any(k == _TXT and _QUOTE_CHARS.search(t) for k, t in pieces):
        return pieces
    out: list[tuple[int, str]] = []
    stack: list[tuple[str, int]] = []  # (quote type, index of the opening token in out)
    for kind, text in pieces:
        if kind != _TXT or not _QUOTE_CHARS.search(text):
            out.append((kind, text))
            continue
        start = 0
        for m in _QUOTE_CHARS.finditer(text):
            i = m.start()
            ch = m.group()
            before = text[start:i]
            nxt = text[i + 1 : i + 2]
            if ch == "'":
                if stack and stack[-1][0] == "s" and not nxt.isalnum():
                    if before:
                        out.append((_TXT, before))
                    stack.pop()
                    out.append((_QC, "s"))
                else:
                    out.append((_TXT, before + "\u2019"))
                start = i + 1
                continue
            if ch == "\u201d":
                if stack and stack[-1][0] == "d":
                    if before:
                        out.append((_TXT, before))
                    stack.pop()
                    out.append((_QC, "d"))
                else:
                    out.append((_TXT, before + ch))
                start = i + 1
                continue
            if before:
                out.append((_TXT, before))
            stack.append(("s" if ch == "`" else "d", len(out)))
            out.append((_QO, "s" if ch == "`" else "d"))
            start = i + 1
        if start < len(text):
            out.append((_TXT, text[start:]))
    for qtype, idx in stack:  # unmatched openers stay as characters
        out[idx] = (_TXT, "\u2018" if qtype == "s" else "\u201c")
    merged: list[tuple[int, str]] = []
    for kind, text in out:
        if kind == _TXT and merged and merged[-1][0] == _TXT:
            merged[-1] = (_TXT, merged[-1][1] + text)
        elif kind != _TXT or text:
            merged.append((kind, text))
    return merged


@lru_cache(maxsize=8192)
def _cased(text: str, phrases: tuple[str, ...], mode: str) -> tuple[tuple[int, str], ...]:
    if "..." in text:  # pandoc's smart punctuation: an ellipsis
        text = text.replace("...", "\u2026")
        phrases = tuple(p.replace("...", "\u2026") for p in phrases)
    pieces = _smart_quotes(_segment(text, phrases))
    if mode == "sentence":
        return _transform(pieces, _sentence_word)
    if mode == "title":
        return _transform(pieces, _title_word)
    return tuple(pieces)


def _render_pieces(pieces: Iterable[tuple[int, str]], level: int = 0) -> Frag:
    """Text and HTML of title pieces; quotation marks alternate double and single."""
    t: list[str] = []
    depth = level
    for kind, text in pieces:
        if kind == _QO:
            t.append("\u201c" if depth % 2 == 0 else "\u2018")
            depth += 1
        elif kind == _QC:
            depth -= 1
            t.append("\u201d" if depth % 2 == 0 else "\u2019")
        else:
            t.append(text)
    s = "".join(t)
    return (s, _esc(s))


@lru_cache(maxsize=8192)
def _title_case(pieces: tuple[tuple[int, str], ...]) -> tuple[tuple[int, str], ...]:
    return _transform(pieces, _title_word)


def _capfirst(s: str) -> str:
    return "".join(p for _k, p in _transform([(_TXT, s)], _capfirst_word)) if s else s


@lru_cache(maxsize=4096)
def _title_case_text(s: str) -> str:
    return "".join(p for _k, p in _transform([(_TXT, s)], _title_word)) if s else s


# --------------------------------------------------------------------------- item model

_CSL_TYPES = {
    "article": "article-journal", "periodical": "article-journal",
    "suppperiodical": "article-journal", "book": "book", "collection": "book",
    "manual": "book", "mvbook": "book", "mvcollection": "book", "mvproceedings": "book",
    "mvreference": "book", "proceedings": "book", "reference": "book", "software": "book",
    "commentary": "book", "booklet": "pamphlet", "bookinbook": "chapter", "inbook": "chapter",
    "incollection": "chapter", "suppbook": "chapter", "suppcollection": "chapter",
    "inreference": "entry-encyclopedia", "inproceedings": "paper-conference",
    "mastersthesis": "thesis", "phdthesis": "thesis", "thesis": "thesis", "misc": "",
    "online": "webpage", "electronic": "webpage", "www": "webpage", "patent": "patent",
    "report": "report", "techreport": "report", "unpublished": "manuscript",
    "dataset": "dataset", "data": "dataset", "artwork": "graphic", "image": "graphic",
    "audio": "song", "music": "song", "movie": "motion_picture", "video": "motion_picture",
    "performance": "speech", "letter": "personal_communication",
    "letters": "personal_communication", "newsarticle": "article-newspaper",
    "review": "review",
}  # fmt: skip
_WEBPAGE_TYPES = frozenset(("online", "electronic", "www"))
_CHAPTERLIKE = frozenset(("inbook", "incollection", "inproceedings", "inreference", "bookinbook"))
_BOOKLIKE_NUMBER = frozenset((
    "book", "collection", "proceedings", "reference", "mvbook", "mvcollection",
    "mvproceedings", "mvreference", "bookinbook", "inbook", "incollection", "inproceedings",
    "inreference", "suppbook", "suppcollection",
))  # fmt: skip
_SERIAL = frozenset((
    "article-journal", "article-magazine", "article-newspaper", "periodical", "post-weblog",
    "review", "review-book",
))  # fmt: skip
_FULL_DATE = frozenset((
    "article-magazine", "article-newspaper", "broadcast", "collection", "document", "event",
    "motion_picture", "pamphlet", "performance", "personal_communication", "post",
    "post-weblog", "song", "speech", "webpage",
))  # fmt: skip
_GENERIC_TERMS = {
    "dataset": "Data set", "figure": "Figure", "graphic": "Graphic", "map": "Map",
    "motion_picture": "Film", "song": "Song", "software": "Computer software",
    "post": "Online post", "review": "Review", "review-book": "Review of the book",
    "broadcast": "Broadcast", "collection": "Collection",
}  # fmt: skip
_GENRES = {
    "phdthesis": "PhD thesis", "mathesis": "Master\u2019s thesis",
    "mastersthesis": "Master\u2019s thesis", "techreport": "technical report",
    "resreport": "research report", "software": "computer software", "datacd": "CD-ROM",
    "audiocd": "audio CD",
}  # fmt: skip
_ENGLISH = frozenset((
    "english", "american", "british", "canadian", "australian", "newzealand", "usenglish",
    "ukenglish", "en",
))  # fmt: skip
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTH_NUM = {m[:3].lower(): i + 1 for i, m in enumerate(_MONTHS)}
_NUMERIC_CHUNK = re.compile(r"\d")
_NUMERIC_PARTS = re.compile(r"[,&\-\u2013]")
_PAGE_PARTS = re.compile(r"(\s*[,&]\s*)")
_RANGE_MARK = re.compile(r"[\-\u2013,&]")
_LEADING_INT = re.compile(r"\d+")
_INT = re.compile(r"^-?\d+$")
_DATE = re.compile(r"^(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _is_english(ref: Reference) -> bool:
    lang = (ref.fields.get("langid") or ref.fields.get("hyphenation") or "").strip().lower()
    if not lang:
        return True
    return lang in _ENGLISH or lang.startswith("en-") or lang.startswith("english")


def _is_numeric(s: str) -> bool:
    """CSL's test: each part between ",", "-" and "&" holds a digit and no space."""
    if not s:
        return False
    s = s.replace(", ", ",").replace("& ", "&")
    return all(
        _NUMERIC_CHUNK.search(part) and not any(c.isspace() for c in part)
        for part in _NUMERIC_PARTS.split(s)
    )


def _month(value: str) -> int:
    value = value.strip().rstrip(".")
    if not value:
        return 0
    if value.isdigit():
        n = int(value)
        return n if 1 <= n <= 12 else 0
    return _MONTH_NUM.get(value[:3].lower(), 0)


class _Date:
    """An issued or accessed date: year (0 when not a number), month, day, or a literal."""

    __slots__ = ("day", "end_year", "literal", "month", "year")

    def __init__(self, year: int = 0, month: int = 0, day: int = 0, literal: str = ""):
        self.year, self.month, self.day, self.literal = year, month, day, literal
        self.end_year = 0

    def years(self) -> str:
        """ "2020", a range "2010–2012", or the literal ("in press")."""
        if not self.year:
            return self.literal
        if self.end_year and self.end_year != self.year:
            return f"{self.year}\u2013{self.end_year}"
        return str(self.year)

    def __bool__(self) -> bool:
        return bool(self.year or self.literal)

    def text(self) -> str:
        """Long form: "September 13, 2021"."""
        if not self.year:
            return self.literal
        if self.month and self.day:
            return f"{_MONTHS[self.month - 1]} {self.day}, {self.year}"
        if self.month:
            return f"{_MONTHS[self.month - 1]} {self.year}"
        return str(self.year)


_NO_DATE = _Date()


def _parse_date(value: str) -> _Date:
    value = value.strip()
    m = _DATE.match(value)
    if not m:
        return _Date(literal=value) if value else _Date()
    y, mo, d = m.groups()
    date = _Date(int(y), int(mo or 0), int(d or 0))
    if "/" in value:  # an EDTF range, "2010/2012"
        end = _DATE.match(value.split("/", 1)[1].strip())
        if end:
            date.end_year = int(end.group(1))
    return date


def _issued(ref: Reference) -> _Date:
    f = ref.fields
    if f.get("date"):
        return _parse_date(f["date"])
    year = f.get("year", "").strip()
    if not year:
        return _Date()
    if _INT.match(year):
        day = f.get("day", "").strip()
        return _Date(int(year), _month(f.get("month", "")), int(day) if day.isdigit() else 0)
    return _Date(literal=year)


class _Item:
    """The CSL variables pandoc's BibTeX reader would give apa.csl, from one Reference."""

    __slots__ = (
        "accessed", "author", "chapter", "collection_number", "collection_title",
        "container", "container_author", "doi", "edition", "editor", "english", "genre",
        "issue", "issued", "number", "page", "publisher", "ref", "status", "title",
        "translator", "type", "url", "version", "volume", "volumes",
    )  # fmt: skip

    def __init__(self, ref: Reference):
        f = ref.fields
        get = f.get
        et = ref.type.lower()
        self.ref = ref
        ctype = _CSL_TYPES.get(et, "")
        if "entrysubtype" in f and ctype == "article-journal":
            sub = f["entrysubtype"].strip().lower()
            if sub in ("magazine", "newspaper"):
                ctype = "article-" + sub
        if et == "unpublished" and (get("eventdate") or get("eventtitle") or get("venue")):
            ctype = "speech"
        self.type = ctype
        english = self.english = _is_english(ref)
        self.author = ref.authors
        self.editor = ref.editors
        self.translator = parse_names(f["translator"]) if get("translator") else ()
        self.container_author = parse_names(f["bookauthor"]) if get("bookauthor") else ()
        # titles: sentence case for English titles, as pandoc's BibTeX reader does
        mode = "sentence" if english else "none"
        prot = ref.protected
        title = _cased(f["title"], tuple(prot.get("title", ())), mode) if get("title") else ()
        if "subtitle" in f or "titleaddon" in f:
            for name, sep in (("subtitle", ":"), ("titleaddon", ".")):
                if get(name):
                    part = _cased(f[name], tuple(prot.get(name, ())), mode)
                    title = tuple(_concat_with(list(title), list(part), sep))
        self.title = title
        if et in _CHAPTERLIKE:
            cname = "maintitle" if get("maintitle") else "booktitle"
            cmode = mode
        else:
            cname = "journaltitle" if get("journaltitle") else "journal"
            cmode = "none"
        self.container = _cased(f[cname], tuple(prot.get(cname, ())), cmode) if get(cname) else ()
        series = get("series")
        self.collection_title = (
            _cased(series, tuple(prot.get("series", ())), mode) if series else ()
        )
        # numbers, as pandoc maps them: a book's number is its number in a series
        number = get("number", "")
        self.number = self.issue = self.collection_number = ""
        if number:
            if et in _BOOKLIKE_NUMBER:
                self.collection_number = number
            elif ctype in ("article-journal", "article-magazine", "article-newspaper"):
                self.issue = f"{number}, {f['issue']}" if get("issue") else number
            else:
                self.number = number
        elif get("issue") and ctype.startswith("article"):
            self.issue = f["issue"]
        volume = get("volume", "")
        if "part" in f:
            part = f["part"]
            volume = f"{volume}.{part}" if volume and part else (volume or part)
        self.volume = volume
        self.volumes = get("volumes", "")
        self.page = get("pages", "")
        self.edition = get("edition", "")
        self.version = get("version", "")
        self.chapter = get("chapter", "")
        genre = get("type", "").strip()
        if genre:
            genre = _GENRES.get(genre.lower(), genre)
        elif et == "phdthesis":
            genre = "PhD thesis"
        elif et == "mastersthesis":
            genre = "Master\u2019s thesis"
        self.genre = genre
        pubs = [
            v
            for v in (get("school"), get("institution"), get("organization"),
                      get("howpublished"), get("publisher"))
            if v
        ]  # fmt: skip
        self.publisher = _smart(_concat_text(pubs, ";")) if pubs else ""
        self.status = get("pubstate", "")
        self.issued = _issued(ref)
        self.accessed = _parse_date(f["urldate"]) if get("urldate") else _NO_DATE
        self.doi = ref.doi
        url = get("url", "").strip()
        if not url and get("eprint"):
            etype = (get("eprinttype") or get("archiveprefix") or "").strip().lower()
            base = _EPRINT_URLS.get(etype)
            if base:
                url = base + f["eprint"].strip()
        self.url = url


_EPRINT_URLS = {
    "arxiv": "https://arxiv.org/abs/", "jstor": "https://www.jstor.org/stable/",
    "pubmed": "https://www.ncbi.nlm.nih.gov/pubmed/",
    "googlebooks": "https://books.google.com?id=",
}  # fmt: skip


def _concat_text(parts: list[str], sep: str) -> str:
    """pandoc's concatWith: join with "sep " unless the previous part ends in punctuation."""
    out = ""
    for p in parts:
        if not p:
            continue
        if not out:
            out = p
        elif out[-1] in "!?.,:;":
            out = out + " " + p
        else:
            out = out + sep + " " + p
    return out


def _concat_with(
    a: list[tuple[int, str]], b: list[tuple[int, str]], sep: str
) -> list[tuple[int, str]]:
    if not b:
        return a
    if not a:
        return b
    last = a[-1][1]
    joiner = " " if a[-1][0] in (_TXT, _NOC) and last[-1:] in tuple("!?.,:;") else sep + " "
    return [*a, (_TXT, joiner), *b]


# --------------------------------------------------------------------------- names


_SIMPLE_GIVEN = re.compile(r"[^\W\d_]+\.?(?: [^\W\d_]+\.?)*")


@lru_cache(maxsize=16384)
def _initials(given: str) -> str:
    """citeproc's initialize-with=". ": "Robert L." -> "R. L.", "Jean-Paul" -> "J.-P."."""
    if _SIMPLE_GIVEN.fullmatch(given):  # words and initials, the usual case
        out_words = []
        for w in given.split(" "):
            if w[-1] == "." or (w.islower() and len(w) > 1):  # "Ma.", "J."; "de" as it is
                out_words.append(w)
            elif len(w) == 1 or not w[0].isupper():
                out_words.append(w + ".")
            elif len(w) > 2 and w[1].isupper() and w[2:].islower():  # "THomas" -> "Th."
                out_words.append(w[0] + w[1].lower() + ".")
            else:
                out_words.append(w[0] + ".")
        return " ".join(out_words)
    words: list[tuple[bool, str]] = []  # (already an initial, text)
    cs: list[str] = []
    for c in given:
        if c == ".":
            if cs:
                words.append((True, "".join(cs)))
                cs = []
        elif c == "-":
            if cs:
                words.append((False, "".join(cs)))
            cs = ["-"]
        elif c == " ":
            if len(cs) == 1:
                words.append((True, cs[0]))
            elif cs:
                words.append((False, "".join(cs)))
            cs = []
        else:
            cs.append(c)
    if len(cs) == 1:
        words.append((True, cs[0]))
    elif cs:
        words.append((False, "".join(cs)))
    out = []
    for done, w in words:
        if done:
            out.append(w + ". ")
        elif all(c.islower() for c in w):
            out.append(w + " ")
        else:
            ini = _to_initial(w)
            if ini:
                out.append(ini + ". ")
    return "".join(out).replace(" -", "-").strip(" ")


def _to_initial(w: str) -> str:
    if w[0] == "-":
        c = w[1:2]
        return "-" + c.upper() if c and c.isupper() else ""
    c = w[0]
    if c.isupper():
        if len(w) > 2 and w[1].isupper() and all(x.islower() for x in w[2:]):
            return c + w[1].lower()
        return c
    return w


def _is_others(n: Name) -> bool:
    return n.literal and n.family.lower() == "others"


def _smart(s: str) -> str:
    """Straight apostrophes as typographic ones, as pandoc's smart reading of LaTeX gives."""
    return s.replace("'", "\u2019").replace("`", "\u2018") if ("'" in s or "`" in s) else s


_INITIAL_LIKE = re.compile(r"^[a-z]\.?(?:\s+[a-z]\.?)*$")
_JOINED_INITIALS = re.compile(r"\b([A-Z])\.(?=[A-Z]\b)")


def _spaced(s: str) -> str:
    """ "A.G." as "A. G." (pandoc reads names so)."""
    return _JOINED_INITIALS.sub(r"\1. ", s) if "." in s else s


def _initial_particle(n: Name) -> bool:
    """A "particle" of lone lower-case letters ("a." in "a. Sanchez-Garcia, M.") is a
    mangled initial from a reference manager, printed after the initials as pandoc does."""
    return bool(n.particle) and bool(_INITIAL_LIKE.match(n.particle))


def _family(n: Name) -> str:
    if n.literal:
        return _smart(n.family)
    if n.particle and _initial_particle(n):
        return _smart(_spaced(n.family))
    return _smart(_spaced(n.full_family))


@lru_cache(maxsize=16384)
def _inverted(n: Name) -> str:
    """Reference-list form (§9.8): "van Straten, A.", "Smith, J., Jr.", organisations as
    written."""
    if n.literal:
        return _smart(n.family)
    out = _family(n)
    ini = _initials(n.given) if n.given else ""
    if n.particle and _initial_particle(n):
        ini = f"{ini} {n.particle}".strip()
    if ini:
        out += ", " + ini
    if n.suffix:
        out += ", " + _spaced(n.suffix)
    return out


@lru_cache(maxsize=4096)
def _direct(n: Name) -> str:
    """Initials first, as for editors of a book: "C. Jackson"."""
    if n.literal:
        return _smart(n.family)
    ini = _initials(n.given) if n.given else ""
    if n.particle and _initial_particle(n):
        ini = f"{ini} {n.particle}".strip()
    out = f"{ini} {_family(n)}" if ini else _family(n)
    if n.suffix:
        out += " " + _spaced(n.suffix)
    return out


def _name_list(names: tuple[Name, ...], inverted: bool) -> str:
    """A reference-list name list (§9.8): "A, B, & C"; with 21 or more authors the first
    19, an ellipsis and the final author: "A, B, … Z" (the Manual sets it ". . .")."""
    others = bool(names) and _is_others(names[-1])
    people = [n for n in names if not _is_others(n)]
    fmt = _inverted if inverted else _direct
    shown = [fmt(n) for n in people]
    if not shown:
        return ""
    if others:
        return ", ".join(shown) + (", et al." if len(shown) > 1 else " et al.")
    if len(shown) >= 21:
        return ", ".join(shown[:19]) + ", \u2026 " + shown[-1]
    if len(shown) == 1:
        return shown[0]
    if inverted or len(shown) > 2:
        return ", ".join(shown[:-1]) + ", & " + shown[-1]
    return shown[0] + " & " + shown[1]


def _editor_label(names: tuple[Name, ...]) -> str:
    people = [n for n in names if not _is_others(n)]
    return "Eds." if len(people) > 1 or len(people) < len(names) else "Ed."


# --------------------------------------------------------------------------- dates


def _date_part(item: _Item, suffix: str) -> str:
    """The date element (APA 7 §9.14, §9.17): "(2020)", "(2020a)", "(n.d.-a)", "(2021, May 5)"."""
    d = item.issued
    if d:
        if not d.year:
            return f"({d.literal}{suffix})"
        out = f"{d.years()}{suffix}"
        full = item.type in _FULL_DATE or (
            item.type in ("interview", "paper-conference")
            and not (item.editor or item.issue or item.page or item.volume)
        )
        if full and d.month:
            out += f", {_MONTHS[d.month - 1]}" + (f" {d.day}" if d.day else "")
        return f"({out})"
    if item.status:
        return f"({item.status.lower()}{suffix})"
    return "(n.d." + (f"-{suffix}" if suffix else "") + ")"


# --------------------------------------------------------------------------- pages


def _expand_range(first: str, last: str) -> str:
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return last


_RANGE = re.compile(r"^\s*([^\s\-\u2013]+)\s*(?:-+|\u2013|\u2014)\s*([^\s\-\u2013]+)\s*$")


def _pages(p: str) -> str:
    """Page ranges with an en dash and the second number in full (APA 7 §6.6, §9.25)."""
    p = p.strip()
    if not p:
        return ""
    out = []
    for part in _PAGE_PARTS.split(p):
        m = _RANGE.match(part)
        if m:
            a, b = m.groups()
            out.append(f"{a}\u2013{_expand_range(a, b)}")
        else:
            out.append(part)
    return "".join(out)


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


# --------------------------------------------------------------------------- reference list


def _names_frag(names: tuple[Name, ...], inverted: bool = True) -> Frag:
    return _plain(_name_list(names, inverted))


def _author_part(item: _Item, used: set[str]) -> Frag:
    """The author element (§9.8); editors (§9.10) or the title (§9.12) when there is none."""
    if item.author:
        used.add("author")
        return _names_frag(item.author)
    if item.container and item.type in ("book", "entry", "entry-dictionary", "entry-encyclopedia"):
        used.add("title")
        return _title_substitute(item)
    if item.editor:
        used.add("editor")
        return _affix(_names_frag(item.editor), "", f" ({_editor_label(item.editor)})")
    if item.type in ("software", "webpage") and item.publisher:
        used.add("publisher")
        return _plain(item.publisher)
    used.add("title")
    return _title_substitute(item)


def _title_substitute(item: _Item) -> Frag:
    if item.title:
        return _join([_title(item), _identifier(item, set())], " ")
    return _title_and_descriptions(item, set())


def _title(item: _Item) -> Frag:
    if not item.title:
        return _EMPTY
    f = _render_pieces(item.title)
    if item.type in ("webpage", "post"):
        return _em(f)
    if item.container:
        return f
    vol = item.volume
    if vol and not _is_numeric(vol):
        f = _join([f, _plain(_capfirst(vol))], ": ")
    return _em(f)


def _label_number(item: _Item) -> str:
    n = item.number
    if not n or item.type == "standard":
        return ""
    if _is_numeric(n) or item.type in ("legislation", "patent", "regulation"):
        return "No. " + _capfirst(n)
    return _capfirst(n)


def _identifier_number(item: _Item) -> str:
    if item.type == "thesis" and item.genre:
        lead = "Publication"
    elif item.number:
        lead = _title_case_text(item.genre)
    else:
        lead = ""
    return " ".join(p for p in (lead, _label_number(item)) if p) if item.number else ""


def _identifier_contributors(item: _Item, used: set[str]) -> str:
    parts = []
    serial = item.type in _SERIAL or (
        not item.editor and item.type in ("interview", "paper-conference")
    )
    if serial:
        if item.translator:
            parts.append(_name_list(item.translator, False) + ", Trans.")
        return "; ".join(parts)
    if item.container and item.type not in ("post", "webpage"):
        if item.translator:
            parts.append(_name_list(item.translator, False) + ", Trans.")
        return "; ".join(parts)
    if item.container_author:
        parts.append("By " + _name_list(item.container_author, False))
    if item.editor and "editor" not in used:
        label = _editor_label(item.editor)
        parts.append(_name_list(item.editor, False) + ", " + label)
    if item.translator:
        parts.append(_name_list(item.translator, False) + ", Trans.")
    return "; ".join(parts)


def _label_edition(ed: str) -> str:
    if not ed:
        return ""
    if _is_numeric(ed):
        return (_ordinal(int(ed)) if ed.isdigit() else ed) + " ed."
    return ed


def _identifier_monographic_item(item: _Item) -> str:
    parts = []
    if item.version:
        parts.append("Version " + item.version)
    if item.edition:
        parts.append(_label_edition(item.edition))
    if item.type in ("document", "report", "standard"):
        series = " ".join(
            p
            for p in (
                _title_case_text(_render_pieces(item.collection_title)[0]),
                item.collection_number,
            )
            if p
        )
        if series:
            parts.append(series)
    if item.volume and _is_numeric(item.volume):
        parts.append("Vol. " + item.volume)
    elif not item.volume and item.volumes:
        n = item.volumes
        parts.append(f"Vols. 1\u2013{n}" if _is_numeric(n) else n)
    if item.issue:
        parts.append(("Issue " if _is_numeric(item.issue) else "") + _capfirst(item.issue))
    if item.page:
        pages = _pages(item.page)
        label = "pp." if _is_range(item.page) else "p."
        parts.append(f"{label} {pages}")
    elif item.chapter and (item.genre or item.title):
        parts.append(("Chapter " if _is_numeric(item.chapter) else "") + item.chapter)
    return ", ".join(parts)


def _is_range(p: str) -> bool:
    return bool(_RANGE_MARK.search(p.strip()))


def _identifier_monographic(item: _Item) -> str:
    if item.type in _SERIAL or item.type in (
        "broadcast",
        "event",
        "patent",
        "performance",
        "post",
        "speech",
        "webpage",
    ):
        return ""
    if item.editor:
        return _identifier_monographic_item(item)
    if item.type in ("interview", "paper-conference"):
        return ""
    return _identifier_monographic_item(item)


def _identifier(item: _Item, used: set[str]) -> Frag:
    """The parenthesised identifier after the title (§9.19, §9.20): "(2nd ed., Vol. 3)"."""
    t = item.type
    parts: list[str]
    if t == "patent":
        lead = _capfirst(item.genre) if item.genre else "Patent"
        parts = [" ".join(p for p in (lead, _label_number(item)) if p)]
    elif t in ("post", "webpage"):
        parts = [
            _identifier_contributors(item, used), _identifier_number(item),
            _identifier_monographic(item),
        ]  # fmt: skip
    elif t == "report" and item.container:
        parts = [_identifier_contributors(item, used)]
    elif t == "report" and item.title:
        parts = [
            _identifier_contributors(item, used), _identifier_number(item),
            _identifier_monographic(item),
        ]  # fmt: skip
    elif t == "report":
        parts = [_identifier_contributors(item, used), _identifier_monographic(item)]
    elif item.container:
        parts = []
        if not item.genre and not item.title and item.chapter:
            parts.append(("Chapter " if _is_numeric(item.chapter) else "") + item.chapter)
        parts.append(_identifier_contributors(item, used))
    else:
        parts = [
            _identifier_contributors(item, used), _identifier_number(item),
            _identifier_monographic(item),
        ]  # fmt: skip
    return _affix(_join([_plain(p) for p in parts], "; "), "(", ")")


def _description_format(item: _Item) -> str:
    if item.genre:
        return "" if item.number else _capfirst(item.genre)
    if item.type == "manuscript":
        return (
            ""
            if (item.container or item.doi or item.number or item.publisher or item.url)
            else "Unpublished manuscript"
        )
    return _GENERIC_TERMS.get(item.type, "")


def _description(item: _Item) -> Frag:
    """The bracketed description (§9.21): "[Doctoral dissertation, University]"."""
    t = item.type
    if t == "thesis":
        inner = ", ".join(
            p for p in (
                _capfirst(item.genre), item.publisher if (item.doi or item.url) else "",
            ) if p
        )  # fmt: skip
    elif t in _SERIAL or not item.container:
        inner = _description_format(item)
    elif t in ("document", "report", "software", "standard"):
        inner = ""
    elif t in ("event", "paper-conference", "performance", "speech"):
        inner = (
            _description_format(item)
            if (item.editor or item.issue or item.page or item.volume)
            else ""
        )
    else:
        inner = _description_format(item)
    return _affix(_plain(inner), "[", "]")


def _title_and_descriptions(item: _Item, used: set[str]) -> Frag:
    if "title" in used:
        return _EMPTY
    if item.title:
        return _join([_title(item), _identifier(item, used), _description(item)], " ")
    if item.type == "report":
        return _join(
            [_plain(_identifier_number(item)), _description(item), _identifier(item, used)], " "
        )
    return _join([_description(item), _identifier(item, used)], " ")


def _source_serial(item: _Item) -> Frag:
    container = (
        _render_pieces(_title_case(item.container))
        if item.english
        else (_render_pieces(item.container))
    )
    series = (
        _render_pieces(_title_case(item.collection_title)) if item.collection_title else (_EMPTY)
    )
    names = _em(_join([container, series], ", "))
    vol = _em(_plain(item.volume))
    issue = _affix(_plain(item.issue), "(", ")")
    vol_issue = (vol[0] + issue[0], vol[1] + issue[1])
    loc = _plain("Article " + item.number) if item.number else _plain(_pages(item.page))
    out = _join([names, vol_issue, loc], ", ")
    if (
        not (item.collection_title or item.issue or item.number or item.page or item.volume)
        and item.issued
        and item.status
    ):
        out = _join([out, _plain(_capfirst(item.status))], ". ")
    return out


def _source_monographic(item: _Item, used: set[str]) -> Frag:
    """ "In E. Editor (Ed.), *Book* (pp. 1–10)" for chapters (APA 7 §9.28)."""
    if not item.container:
        return _EMPTY
    if item.container_author:
        author = _plain(_name_list(item.container_author, False))
    elif item.editor and "editor" not in used:
        author = _plain(_name_list(item.editor, False) + f" ({_editor_label(item.editor)})")
    else:
        author = _EMPTY
    vol = item.volume
    title = _render_pieces(item.container)
    if vol and not _is_numeric(vol):
        title = _join([title, _plain(_capfirst(vol))], ": ")
    ident_parts = [_identifier_number(item), _identifier_monographic(item)]
    ident = _affix(_join([_plain(p) for p in ident_parts], "; "), "(", ")")
    unpublished_event = not (item.editor or item.issue or item.page or item.volume) and (
        item.type in ("event", "paper-conference", "performance", "speech")
    )
    desc = ""
    if item.type in ("document", "report", "software", "standard") or unpublished_event:
        desc = _description_format(item)
    return _join(
        [_plain("In"), _join([author, _em(title)], ", "), ident, _affix(_plain(desc), "[", "]")],
        " ",
    )


def _source(item: _Item, used: set[str]) -> Frag:
    t = item.type
    if t in ("post", "webpage"):
        first = _EMPTY
    elif t in _SERIAL:
        first = _source_serial(item)
    elif item.editor:
        first = _source_monographic(item, used)
    elif t in ("interview", "paper-conference"):
        first = _source_serial(item)
    else:
        first = _source_monographic(item, used)
    # publisher (§9.29)
    if "publisher" in used:
        pub = ""
    elif t == "thesis":
        pub = "" if (item.doi or item.url) else item.publisher
    elif t in _SERIAL or (t == "paper-conference" and not item.editor):
        pub = ""
    else:
        pub = item.publisher
    website = _EMPTY
    if t in ("post", "webpage") and item.container:
        website = _render_pieces(_title_case(item.container))
    return _join([first, _plain(pub), website], ". ")


_SAFE_SCHEMES = ("http://", "https://")


def _link(url: str, text: str | None = None) -> Frag:
    shown = url if text is None else text
    if url.lower().startswith(_SAFE_SCHEMES):
        return (shown, f'<a href="{_esc(url)}">{_esc(shown)}</a>')
    return _plain(shown)


def _doi_url(item: _Item) -> Frag:
    """DOI as a https://doi.org/ link, else the URL (§9.34–9.36), with a retrieval date
    only for undated works (§9.16)."""
    if item.doi:
        return _link("https://doi.org/" + item.doi)
    if item.url:
        if not item.issued and not item.status:
            when = item.accessed.text() if item.accessed else ""
            lead = f"Retrieved {when}, from " if when else "Retrieved "
            return _append(_plain(lead), _link(item.url))
        return _link(item.url)
    return _EMPTY


def _publication_history(item: _Item) -> Frag:
    if (
        item.issued
        and item.status
        and (item.collection_title or item.issue or item.number or item.page or item.volume)
    ):
        return _plain(f"({_capfirst(item.status)})")
    return _EMPTY


_ENTRIES: dict[tuple, Frag] = {}


def _entry(ref: Reference, suffix: str) -> Frag:
    """The entry, memoised on the entry's content hash (a Reference never changes)."""
    digest = getattr(ref, "hash", "")
    if not digest:
        return _make_entry(ref, suffix)
    memo = (ref.key, digest, suffix)
    hit = _ENTRIES.get(memo)
    if hit is None:
        if len(_ENTRIES) > 50_000:
            _ENTRIES.clear()
        hit = _ENTRIES[memo] = _make_entry(ref, suffix)
    return hit


def _make_entry(ref: Reference, suffix: str) -> Frag:
    item = _Item(ref)
    used: set[str] = set()
    author = _author_part(item, used)
    date = _plain(_date_part(item, suffix))
    body = _join([author, date, _title_and_descriptions(item, used), _source(item, used)], ". ")
    body = _affix(body, "", ".")
    return _join([body, _doi_url(item), _publication_history(item)], " ")


def reference_text(ref: Reference, suffix: str = "") -> str:
    """The reference-list entry as plain text (APA 7 chapter 9); ``suffix`` is the year
    suffix ("a", "b") from :func:`year_suffixes`."""
    return _entry(ref, suffix)[0]


def reference_html(ref: Reference, suffix: str = "") -> str:
    """The reference-list entry as HTML: every value escaped, italics as ``<em>``, the DOI
    as a https://doi.org/ link and a URL linked only when it is http or https."""
    return _entry(ref, suffix)[1]


# --------------------------------------------------------------------------- ordering


@lru_cache(maxsize=65536)
def _coll(s: str) -> str:
    """A collation key: case, accents and punctuation ignored (letter by letter, §9.44)."""
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if c.isalnum() or c == " " or c == ".")


_LEADING_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
_SORT_PUNCT = re.compile(r"[^\w\s]+")


def _title_sort(text: str) -> str:
    """Works sorted by title ignore a leading "A", "An" or "The" (§9.48)."""
    text = _SORT_PUNCT.sub("", text).strip()
    return _coll(_LEADING_ARTICLE.sub("", text))


def _names_key(names: tuple[Name, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (_coll(_family(n)), "") if n.literal else (_coll(_family(n)), _coll(_initials(n.given)))
        for n in names
        if not _is_others(n)
    )


def _creator_key(ref: Reference) -> tuple[tuple[str, str], ...]:
    names = ref.authors or ref.editors
    if names and any(not _is_others(n) for n in names):
        return _names_key(names)
    return ((_title_sort(_plain_title(ref)), ""),)


def _plain_title(ref: Reference) -> str:
    return ref.fields.get("title", "") or ref.key


def _year_key(ref: Reference) -> tuple[int, int]:
    y = ref.year.strip()
    if not y:
        return (0 if not ref.fields.get("pubstate") else 2, 0)
    m = _LEADING_INT.match(y)
    if m:
        return (1, int(m.group()))
    return (2, 0)  # "in press", "forthcoming": after the dated works (§9.46)


def sort_key(ref: Reference, suffix: str = "") -> tuple:
    """Reference-list order (APA 7 §9.44–9.48): first author's surname and initials letter
    by letter, then the further authors ("nothing precedes something"), then "n.d." works,
    dated works by year and in-press works; then the year suffix or the title. Works with
    no author are placed by their title, ignoring a leading article."""
    return (
        _creator_key(ref), _year_key(ref), suffix, _title_sort(_plain_title(ref)),
        _volume_key(ref), ref.key,
    )  # fmt: skip


def _volume_key(ref: Reference) -> tuple[int, str]:
    v = ref.fields.get("volume", "").strip()
    return (int(v), "") if v.isdigit() else (0, _coll(v))


def _list_author_text(ref: Reference) -> str:
    """Who a work is by, as the reference list shows it (without "(Eds.)")."""
    names = ref.authors or ref.editors
    if names:
        return _name_list(names, True)
    return _title_sort(_plain_title(ref))


def year_suffixes(refs: Iterable[Reference]) -> dict[str, str]:
    """Year suffixes (APA 7 §8.19, §9.47) for works by the same authors in the same year,
    lettered in reference-list order, that is by title: ``{"key": "a", ...}``."""
    groups: dict[tuple[str, str], list[Reference]] = {}
    for ref in refs:
        item_year = ref.year.strip()
        groups.setdefault((_list_author_text(ref), item_year), []).append(ref)
    out: dict[str, str] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda r: (_title_sort(_plain_title(r)), _volume_key(r), r.key))
        for i, ref in enumerate(group):
            out[ref.key] = _suffix_letters(i + 1)
    return out


def _suffix_letters(n: int) -> str:
    if n < 27:
        return chr(ord("a") + n - 1)
    n -= 1
    return chr(ord("a") - 1 + n // 26) + chr(ord("a") + n % 26)


# --------------------------------------------------------------------------- in-text


def _short_title(ref: Reference) -> Frag:
    """A work without author is cited by its title (§8.14): title case, in quotation marks
    for articles and chapters, italic for works that stand alone."""
    item = _Item(ref)
    pieces = item.title
    if not pieces:
        return _plain(ref.key)
    if "shorttitle" in ref.fields:
        mode = "sentence" if item.english else "none"
        short = ref.fields["shorttitle"]
        pieces = list(_cased(short, tuple(ref.protected.get("shorttitle", ())), mode))
    else:
        colon = [i for i, (k, t) in enumerate(pieces) if k == _TXT and ":" in t]
        if colon:
            i = colon[0]
            head = pieces[i][1].split(":", 1)[0]
            pieces = [*pieces[:i], (_TXT, head.rstrip())] if head.strip() else pieces[:i]
    t = item.type
    if t in ("legal_case", "post"):
        return _em(_render_pieces(pieces))
    cased = _title_case(tuple(pieces)) if item.english else pieces
    if t in ("bill", "legislation", "regulation", "report", "treaty"):
        return _render_pieces(cased)
    if t in ("hearing", "webpage"):
        return _em(_render_pieces(cased))
    if item.container:
        f = _render_pieces(cased, level=1)
        return ("\u201c" + f[0] + "\u201d", "\u201c" + f[1] + "\u201d")
    return _em(_render_pieces(cased))


def _short_names(names: list[Name], shown: int, narrative: bool, initials: bool) -> str:
    """ "Clark et al.", "Read & Moncrieff" / "Read and Moncrieff" (§8.17), organisations in
    full; ``shown`` names before "et al." when disambiguating (§8.18)."""
    people = [n for n in names if not _is_others(n)]
    others = len(people) < len(names)
    if not people:
        return ""
    fams = [_family(n) for n in people]
    if initials and not people[0].literal and people[0].given:
        fams[0] = f"{_initials(people[0].given)} {fams[0]}"
    amp = " and " if narrative else " & "
    n = len(people)
    if n <= 2 and not others:
        return fams[0] if n == 1 else fams[0] + amp + fams[1]
    if shown >= n and not others:
        return ", ".join(fams[:-1]) + "," + amp + fams[-1]
    k = max(1, min(shown, n))
    if k == 1:
        return fams[0] + " et al."
    return ", ".join(fams[:k]) + ", et al."


def author_short(ref: Reference, narrative: bool) -> str:
    """The author part of an in-text citation without disambiguation: "Clark et al.",
    "Read & Moncrieff" (parenthetical) or "Read and Moncrieff" (narrative), a group author
    in full, the editors when there is no author, else the short title (§8.14, §8.17)."""
    names = list(ref.authors or ref.editors)
    if names:
        return _short_names(names, 1, narrative, False)
    return _no_author(ref)[0]


class _Context:
    """What in-text citations need to know about the whole reference list."""

    __slots__ = ("initials", "names", "refs")

    def __init__(self, refs: Mapping[str, Reference]):
        self.refs = refs
        works = list(refs.values())
        self.initials = _shared_surnames(works)
        self.names = disambiguate_names(works)

    def use_initials(self, ref: Reference) -> bool:
        names = ref.authors or ref.editors
        return bool(names) and not names[0].literal and _coll(_family(names[0])) in self.initials


def _shared_surnames(refs: Iterable[Reference]) -> set[str]:
    """Surnames of first authors who differ in their initials (§8.20: cite with initials)."""
    seen: dict[str, set[str]] = {}
    for ref in refs:
        names = ref.authors or ref.editors
        if names and not names[0].literal:
            seen.setdefault(_coll(_family(names[0])), set()).add(_coll(_initials(names[0].given)))
    return {fam for fam, inits in seen.items() if len(inits) > 1}


_CONTEXTS: dict[int, tuple[Mapping[str, Reference], int, _Context]] = {}


def _context(refs: Mapping[str, Reference]) -> _Context:
    hit = _CONTEXTS.get(id(refs))
    if hit is not None and hit[0] is refs and hit[1] == len(refs):
        return hit[2]
    ctx = _Context(refs)
    if len(_CONTEXTS) > 8:
        _CONTEXTS.clear()
    _CONTEXTS[id(refs)] = (refs, len(refs), ctx)
    return ctx


def disambiguate_names(refs: Iterable[Reference]) -> dict[str, int]:
    """How many author names each work needs in text (APA 7 §8.18): works whose citations
    would both read "First et al., Year" but whose author lists differ get names added
    until they differ. Works not listed need the usual one name (or their two names)."""
    refs = list(refs)
    shared = _shared_surnames(refs)
    by_short: dict[tuple[str, str], list[tuple[str, list[str]]]] = {}
    for ref in refs:
        names = [n for n in (ref.authors or ref.editors) if not _is_others(n)]
        others = len(names) < len(ref.authors or ref.editors)
        if len(names) < 3 and not others:
            continue
        fams = [_family(n) for n in names]
        first = names[0]
        if not first.literal and _coll(fams[0]) in shared:  # "J. Bao et al." (§8.20)
            fams[0] = f"{_initials(first.given)} {fams[0]}"
        by_short.setdefault((fams[0], ref.year), []).append(
            (ref.key, [*fams, "\0others"] if others else fams)
        )
    out: dict[str, int] = {}
    for group in by_short.values():
        if len(group) < 2:
            continue
        for key, fams in group:
            need = 1
            for other_key, other in group:
                if other_key == key or other == fams:
                    continue
                k = 1
                while k < len(fams) and fams[:k] == other[:k]:
                    k += 1
                need = max(need, k)
            if need > 1:
                out[key] = min(need, len([f for f in fams if f != "\0others"]))
    return out


_LOCATOR_TERMS = {
    "p": "page", "pp": "page", "page": "page", "pages": "page", "pg": "page",
    "para": "paragraph", "paras": "paragraph", "paragraph": "paragraph",
    "paragraphs": "paragraph", "¶": "paragraph", "¶¶": "paragraph",
    "chap": "chapter", "chaps": "chapter", "chapter": "chapter", "chapters": "chapter",
    "ch": "chapter", "sec": "section", "secs": "section", "section": "section",
    "sections": "section", "§": "section", "§§": "section", "fig": "figure",
    "figs": "figure", "figure": "figure", "figures": "figure", "vol": "volume",
    "vols": "volume", "volume": "volume", "volumes": "volume", "l": "line", "ll": "line",
    "line": "line", "lines": "line", "n": "note", "nn": "note", "note": "note",
    "notes": "note", "col": "column", "cols": "column", "column": "column",
    "columns": "column", "no": "issue", "nos": "issue", "issue": "issue", "v": "verse",
    "vv": "verse", "verse": "verse", "verses": "verse", "bk": "book", "bks": "book",
    "book": "book", "books": "book", "pt": "part", "pts": "part", "part": "part",
    "parts": "part", "fol": "folio", "fols": "folio", "folio": "folio",
    "op": "opus", "opp": "opus", "opus": "opus", "s.v": "sub verbo", "s.vv": "sub verbo",
    "sub verbo": "sub verbo", "tab": "table", "table": "table", "tables": "table",
    "app": "appendix", "appendix": "appendix", "slide": "slide", "slides": "slide",
    "min": "minute", "timestamp": "timestamp", "algorithm": "algorithm", "eq": "equation",
    "equation": "equation", "rule": "rule", "canon": "canon", "location": "location",
    "act": "act", "article": "article", "art": "article", "scene": "scene",
    "title": "title", "version": "version",
}  # fmt: skip
_LOCATOR_LONG = {
    "chapter": ("Chapter", "Chapters"), "section": ("Section", "Sections"),
    "figure": ("Figure", "Figures"), "volume": ("Volume", "Volumes"),
    "line": ("Line", "Lines"), "note": ("Note", "Notes"), "column": ("Column", "Columns"),
    "issue": ("Number", "Numbers"), "verse": ("Verse", "Verses"), "book": ("Book", "Books"),
    "part": ("Part", "Parts"), "folio": ("Folio", "Folios"), "opus": ("Opus", "Opera"),
    "sub verbo": ("Sub verbo", "Sub verbis"), "table": ("Table", "Tables"),
    "appendix": ("Appendix", "Appendices"), "slide": ("Slide", "Slides"),
    "minute": ("Minute", "Minutes"), "timestamp": ("", ""),
    "algorithm": ("Algorithm", "Algorithms"), "equation": ("Equation", "Equations"),
    "rule": ("Rule", "Rules"), "canon": ("Canon", "Canons"),
    "location": ("Location", "Locations"), "act": ("Act", "Acts"),
    "article": ("Article", "Articles"), "scene": ("Scene", "Scenes"),
    "title": ("Title", "Titles"), "version": ("Version", "Versions"),
}  # fmt: skip
_LOCATOR = re.compile(r"^\s*([^\W\d_][\w.]*?|¶¶?|§§?)\.?\s+(\S.*)$", re.S)


def _locator(loc: str) -> str:
    """ "p. 111", "pp. 3–5", "para. 4", "Chapter 3" (APA 7 §8.13; apa.csl's labels)."""
    loc = loc.strip()
    if not loc:
        return ""
    term, value = "page", loc
    m = _LOCATOR.match(loc)
    if m and m.group(1).lower().rstrip(".") in _LOCATOR_TERMS:
        term = _LOCATOR_TERMS[m.group(1).lower().rstrip(".")]
        value = m.group(2).strip()
    plural = bool(_RANGE_MARK.search(value)) or " and " in value
    if term == "page":
        return ("pp. " if plural else "p. ") + _pages(value)
    if term == "paragraph":
        return ("paras. " if plural else "para. ") + value
    if term in ("chapter", "line", "verse") and not _is_numeric(value):
        return value
    long_ = _LOCATOR_LONG.get(term, (term.capitalize(), term.capitalize()))[1 if plural else 0]
    return f"{long_} {value}".strip()


def _date_short(ref: Reference, suffix: str) -> str:
    d = _issued(ref)
    if d:
        return d.years() + suffix
    status = ref.fields.get("pubstate", "").strip()
    if status:
        return status.lower() + suffix
    return "n.d." + (f"-{suffix}" if suffix else "")


def _missing(key: str) -> Frag:
    return (key + "?", f'<strong class="toulmin-missing">{_esc(key)}</strong>')


def _cite_author(ref: Reference, ctx: _Context, narrative: bool) -> Frag:
    names = list(ref.authors or ref.editors)
    if names:
        shown = ctx.names.get(ref.key, 1)
        return _plain(_short_names(names, shown, narrative, ctx.use_initials(ref)))
    return _no_author(ref)


def _no_author(ref: Reference) -> Frag:
    """Who a work without author or editor is cited by: the group that publishes a web
    page (§9.11, apa.csl's substitute), else the title (§8.14)."""
    if ref.type.lower() in _WEBPAGE_TYPES:
        publisher = _Item(ref).publisher
        if publisher:
            return _plain(publisher)
    return _short_title(ref)


def _suffix_frag(item: CiteItem) -> Frag:
    s = item.suffix.strip()
    if not s:
        return _EMPTY
    if s[0] in ",;:.)":
        return _plain(s)
    return _plain(", " + s)


def render_citation(
    citation: Citation,
    refs: Mapping[str, Reference],
    suffixes: Mapping[str, str],
    *,
    html: bool = True,
    link: Callable[[str, str], str] | None = None,
) -> str:
    """An in-text citation (APA 7 §8.10–8.13, §8.17–8.20).

    Parenthetical: "(see Paul, 1967, p. 111; Scott, 2017, 2018)": works in reference-list
    order, one author's works grouped with their years joined by commas, "&" between two
    names. Narrative: "Read and Moncrieff (2022)", "Paul (1967, p. 111)". ``suppress_author``
    gives "(2021)". ``suffixes`` holds the year suffixes of :func:`year_suffixes`. With
    ``html``, text is escaped and ``link(key, inner_html)``, when given, wraps each work's
    part. A key missing from ``refs`` is shown as ``key?`` (in HTML, as
    ``<strong class="toulmin-missing">key</strong>``), never raised.

    ``refs`` should be the works of the reference list: names added to tell works apart
    (§8.18) and initials (§8.20) are worked out over all of them, once per mapping (the
    mapping is remembered by identity and size, so do not change it between calls).
    """
    if not citation.items:
        return ""
    ctx = _context(refs)
    idx = 1 if html else 0
    wrap = link if (html and link is not None) else None

    def linked(key: str, f: Frag) -> str:
        s = f[idx]
        return wrap(key, s) if (wrap is not None and key in refs and s) else s

    if citation.narrative:
        return _render_narrative(citation, refs, suffixes, ctx, idx, linked)
    entries = []
    for pos, item in enumerate(citation.items):
        ref = refs.get(item.key)
        if ref is None:
            entries.append(((1, pos), None, item, _EMPTY))
            continue
        suffix = suffixes.get(item.key, "")
        author = _EMPTY if item.suppress_author else _cite_author(ref, ctx, False)
        entries.append(((0, sort_key(ref, suffix), pos), ref, item, author))
    entries.sort(key=lambda e: e[0])
    # Group the works of one author (collapse="year"), keeping the place of the first.
    groups: list[list] = []
    by_author: dict[str, list] = {}
    for e in entries:
        ref, author = e[1], e[3]
        if ref is not None and author[0]:
            g = by_author.get(author[0])
            if g is not None:
                g.append(e)
                continue
            g = [e]
            by_author[author[0]] = g
            groups.append(g)
        else:
            groups.append([e])
    parts: list[str] = []
    for g in groups:
        chunks: list[str] = []
        for i, (_k, ref, item, author) in enumerate(g):
            if ref is None:
                f = _missing(item.key)
                chunks.append(_affix_text(item, f, idx))
                continue
            date = _plain(_date_short(ref, suffixes.get(item.key, "")))
            loc = _plain(_locator(item.locator))
            core = _join([author if i == 0 else _EMPTY, date, loc], ", ")
            core = _append(core, _suffix_frag(item)) if item.suffix.strip() else core
            text = linked(item.key, core)
            prefix = item.prefix.strip()
            if prefix:
                text = (_esc(prefix) if idx else prefix) + " " + text
            if chunks:
                prev = g[i - 1][2]
                chunks.append("; " if (prev.locator.strip() or prev.suffix.strip()) else ", ")
            chunks.append(text)
        parts.append("".join(chunks))
    return "(" + "; ".join(parts) + ")"


def _affix_text(item: CiteItem, f: Frag, idx: int) -> str:
    s = f[idx]
    prefix = item.prefix.strip()
    if prefix:
        s = (_esc(prefix) if idx else prefix) + " " + s
    return s


def _render_narrative(
    citation: Citation,
    refs: Mapping[str, Reference],
    suffixes: Mapping[str, str],
    ctx: _Context,
    idx: int,
    linked: Callable[[str, Frag], str],
) -> str:
    """Narrative citations: "Paul (1967, p. 111)"; several works of one author share the
    name, "Scott (2017, 2018)"; different authors are joined with commas and "and"."""
    # Each group: [author, [(key, date part, has locator or suffix)], prefix]
    groups: list[list] = []
    by_author: dict[str, list] = {}
    for item in citation.items:
        ref = refs.get(item.key)
        if ref is None:
            groups.append([None, [(item.key, _missing(item.key), False)], item.prefix.strip()])
            continue
        inner = _join(
            [_plain(_date_short(ref, suffixes.get(item.key, ""))), _plain(_locator(item.locator))],
            ", ",
        )
        if item.suffix.strip():
            inner = _append(inner, _suffix_frag(item))
        part = (item.key, inner, bool(item.locator.strip() or item.suffix.strip()))
        author = _EMPTY if item.suppress_author else _cite_author(ref, ctx, True)
        if author[0] and author[0] in by_author:
            by_author[author[0]][1].append(part)
            continue
        group = [author, [part], item.prefix.strip()]
        if author[0]:
            by_author[author[0]] = group
        groups.append(group)
    rendered: list[str] = []
    for author, parts, prefix in groups:
        if author is None:
            s = parts[0][1][idx]
        elif len(parts) == 1:
            key, f, _extra = parts[0]
            s = linked(key, _join([author, _affix(f, "(", ")")], " "))
        else:  # the author links to the first work, each year to its own
            s = linked(parts[0][0], author) + " ("
            for i, (key, f, _extra) in enumerate(parts):
                if i:
                    s += "; " if parts[i - 1][2] else ", "
                s += linked(key, f)
            s += ")"
        if prefix:
            s = (_esc(prefix) if idx else prefix) + " " + s
        rendered.append(s)
    if len(rendered) <= 1:
        return rendered[0] if rendered else ""
    if len(rendered) == 2:
        return rendered[0] + " and " + rendered[1]
    return ", ".join(rendered[:-1]) + ", and " + rendered[-1]
