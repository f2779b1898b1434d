"""A hostile or broken registry: redirects elsewhere, an HTML page as an answer."""

from __future__ import annotations

import time

import pytest
from registryserver import PONE

from toulmin.registries.client import Client, Config, FetchError


def _client(tmp_path, **kw) -> Client:
    kw.setdefault("timeout", 2.0)
    kw.setdefault("backoff", 0.01)
    return Client(Config.from_env(cache_dir=tmp_path / "cache", **kw), sleep=lambda s: None)


@pytest.mark.parametrize("target", ["ftp://example.org/x", "http://localhost:{port}/doi/x",
                                    "https://evil.example/x"])
def test_a_redirect_away_from_the_registries_is_not_followed(server, tmp_path, target):
    port = server.base.rsplit(":", 1)[1]
    server.on("works", PONE, ("status", 302, {"Location": target.format(port=port)}))
    client = _client(tmp_path)
    start = time.monotonic()
    with pytest.raises(FetchError, match="not a registry"):
        client.get(f"{server.base}/crossref/works/{PONE}")
    assert time.monotonic() - start < 5
    assert client.requests == 1


def test_a_200_html_page_is_not_cached(server, tmp_path):
    server.on("works", PONE, ("body", b"<html><body>maintenance</body></html>"))
    client = _client(tmp_path)
    url = f"{server.base}/crossref/works/{PONE}"
    with pytest.raises(FetchError, match="malformed JSON"):
        client.get(url).json()
    server.overrides.clear()
    assert isinstance(_client(tmp_path).get(url).json(), dict)
