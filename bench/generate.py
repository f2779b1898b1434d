"""Generate a benchmark site: N posts citing C works each from a reference base of E entries.

The entries look like a real psychology reference base (accented names in LaTeX, brace-
protected acronyms, journals, DOIs, books and reports); the posts are Markdown with front
matter, headings, parenthetical, narrative and located citations, code spans and lists.
The same seed gives the same site.

    python bench/generate.py OUT --posts 200 --cites 8 --entries 500
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SURNAMES = [
    "Clark", "Layard", "Scott", "Marks", "Gyani", "Shafran", "Beierl", "Ehlers", "Wild",
    "Horvath", "Symonds", "Tracey", "Bower", "Kendrick", "Richards", "Gilbody", "Cuijpers",
    "Andersson", "Meyer", "Huibers", "Barkham", "Lovell", "Read", "Moncrieff", "Geraghty",
    "Serfaty", "King", "Nazareth", "Kroenke", "Spitzer", "Williams", "L{\\\"o}we", "Fleiss",
    "Paul", "Buszewicz", "Cape", "Kinsella", "Jackson", "Rizq", "Tolin", "Lakens",
    "Borenstein", "Hedges", "Higgins", "Rothstein", "Ekers", "McMillan", "Byford",
    "Warren", "Farrand", "Kuyken", "O'Mahen", "M{\\\"u}ller", "Garc{\\'\\i}a", "Nu{\\~n}ez",
    "Dupr{\\'e}", "{\\O}stergaard", "Wiedemann", "Stott", "Grey", "Murray", "Davis", "Smith",
]
GIVEN = ["Alice", "David M.", "Richard", "Michael J.", "Roz", "Esther T.", "Anke", "Adam O.",
         "B. Dianne", "Terence J.", "Peter", "Tony", "Simon", "Pim", "Gerhard", "Bj{\\\"o}rn",
         "Kurt", "Robert L.", "Janet B. W.", "Gordon L.", "Dani{\\\"e}l", "Larry V.", "Hannah",
         "Jos{\\'e}", "Fran{\\c{c}}oise", "Jean-Paul", "Karina", "Joanna", "John"]
WORDS = (
    "therapy recovery outcome depression anxiety alliance severity services access "
    "psychological treatment trial effect size reliable change caseness referral "
    "session dropout engagement measure questionnaire interview diagnosis routine "
    "data provider variation denominator primary care low intensity stepped care "
    "cognitive behavioural counselling waiting list follow-up improvement"
).split()
JOURNALS = ["Behaviour Research and Therapy", "The Lancet", "BMJ", "Psychological Medicine",
            "Journal of Health Psychology", "Frontiers in Psychology", "BMC Psychology",
            "Journal of Consulting and Clinical Psychology", "Clinical Psychology Review",
            "Evidence-Based Mental Health", "British Journal of Psychiatry"]
PUBLISHERS = ["Routledge", "John Wiley \\& Sons", "SAGE", "Oxford University Press",
              "PCCS Books", "Cambridge University Press"]
ACRONYMS = ["{IAPT}", "{CBT}", "{PHQ-9}", "{GAD-7}", "{NHS}", "{RCT}"]


def _title(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(5, 11))
    words[0] = words[0].capitalize()
    if rng.random() < 0.5:
        words.insert(rng.randint(1, len(words)), rng.choice(ACRONYMS))
    if rng.random() < 0.3:
        words.insert(rng.randint(2, len(words)), "--")
    return " ".join(words)


def _authors(rng: random.Random) -> str:
    n = rng.choice([1, 1, 2, 2, 3, 4, 6, 9])
    return " and ".join(f"{rng.choice(SURNAMES)}, {rng.choice(GIVEN)}" for _ in range(n))


def make_bib(n: int, rng: random.Random) -> tuple[str, list[str]]:
    """BibTeX text with ``n`` entries, and their keys."""
    out, keys = ["% generated benchmark reference base\n"], []
    for i in range(n):
        year = rng.randint(1967, 2025)
        key = f"ref{i:05d}{year}"
        keys.append(key)
        kind = rng.random()
        if kind < 0.75:
            out.append(
                f"@article{{{key},\n  author  = {{{_authors(rng)}}},\n"
                f"  title   = {{{_title(rng)}}},\n  journal = {{{rng.choice(JOURNALS)}}},\n"
                f"  year    = {{{year}}},\n  volume  = {{{rng.randint(1, 400)}}},\n"
                f"  number  = {{{rng.randint(1, 12)}}},\n"
                f"  pages   = {{{(p := rng.randint(1, 900))}--{p + rng.randint(5, 20)}}},\n"
                f"  doi     = {{10.{rng.randint(1000, 9999)}/bench.{i}.{year}}}\n}}\n\n")
        elif kind < 0.9:
            out.append(
                f"@book{{{key},\n  author    = {{{_authors(rng)}}},\n"
                f"  title     = {{{_title(rng)}}},\n  publisher = {{{rng.choice(PUBLISHERS)}}},\n"
                f"  address   = {{London}},\n  year      = {{{year}}}\n}}\n\n")
        else:
            out.append(
                f"@techreport{{{key},\n  author      = {{{{NHS Digital}}}},\n"
                f"  title       = {{{_title(rng)}}},\n  institution = {{NHS Digital}},\n"
                f"  year        = {{{year}}},\n  url = {{https://digital.nhs.uk/r/{i}}}\n}}\n\n")
    return "".join(out), keys


def make_post(i: int, keys: list[str], cites: int, rng: random.Random) -> str:
    chosen = rng.sample(keys, cites)
    paras = []
    for j, key in enumerate(chosen):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90)))
        form = j % 4
        if form == 0:
            cite = f"[@{key}]"
        elif form == 1:
            cite = f"[see @{key}, p. {rng.randint(1, 300)}]"
        elif form == 2:
            cite = f"[@{key}; @{rng.choice(keys)}]"
        else:
            cite = f"as @{key} argue"
        paras.append(f"{words.capitalize()} {cite}. The `code @span` stays as it is, "
                     f"and {' '.join(rng.choice(WORDS) for _ in range(20))}.")
        if j % 3 == 2:
            paras.append(f"## Section {j}\n\n- first point about {rng.choice(WORDS)}\n"
                         f"- second point about {rng.choice(WORDS)}")
    date = f"2025-{(i % 12) + 1:02d}-{(i % 28) + 1:02d}"
    return (f"---\ntitle: Benchmark post {i}\ndate: {date}\ncategories: [Bench]\n"
            f"tags: [bench]\ndescription: Post {i} of the benchmark site.\n---\n\n"
            f"# Benchmark post {i}\n\n{paras[0]}\n\n<!-- more -->\n\n"
            + "\n\n".join(paras[1:]) + "\n")


MKDOCS = """site_name: Bench
site_url: https://bench.example.org/
theme:
  name: material
  font: false
