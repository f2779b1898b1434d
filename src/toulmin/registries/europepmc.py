"""Europe PMC's REST search: a work's abstract by DOI (``abstractText``, HTML markup).

``GET {EUROPEPMC_URL}/search?query=DOI:"<doi>"&resultType=core&format=json``; the answer
is ``{"hitCount": n, "resultList": {"result": [{"doi": ..., "abstractText": ...}]}}``.
A result is taken only when its ``doi`` is the one asked for.
"""

from __future__ import annotations

import urllib.parse

from toulmin.registries.client import Client


def europepmc_url(client: Client, doi: str) -> str:
    query = urllib.parse.urlencode({"query": f'DOI:"{doi}"', "resultType": "core",
                                    "format": "json"})
    return f"{client.config.europepmc_url}/search?{query}"


def fetch_europepmc_abstract(client: Client, doi: str) -> tuple[str, str, str] | None:
    """``(abstract HTML, "europepmc", url)`` or None when Europe PMC has no abstract."""
    url = europepmc_url(client, doi)
    data = client.get_object(url, "Europe PMC")
    if data is None:
        return None
    results = (data.get("resultList") or {}).get("result") if isinstance(
        data.get("resultList"), dict) else None
    for item in results if isinstance(results, list) else []:
        if not isinstance(item, dict):
            continue
        if str(item.get("doi") or "").lower() != doi.lower():
            continue
        text = item.get("abstractText")
        if isinstance(text, str) and text.strip():
            return text, "europepmc", url
    return None
