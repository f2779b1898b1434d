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
    """The best registered candidate for an entry without a DOI, with its match score.

    Only a candidate scoring ``ACCEPT_SCORE`` (0.9) or more is a proposed DOI; below that
    it is information on the verdict that no registered work matches.
    """

    key: str
    doi: str
    score: float
    title: str


def _year_gap(year: str, years: list[str]) -> int | None:
    gaps = [abs(int(year) - int(y)) for y in years if y.isdigit()]
    return min(gaps) if gaps and year.isdigit() else None


def score_candidate(ref: Reference, meta) -> float:
    """How well a registry record matches an entry (0-1): the title's similarity (with or
    without the registry's subtitle), +0.05 when the first author's surname agrees, -0.1
    when the years are more than one apart (online-first and print years often are one)."""
    title = ref.get("title")
    candidates = [meta.title] + ([f"{meta.title}: {meta.subtitle}"] if meta.subtitle else [])
    score = max(similarity(title, c) for c in candidates)
    names = [n for n in ref.authors if not n.literal]
    if names and meta.authors and fold(names[0].family) == fold(family_of(meta.authors[0])):
        score = min(1.0, score + 0.05)
    gap = _year_gap(ref.year[:4], meta.years)
    if gap is not None and gap > 1:
        score -= 0.1
    return round(max(score, 0.0), 3)


def search_url(client: Client, ref: Reference, rows: int = 5) -> str:
    """Crossref's bibliographic search for the entry's title and first author's surname,
    not confined to the stated year (the year is weighed by ``score_candidate``)."""
    names = [n for n in ref.authors if not n.literal]
    query = ref.get("title") + (f" {names[0].family}" if names else "")
    params = [("query.bibliographic", query), ("rows", str(rows))]
    return f"{client.config.crossref_url}/works?{urllib.parse.urlencode(params)}"


def search_doi(client: Client, ref: Reference, rows: int = 5) -> Proposal | None:
    """The best-scoring registered work for an entry without a DOI (None: no candidate)."""
    if not ref.get("title"):
        return None
    r = client.get(search_url(client, ref, rows), JSON_ACCEPT)
    if r.status != 200:
        return None
    data = r.json()
    items = (data.get("message") or {}).get("items") if isinstance(data, dict) else None
    best: Proposal | None = None
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        meta = parse_metadata(item)
        if not meta.doi:
            continue
        score = score_candidate(ref, meta)
        if best is None or score > best.score:
            best = Proposal(ref.key, meta.doi, score, meta.title)
    return best
