"""Fixtures of the engine tests: a synthetic site that knows nothing of the commentary.

``tests/fixtures/minisite`` is a small site on another subject (a fictional library
service's loans, synthetic data): config, posts, pages, references and lock, a Data Package,
definitions scripts and the committed chart. Engine tests run on a fresh copy of it, so they
hold whatever the commentary's own posts, data and references become.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from registryserver import Registry

from sitebuild import copy_minisite


@pytest.fixture
def minisite(tmp_path: Path) -> Path:
    """A fresh copy of the synthetic site to modify."""
    return copy_minisite(tmp_path / "minisite")


@pytest.fixture
def server(monkeypatch):
    """The local server that plays doi.org, Crossref, Europe PMC and OpenAlex
    (``tests/registryserver.py``), with toulmin's registry URLs pointed at it."""
    reg = Registry()
    for k, v in reg.env().items():
        monkeypatch.setenv(k, v)
    yield reg
    reg.close()
