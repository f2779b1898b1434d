"""The DOI resolver: a work's CSL-JSON record by content negotiation.

``GET {DOI_URL}/{doi}`` with ``Accept: application/vnd.citationstyles.csl+json``, following
redirects, answers for every registration agency (Crossref, DataCite, JaLC and others).
"""

from __future__ import annotations

from toulmin.registries.client import Client, Response, quote_doi

CSL_ACCEPT = "application/vnd.citationstyles.csl+json"


def fetch_csl(client: Client, doi: str) -> Response:
    """The resolver's answer for ``doi`` (200 with CSL-JSON, or 404 when not registered)."""
    return client.get(f"{client.config.doi_url}/{quote_doi(doi)}", CSL_ACCEPT)
