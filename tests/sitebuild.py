"""Copy a site (this repository's commentary, or the synthetic one in tests/fixtures/minisite)
and build it with mkdocs (the real thing, in a subprocess)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINISITE = Path(__file__).resolve().parent / "fixtures" / "minisite"
SITE_PARTS = ("mkdocs.yml", "references.bib", "references.lock.json",
              "references.sources.json", "sources", "posts", "docs", "scripts", "data",
              "charts", "overrides")


def copy_site(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in SITE_PARTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest


def copy_minisite(dest: Path) -> Path:
    """A copy of the synthetic site (tests/fixtures/minisite) at ``dest``."""
    shutil.copytree(MINISITE, dest, ignore=shutil.ignore_patterns(".cache", "site"))
    return dest


def build(site: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    return subprocess.run([str(mkdocs), "build", "--strict", "-d", str(out), *extra],
                          cwd=site, capture_output=True, text=True)
