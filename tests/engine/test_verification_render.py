"""Each reference in a list says how it was verified (render.verification), from the lock:
only a registry's answer is called "verified"; the line is real text, escaped, and left out
of the search index as Material's indexer and toulmin's stand-in both read it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
import pytest
from material.plugins.search.plugin import Parser

from toulmin.adapters.mkdocs import standins
from toulmin.project import Project
from toulmin.render.markdown import ToulminExtension
from toulmin.render.verification import verification, verification_html

POST = "posts/2025-05-06-what-a-renewal-rate-measures.md"  # in the synthetic site
REGISTRY = {"checked": "2026-11-22", "recorded": "registry", "verdict": "verified"}


@pytest.mark.parametrize(("record", "declared", "expected"), [
    (REGISTRY, "", ("registry", "DOI verified with the registry (2026-11-22)")),
    ({**REGISTRY, "recorded": "offline"}, "",
     ("offline", "Recorded offline, not verified with a registry")),
    ({"recorded": "offline", "verdict": "unverified"}, "",
     ("offline", "Recorded offline, not verified with a registry")),
    ({"verdict": "checked_by_hand", "checked_by": "the editors",
      "checked_against": "the publisher's PDF\n and PubMed"}, "",
     ("hand", "Checked by hand against the publisher's PDF and PubMed")),
    ({"verdict": "checked_by_hand"}, "", ("hand", "Checked by hand")),
    ({"verdict": "unregistered", "reason": "grey literature: official statistics series"}, "",
     ("unregistered", "Not registered: grey literature: official statistics series")),
    ({"verdict": "unregistered"}, "web page",
     ("unregistered", "Not registered: web page")),
    (None, "grey literature: annual report", ("unregistered",
                                              "Not registered: grey literature: annual report")),
    ({"recorded": "registry", "verdict": "mismatch"}, "",
     ("unverified", "Not verified with a registry")),
    ({"recorded": "registry", "verdict": "not_registered"}, "",
     ("unverified", "Not verified with a registry")),
    ({"recorded": "registry", "verdict": "unchecked", "error": "timeout"}, "",
     ("unverified", "Not verified with a registry")),
    ({"recorded": "registry", "verdict": "not_found"}, "",
     ("unverified", "Not verified with a registry")),
    (None, "", ("", "")),
])
def test_each_verdict_reads_as_what_it_is(record, declared, expected):
    assert verification(record, declared) == expected
    line = verification_html(record, declared)
    if expected[1]:
        assert line == (f'<span class="toulmin-verification toulmin-verification--'
                        f'{expected[0]}" data-search-exclude>'
                        f"{expected[1]}</span>")
        assert "verified with the registry" not in line or record.get("recorded") == "registry"
    else:
        assert line == ""


def test_the_line_is_escaped():
    line = verification_html({"verdict": "checked_by_hand",
                              "checked_against": "<script>x()</script> & PubMed"})
    assert "<script>" not in line
    assert ">Checked by hand against &lt;script&gt;x()&lt;/script&gt; &amp; PubMed</span>" in line


def write_lock(site: Path) -> dict:
    """The synthetic site's lock with one record of each kind (hashes kept: the entries
    did not change)."""
    path = site / "references.lock.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = data["entries"]
    entries["wilson1927probable"].update(verdict="verified", recorded="registry",
                                         checked="2026-11-22", retracted=False)
    entries["newcombe1998two"].update(
        verdict="checked_by_hand", checked_by="the editors",
        checked_against="the publisher's page & PubMed <record 9595616>")
    entries["brown2001interval"].update(verdict="unverified")
    # agresti1998approximate: an offline "verified" record, not a registry verdict
    entries["agresti1998approximate"].update(verdict="verified", recorded="offline")
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    bib = site / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "  note         = {Fictional; made up for tests}\n",
        "  note         = {Fictional; made up for tests},\n"
        "  unregistered = {synthetic data set: made up for tests}\n"), encoding="utf-8")
    return entries


EXPECTED = {
    "wilson1927probable": "DOI verified with the registry (2026-11-22)",
    "newcombe1998two": "Checked by hand against the publisher's page & PubMed <record 9595616>",
    "brown2001interval": "Recorded offline, not verified with a registry",
    "agresti1998approximate": "Recorded offline, not verified with a registry",
    "riverside_loans": "Not registered: synthetic data set: made up for tests",
}


def statuses(page_html: str) -> dict[str, str]:
    """Entry id -> the text of its verification line ("" for none), unescaped."""
    import html

    out = {}
    for m in re.finditer(r'<li class="toulmin-ref" id="ref-([^"]+)">(.*?)</li>', page_html,
                         re.S):
        line = re.search(r'<span class="toulmin-verification[^"]*" data-search-exclude>'
                         r"([^<]*)</span>$", m.group(2))
        out[m.group(1)] = html.unescape(line.group(1)) if line else ""
    return out


def _convert(site: Path, text: str, urls: dict | None = None) -> str:
    ext = ToulminExtension(project=Project.load(site))
    if urls:  # as the MkDocs plugin sets them: back-links from the site-wide list
        ext.urls, ext.page_url = urls, "/references/"
    return markdown.Markdown(extensions=[ext]).convert(text)


def test_each_reference_list_says_how_each_work_was_verified(minisite):
    write_lock(minisite)
    post = _convert(minisite, (minisite / POST).read_text(encoding="utf-8"))
    found = statuses(post)
    assert found == {k: v for k, v in EXPECTED.items() if k in found}
    assert set(found) == {"riverside_loans", "wilson1927probable", "newcombe1998two",
                          "brown2001interval", "agresti1998approximate"}
    assert "&lt;record 9595616&gt;" in post and "<record" not in post
    # the site-wide list: the same lines, and none for a book the lock does not know
    everything = statuses(_convert(minisite, "# References\n\n::: bibliography\n"))
    assert {k: v for k, v in everything.items() if k in EXPECTED} == EXPECTED
    assert everything["cohen1988power"] == "" and everything["tufte1983visual"] == ""
    # the line comes last in the entry, after any back-links
    linked = _convert(minisite, "::: bibliography\n", {POST: "/blog/2025/05/06/renewals/"})
    assert re.search(r'id="ref-wilson1927probable">[^\n]*Cited in: <a [^\n]*</a>\.</span>'
                     r'<span class="toulmin-verification[^\n]*</span></li>', linked)


def _index(page_html: str) -> list[tuple]:
    parser = Parser()
    parser.feed(page_html)
    parser.close()
    return [(s.id, "".join(s.title), "".join(s.text)) for s in parser.data]


def test_search_indexes_the_reference_not_how_it_was_verified(minisite):
    write_lock(minisite)
    post = _convert(minisite, (minisite / POST).read_text(encoding="utf-8"))
    ref_list = re.search(r'<ol class="toulmin-reflist">.*?</ol>', post, re.S).group(0)
    text_list = standins.text_only_list(ref_list)
    assert "verified" not in text_list and "Not registered" not in text_list
    assert "Wilson, E. B. (1927)." in text_list
    index = _index(post)
    assert index == _index(post.replace(ref_list, text_list))
    indexed = "".join(text for _, _, text in index)
    assert "Recorded offline" not in indexed and "Newcombe, R. G. (1998)." in indexed
    stand_in, held = standins.for_search(post, ref_list)
    assert _index(stand_in) == index
    assert standins.restore(stand_in, held) == post