plugins:
{toulmin}  - blog:
      blog_dir: blog
  - search
markdown_extensions:
  - attr_list
  - toc
"""


def generate(out: Path, posts: int, cites: int, entries: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    bib, keys = make_bib(entries, rng)
    (out / "references.bib").write_text(bib, encoding="utf-8")
    post_dir = out / "docs" / "blog" / "posts"
    post_dir.mkdir(parents=True, exist_ok=True)
    for i in range(posts):
        (post_dir / f"post-{i:04d}.md").write_text(make_post(i, keys, cites, rng),
                                                   encoding="utf-8")
    (out / "docs" / "index.md").write_text("# Bench\n\nA generated site.\n", encoding="utf-8")
    (out / "docs" / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    # Posts sit inside docs/ so the plain build (without toulmin) renders the same pages.
    toulmin = "  - toulmin:\n      posts_dir: docs/blog/posts\n"
    (out / "mkdocs.yml").write_text(MKDOCS.format(toulmin=toulmin), encoding="utf-8")
    (out / "mkdocs-plain.yml").write_text(MKDOCS.format(toulmin=""), encoding="utf-8")
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--posts", type=int, default=200)
    p.add_argument("--cites", type=int, default=8)
    p.add_argument("--entries", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    generate(a.out, a.posts, a.cites, a.entries, a.seed)


if __name__ == "__main__":
    main()
