"""One settings schema (``toulmin.settings``) for the MkDocs plugin and the CLI.

Synthetic sites only: a mkdocs.yml, a reference base, a page or two, and (for the charts)
a one-table Data Package and a script defining one chart.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from toulmin import settings as schema
from toulmin.settings import Settings, SettingsError, read_mkdocs

ONE_LINE = re.compile(r"^mkdocs\.yml:(\d+):(\d+): (CFG\d{3}) .+$")

BIB = """\
@article{smith2020, author = {Smith, Jane}, title = {Apples and pears}, journal = {Journal
  of Fruit}, year = {2020}, volume = {1}, pages = {1--9}}
"""

PACKAGE = """\
name: fruit
resources:
- name: harvest
  path: harvest.csv
  format: csv
  mediatype: text/csv
  encoding: utf-8
  schema:
    fields:
    - name: fruit
      type: string
    - name: tonnes
      type: integer
    primaryKey: [fruit]
"""

CHART_SCRIPT = '''\
"""The one chart of a synthetic site."""

import toulmin


@toulmin.chart("harvest_bars", title="Harvest by fruit", description="Two bars.")
def harvest_bars(data):
    table = data.table("harvest")
    rows = [{"fruit": r.fruit, "tonnes": int(r.tonnes)} for r in table.itertuples()]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": rows},
        "mark": "bar",
        "encoding": {"x": {"field": "fruit", "type": "nominal"},
                     "y": {"field": "tonnes", "type": "quantitative"}},
    }
'''


def _site(root: Path, options: str = "", *, docs: str = "docs") -> Path:
    """A site with one page citing one work; ``options`` go under the toulmin plugin."""
    (root / docs).mkdir(parents=True, exist_ok=True)
    (root / docs / "index.md").write_text("# Home\n\nAs @smith2020 showed.\n")
    (root / "references.bib").write_text(BIB)
    plugin = "  - toulmin\n" if not options else \
        "  - toulmin:\n" + textwrap.indent(textwrap.dedent(options), "      ")
    (root / "mkdocs.yml").write_text(
        f"site_name: Settings\ndocs_dir: {docs}\ntheme:\n  name: material\n  font: false\n"
        f"plugins:\n{plugin}")
    return root


def _mkdocs_build(root: Path) -> subprocess.CompletedProcess:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([str(mkdocs), "build", "--strict", "-d", str(root / "out")],
                          cwd=root, capture_output=True, text=True, env=env)


def _lines(text: str) -> list[str]:
    """The finding lines of the human output (not the fix line under each)."""
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("  fix: ")]


# -- the schema ----------------------------------------------------------------------------


def test_every_option_has_a_type_a_default_and_a_one_line_doc():
    for option in schema.options():
        assert option.type in (str, bool, dict, int), option
        assert isinstance(option.default, option.type), option
        assert option.doc and "\n" not in option.doc, f"option {option.name} has no doc"
    names = [o.name for o in schema.plugin_options()]
    assert "docs_dir" not in names  # MkDocs' own, read from the top level
    assert {"cache_dir", "charts_dir", "vendor_dir", "scripts_dir", "datapackage"} <= set(names)


def test_the_plugin_config_is_the_schema_field_by_field():
    from mkdocs.config.config_options import Type

    from toulmin.adapters.mkdocs.config import ToulminConfig

    built = dict(ToulminConfig._schema)
    assert list(built) == [o.name for o in schema.plugin_options()]
    for option in schema.plugin_options():
        config_option = built[option.name]
        assert isinstance(config_option, Type)
        assert config_option._type is option.type, option.name
        assert config_option.default == option.default, option.name


def test_read_mkdocs_reads_every_option_and_tolerates_mkdocs_tags(tmp_path, monkeypatch):
    monkeypatch.setenv("TOULMIN_TEST_CACHE", "build/cache")
    monkeypatch.delenv("TOULMIN_TEST_UNSET", raising=False)
    (tmp_path / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Tags
        docs_dir: pages
        markdown_extensions:
          - pymdownx.emoji:
              emoji_index: !!python/name:material.extensions.emoji.twemoji
        plugins:
          - search
          - toulmin:
              bibliography: refs/works.bib
              cache_dir: !ENV TOULMIN_TEST_CACHE
              mailto: !ENV [TOULMIN_TEST_UNSET, editor@example.org]
              charts_dir: figures
              enabled: true
        """))
    s = read_mkdocs(tmp_path)
    assert (s.docs_dir, s.bibliography, s.cache_dir, s.mailto, s.charts_dir) == (
        "pages", "refs/works.bib", "build/cache", "editor@example.org", "figures")
    assert s.posts_dir == "posts" and s.scripts_dir == "scripts"


