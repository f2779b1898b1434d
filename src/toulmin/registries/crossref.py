"""Crossref's REST API: a work's record (for its retraction and correction notices) and
the bibliographic search that proposes a DOI for an entry without one.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from toulmin.bibliography.model import Reference, normalise_doi
from toulmin.registries.client import JSON_ACCEPT, Client, Response, quote_doi
from toulmin.registries.comparison import family_of, fold, similarity
from toulmin.registries.metadata import parse_metadata


def fetch_crossref(client: Client, doi: str) -> Response:
    """``GET {CROSSREF_URL}/works/{doi}``: the works message, or 404 (not a Crossref DOI)."""
    return client.get(f"{client.config.crossref_url}/works/{quote_doi(doi)}", JSON_ACCEPT)


def retraction_status(crossref_message: dict | None) -> dict:
    """``{"retracted": bool, "notice": doi|None, "updates": [...]}`` from a works message.

    Only ``updated-by`` relations (this work was updated by a notice) count; ``update-to``
    sits on the notice or the newer version and points at the work it updates. Only the
    retraction type means retracted; corrections and new versions are listed as updates.
    """
    out: dict = {"retracted": False, "notice": None, "updates": []}
    if not isinstance(crossref_message, dict):
        return out
    msg = crossref_message.get("message", crossref_message)
    if not isinstance(msg, dict):
        return out
    for upd in msg.get("updated-by") or []:
        if not isinstance(upd, dict):
            continue
        kind = str(upd.get("type") or "").lower().replace("-", "_")
        doi = normalise_doi(str(upd.get("DOI") or "")).lower() or None
        if kind == "retraction":
            out["retracted"] = True
            out["notice"] = out["notice"] or doi
        out["updates"].append({"type": kind, "doi": doi,
                               "source": str(upd.get("source") or "")})
    out["updates"].sort(key=lambda u: (u["type"], u["doi"] or "", u["source"]))
    return out


@dataclass(slots=True)
class Proposal:
    """A DOI proposed for an entry without one: Crossref's best match, with its score."""

    key: str
    doi: str
    score: float
    title: str


def search_doi(client: Client, ref: Reference, rows: int = 5) -> Proposal | None:
    """Crossref bibliographic search for an entry without a DOI; the best match, scored."""
    title = ref.get("title")
    if not title:
        return None
    params = [("query.bibliographic", title)]
    names = [n for n in ref.authors if not n.literal]
    if names:
        params.append(("query.author", names[0].family))
    year = ref.year[:4]
    if year.isdigit():
        params.append(("filter", f"from-pub-date:{year},until-pub-date:{year}"))
    params.append(("rows", str(rows)))
    url = f"{client.config.crossref_url}/works?{urllib.parse.urlencode(params)}"
    r = client.get(url, JSON_ACCEPT)
    if r.status != 200:
        return None
    data = r.json()
    items = (data.get("message") or {}).get("items") if isinstance(data, dict) else None
    best: Proposal | None = None
    for item in items or []:
        meta = parse_metadata(item)
        if not meta.doi:
            continue
        score = similarity(title, meta.title)
        if names and meta.authors and fold(names[0].family) == fold(family_of(meta.authors[0])):
            score = min(1.0, score + 0.05)
        if year and year not in meta.years:
            score -= 0.1
        score = round(max(score, 0.0), 3)
        if best is None or score > best.score:
            best = Proposal(ref.key, meta.doi, score, meta.title)
    return best
