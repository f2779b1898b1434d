"""The one cache layer: every cache is fingerprinted on its inputs and on toulmin's own code.

The defect this guards against: check results were cached under toulmin's version number,
so an edit to the engine (a message, a rule's severity) was not seen until the cache was
deleted by hand.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from toulmin import cache
from toulmin.findings import WARNING
from toulmin.project import Project
from toulmin.rules import RULES

BIB = """\
@article{smith2020, author = {Smith, Jane}, title = {Apples}, journal = {Journal of Fruit},
  year = {2020}, volume = {3}, pages = {1--9}}
"""


def _site(root: Path) -> Path:
    (root / "posts").mkdir(parents=True)
    (root / "posts" / "a.md").write_text(
        "# A\n\nAs shown before [@smith2020], and again [@smyth2021].\n")
    (root / "references.bib").write_text(BIB)
    return root


def _unknown_key(findings) -> list[tuple[str, str]]:
    return [(f.code, f.severity) for f in findings if f.code == "CIT001"]


def test_an_edit_to_the_engine_is_seen_without_deleting_the_cache(tmp_path, monkeypatch):
    site = _site(tmp_path)
    assert _unknown_key(Project.load(site).check()) == [("CIT001", "error")]
    # The engine is edited: the rule for unknown keys becomes a warning.
    monkeypatch.setitem(RULES, "CIT001", dataclasses.replace(RULES["CIT001"], severity=WARNING))
    # Same code digest (a control): the cached result is served; the cache is in play.
    assert _unknown_key(Project.load(site).check()) == [("CIT001", "error")]
    # The edited code has another digest: nothing the old code cached is served.
    monkeypatch.setattr(cache, "code_digest", lambda: "digest of the edited engine")
    assert _unknown_key(Project.load(site).check()) == [("CIT001", "warning")]


def test_the_code_digest_covers_every_source_file_of_the_package(tmp_path, monkeypatch):
    digest = cache.code_digest()
    assert digest == cache.code_digest() and len(digest) == 32
    package = Path(cache.__file__).resolve().parent
    sources = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py"))
    assert "rules/citations.py" in sources and "checks/citations.py" in sources
    # fingerprints differ by input and by code
    assert cache.fingerprint("a") != cache.fingerprint("b")
    before = cache.fingerprint("a")
    monkeypatch.setattr(cache, "code_digest", lambda: "other code")
    assert cache.fingerprint("a") != before


def test_a_cache_entry_of_the_wrong_shape_is_a_miss(tmp_path):
    path = tmp_path / "x.marshal"
    cache.write(path, ("not", "the", "shape", "expected"))
    assert cache.read_versioned(path, 1) is None
    path.write_bytes(b"\x00garbage")
    assert cache.read_versioned(path, 1) is None
    cache.write_versioned(path, 1, {"a": 1}, key="inputs")
    assert cache.read_versioned(path, 1, key="inputs") == {"a": 1}
    assert cache.read_versioned(path, 1, key="other inputs") is None
    assert cache.read_versioned(path, 2, key="inputs") is None
