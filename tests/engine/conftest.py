"""Fixtures of the engine tests: a synthetic site that knows nothing of the commentary.

``tests/fixtures/minisite`` is a small site on another subject (a fictional library
service's loans, synthetic data): config, posts, pages, references and lock, a Data Package,
definitions scripts and the committed chart. Engine tests run on a fresh copy of it, so they
hold whatever the commentary's own posts, data and references become.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebuild import copy_minisite


@pytest.fixture
def minisite(tmp_path: Path) -> Path:
    """A fresh copy of the synthetic site to modify."""
    return copy_minisite(tmp_path / "minisite")
