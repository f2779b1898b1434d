"""The author workflow of issue 14, piece by piece: ``toulmin init`` and ``toulmin new``
outside a site, the fix line, the ``rules`` option and suppression comments (CLI and build
alike, with the check cache), offline registries, and the build's summary by family.

Each test runs on the synthetic minisite (tests/fixtures/minisite) or on a site made by
``toulmin init``; the sentences added to posts are written for these tests.
"""

from __future__ import annotations

import json
import socket
import textwrap
import time
from pathlib import Path

import pytest

from sitebuild import build
from toulmin.cli import init
from toulmin.findings import Finding
from toulmin.rules import RULES, fix_for, human
from toulmin.scan import suppressions

POST = "posts/2025-05-06-what-a-renewal-rate-measures.md"


def _codes(out: str) -> list[str]:
    return [ln.split(" ")[1] for ln in out.splitlines() if not ln.startswith("  fix: ")]


# -- toulmin init ---------------------------------------------------------------------------


def test_init_writes_a_site_that_checks_clean_and_refuses_to_overwrite(tmp_path, run_cli):
    site = tmp_path / "blog"
    code, out, err = run_cli("init", site)
    assert code == 0, err
    written = out.split()
    for rel in ("mkdocs.yml", "docs/index.md", "docs/blog/.authors.yml", "references.bib",
                "references.lock.json", "scripts/anscombe.py", "data/datapackage.yaml",
                "data/anscombe/quartet.csv", ".github/workflows/site.yml", ".gitignore",
                "charts/anscombe_quartet.svg", "charts/anscombe_quartet.vl.json"):
        assert rel in written and (site / rel).is_file(), rel
    assert not any(p.name.startswith("dot-") for p in site.rglob("*"))
    workflow = (site / ".github/workflows/site.yml").read_text()
    assert "persist-credentials: false" in workflow and "pull_request_target" not in workflow
    assert workflow.index("pip install -r requirements.txt") < workflow.index(
        "run: toulmin check") < workflow.index("run: mkdocs build --strict") \
        < workflow.index("toulmin generate") < workflow.index(
        "zensical build -f .toulmin/site-src/mkdocs.yml")
    from toulmin import __version__

    assert f"\ntoulmin=={__version__}\n" in (site / "requirements.txt").read_text()
    post = next((site / "posts").glob("*-first-post.md"))
    text = post.read_text()
    assert "__DATE__" not in text and "[@anscombe1973graphs" in text
    assert "{stat=anscombe.correlation_i}" in text
    # the data package names its source, a work of the reference base
    assert "citation: anscombe1973graphs" in (site / "data/datapackage.yaml").read_text()
    lock = json.loads((site / "references.lock.json").read_text())
    assert lock["entries"]["anscombe1973graphs"]["verdict"] == "unverified"
    code, out, err = run_cli("check", site)
    assert (code, out) == (0, ""), out
    code, out, err = run_cli("charts", site, "--check")
    assert code == 0, out + err

    # a second init: one NEW004 line, nothing changed
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file() and ".cache" not in
              p.parts}
    code, out, err = run_cli("init", site)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and " NEW004 " in err and "mkdocs.yml:1:1" in err
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file() and ".cache" not in
             p.parts}
    assert after == before


def test_init_refuses_a_folder_holding_a_file_it_would_write(tmp_path, run_cli):
    (tmp_path / "references.bib").write_text("% mine\n")
    (tmp_path / "notes.txt").write_text("unrelated\n")
    code, _out, err = run_cli("init", tmp_path)
    assert code == 2
    assert err.count("\n") == 1 and "references.bib:1:1: NEW004 already exists" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "references.bib"]


def test_init_into_a_folder_with_unrelated_files_works(tmp_path):
    (tmp_path / "README.md").write_text("# my notes\n")
    site = init.create(tmp_path)
    assert "mkdocs.yml" in site.written
    assert (tmp_path / "README.md").read_text() == "# my notes\n"


def test_the_template_knows_nothing_of_this_sites_subject():
    for rel, data in init.template_files().items():
        text = data.decode("utf-8").lower()
        for word in ("nhs", "iapt", "talking therapies", "overrides"):
            assert word not in text, (rel, word)


def test_new_outside_a_site_points_to_init(tmp_path, run_cli):
    code, out, err = run_cli("new", "A title", "--root", tmp_path)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1
    assert ": NEW003 " in err and "toulmin init" in err
    # a mkdocs.yml without the plugin is no toulmin site either
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - search\n")
    code, _, err = run_cli("new", "A title", "--root", tmp_path)
    assert code == 2 and " NEW003 " in err


