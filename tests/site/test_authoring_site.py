"""The commentary's authoring documents: the writing guide (every check code, the editor's
problem matcher) and the CI workflow that builds the site."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


# -- the writing guide ------------------------------------------------------------------------

WRITING = ROOT / "docs" / "writing.md"
CODES = (
    [f"CIT{i:03d}" for i in range(1, 10)] + [f"BIB{i:03d}" for i in range(0, 9)]
    + [f"STA{i:03d}" for i in range(1, 7)] + [f"DATA{i:03d}" for i in range(1, 5)]
    + [f"CHA{i:03d}" for i in range(1, 4)] + [f"REF{i:03d}" for i in range(0, 7)]
    + ["NEW001"]
)


def test_writing_guide_documents_every_code_and_is_in_nav():
    text = WRITING.read_text()
    for code in CODES:
        assert re.search(rf"^\| `{code}`", text, re.M), code
    nav = (ROOT / "mkdocs.yml").read_text()
    assert "writing.md" in nav


def test_writing_guide_passes_its_own_check(run_cli):
    code, out, _ = run_cli("check", WRITING)
    assert code == 0, out
    assert out.strip() == "", out


def _matcher_regexp() -> str:
    text = WRITING.read_text()
    block = re.search(r"```json\n(\{\n\s+\"version\".*?)\n```", text, re.S).group(1)
    tasks = json.loads(block)["tasks"]
    regexps = {t["problemMatcher"]["pattern"]["regexp"] for t in tasks}
    assert len(regexps) == 1
    return regexps.pop()


def test_problem_matcher_matches_check_output(site, run_cli):
    post = site / "posts" / "2026-11-16-questionnaires-are-not-diagnoses.md"
    post.write_text(post.read_text().replace("[@nhsdigital_iapt_annual]", "[@nosuch]", 1)
                    + "\nAnnouncements come from @NHSEngland on social media.\n")
    _, out, _ = run_cli("check", site)
    regexp = re.compile(_matcher_regexp())
    error = next(ln for ln in out.splitlines() if " CIT001 " in ln)
    m = regexp.match(error)
    assert m and m.group(1) == post.relative_to(site).as_posix()
    assert m.group(4) == "CIT001" and m.group(5) is None and "nosuch" in m.group(6)
    warning = next(ln for ln in out.splitlines() if " warning: " in ln)
    m = regexp.match(warning)
    assert m and m.group(5) == "warning" and int(m.group(2)) >= 1


# -- CI workflow ----------------------------------------------------------------------------

BUILTINS = {"cd", "echo", "export", "set", "test", "[", ".", "source", "true", "if", "then",
            "fi", "mkdir", "cp", "rm"}


def _subcommands() -> set[str]:
    helps = subprocess.run([str(BIN / "toulmin"), "--help"], capture_output=True, text=True)
    block = helps.stdout.split("{", 1)[1].split("}", 1)[0] if "{" in helps.stdout else ""
    names = set(block.split(",")) if block else set()
    names |= set(re.findall(r"^    ([a-z][\w-]+)\s", helps.stdout, re.M))
    return names


def test_workflow_is_valid():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "site.yml").read_text())
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` as True
    assert "main" in on["push"]["branches"]
    subcommands = _subcommands()
    assert {"check", "charts", "new"} <= subcommands
    runs, uses = [], []
    for job in wf["jobs"].values():
        for step in job.get("steps", []):
            if "run" in step:
                runs.extend(ln.strip() for ln in step["run"].splitlines() if ln.strip())
            if "uses" in step:
                uses.append(step["uses"])
    for command in runs:
        words = shlex.split(command)
        assert words[0] in {"toulmin", "mkdocs", "zensical", "pip", "python", "make"} \
            | BUILTINS, command
        if words[0] == "toulmin":
            assert words[1] in subcommands, command
    joined = "\n".join(runs)
    for needed in ("pip install -e .", "toulmin check --strict-refs", "toulmin charts --check",
                   "mkdocs build --strict", "toulmin generate",
                   "zensical build -f .toulmin/site-src/mkdocs.yml", "toulmin postbuild"):
        assert needed in joined
    # the check gates both builders
    assert joined.index("toulmin check") < joined.index("mkdocs build") \
        < joined.index("toulmin generate") < joined.index("zensical build") \
        < joined.index("toulmin postbuild")
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", action), action
    names = {u.split("@")[0] for u in uses}
    assert {"actions/checkout", "actions/setup-python", "actions/cache",
            "actions/upload-pages-artifact", "actions/deploy-pages"} <= names
    cache = next(s for j in wf["jobs"].values() for s in j["steps"]
                 if s.get("uses", "").startswith("actions/cache"))
    assert "hashFiles('pyproject.toml')" in cache["with"]["key"]
    deploy = wf["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    # contributed scripts run in the build job: read-only token, none left in .git/config
    assert wf["permissions"] == {"contents": "read"}
    checkout = next(s for s in wf["jobs"]["build"]["steps"]
                    if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["persist-credentials"] is False
    assert "pull_request_target" not in on
    assert "main" in deploy["if"]
