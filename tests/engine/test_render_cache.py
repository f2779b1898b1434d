"""What a build keeps for the next one: the citations found in each text, the site's year
suffixes, and the collector state it borrows for the build."""

from __future__ import annotations

import gc
import re
import textwrap
from pathlib import Path

import markdown

from toulmin.project import Project
from toulmin.render.markdown import ToulminExtension
from toulmin.scan import citations as cite
from toulmin.style import apa

POST = "posts/2025-05-06-what-a-renewal-rate-measures.md"  # in the synthetic site


def _render(site: Path, text: str) -> str:
    project = Project.load(site)
    ext = ToulminExtension(project=project)
    ext.load_render_cache()
    out = markdown.Markdown(extensions=[ext]).convert(text)
    ext.save_render_cache()
    return out


def _counting(monkeypatch, module, name: str) -> list:
    calls: list = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_an_unchanged_text_is_not_searched_for_citations_again(minisite, monkeypatch):
    site = minisite
    text = (site / POST).read_text()
    first = _render(site, text)
    assert 'class="toulmin-cite"' in first
    calls = _counting(monkeypatch, cite, "find_citations")
    assert _render(site, text) == first
    assert calls == []
    # an edit is a new text: found afresh, and rendered with the new citation
    edited = text + "\n\nOne more [@wilson1927probable, p. 210].\n"
    again = _render(site, edited)
    assert len(calls) == 1
    assert again.count('class="toulmin-cite"') == first.count('class="toulmin-cite"') + 1
    assert "Wilson, 1927, p. 210" in again


BIB = """\
@article{smith2020a, author = {Smith, Jane}, title = {Apples}, journal = {J}, year = {2020}}
@article{smith2020b, author = {Smith, Jane}, title = {Bananas}, journal = {J}, year = {%s}}
"""


def test_year_suffixes_are_kept_until_the_references_change(tmp_path, monkeypatch):
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "p.md").write_text("Both [@smith2020a; @smith2020b].\n")
    (tmp_path / "references.bib").write_text(BIB % "2020")
    assert Project.load(tmp_path).year_suffixes() == {"smith2020a": "a", "smith2020b": "b"}
    calls = _counting(monkeypatch, apa, "year_suffixes")
    assert Project.load(tmp_path).year_suffixes() == {"smith2020a": "a", "smith2020b": "b"}
    assert calls == []
    (tmp_path / "references.bib").write_text(BIB % "2021")
    assert Project.load(tmp_path).year_suffixes() == {}
    assert len(calls) == 1
    # citing fewer works is another site: one 2020 work by Smith needs no suffix
    (tmp_path / "references.bib").write_text(BIB % "2020")
    (tmp_path / "posts" / "p.md").write_text("One [@smith2020a].\n")
    assert Project.load(tmp_path).year_suffixes() == {}


def test_a_build_gives_the_collector_back_as_it_found_it(tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nAs @smith2020a showed.\n")
    (tmp_path / "references.bib").write_text(BIB % "2021")
    (tmp_path / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Freeze
        theme:
          name: material
          font: false
        plugins:
          - toulmin
          - search
        """))
    assert gc.get_freeze_count() == 0
    build(load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "out")))
    assert gc.get_freeze_count() == 0
    assert "Smith (2020)" in (tmp_path / "out" / "index.html").read_text()


TWO_SMITHS = """\
@article{smith2020, author = {Smith, Jane}, title = {Apples}, journal = {J}, year = {2020}}
@article{smith2019, author = {Smith, Robert}, title = {Pears}, journal = {J}, year = {2019}}
"""


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _mini_site(root: Path) -> Path:
    (root / "posts").mkdir(parents=True)
    (root / "posts" / "a.md").write_text("# A\n\nFirst [@smith2020].\n")
    (root / "references.bib").write_text(TWO_SMITHS)
    return root


def test_a_warm_render_after_a_second_smith_is_cited_matches_a_cold_one(tmp_path):
    """APA 7 §8.20: two first authors with one surname get their initials in every
    citation. A post that cites a second Smith changes how the first post's citation reads,
    so the kept renderings must not survive the change of the cited works."""
    site = _mini_site(tmp_path / "warm")
    text = (site / "posts" / "a.md").read_text()
    assert "(Smith, 2020)" in _text(_render(site, text))
    (site / "posts" / "b.md").write_text("# B\n\nSecond [@smith2019].\n")
    warm = _render(site, text)
    cold_site = _mini_site(tmp_path / "cold")
    (cold_site / "posts" / "b.md").write_text("# B\n\nSecond [@smith2019].\n")
    cold = _render(cold_site, text)
    assert "(J. Smith, 2020)" in _text(cold)
    assert warm == cold



IN_PRESS = """\
@article{doe_a, author = {Doe, Jane}, title = {First}, journal = {J}, year = {in press}}
@article{doe_b, author = {Doe, Jane}, title = {Second}, journal = {J}, year = {in press}}
"""


def test_statistic_source_labels_write_suffixes_as_the_style_does(tmp_path):
    """A statistic's hover names its sources as the page's citations do: two in-press works
    of one author are "in press-a" and "in press-b" (APA 7 §8.19), not "in pressa"."""
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "p.md").write_text("# P\n\nBoth [@doe_a; @doe_b].\n")
    (tmp_path / "references.bib").write_text(IN_PRESS)
    project = Project.load(tmp_path)
    ext = ToulminExtension(project=project)
    html = markdown.Markdown(extensions=[ext]).convert("Both [@doe_a; @doe_b].")
    assert "in press-a" in _text(html) and "in press-b" in _text(html)
    assert ext.source_labels(["doe_a", "doe_b"]) == ["Doe (in press-a)", "Doe (in press-b)"]
