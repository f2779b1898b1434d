"""How each reference was verified: the line under its entry in a reference list.

The registry lock (``references.lock.json``, read through ``bibliography.lock``) records a
verdict per entry. Readers see it in words, never by colour alone, and nothing claims
"verified" that a registry did not answer:

- ``verified`` written by verify-refs from a registry's answer (``"recorded": "registry"``):
  "DOI verified with the registry (2026-11-22)";
- ``checked_by_hand``: "Checked by hand against <checked_against>";
- ``unregistered`` (the entry declares ``unregistered = {<reason>}``): "Not registered:
  <reason>", the entry's declaration standing in until the lock records it;
- a ``verified`` record made offline (the old shape), or an ``unverified`` one: "Recorded
  offline, not verified with a registry";
- any other verdict (a mismatch, a DOI not found, a registry not reached, no registered work
  found): "Not verified with a registry".

An entry without a record says nothing. The line is left out of the search index
(``data-search-exclude``, which Material's indexer honours): a search for "registry"
should not find every page with a reference list.
"""

from __future__ import annotations

import html

#: the lock's verdicts and the ``recorded`` value this module distinguishes
VERIFIED = "verified"
CHECKED_BY_HAND = "checked_by_hand"
UNREGISTERED = "unregistered"
UNVERIFIED = "unverified"
FROM_REGISTRY = "registry"

#: the class every verification line carries (the stand-ins look for it)
CLASS = "toulmin-verification"


def verification(record: dict | None, declared: str = "") -> tuple[str, str]:
    """(kind, text) of the line for an entry with lock ``record`` (None for none) whose
    BibTeX ``unregistered`` field says ``declared``; ("", "") for no line.

    ``kind`` is one of ``registry``, ``hand``, ``unregistered``, ``offline`` and
    ``unverified`` (a modifier of the line's class, for its style).
    """
    declared = " ".join(declared.split())
    if not isinstance(record, dict):
        return ("unregistered", _not_registered(declared)) if declared else ("", "")
    verdict = record.get("verdict")
    offline = record.get("recorded") != FROM_REGISTRY
    if verdict == VERIFIED and not offline:
        checked = _text(record.get("checked"))
        when = f" ({checked})" if checked else ""
        return "registry", f"DOI verified with the registry{when}"
    if verdict == CHECKED_BY_HAND:
        against = _text(record.get("checked_against"))
        return "hand", f"Checked by hand against {against}" if against else "Checked by hand"
    if verdict == UNREGISTERED or (declared and verdict != VERIFIED):
        reason = _text(record.get("reason")) or _text(record.get("unregistered")) or declared
        return "unregistered", _not_registered(reason)
    if verdict in (VERIFIED, UNVERIFIED) and offline:
        return "offline", "Recorded offline, not verified with a registry"
    return "unverified", "Not verified with a registry"


def verification_html(record: dict | None, declared: str = "") -> str:
    """The line of ``verification`` as HTML ("" for none), its text escaped."""
    kind, text = verification(record, declared)
    if not text:
        return ""
    return (f'<span class="{CLASS} {CLASS}--{kind}" data-search-exclude>'
            f"{html.escape(text, quote=False)}</span>")


def _not_registered(reason: str) -> str:
    return f"Not registered: {reason}" if reason else "Not registered"


def _text(value) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""
