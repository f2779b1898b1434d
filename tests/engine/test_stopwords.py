"""A site's own words that are no surnames: the plugin's ``stopwords`` option.

The engine's mention scanner knows the common capitalised words of English; the words of
a site's subject ("Recovery", "Lockdown") come from a file the site names in mkdocs.yml.
Without it, "Recovery (2019)" is an author–year mention with no entry (CIT006); with it,
it is prose. The check cache, the CLI and the build must all honour the file.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from toulmin.project import Project, Settings, read_stopwords

ROOT = Path(__file__).resolve().parents[2]
BIB = "@book{clark2018transparency,\n  author = {Clark, David M.},\n  year = {2018},\n" \
      "  title = {Thrive},\n  publisher = {Penguin}\n}\n"
POST = "Recovery (2019) rose once the service opened, as Clark (2018) expected.\n"
WORDS = "# subject words\nRecovery\n\nLockdown  # the pandemic\n"


def _site(root: Path, stopwords: str | None) -> Path:
    (root / "posts").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n")
    (root / "posts" / "post.md").write_text(POST)
    (root / "references.bib").write_text(BIB)
    (root / "data").mkdir()
    (root / "data" / "stopwords.txt").write_text(WORDS)
    option = f"\n      stopwords: {stopwords}" if stopwords else ""
    (root / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Words
        theme:
          name: material
          font: false
        plugins:
          - toulmin:""") + (option or " {}") + "\n")
    return root


def _cit006(findings) -> list[str]:
    return [f.message for f in findings if f.code == "CIT006"]


def test_read_stopwords_skips_comments_and_blank_lines(tmp_path):
    site = _site(tmp_path, None)
    assert read_stopwords(site, "data/stopwords.txt") == {"Recovery", "Lockdown"}
    assert read_stopwords(site, "") == frozenset()


def test_read_stopwords_stays_inside_the_site(tmp_path):
    site = _site(tmp_path / "site", None)
    (tmp_path / "elsewhere.txt").write_text("Secret\n")
    (site / "data" / "link.txt").symlink_to(tmp_path / "elsewhere.txt")
    for name in ("../elsewhere.txt", "data/link.txt"):
        with pytest.raises(ValueError, match="outside the site"):
            read_stopwords(site, name)


def test_the_check_cache_never_serves_results_found_with_other_stopwords(tmp_path):
    site = _site(tmp_path, None)
    cache = str(tmp_path / "cache")
    plain = Project.load(site, Settings(cache_dir=cache)).check()
    assert _cit006(plain) == ["no entry in the bibliography for 'Recovery (2019)'"]
    words = Settings(cache_dir=cache, stopwords="data/stopwords.txt")
    assert _cit006(Project.load(site, words).check()) == []
    assert _cit006(Project.load(site, Settings(cache_dir=cache)).check()) == _cit006(plain)


def test_the_cli_reads_the_option_from_mkdocs_yml(tmp_path, run_cli):
    site = _site(tmp_path / "without", None)
    code, out, _ = run_cli("check", site)
    assert code == 1 and "CIT006" in out and "Recovery (2019)" in out
    site = _site(tmp_path / "with", "data/stopwords.txt")
    code, out, err = run_cli("check", site)
    assert code == 0, out + err
    assert "CIT006" not in out


def test_the_cli_refuses_a_missing_stopwords_file(tmp_path, run_cli):
    site = _site(tmp_path, "data/missing.txt")
    code, _, err = run_cli("check", site)
    assert code == 2
    assert "data/missing.txt:1:1: CLI003 stopwords file not found" in err


def _build(site: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(site / "mkdocs.yml"), site_dir=str(site / "out")))


def test_the_build_honours_the_option(tmp_path, caplog):
    from mkdocs.exceptions import Abort

    with pytest.raises(Abort):
        _build(_site(tmp_path / "without", None))
    assert "CIT006 no entry in the bibliography for 'Recovery (2019)'" in caplog.text
    caplog.clear()
    site = _site(tmp_path / "with", "data/stopwords.txt")
    _build(site)
    assert (site / "out" / "index.html").is_file()
    assert "CIT006" not in caplog.text


def test_the_build_refuses_a_missing_stopwords_file(tmp_path, caplog):
    from mkdocs.exceptions import Abort

    with pytest.raises(Abort):
        _build(_site(tmp_path, "data/missing.txt"))
    assert "toulmin: stopwords file not found: data/missing.txt" in caplog.text