def test_new_from_a_folder_inside_the_site_finds_its_root(minisite, run_cli):
    code, _out, err = run_cli("new", "From below", "--root", minisite / "docs" / "blog",
                             "--date", "2026-12-01")
    assert code == 0, err
    assert (minisite / "posts/2026-12-01-from-below.md").is_file()


# -- the fix line -----------------------------------------------------------------------------


def test_the_fix_line_is_the_hint_else_the_rules_fix():
    with_hint = RULES["CIT001"].at("a.md", 1, 1, "unknown citation key 'x'", "use '@y'")
    without = RULES["CIT007"].at("a.md", 2, 3, "direct quotation without a page locator")
    assert human(with_hint).splitlines() == [with_hint.format(), "  fix: use '@y'"]
    assert fix_for(without) == RULES["CIT007"].fix
    assert human(without).splitlines()[1] == "  fix: " + " ".join(RULES["CIT007"].fix.split())


def test_every_finding_in_the_terminal_has_its_fix_and_json_keeps_the_hint(minisite, run_cli):
    path = minisite / POST
    path.write_text(path.read_text().replace("[@wilson1927probable]", "[@wilson1972probable]")
                    + "\nIn 2023 some 40 branches took part.\n")
    code, out, _ = run_cli("check", minisite)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) >= 4 and len(lines) % 2 == 0
    for finding, fix in zip(lines[::2], lines[1::2], strict=True):
        assert " fix: " not in finding and fix.startswith("  fix: ") and len(fix) > 9
    code, out, _ = run_cli("check", minisite, "--format", "json")
    records = json.loads(out)
    cit = next(r for r in records if r["code"] == "CIT001")
    assert "wilson1927probable" in cit["hint"] and cit["suppressed"] is False


def test_explain_prints_what_why_example_corrected_and_fix(run_cli):
    for code_ in ("CFG004", "CLI004", "NEW003"):
        code, out, _ = run_cli("explain", code_)
        rule = RULES[code_]
        assert code == 0
        for part in (rule.title, rule.why, rule.example, rule.corrected, rule.fix):
            assert part in out, (code_, part)


# -- suppression comments ---------------------------------------------------------------------


def test_suppressions_are_found_outside_code_only():
    text = textwrap.dedent("""\
        Some "quoted words here" [@a]. <!-- toulmin: ignore CIT007 a slogan, not a quote -->

        <!-- toulmin: ignore CIT007, STA005: the programme's own name -->
        Next line.

        `<!-- toulmin: ignore CIT007 an example in a code span -->`

        ```markdown
        <!-- toulmin: ignore CIT007 an example in a fence -->
        ```
        <!-- toulmin: ignore CIT007 -->
        <!-- toulmin: ignore CIT07 misspelt code -->
        """)
    found = suppressions.find(text)
    assert [(s.line, s.codes, s.reason, s.lines) for s in found] == [
        (1, ("CIT007",), "a slogan, not a quote", (1,)),
        (3, ("CIT007", "STA005"), "the programme's own name", (3, 4)),
        (11, ("CIT007",), "", (11, 12)),
        (12, ("CIT07",), "misspelt code", (12, 13)),
    ]
    problems = suppressions.problems("p.md", found)
    assert [(f.line, f.code) for f in problems] == [(11, "CFG004"), (12, "CFG004")]
    assert "no reason" in problems[0].message and "unknown rule code 'CIT07'" in \
        problems[1].message


def test_apply_marks_suppressed_reports_unused_and_sets_severities():
    sup = {"p.md": suppressions.find(
        "<!-- toulmin: ignore CIT007 a slogan -->\nline two\n\n"
        "three <!-- toulmin: ignore STA005 not a figure -->\n")}
    raw = [RULES["CIT007"].at("p.md", 2, 5, "quote"), RULES["CIT007"].at("p.md", 3, 1, "q"),
           RULES["CIT004"].at("p.md", 2, 1, "year"), RULES["STA005"].at("q.md", 1, 1, "n")]
    out = suppressions.apply(raw, sup, {"CIT004": "warning", "STA005": "off"})
    by = {(f.path, f.line, f.code): f for f in out}
    assert by[("p.md", 2, "CIT007")].suppressed and by[("p.md", 2, "CIT007")].reason == \
        "a slogan"
    assert not by[("p.md", 2, "CIT007")].is_error
    assert not by[("p.md", 3, "CIT007")].suppressed  # a line further: not covered
    assert by[("p.md", 2, "CIT004")].severity == "warning"
    assert ("q.md", 1, "STA005") not in by  # off
    assert by[("p.md", 4, "CFG005")].severity == "warning"  # the STA005 one matched nothing


