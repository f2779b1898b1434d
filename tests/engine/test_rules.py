"""The rule table (``toulmin.rules``), the check registry and ``toulmin explain``.

Every finding code in src/ is in the table, every rule in the table is complete and is
produced somewhere (or reserved), every finding is made through the table, the rule lists
of docs/writing.md and README.md are the generated one, and the project runs what the
registry holds.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from toulmin.bibliography import loading
from toulmin.bibliography.model import Reference
from toulmin.checks import interface
from toulmin.cli.explain import marked_block
from toulmin.findings import ERROR, WARNING, Finding
from toulmin.project import Project
from toulmin.rules import FAMILIES, RULES, finding, rules_markdown

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "toulmin"
CODE = re.compile(r"\b[A-Z]{3,4}[0-9]{3}\b")


def _sources() -> dict[Path, str]:
    """Every module of src/ but the rule table itself."""
    return {p: p.read_text(encoding="utf-8") for p in sorted(SRC.rglob("*.py"))
            if "rules" not in p.relative_to(SRC).parts[:1]}


def test_every_code_in_src_is_in_the_table():
    used = {m for text in _sources().values() for m in CODE.findall(text)}
    assert used, "no codes found: the pattern is wrong"
    assert sorted(used - set(RULES)) == []


def test_every_rule_is_complete():
    prefixes = {f.prefix for f in FAMILIES}
    for code, rule in RULES.items():
        assert rule.code == code and CODE.fullmatch(code), code
        assert rule.family in prefixes, code
        assert rule.severity in (ERROR, WARNING), code
        for name in ("title", "why", "example", "corrected", "fix"):
            value = getattr(rule, name)
            assert value.strip() and "\n" not in value, (code, name)
        assert rule.example != rule.corrected, code
    for fam in FAMILIES:
        assert all(r.family == fam.prefix for r in fam.rules), fam.prefix
        assert fam.name and fam.heading


def test_every_rule_is_produced_somewhere_or_reserved():
    text = "\n".join(_sources().values())
    unused = [code for code, rule in RULES.items()
              if not rule.reserved and f'"{code}"' not in text]
    assert unused == []


def test_every_finding_is_made_through_the_table():
    """No ``Finding(...)`` call names its code: only ``Finding(*row)`` from a cache."""
    for path, text in _sources().items():
        for node in ast.walk(ast.parse(text)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "Finding"):
                assert len(node.args) == 1 and isinstance(node.args[0], ast.Starred), (
                    f"{path.relative_to(ROOT)}:{node.lineno}: make the finding with "
                    "RULES[code].at(...)")


def test_severity_comes_from_the_table_unless_overridden():
    assert finding("BIB007", "r.bib", 3, 1, "m", "h") == Finding(
        "r.bib", 3, 1, "BIB007", WARNING, "m", "h")
    assert RULES["BIB002"].at("r.bib", 3, 1, "m", severity=WARNING).severity == WARNING
    assert RULES["BIB002"].severity_note  # the override is documented
    with pytest.raises(KeyError):
        finding("XYZ999", "p", 1, 1, "m")


# --------------------------------------------------------------------------- explain


def test_explain_a_code(run_cli):
    code, out, _ = run_cli("explain", "cit007")
    rule = RULES["CIT007"]
    assert code == 0
    for part in (rule.title, "CIT (citations)", "severity: error", rule.why, rule.example,
                 rule.corrected, rule.fix):
        assert part in out, part


def test_explain_an_unknown_code_suggests_one(run_cli):
    code, out, err = run_cli("explain", "CIT01")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "did you mean" in err and "CIT001" in err


def test_explain_lists_every_rule(run_cli):
    code, out, _ = run_cli("explain")
    assert code == 0
    assert [ln.split()[0] for ln in out.splitlines()] == list(RULES)


@pytest.mark.parametrize("doc", ["docs/writing.md", "README.md"])
def test_rule_lists_in_the_docs_are_generated_from_the_table(doc, run_cli):
    code, out, _ = run_cli("explain", "--markdown")
    assert code == 0 and out == rules_markdown()
    block = marked_block((ROOT / doc).read_text(encoding="utf-8"))
    assert block is not None, f"{doc} has no <!-- rules:start --> ... <!-- rules:end -->"
    assert block == out, (f"{doc}: the rule list differs from `toulmin explain --markdown`; "
                          "paste its output between the markers")
    for code_ in RULES:
        assert f"`{code_}`" in block


# --------------------------------------------------------------------------- registry


def test_every_check_is_registered_with_known_families():
    checks = interface.checks()
    assert {c.scope for c in checks} == {interface.SITE, interface.DOCUMENT}
    prefixes = {f.prefix for f in FAMILIES}
    for c in checks:
        assert set(c.families) <= prefixes, c.name
    names = {c.name.rsplit(".", 1)[1] for c in checks}
    assert {"citation_rules", "entry_rules", "unused_entries", "lock_rules",
            "statistic_rules", "statistic_references", "unsupported_figures",
            "check_charts", "data_package"} <= names


def _site(tmp_path: Path) -> Path:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "p.md").write_text(
        "Alliance matters [@horvath1991relation; @nojournal2020].\n", encoding="utf-8")
    (tmp_path / "references.bib").write_text(
        "@article{horvath1991relation,\n  author = {Horvath, Adam O. and Symonds, B. Dianne},\n"
        "  title = {Relation between working alliance and outcome},\n"
        "  journal = {Journal of Counseling Psychology},\n  year = {1991},\n"
        "  doi = {10.1037/0022-0167.38.2.139}\n}\n\n"
        "@article{nojournal2020,\n  author = {Smith, Jane},\n  title = {A title},\n"
        "  year = {2020},\n  doi = {10.1037/0022-0167.38.2.139}\n}\n", encoding="utf-8")
    return tmp_path


def test_entry_rules_run_as_a_site_check_and_are_cached(tmp_path, monkeypatch):
    site = _site(tmp_path)
    # the loader gives parse findings only: the entry rules are a check
    assert loading.load(site / "references.bib").findings == []
    cold = Project.load(site).check()
    assert {"BIB003", "BIB004"} <= {f.code for f in cold}

    def no_decoding(rec):
        raise AssertionError("a warm check must decode no entry")

    monkeypatch.setattr(Reference, "from_record", staticmethod(no_decoding))
    assert Project.load(site).check() == cold


def test_a_registered_check_runs_without_wiring(tmp_path, monkeypatch):
    site = _site(tmp_path)
    monkeypatch.setattr(interface, "_REGISTRY", dict(interface._REGISTRY))

    @interface.check("document", families=("CIT",))
    def every_document(ctx):
        return [RULES["CIT006"].at(ctx.path, 1, 1, f"seen {len(ctx.scan.citations.citations)}")]

    @interface.check("site", families=("BIB",))
    def every_site(ctx):
        return [RULES["BIB007"].at(ctx.bib.path, 1, 1, f"cited {sorted(ctx.cited)}")]

    found = Project.load(site).check()
    assert ("posts/p.md", "CIT006", "seen 1") in {(f.path, f.code, f.message) for f in found}
    assert ("references.bib", "BIB007", "cited ['horvath1991relation', 'nojournal2020']") in {
        (f.path, f.code, f.message) for f in found}


def test_check_modules_declare_the_scopes_they_register():
    every = interface.checks()
    for module, scopes in interface.CHECK_MODULES.items():
        registered = {c.scope for c in every if c.name.startswith(module + ".")}
        assert registered == set(scopes), module


def test_a_warm_check_imports_no_document_check_and_no_rule_table(minisite):
    """What a warm check pays for: every document comes from the cache, so neither the
    citation rules (their patterns take tens of milliseconds to compile) nor the rule tables
    of findings it does not make are imported."""
    import subprocess
    import sys

    root = str(minisite)
    subprocess.run([sys.executable, "-m", "toulmin", "check", root], capture_output=True,
                   check=False)
    probe = (f"import sys; from toulmin.cli import main; code = main(['check', {root!r}]); "
             "loaded = sorted(m for m in sys.modules if m in ('toulmin.checks.citations', "
             "'toulmin.scan.citations', 'toulmin.rules.citations', 'rapidfuzz')); "
             "print('LOADED', loaded, code)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=False).stdout
    assert "LOADED [] 0" in out, out
