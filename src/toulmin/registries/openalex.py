"""OpenAlex: a work's abstract by DOI, rebuilt from ``abstract_inverted_index``.

``GET {OPENALEX_URL}/works/doi:<doi>`` answers the work; its abstract is stored as an
inverted index, each word mapped to the positions it holds (``{"Among": [0], "various":
[1], ...}``). The text is rebuilt by placing each word at each of its positions, in order.
"""

from __future__ import annotations

from toulmin.registries.client import Client, quote_doi


def rebuild_inverted_index(index: dict) -> str:
    """The text an inverted index encodes: every word at each of its positions, in order."""
    placed: dict[int, str] = {}
    for word, positions in index.items() if isinstance(index, dict) else ():
        if not isinstance(word, str) or not isinstance(positions, list):
            continue
        for pos in positions:
            if isinstance(pos, int) and not isinstance(pos, bool) and pos >= 0:
                placed[pos] = word
    return " ".join(placed[p] for p in sorted(placed))


def openalex_url(client: Client, doi: str) -> str:
    return f"{client.config.openalex_url}/works/doi:{quote_doi(doi)}"


def fetch_openalex_abstract(client: Client, doi: str) -> tuple[str, str, str] | None:
    """``(abstract text, "openalex", url)`` or None when OpenAlex has no abstract."""
    url = openalex_url(client, doi)
    data = client.get_object(url, "OpenAlex")
    if data is None:
        return None
    text = rebuild_inverted_index(data.get("abstract_inverted_index") or {})
    return (text, "openalex", url) if text.strip() else None
