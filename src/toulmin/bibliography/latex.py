"""LaTeX to Unicode for BibTeX field values.

pylatexenc is the reference decoder but costs about 2 ms a field, which is most of the
time of loading a large reference base. Nearly all real fields use only a small part of
LaTeX (braces, accents, escaped specials, ``--``, a few text commands), so ``decode``
handles exactly that part with regular expressions and hands anything else (maths, other
macros) to pylatexenc. ``tests/engine/test_latex.py`` checks the fast path against pylatexenc on
every field of real-world .bib files.
"""

from __future__ import annotations

import re
import unicodedata

#: Accent commands and the combining character each adds (LaTeX's ``\\"o`` is o + U+0308).
ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a", "b": "\u0331", "d": "\u0323",
}
#: Letter-like control words.
SYMBOLS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
    "textendash": "\u2013", "textemdash": "\u2014", "textquoteright": "\u2019",
    "textquoteleft": "\u2018", "textquotedblleft": "\u201c", "textquotedblright": "\u201d",
    "textellipsis": "\u2026", "ldots": "\u2026", "dots": "\u2026", "textregistered": "®",
    "texttrademark": "™", "copyright": "©", "textcopyright": "©", "pounds": "£",
    "textsterling": "£", "euro": "€", "S": "§", "P": "¶", "textbackslash": "\\",
    "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX",
}
_SPECIALS = re.compile(r"\\([&%$#_{}])")
_ACCENT = re.compile(
    r"""\\([\"'`^~=.]|[uvHckrbd](?![A-Za-z]))\s*"""
    r"""(?:\{\s*(\\[ij](?![A-Za-z])|[A-Za-z])\s*\}|(\\[ij](?![A-Za-z])|[A-Za-z]))"""
)
_SYMBOL = re.compile(
    r"\\(" + "|".join(sorted(SYMBOLS, key=len, reverse=True)) + r")(?![A-Za-z])(?:\{\}|\s*)"
)
_TEXTCMD = re.compile(
    r"\\(?:textit|textbf|emph|textsc|textrm|textsf|texttt|textup|textnormal|textsl|mbox|"
    r"text|url|path|NoCaseChange|MakeUppercase|MakeLowercase|protect|relax)(?![A-Za-z])\s*"
)
_WS = re.compile(r"\s+")
_converter = None


def _accent(m: re.Match) -> str:
    base = m.group(2) or m.group(3)
    if base.startswith("\\"):
        base = "i" if base[1] == "i" else "j"
    return unicodedata.normalize("NFC", base + ACCENTS[m.group(1)])


def decode_pylatexenc(raw: str) -> str:
    """The reference decoder, pylatexenc (slow); the text without braces if it fails."""
    global _converter
    if _converter is None:
        from pylatexenc.latex2text import LatexNodes2Text

        _converter = LatexNodes2Text(math_mode="text", strict_latex_spaces=True)
    try:
        return _converter.latex_to_text(raw)
    except Exception:  # never let one odd field stop a build
        return raw.replace("{", "").replace("}", "")


def _finish(text: str) -> str:
    if "?`" in text or "!`" in text:  # LaTeX's ligatures for the inverted marks
        text = text.replace("?`", "\u00bf").replace("!`", "\u00a1")
    if "--" in text:
        text = text.replace("---", "\u2014").replace("--", "\u2013")
    if "``" in text or "''" in text:
        text = text.replace("``", "\u201c").replace("''", "\u201d")
    if "~" in text or "\u00a0" in text:
        text = text.replace("~", " ").replace("\u00a0", " ")
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        text = _WS.sub(" ", text)
    return text.strip()


_LETTER_GROUP = re.compile(r"\{([^\W\d_])\}")


def accents_to_unicode(raw: str) -> str:
    """Only the accent and letter commands, with their braces: ``{\\"o}`` -> ``ö``.

    BibTeX counts such a group as one letter, so a name list can be split after this.
    """
    if "\\" not in raw:
        return raw
    text = _ACCENT.sub(_accent, raw)
    text = _SYMBOL.sub(lambda m: SYMBOLS[m.group(1)], text)
    return _LETTER_GROUP.sub(r"\1", text)


def decode(raw: str) -> str:
    """Plain Unicode for a BibTeX value, white space collapsed."""
    if "\\" not in raw and "$" not in raw:
        return _finish(raw.replace("{", "").replace("}", ""))
    text = _SPECIALS.sub(lambda m: "\x00" + str(ord(m.group(1))) + "\x01", raw)
    text = _ACCENT.sub(_accent, text)
    text = _SYMBOL.sub(lambda m: SYMBOLS[m.group(1)], text)
    text = _TEXTCMD.sub("", text)
    if "\\" in text or "$" in text:
        return _WS.sub(" ", decode_pylatexenc(raw).replace("\u00a0", " ")).strip()
    text = _finish(text.replace("{", "").replace("}", ""))
    if "\x00" in text:
        text = re.sub("\x00(\\d+)\x01", lambda m: chr(int(m.group(1))), text)
    return text
