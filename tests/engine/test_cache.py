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


# -- signed: a cache a pull request commits is never served --------------------------------


def _poisoned_results(site: Path) -> None:
    """What a contribution could commit: the check's cache, as this code writes it, but made
    on another machine (a fingerprint is computed from public inputs, so it matches)."""
    import os
    import subprocess
    import sys

    other = site.parent / "other-home"
    env = dict(os.environ, XDG_CACHE_HOME=str(other), PYTHONDONTWRITEBYTECODE="1",
               PYTHONPATH=str(Path(cache.__file__).resolve().parents[1]))
    subprocess.run([sys.executable, "-c", "import sys; from toulmin.project import Project; "
                    "Project.load(sys.argv[1]).check()", str(site)], env=env, check=True)
    assert (other / "toulmin" / "cache-key").stat().st_mode & 0o777 == 0o600


def test_a_cache_made_on_another_machine_is_never_served(minisite, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "my-home"))
    cache._key.cache_clear()
    try:
        _poisoned_results(minisite)
        files = sorted((minisite / ".cache" / "toulmin").glob("*.marshal"))
        assert files  # the other machine's cache is in the project ...
        assert all(cache.read(f) is None for f in files)  # ... and reads as a miss here
        # so the check computes its own results, and keeps them under this user's key
        Project.load(minisite).check()
        assert any(cache.read(f) is not None
                   for f in (minisite / ".cache" / "toulmin").glob("*.marshal"))
    finally:
        cache._key.cache_clear()


def test_a_cache_file_unsigned_or_altered_is_a_miss(tmp_path, monkeypatch):
    import marshal

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    cache._key.cache_clear()
    try:
        path = tmp_path / "x.marshal"
        cache.write_versioned(path, 1, {"clean": True}, key="post")
        assert cache.read_versioned(path, 1, key="post") == {"clean": True}
        raw = path.read_bytes()
        path.write_bytes(raw[:-1] + bytes([raw[-1] ^ 1]))  # one bit of the data changed
        assert cache.read_versioned(path, 1, key="post") is None
        # the same value, fingerprinted as this code does, but not signed (hand-made)
        path.write_bytes(marshal.dumps((1, cache.fingerprint("post"), {"clean": True})))
        assert cache.read_versioned(path, 1, key="post") is None
    finally:
        cache._key.cache_clear()