#: a sentence quoting Anscombe (1973, p. 17), the work a new site cites, without its page
QUOTE = ('Anscombe wanted a computer that would "make both calculations and graphs" '
         "[@anscombe1973graphs].")


@pytest.fixture
def newsite(tmp_path) -> Path:
    """A site made by ``toulmin init``, its first post quoting Anscombe without the page."""
    site = init.create(tmp_path / "site").root
    post = next((site / "posts").glob("*-first-post.md"))
    post.write_text(post.read_text() + "\n" + QUOTE + "\n")
    return site


def _post(site: Path) -> Path:
    return next((site / "posts").glob("*-first-post.md"))


def _set_rules(site: Path, rules: str) -> str:
    mk = site / "mkdocs.yml"
    text = mk.read_text()
    assert "      rules: {}\n" in text
    mk.write_text(text.replace("      rules: {}\n", f"      rules: {rules}\n"))
    return mk.read_text()


def test_suppression_in_check_json_and_its_own_problems(newsite, run_cli):
    code, out, _ = run_cli("check", newsite)
    assert code == 1 and _codes(out) == ["CIT007"], out
    line = int(out.split(":")[1])
    post = _post(newsite)
    text = post.read_text().splitlines()
    assert text[line - 1] == QUOTE
    text[line - 1] += " <!-- toulmin: ignore CIT007 a phrase, its page is given above -->"
    post.write_text("\n".join(text) + "\n")
    code, out, err = run_cli("check", newsite)
    assert (code, out) == (0, ""), out
    assert "1 suppressed" in err
    code, out, _ = run_cli("check", newsite, "--format", "json")
    [rec] = json.loads(out)
    assert rec["suppressed"] is True and rec["code"] == "CIT007" and rec["line"] == line
    assert rec["reason"] == "a phrase, its page is given above"

    # alone on the line before it
    text[line - 1] = QUOTE
    text.insert(line - 1, "<!-- toulmin: ignore CIT007 a phrase, its page is given above -->")
    post.write_text("\n".join(text) + "\n")
    code, out, err = run_cli("check", newsite)
    assert (code, out) == (0, ""), out

    # an unknown code, no reason, and a suppression that matches nothing
    text[line - 1] = "<!-- toulmin: ignore CIT077 a phrase -->"
    post.write_text("\n".join(text) + "\n\n<!-- toulmin: ignore STA005 why -->\n"
                    "<!-- toulmin: ignore CIT004 -->\n")
    code, out, _ = run_cli("check", newsite)
    assert code == 1
    assert sorted(_codes(out)) == ["CFG004", "CFG004", "CFG005", "CIT007"], out


def test_rules_option_is_read_by_check_and_applied_after_the_cache(newsite, run_cli):
    code, out, _ = run_cli("check", newsite)
    assert code == 1 and _codes(out) == ["CIT007"]
    cache = newsite / ".cache/toulmin/check.marshal"
    stamp = cache.stat().st_mtime_ns
    _set_rules(newsite, "{CIT007: warning}")
    code, out, _ = run_cli("check", newsite)
    assert code == 0 and "CIT007 warning:" in out
    assert cache.stat().st_mtime_ns == stamp  # the cached results served, unchanged
    (newsite / "mkdocs.yml").write_text((newsite / "mkdocs.yml").read_text().replace(
        "{CIT007: warning}", "{cit007: off}"))
    code, out, _ = run_cli("check", newsite)
    assert (code, out) == (0, "")


@pytest.mark.parametrize(("rules", "code_", "column"), [
    ("{CIT07: warning}", "CFG003", 15),
    ("{CIT007: fatal}", "CFG002", 23),
])
def test_rules_option_problems_are_one_line_at_their_place(newsite, run_cli, rules, code_,
                                                           column):
    text = _set_rules(newsite, rules)
    line = text.splitlines().index(f"      rules: {rules}") + 1
    where = f"mkdocs.yml:{line}:{column}"
    code, out, err = run_cli("check", newsite)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith(f"{where}: {code_} "), err
    proc = build(newsite, newsite / "out")
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert f"{where}: {code_} " in output and "Traceback" not in output


