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


# -- a site with hostile committed charts (issue 15) ---------------------------------------

#: a host no test reaches: every request to it is a payload that got through
EVIL_HOST = "evil.example"
#: an SVG of the issue's payloads (each would run a script or make a request inline)
HOSTILE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="400" height="300" onload="alert(\'svg onload\')">'
    "<scr<script></script>ipt>alert('nested')</script>"
    "<SCRIPT>alert('upper')</SCRIPT>"
    '<g onclick=alert(\'onclick\')><rect width="400" height="300" fill="red"/></g>'
    "<img src=x onerror=alert('img')>"
    f'<image href="https://{EVIL_HOST}/image.png" width="10" height="10"/>'
    f"<style>@import url(https://{EVIL_HOST}/import.css);</style>"
    '<a xlink:href="javascript:alert(\'xlink\')"><text y="20">link</text></a>'
    '<a href="#x"><set attributeName="href" to="javascript:alert(\'set\')"/>'
    '<text y="40">set</text></a>'
    '<a href="&#106;avascript:alert(\'entity\')"><text y="60">entity</text></a>'
    '<foreignObject width="100" height="100"><body xmlns="http://www.w3.org/1999/xhtml">'
    f'<iframe src="https://{EVIL_HOST}/frame"></iframe></body></foreignObject>'
    f'<path d="M0,0h9" fill="url(https://{EVIL_HOST}/paint#p)"/>'
    "</svg>\n")
#: a Vega-Lite spec that would load data from another host
HOSTILE_SPEC = ('{"$schema": "https://vega.github.io/schema/vega-lite/v5.json", '
                f'"data": {{"url": "https://{EVIL_HOST}/data.csv"}}, "mark": "bar", '
                '"description": "HOSTILE-SPEC"}\n')


def seed_hostile_charts(site: Path, *, charts_in_docs: bool = False) -> Path:
    """The minisite with hostile committed charts, built with the rules that stop them
    (CHA002, CHA005) and the Content-Security-Policy off, so the sanitiser stands alone:
    loans_by_month's committed SVG and spec replaced (stale), and charts/x.svg and x.vl.json
    that no script defines, shown by a post. Returns the post's source file."""
    charts = site / "charts"
    if charts_in_docs:
        charts = site / "docs" / "charts"
        shutil.move(site / "charts", charts)
    (charts / "loans_by_month.svg").write_text(HOSTILE_SVG)
    (charts / "loans_by_month.vl.json").write_text(HOSTILE_SPEC)
    (charts / "x.svg").write_text(HOSTILE_SVG)
    (charts / "x.vl.json").write_text(HOSTILE_SPEC)
    post = site / "posts" / "2025-05-06-what-a-renewal-rate-measures.md"
    # from the site root: MkDocs does not resolve it, so the strict build goes on
    post.write_text(post.read_text() + "\n![Undefined chart](/charts/x.svg)\n")
    config = site / "mkdocs.yml"
    text = config.read_text()
    assert "  - toulmin\n" in text
    options = '      rules: {CHA002: "off", CHA005: "off"}\n      content_security_policy: ""\n'
    if charts_in_docs:
        options += "      charts_dir: docs/charts\n"
    config.write_text(text.replace("  - toulmin\n", "  - toulmin:\n" + options))
    return post