def test_plugins_as_a_mapping_are_read_too(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Map\nplugins:\n  search: {}\n  toulmin:\n    posts_dir: articles\n")
    assert read_mkdocs(tmp_path).posts_dir == "articles"


def test_no_mkdocs_yml_or_a_broken_one_leaves_the_defaults(tmp_path):
    assert read_mkdocs(tmp_path) == Settings()
    (tmp_path / "mkdocs.yml").write_text("site_name: [unclosed\n")
    assert read_mkdocs(tmp_path) == Settings()


@pytest.mark.parametrize(("options", "code", "where", "words"), [
    ("posts_dir: articles\ncache_dirr: build/cache\n", "CFG001", (9, 7),
     "no option 'cache_dirr'; did you mean 'cache_dir'?"),
    ("posts_dir: 2026\n", "CFG002", (8, 18), "'posts_dir' must be text, not int"),
    ("enabled: 'no'\n", "CFG002", (8, 16), "'enabled' must be true or false"),
])
def test_a_bad_option_is_one_finding_at_its_place(tmp_path, options, code, where, words):
    _site(tmp_path, options)
    with pytest.raises(SettingsError) as caught:
        read_mkdocs(tmp_path)
    finding = caught.value.finding
    assert (finding.path, finding.code, (finding.line, finding.column)) == (
        "mkdocs.yml", code, where)
    assert words in finding.message
    assert ONE_LINE.match(str(caught.value))


# -- the CLI and the build read the same settings ------------------------------------------


def test_plugin_and_cli_settings_agree_for_the_same_mkdocs_yml(tmp_path):
    from mkdocs.config import load_config

    from toulmin.adapters.mkdocs.config import to_settings

    _site(tmp_path, """\
        bibliography: references.bib
        sources: evidence/abstracts.json
        sources_dir: evidence/excerpts
        posts_dir: articles
        cache_dir: build/cache
        scripts_dir: code
        datapackage: inputs/package.yaml
        script_timeout: 30
        script_memory_mb: 2048
        mailto: editor@example.org
        charts_dir: figures
        vendor_dir: lib
        assets: false
        content_security_policy: "default-src 'self'"
        references_title: Works cited
        audit_page: checks/audit.md
        audit_title: What the sources say
        require_stored_text: true
        stopwords: words.txt
        rules: {CIT007: warning, STA005: "off"}
        """, docs="pages")
    (tmp_path / "words.txt").write_text("Library\n")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    plugin = config.plugins["toulmin"]
    from_plugin = to_settings(plugin.config, os.path.relpath(config.docs_dir, tmp_path))
    from_cli = read_mkdocs(tmp_path)
    assert from_plugin == from_cli
    assert from_cli != Settings()
    # every option was set to something other than its default
    changed = {f.name for f in dataclasses.fields(Settings)
               if getattr(from_cli, f.name) != f.default}
    assert changed == {o.name for o in schema.options()} - {"bibliography", "enabled"}
    assert changed >= {"assets", "rules"}


def test_check_honours_cache_dir_from_mkdocs_yml(tmp_path, run_cli):
    _site(tmp_path, "cache_dir: build/cache\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "datapackage.yaml").write_text(PACKAGE)
    (tmp_path / "data" / "harvest.csv").write_text("fruit,tonnes\napples,12\npears,7\n")
    code, out, err = run_cli("check", tmp_path)
    assert code == 0, out + err
    assert not (tmp_path / ".cache").exists()
    cached = {p.name.split("-")[0] for p in (tmp_path / "build" / "cache").iterdir()}
    assert {"bib", "check.marshal", "data"} <= cached


@pytest.mark.parametrize(("options", "code"), [
    ("cache_dirr: build/cache\n", "CFG001"),
    ("charts_dir: [figures]\n", "CFG002"),
])
def test_a_bad_option_is_one_clean_line_from_check_and_charts(tmp_path, run_cli, options,
                                                                code):
    _site(tmp_path, options)
    for command in ("check", "charts"):
        status, out, err = run_cli(command, tmp_path)
        assert status == 2
        assert out == ""
        (line,) = _lines(err)
        m = ONE_LINE.match(line)
        assert m and m.group(3) == code and m.group(1) == "8", line


@pytest.mark.parametrize(("options", "code"), [
    ("cache_dirr: build/cache\n", "CFG001"),
    ("posts_dir: 2026\n", "CFG002"),
])
def test_a_bad_option_is_one_clean_line_from_the_build(tmp_path, options, code):
    _site(tmp_path, options)
    proc = _mkdocs_build(tmp_path)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr  # MkDocs prints an Abort's message on stdout
    (line,) = _lines(output)
    m = ONE_LINE.match(line)
    assert m and m.group(3) == code and m.group(1) == "8", output


# -- a site laid out differently -----------------------------------------------------------


def _charts_site(root: Path) -> Path:
    """Charts in figures/, the Data Package in inputs/, code in code/, vendored notes in
    lib/: every folder named in mkdocs.yml."""
    _site(root, """\
        scripts_dir: code
        datapackage: inputs/package.yaml
        charts_dir: figures
        vendor_dir: lib
        """)
    (root / "docs" / "index.md").write_text(
        "# Home\n\nAs @smith2020 showed.\n\n![Harvest by fruit](../figures/harvest_bars.svg)\n")
    (root / "docs" / "lib").mkdir()
    (root / "docs" / "lib" / "NOTICE.md").write_text("Vendored library's notice.\n")
    (root / "inputs").mkdir()
    (root / "inputs" / "package.yaml").write_text(PACKAGE)
    (root / "inputs" / "harvest.csv").write_text("fruit,tonnes\napples,12\npears,7\n")
    (root / "code").mkdir()
    (root / "code" / "charts.py").write_text(CHART_SCRIPT)
    return root


def test_a_site_with_its_charts_in_another_folder_checks_and_builds(tmp_path, run_cli):
    root = _charts_site(tmp_path)
    # before the charts are rendered: the image and the chart's files are missing
    code, out, _ = run_cli("check", root)
    assert code == 1
    found = {ln.split(" ")[1] for ln in _lines(out)}
    assert found == {"CHA001", "CHA002"}, out
    assert "figures/harvest_bars.svg" in out
    code, _, err = run_cli("charts", root)
    assert code == 0, err
    assert (root / "figures" / "harvest_bars.svg").is_file()
    assert (root / "figures" / "harvest_bars.vl.json").is_file()
    assert not (root / "charts").exists()
    code, out, err = run_cli("check", root)
    assert code == 0, out + err
    assert run_cli("charts", root, "--check")[0] == 0
    proc = _mkdocs_build(root)
    assert proc.returncode == 0, proc.stderr
    site = root / "out"
    page = (site / "index.html").read_text()
    assert 'data-chart="harvest_bars"' in page
    assert 'data-spec="figures/harvest_bars.vl.json"' in page
    assert (site / "figures" / "harvest_bars.vl.json").is_file()
    assert not (site / "lib" / "NOTICE" / "index.html").exists()
    # a stale chart in figures/ fails the check, named in its folder
    (root / "figures" / "harvest_bars.vl.json").unlink()
    code, out, _ = run_cli("check", root)
    assert code == 1 and "figures/harvest_bars.vl.json:1:1: CHA002" in out


def test_watch_follows_the_configured_folders(tmp_path):
    from toulmin.cli import watch

    s = Settings(datapackage="inputs/package.yaml", charts_dir="figures", scripts_dir="code")
    names = {p.relative_to(tmp_path).as_posix() for p in watch.inputs(tmp_path, s)}
    assert {"inputs", "figures", "code"} <= names
    assert not {"data", "charts", "scripts"} & names
