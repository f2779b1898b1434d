"""Checks against the registry lock file (codes REF000-REF006); never the network.

``toulmin verify-refs`` records each entry's registry verdict in ``references.lock.json``;
this module reads that file:

- REF000 (error) the lock file cannot be read;
- REF001 (warning) an entry with a DOI has no lock record (or one for another DOI);
- REF002 (warning) the entry changed since it was verified (its content hash differs);
- REF003 (error) the registry's metadata differs from the entry (fields listed);
- REF004 (error) the DOI is not registered;
- REF005 (error) a post cites a retracted work without marking the citation (also when
  the entry changed since it was verified: the retraction is the work's, not the entry's);
- REF006 (warning) the registry could not be asked when the entry was last checked.

``toulmin check --strict-refs`` turns the warnings into errors. A record made offline
(``verdict: "unverified"``) gives no finding: it only says verify-refs has not run yet.

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

_MARK = re.compile(r"\bretracted\b", re.IGNORECASE)


def is_marked(item) -> bool:
    """Whether a ``CiteItem`` marks its work as retracted (see the module's docstring)."""
    return bool(_MARK.search(item.prefix or "") or _MARK.search(item.suffix or "")
                or _MARK.search(item.locator or ""))


def _diff_text(diffs: list[dict]) -> str:
    return "; ".join(f"{d.get('field')}: entry '{d.get('entry')}', registry "
                     f"'{d.get('registry')}'" for d in diffs)


@check("site", families=("REF",))
def lock_rules(ctx: SiteContext) -> list[Finding]:
    """REF000-REF006 against ``references.lock.json`` (the lock only, never the network)."""
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
                                          f"({rec.get('checked', 'unknown date')})",
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
                               f"{rec.get('error', 'unknown error')}",
                               "run 'toulmin verify-refs' again"))
    cited = set(cited_keys)
    if retracted and cited & set(retracted):
        out.extend(_retraction_findings(retracted, retraction_marks))
    return out


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
                    + (f" (retraction notice doi {notice})" if notice else ""),
                    f"cite it as [@{item.key}, retracted] if you mean to cite the "
                    "retracted work, or cite another source"))
    return out
