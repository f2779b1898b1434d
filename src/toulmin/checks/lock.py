"""Checks against the registry lock file (codes REF000-REF008); never the network.

``toulmin verify-refs`` records each entry's registry verdict in ``references.lock.json``;
this module reads that file:

- REF000 (error) the lock file cannot be read;
- REF001 (warning) an entry with a DOI has no lock record (or one for another DOI);
- REF002 (warning) the entry changed since it was verified (its content hash differs);
- REF003 (error) the registry's metadata differs from the entry (fields listed);
- REF004 (error) the DOI is not registered;
- REF005 (error) a post cites a retracted work without marking the citation (also when
  the entry changed since it was verified: the retraction is the work's, not the entry's);
- REF006 (warning) the registry could not be asked when the entry was last checked;
- REF007 (error) verify-refs found no registered work matching an entry without a DOI
  (``verdict: "not_registered"``), and the entry does not declare itself unregistered
  (``unregistered = {<reason>}``);
- REF008 (warning) a record says ``verified`` but was not written from a registry's
  answer (``"recorded": "offline"``), or says ``checked_by_hand`` without who checked it
  (``checked_by``) against what (``checked_against``).

``toulmin check --strict-refs`` turns the warnings into errors. A record made offline
(``verdict: "unverified"``) gives no finding: it only says verify-refs has not run yet.
A ``checked_by_hand`` record with ``checked_by`` and ``checked_against`` is accepted: the
site shows it as checked by hand, never as verified.

**Marking a citation of a retracted work.** Write the word "retracted" in the citation's
suffix or prefix, pandoc style: ``[@wakefield1998, retracted]``, ``@wakefield1998
[retracted]``, ``[retracted: @wakefield1998]``. Pandoc prints the word with the citation
("(Wakefield et al., 1998, retracted)"), so readers see it too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from toulmin.bibliography import lock
from toulmin.checks.interface import SiteContext, check
from toulmin.findings import Finding
from toulmin.rules import RULES
from toulmin.textfile import for_terminal

_MARK = re.compile(r"\bretracted\b", re.IGNORECASE)


def is_marked(item) -> bool:
    """Whether a ``CiteItem`` marks its work as retracted (see the module's docstring)."""
    return bool(_MARK.search(item.prefix or "") or _MARK.search(item.suffix or "")
                or _MARK.search(item.locator or ""))


def _diff_text(diffs: list) -> str:
    """The differences a lock records, as one printable line (registry text: no escape
    sequence, control character or line break reaches the terminal)."""
    return for_terminal("; ".join(f"{d.get('field')}: entry '{d.get('entry')}', registry "
                                  f"'{d.get('registry')}'" for d in diffs
                                  if isinstance(d, dict)))


#: the lock's verdicts these rules read beyond the registry's own
VERIFIED = "verified"
CHECKED_BY_HAND = "checked_by_hand"
NOT_REGISTERED = "not_registered"
FROM_REGISTRY = "registry"


@check("site", families=("REF",))
def lock_rules(ctx: SiteContext) -> list[Finding]:
    """REF000-REF008 against ``references.lock.json`` (the lock only, never the network)."""
    return check_lock(ctx.bib, lock.LOCK_NAME, ctx.root, ctx.cited,
                      [(d.path, d.text) for d in ctx.documents])


def check_lock(bib, lock_path_rel: str, root: str | os.PathLike,
               cited_keys: Iterable[str],
               retraction_marks: Iterable[tuple[str, str]] = ()) -> list[Finding]:
    """Findings for ``bib`` (a ``Bibliography``) against the lock at ``root/lock_path_rel``.

    ``cited_keys`` are the keys cited anywhere on the site; ``retraction_marks`` the site's
    documents as ``(path, text)`` pairs, scanned for unmarked citations of retracted works
    (only when a cited work is retracted).
    """
    root = Path(root)
    try:
        records = lock.load(root / lock_path_rel)
    except lock.LockError as exc:
        return [RULES["REF000"].at(lock_path_rel, 1, 1, str(exc),
                                   "fix or delete the file, then run 'toulmin verify-refs'")]
    out: list[Finding] = []
    path = bib.path
    retracted: dict[str, dict] = {}
    # The index has each entry's DOI, line and hash: an entry is decoded only to quote it.
    for key, (_year, _names, doi, line, digest) in bib.index.items():
        if not doi:
            rec = records.get(key)
            if rec is not None:
                out.extend(_undoi_findings(bib, key, rec, line, digest))
            continue
        rec = records.get(key)
        if rec is None or str(rec.get("doi", "")).lower() != doi.lower():
            out.append(RULES["REF001"].at(path, line, 1,
                               f"entry '{key}' (doi {doi}) has no record in {lock_path_rel}",
                               "run 'toulmin verify-refs' and commit the lock file"))
            continue
        if rec.get("retracted"):
            # the record is about the work (its DOI), not the entry's text: an edited entry
            # of a retracted work is still a retracted work
            retracted[key] = rec
        if rec.get("hash") != digest:
            out.append(RULES["REF002"].at(path, line, 1,
                                          f"entry '{key}' changed since it was verified "
                                          f"({for_terminal(rec.get('checked', 'unknown date'))})",
                                          "run 'toulmin verify-refs' and commit the lock file"))
            continue
        verdict = rec.get("verdict")
        if verdict == "mismatch":
            out.append(RULES["REF003"].at(path, line, 1,
                               f"entry '{key}' differs from the registry's record of doi "
                               f"{doi}: "
                               f"{_diff_text(rec.get('differences') or [])}",
                               "correct the entry (or the DOI), then run "
                               "'toulmin verify-refs'"))
        elif verdict == "not_found":
            out.append(RULES["REF004"].at(path, bib.entries[key].line_of("doi"), 1,
                                          f"the DOI {doi} of entry '{key}' is not "
                                          "registered",
                                          "check the DOI (is it truncated?), then run "
                                          "'toulmin verify-refs'"))
        elif verdict == "unchecked":
            out.append(RULES["REF006"].at(path, line, 1,
                               f"entry '{key}' could not be checked against the registry: "
                               f"{for_terminal(rec.get('error', 'unknown error'))}",
                               "run 'toulmin verify-refs' again"))
        else:
            out.extend(_by_hand_findings(path, key, rec, line))
    cited = set(cited_keys)
    if retracted and cited & set(retracted):
        out.extend(_retraction_findings(retracted, retraction_marks))
    return out


def _by_hand_findings(path: str, key: str, rec: dict, line: int) -> list[Finding]:
    """REF008: a ``verified`` no registry answered, or a ``checked_by_hand`` that says not
    by whom against what."""
    verdict = rec.get("verdict")
    if verdict == VERIFIED and rec.get("recorded") != FROM_REGISTRY:
        return [RULES["REF008"].at(
            path, line, 1,
            f"the lock records entry '{key}' as verified "
            f"{for_terminal(rec.get('recorded') or 'offline')}: "
            "not a registry verdict: record it as checked_by_hand",
            "write \"verdict\": \"checked_by_hand\" with \"checked_by\" and "
            "\"checked_against\", or run 'toulmin verify-refs'")]
    if verdict == CHECKED_BY_HAND:
        missing = [f for f in ("checked_by", "checked_against")
                   if not str(rec.get(f) or "").strip()]
        if missing:
            return [RULES["REF008"].at(
                path, line, 1,
                f"the lock records entry '{key}' as checked by hand without "
                f"{' and '.join(missing)}",
                "say who checked it (checked_by) against what (checked_against)")]
    return []


def _undoi_findings(bib, key: str, rec: dict, line: int, digest: str) -> list[Finding]:
    """The lock's verdict on an entry without a DOI: REF007 when no registered work matches
    it and it does not declare itself unregistered (REF002 when it changed since)."""
    path = bib.path
    verdict = rec.get("verdict")
    if verdict != NOT_REGISTERED:
        return _by_hand_findings(path, key, rec, line)
    if bib.entries[key].get("unregistered").strip():
        return []  # declared: the lock records it on the next verify-refs
    if rec.get("hash") and rec.get("hash") != digest:
        return [RULES["REF002"].at(path, line, 1,
                                   f"entry '{key}' changed since it was verified "
                                   f"({for_terminal(rec.get('checked', 'unknown date'))})",
                                   "run 'toulmin verify-refs' and commit the lock file")]
    best = rec.get("best_candidate")
    nearest = ""
    if isinstance(best, dict) and best.get("doi"):
        score = best.get("score")
        nearest = f"; the nearest, doi {for_terminal(best['doi'])}" + (
            f", scored {score:.2f}" if isinstance(score, (int, float)) else "")
    return [RULES["REF007"].at(path, line, 1,
                               f"no registered work matches entry '{key}' (it has no DOI; "
                               f"searched {for_terminal(rec.get('checked', 'on an unknown date'))}"
                               f"{nearest})",
                               "correct the entry or add its DOI; for grey literature, web "
                               "pages or books without a DOI, declare it: unregistered = "
                               "{<reason>}")]


def _retraction_findings(retracted: dict[str, dict],
                         documents: Iterable[tuple[str, str]]) -> list[Finding]:
    from toulmin.scan.citations import find_citations

    out = []
    for doc_path, text in documents:
        if not any(k in text for k in retracted):
            continue
        for citation in find_citations(text):
            for item in citation.items:
                rec = retracted.get(item.key)
                if rec is None or is_marked(item):
                    continue
                notice = rec.get("retraction_notice")
                out.append(RULES["REF005"].at(
                    doc_path, item.line, item.column,
                    f"'{item.key}' is a retracted work"
                    + (f" (retraction notice doi {for_terminal(notice)})" if notice else ""),
                    f"cite it as [@{item.key}, retracted] if you mean to cite the "
                    "retracted work, or cite another source"))
    return out
