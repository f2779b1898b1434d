"""Text of the APA style: punctuation where pieces meet, and the casing of titles.

Punctuation: pieces are joined as citeproc joins them (a doubled "." or "," is dropped, "."
and "," go inside a closing quotation mark, as in American usage). Casing:
titles are split into plain text, brace-protected phrases and quotation marks, then turned
into sentence case (reference-list titles, §6.17) or title case (periodicals and in-text
titles, §6.17) with citeproc's word-by-word rules, so a title renders as pandoc renders it.
Also the collation key the list is ordered by (§9.44). Imports ``markup`` only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from toulmin.style.apa.markup import EMPTY, Frag, drop_last_char, escape, plain

__all__ = [
    "NOC",
    "TXT",
    "affix",
    "capfirst",
    "collate",
    "concat",
    "join",
    "render_pieces",
    "title_case",
    "title_case_text",
    "title_pieces",
]


# What to keep when one piece ends and the next starts with punctuation (citeproc's
# table, which is citeproc-js's): 1 keep the first, 2 keep the second, 0 keep both.
_PUNCT_COLLISION = {
    ("!", "."): 1, ("!", ":"): 1, ("?", "."): 1, ("?", ":"): 1,
    (":", "!"): 2, (":", "?"): 2, (":", "."): 1,
    (",", ","): 1, (";", "!"): 2, (";", "?"): 2, (";", ":"): 1, (";", "."): 1,
    (";", ";"): 1, (".", "."): 1,
}  # fmt: skip
_END_PUNCT = frozenset(".,;:!?")


def concat(acc: Frag, nxt: Frag) -> Frag:
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
            return (t[:-1] + nt, drop_last_char(h) + nh)
    return (t + nt, h + nh)


_DELIMS: dict[str, Frag] = {}


def join(frags: Iterable[Frag], delim: str) -> Frag:
    """The non-empty fragments joined with ``delim`` (CSL's group delimiter), by ``concat``."""
    out = EMPTY
    d = _DELIMS.get(delim)
    if d is None:
        d = _DELIMS[delim] = plain(delim)
    for f in frags:
        if not f[0]:
            continue
        out = concat(concat(out, d), f) if out[0] else f
    return out


def affix(f: Frag, prefix: str = "", suffix: str = "") -> Frag:
    """The fragment with a prefix and a suffix (CSL's affixes); nothing when it is empty."""
    if not f[0]:
        return EMPTY
    out = concat(plain(prefix), f) if prefix else f
    return concat(out, plain(suffix)) if suffix else out


# Pieces of a title: (kind, text). Kinds: plain text, a brace-protected phrase, and the
# opening or closing mark of a quotation (text "d" or "s" for double or single).
TXT, NOC, _QO, _QC = 0, 1, 2, 3

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
    if pieces and pieces[-1][0] == TXT:
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
        if kind == NOC:
            stripped = text.rstrip()
            if stripped:
                st = _gap_state(st, stripped[-1])
            out.append((kind, text))
            continue
        if kind != TXT:
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


def _segment(text: str, phrases: Iterable[str]) -> list[tuple[int, str]]:
    """Split decoded text into plain and brace-protected pieces (found left to right)."""
    out: list[tuple[int, str]] = []
    pos = 0
    for ph in phrases:
        i = _find_phrase(text, ph, pos)
        if i < 0:
            continue
        if i > pos:
            out.append((TXT, text[pos:i]))
        out.append((NOC, ph))
        pos = i + len(ph)
    if pos < len(text):
        out.append((TXT, text[pos:]))
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
    if not any(k == TXT and _QUOTE_CHARS.search(t) for k, t in pieces):
        return pieces
    out: list[tuple[int, str]] = []
    stack: list[tuple[str, int]] = []  # (quote type, index of the opening token in out)
    for kind, text in pieces:
        if kind != TXT or not _QUOTE_CHARS.search(text):
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
                        out.append((TXT, before))
                    stack.pop()
                    out.append((_QC, "s"))
                else:
                    out.append((TXT, before + "\u2019"))
                start = i + 1
                continue
            if ch == "\u201d":
                if stack and stack[-1][0] == "d":
                    if before:
                        out.append((TXT, before))
                    stack.pop()
                    out.append((_QC, "d"))
                else:
                    out.append((TXT, before + ch))
                start = i + 1
                continue
            if before:
                out.append((TXT, before))
            stack.append(("s" if ch == "`" else "d", len(out)))
            out.append((_QO, "s" if ch == "`" else "d"))
            start = i + 1
        if start < len(text):
            out.append((TXT, text[start:]))
    for qtype, idx in stack:  # unmatched openers stay as characters
        out[idx] = (TXT, "\u2018" if qtype == "s" else "\u201c")
    merged: list[tuple[int, str]] = []
    for kind, text in out:
        if kind == TXT and merged and merged[-1][0] == TXT:
            merged[-1] = (TXT, merged[-1][1] + text)
        elif kind != TXT or text:
            merged.append((kind, text))
    return merged


@lru_cache(maxsize=8192)
def title_pieces(text: str, phrases: tuple[str, ...], mode: str) -> tuple[tuple[int, str], ...]:
    """A decoded title as pieces (``TXT``, ``NOC`` for the brace-protected ``phrases``, quotation
    marks), in ``mode`` "sentence" or "title" case, or as written ("none")."""
    if "..." in text:  # pandoc's smart punctuation: an ellipsis
        text = text.replace("...", "\u2026")
        phrases = tuple(p.replace("...", "\u2026") for p in phrases)
    pieces = _smart_quotes(_segment(text, phrases))
    if mode == "sentence":
        return _transform(pieces, _sentence_word)
    if mode == "title":
        return _transform(pieces, _title_word)
    return tuple(pieces)


def render_pieces(pieces: Iterable[tuple[int, str]], level: int = 0) -> Frag:
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
    return (s, escape(s))


@lru_cache(maxsize=8192)
def title_case(pieces: tuple[tuple[int, str], ...]) -> tuple[tuple[int, str], ...]:
    """Title pieces in title case (citeproc's rules, stop words lower case)."""
    return _transform(pieces, _title_word)


def capfirst(s: str) -> str:
    """The first word capitalised if it is all lower case (CSL's ``capitalize-first``)."""
    return "".join(p for _k, p in _transform([(TXT, s)], _capfirst_word)) if s else s


@lru_cache(maxsize=4096)
def title_case_text(s: str) -> str:
    """Plain text in title case."""
    return "".join(p for _k, p in _transform([(TXT, s)], _title_word)) if s else s


@lru_cache(maxsize=65536)
def collate(s: str) -> str:
    """A collation key: case, accents and punctuation ignored (letter by letter, §9.44)."""
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if c.isalnum() or c == " " or c == ".")
