"""The commentary's lock file: every DOI of its reference base is recorded and current."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from toulmin.bibliography import loading, lock

ROOT = Path(__file__).resolve().parents[2]


def test_site_lock_covers_every_doi(tmp_path, run_cli):
    library = loading.load(ROOT / "references.bib")
    records = lock.load(ROOT / "references.lock.json")
    for key, ref in library.entries.items():
        if ref.doi:
            assert key in records, key
            assert records[key]["doi"] == ref.doi
            assert records[key]["hash"] == ref.hash
            assert records[key]["recorded"] in ("offline", "registry")
    text = (ROOT / "references.lock.json").read_text(encoding="utf-8")
    assert text == lock.dumps(lock.load(ROOT / "references.lock.json"))
    for name in ("mkdocs.yml", "references.bib", "references.lock.json",
                 "references.sources.json"):
        shutil.copy2(ROOT / name, tmp_path / name)
    for name in ("posts", "docs", "scripts", "data", "sources"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, tmp_path / name)
    _, out, _ = run_cli("check", tmp_path, "--strict-refs", "--format", "json")
    assert [f for f in json.loads(out) if f["code"].startswith("REF")] == []