def test_the_build_honours_rules_and_suppressions_and_names_the_family(newsite, tmp_path):
    post = _post(newsite)
    text = post.read_text()
    post.write_text(text.replace("[0.816]", "[0.815]").replace("[7.50]", "[7.51]"))
    proc = build(newsite, tmp_path / "a")
    assert proc.returncode != 0
    assert "toulmin: 2 errors in statistics and 1 error in citations (listed above)" in \
        proc.stderr, proc.stderr
    assert "  fix: write [0.816]{stat=anscombe.correlation_i}" in proc.stderr
    post.write_text(text.replace(QUOTE, QUOTE + " <!-- toulmin: ignore CIT007 see above -->"))
    proc = build(newsite, tmp_path / "b")
    assert proc.returncode == 0, proc.stderr
    post.write_text(text)
    _set_rules(newsite, "{CIT007: warning}")
    proc = build(newsite, tmp_path / "c")
    assert proc.returncode == 0, proc.stderr


def test_error_summary_counts_by_family():
    from toulmin.adapters.mkdocs.plugin import error_summary

    errs = [RULES["STA002"].at("a.md", 1, 1, "x"), RULES["STA003"].at("a.md", 2, 1, "x")]
    assert error_summary(errs) == "2 errors in statistics"
    errs.append(RULES["DATA001"].at("d.csv", 1, 1, "x"))
    assert error_summary(errs) == "2 errors in statistics and 1 error in data"


# -- offline ------------------------------------------------------------------------------------


@pytest.fixture
def closed_port(monkeypatch) -> int:
    """A local port nothing listens on, with every registry URL pointed at it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for name in ("DOI", "CROSSREF", "EUROPEPMC", "OPENALEX"):
        monkeypatch.setenv(f"TOULMIN_{name}_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("TOULMIN_HTTP_BACKOFF", "5")  # a retry would take seconds
    return port


@pytest.mark.parametrize("command", [("verify-refs", "{root}"),
                                     ("add-ref", "10.1080/00031305.1973.10478966", "--root",
                                      "{root}")])
def test_offline_is_one_line_within_seconds(minisite, run_cli, closed_port, command):
    before = {p.name: p.read_bytes() for p in minisite.glob("references.*")}
    args = [a.format(root=minisite) for a in command]
    start = time.monotonic()
    code, _out, err = run_cli(*args, "--refresh")
    assert time.monotonic() - start < 5
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("references.bib:1:1: CLI004 offline: no DOI registry can be "
                               "reached")
    assert f"127.0.0.1:{closed_port}: connection refused" in lines[0]
    assert "verify-refs" in lines[0]
    assert {p.name: p.read_bytes() for p in minisite.glob("references.*")} == before


def test_the_probe_lets_a_reachable_registry_through(server, minisite, run_cli):
    from toulmin.registries.client import Client, Config

    client = Client(Config.from_env())
    client.probe()  # the local registry server accepts connections: no exception


def test_a_finding_record_round_trips_with_its_suppression():
    f = Finding("a.md", 1, 2, "CIT007", "error", "m", "h", True, "why")
    assert not f.is_error and f.as_dict()["reason"] == "why"


def test_the_requirement_ci_installs_is_where_this_toulmin_came_from(monkeypatch):
    """PEP 610: a repository install is pinned to its commit; a local or editable one (no
    address CI can reach) to the version."""
    from importlib import metadata

    from toulmin import __version__

    class Dist:
        def __init__(self, text):
            self.text = text

        def read_text(self, name):
            return self.text if name == "direct_url.json" else None

    def use(text):
        monkeypatch.setattr(metadata, "distribution", lambda name: Dist(text))

    use(json.dumps({"url": "https://github.com/example/toulmin",
                    "vcs_info": {"vcs": "git", "commit_id": "0123abcd" * 5}}))
    assert init.requirement() == ("toulmin @ git+https://github.com/example/toulmin@"
                                  + "0123abcd" * 5)
    use(json.dumps({"url": "file:///home/me/toulmin", "dir_info": {"editable": True}}))
    assert init.requirement() == f"toulmin=={__version__}"
    use(json.dumps({"url": "https://x.org/t\n--index-url https://evil",
                    "vcs_info": {"vcs": "git", "commit_id": "abc"}}))
    assert init.requirement() == f"toulmin=={__version__}"
    use(json.dumps({"url": "https://x.org/t", "vcs_info": {"vcs": "git", "commit_id": "a; rm"}}))
    assert init.requirement() == f"toulmin=={__version__}"
    use(None)
    assert init.requirement() == f"toulmin=={__version__}"
