"""Build a copy of the site with mkdocs (the real thing, in a subprocess)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_PARTS = ("mkdocs.yml", "references.bib", "references.lock.json", "posts", "docs",
              "scripts", "data", "charts", "overrides")


def copy_site(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in SITE_PARTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest


def build(site: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    return subprocess.run([str(mkdocs), "build", "--strict", "-d", str(out), *extra],
                          cwd=site, capture_output=True, text=True)
