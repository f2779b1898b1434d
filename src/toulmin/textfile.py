"""Text files read as bytes: UTF-8 or a finding at the first byte that is not.

Posts, pages, ``references.bib`` and the Data Package's CSV files are all read through
``decode_text``, so a file saved in another encoding or carrying a NUL byte is one finding
at its line and column (DOC001, DOC002), never garbled text published silently.
"""

from __future__ import annotations

import re
import unicodedata

from toulmin.findings import Finding
from toulmin.rules import RULES

__all__ = ["control_character", "decode_text", "for_terminal"]

#: bidirectional overrides and isolates, which reorder what a terminal shows
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
#: ANSI escape sequences (CSI and OSC), removed whole rather than leaving their tail
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")


def decode_text(data: bytes, path: str) -> tuple[str, list[Finding]]:
    """``data`` as text, and a finding at the first byte that is not UTF-8 (DOC001) and at
    the first NUL byte (DOC002); undecodable bytes become U+FFFD, a NUL stays. A file that
    begins with UTF-16's or UTF-32's byte-order mark is one DOC001 (not also a NUL at
    every other byte), and its text is read in that encoding."""
    problems: list[Finding] = []
    bom = next((name for mark, name in _WIDE_BOMS if data.startswith(mark)), None)
    if bom is not None:  # every other byte a NUL: one finding for the file, not two
        return data.decode(bom.lower(), errors="replace"), [RULES["DOC001"].at(
            path, 1, 1, f"not UTF-8 text: {bom} (its byte-order mark begins the file)",
            "save the file as UTF-8")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        line, col = _byte_position(data, exc.start)
        problems.append(RULES["DOC001"].at(
            path, line, col, f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be decoded",
            "save the file as UTF-8"))
    nul = data.find(b"\0")
    if nul >= 0:
        line, col = _byte_position(data, nul)
        problems.append(RULES["DOC002"].at(path, line, col, "a NUL byte in the text",
                                           "delete the byte"))
    return text, problems


#: the byte-order marks of the wide encodings (UTF-32's first: it begins as UTF-16LE's)
_WIDE_BOMS = ((b"\xff\xfe\0\0", "UTF-32"), (b"\0\0\xfe\xff", "UTF-32"),
              (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of the byte at ``offset``."""
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def control_character(c: str) -> bool:
    """Whether ``c`` is a control character (Unicode Cc) or a bidirectional override."""
    return unicodedata.category(c) == "Cc" or c in _BIDI


def for_terminal(text: object) -> str:
    """``text`` (third-party text: a registry's answer, a lock record) as one line safe to
    print in a terminal or a CI log: ANSI sequences and control characters removed, line
    breaks as spaces, and never a line that starts with ``::`` (a GitHub Actions workflow
    command such as ``::error::`` or ``::add-mask::``)."""
    text = _ANSI.sub("", str(text))
    text = "".join(" " if c in "\t\n\r\x0b\x0c\x85\u2028\u2029" else c
                   for c in text if not control_character(c) or c in "\t\n\r\x0b\x0c\x85")
    if text.lstrip().startswith("::"):
        text = "\u00b7" + text.lstrip()[1:]  # "·:error::": no longer a workflow command
    return text
