"""Copy a site (this repository's commentary, or the synthetic one in tests/fixtures/minisite)
and build it with mkdocs (the real thing, in a subprocess)."""

from __future__ import annotations

import re
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


def build_zensical(site: Path, *extra: str) -> tuple[Path, float]:
    """``toulmin generate``, ``zensical build`` and ``toulmin postbuild`` (the real things,
    in subprocesses) of the site at ``site``: the built site's folder and the seconds
    Zensical took."""
    import time

    bin_dir = Path(sys.executable).parent
    proc = subprocess.run([sys.executable, "-m", "toulmin", "generate", *extra], cwd=site,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    start = time.perf_counter()
    proc = subprocess.run([str(bin_dir / "zensical"), "build", "-f",
                           ".toulmin/site-src/mkdocs.yml"], cwd=site, capture_output=True,
                          text=True)
    seconds = time.perf_counter() - start
    assert proc.returncode == 0 and "Build finished" in proc.stdout + proc.stderr, \
        proc.stdout + proc.stderr
    proc = subprocess.run([sys.executable, "-m", "toulmin", "postbuild"], cwd=site,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return site / ".toulmin" / "site-src" / "site", seconds


# -- helpers shared by the engine tests and the site tests ---------------------------------


def bib_keys(bib: Path) -> set[str]:
    """The entry keys of a BibTeX file, read with a plain pattern (not with toulmin)."""
    text = bib.read_text(encoding="utf-8")
    return set(re.findall(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", text, flags=re.M))


def checked_numbers(root: Path):
    """(path, ref) for every statistic written with a value in a site's pages."""
    from toulmin.scan.statrefs import find_stat_refs

    for folder in ("posts", "docs"):
        for path in sorted((root / folder).rglob("*.md")):
            text = path.read_text()
            for ref in find_stat_refs(text):
                if ref.written:
                    yield path, ref


def bump_last_digit(written: str, delta: int) -> str:
    """``written`` with its last digit moved by ``delta`` (mod 10): a mutation of a figure."""
    m = list(re.finditer(r"\d", written))[-1]
    digit = (int(m.group()) + delta) % 10
    return written[:m.start()] + str(digit) + written[m.end():]
