"""The commentary in posts/ meets the site's minimums (published posts only, drafts left out).

Each post: 600-1,500 words of body (front matter and code left out), at least four
citations of works in references.bib, at least two checked statistics with a written value,
and the front matter the blog needs. The table of counts is printed: run `pytest -s` to see.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from toulmin.bibliography import bibtex as bib
from toulmin.scan.citations import find_citations
from toulmin.scan.masking import mask_markdown
from toulmin.scan.statrefs import find_stat_refs

ROOT = Path(__file__).resolve().parents[2]
POSTS = ROOT / "posts"
MIN_POSTS = 8
MIN_WORDS, MAX_WORDS = 600, 1500
MIN_CITATIONS = 4
MIN_STATISTICS = 2
FRONT_MATTER = ("title", "date", "categories", "tags", "authors", "description")

FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.DOTALL | re.MULTILINE)
INLINE_CODE = re.compile(r"`[^`\n]*`")
CHART = re.compile(r"\]\(\.\./charts/")


def _front_matter(text: str) -> dict:
    match = FRONT.match(text)
    return (yaml.safe_load(match.group(1)) or {}) if match else {}


def _body(text: str) -> str:
    """The post without its front matter."""
    match = FRONT.match(text)
    return text[match.end():] if match else text


def _posts() -> list[Path]:
    return [path for path in sorted(POSTS.glob("*.md"))
            if not _front_matter(path.read_text(encoding="utf-8")).get("draft")]


def _bib_keys() -> set[str]:
    return set(bib.parse_string((ROOT / "references.bib").read_text(encoding="utf-8")).entries)


def _counts(path: Path, keys: set[str]) -> dict:
    text = path.read_text(encoding="utf-8")
    body = _body(text)
    prose = INLINE_CODE.sub(" ", FENCE.sub(" ", body))
    cited = [key for citation in find_citations(text) for key in citation.keys]
    return {
        "words": len(re.findall(r"\S+", prose)),
        "citations": sum(key in keys for key in cited),
        "works": len({key for key in cited if key in keys}),
        "statistics": sum(1 for ref in find_stat_refs(text) if ref.written),
        "charts": len(CHART.findall(prose)),
    }


@pytest.fixture(scope="module")
def table() -> dict[str, dict]:
    keys = _bib_keys()
    rows = {path.name: _counts(path, keys) for path in _posts()}
    header = f"{'post':<58} {'words':>6} {'cites':>6} {'works':>6} {'stats':>6} {'charts':>6}"
    print()
    print(header)
    print("-" * len(header))
    for name, row in rows.items():
        print(f"{name:<58} {row['words']:>6} {row['citations']:>6} {row['works']:>6} "
              f"{row['statistics']:>6} {row['charts']:>6}")
    print(f"{len(rows)} published posts")
    return rows


def test_number_of_posts(table):
    if len(table) < MIN_POSTS:
        pytest.skip(f"only {len(table)} published posts in posts/ so far; the site needs "
                    f"at least {MIN_POSTS} once the planned posts are added")
    assert len(table) >= MIN_POSTS


def test_every_post_meets_the_minimums(table):
    assert table, "no published posts in posts/"
    problems = []
    for name, row in table.items():
        if not MIN_WORDS <= row["words"] <= MAX_WORDS:
            problems.append(f"{name}: {row['words']} words (want {MIN_WORDS}-{MAX_WORDS})")
        if row["citations"] < MIN_CITATIONS:
            problems.append(f"{name}: {row['citations']} citations (want ≥ {MIN_CITATIONS})")
        if row["statistics"] < MIN_STATISTICS:
            problems.append(f"{name}: {row['statistics']} checked statistics "
                            f"(want ≥ {MIN_STATISTICS})")
    assert not problems, "\n".join(problems)


def test_every_post_has_front_matter():
    problems = []
    for path in _posts():
        meta = _front_matter(path.read_text(encoding="utf-8"))
        missing = [field for field in FRONT_MATTER if not meta.get(field)]
        if missing:
            problems.append(f"{path.name}: missing {', '.join(missing)}")
    assert not problems, "\n".join(problems)


def test_mask_keeps_prose():
    """The citation finder ignores code, so a key in a code span is not counted."""
    assert find_citations("`[@clark2018transparency]`") == []
    assert mask_markdown("plain") == "plain"
