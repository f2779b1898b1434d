"""The authoring workflow: ``toulmin new``, ``check --watch``, the writing guide, the CI
workflow and the pre-commit hook."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from toulmin.adapters.mkdocs import preview
from toulmin.cli import new as newpost
from toulmin.cli import watch
from toulmin.findings import ERROR, WARNING, Finding

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# -- toulmin new ----------------------------------------------------------------------------


def test_new_post_passes_check_and_refuses_to_overwrite(site, run_cli):
    code, out, err = run_cli("new", "Où est l'IAPT? Ten years on", "--root", site)
    assert code == 0, err
    rel = out.strip()
    today = dt.date.today().isoformat()
    assert rel == f"posts/{today}-ou-est-l-iapt-ten-years-on.md"
    text = (site / rel).read_text()
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["title"] == "Où est l'IAPT? Ten years on"
    assert meta["date"] == dt.date.today()
    assert meta["authors"] == ["editor"]  # the first id in docs/blog/.authors.yml
    assert meta["draft"] is True
    assert {"categories", "tags", "description"} <= meta.keys()
    assert "<!-- more -->" in text

    code, out, err = run_cli("check", site)
    assert code == 0, out
    assert rel not in out, out  # not even a warning

    before = (site / rel).read_bytes()
    code, out, err = run_cli("new", "Où est l'IAPT? Ten years on", "--root", site)
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert re.fullmatch(rf"{re.escape(rel)}:1:1: NEW001 .*already exists.*", lines[0])
    assert (site / rel).read_bytes() == before
    assert not list((site / "posts").glob(".*.tmp"))


def test_new_post_author_and_date_options(site, run_cli):
    code, out, _ = run_cli("new", "A second opinion", "--root", site, "--author", "editor",
                           "--date", "2026-12-01")
    assert code == 0
    assert out.strip() == "posts/2026-12-01-a-second-opinion.md"
    code, out, err = run_cli("new", "Another", "--root", site, "--author", "nobody")
    assert code == 1 and " NEW002 " in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(("title", "slug"), [
    ("What Recovery Means", "what-recovery-means"),
    ("  Ça va? — déjà vu!  ", "ca-va-deja-vu"),
    ("PHQ-9 & GAD-7: cut-offs", "phq-9-gad-7-cut-offs"),
    ("???", "post"),
    ("word " * 30, ("word-" * 12).rstrip("-")),
])
def test_slugify(title, slug):
    assert newpost.slugify(title) == slug


# -- toulmin check --watch --------------------------------------------------------------------


def test_watch_reruns_on_change_and_stops(tmp_path):
    (tmp_path / "posts").mkdir()
    post = tmp_path / "posts" / "a.md"
    post.write_text("one")
    runs = []
    stop = threading.Event()
    out = open(os.devnull, "w")  # noqa: SIM115
    t = threading.Thread(target=lambda: runs.append(
        watch.run(lambda: runs.append("check") or 0, [tmp_path / "posts"], interval=0.05,
                  stop=stop, out=out)))
    t.start()
    try:
        deadline = time.monotonic() + 5
        while runs.count("check") < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)
        post.write_text("two, longer")
        while runs.count("check") < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert runs.count("check") == 2
    finally:
        stop.set()
        t.join(5)
        out.close()
    assert runs[-1] == 0


def test_watch_ctrl_c_exits_zero(tmp_path):
    def interrupted():
        raise KeyboardInterrupt

    assert watch.run(interrupted, [tmp_path], out=open(os.devnull, "w")) == 0  # noqa: SIM115


def test_cli_lists_new_and_watch():
    helps = subprocess.run([str(BIN / "toulmin"), "--help"], capture_output=True, text=True)
    assert re.search(r"^\s+new\s", helps.stdout, re.M)
    check = subprocess.run([str(BIN / "toulmin"), "check", "--help"], capture_output=True,
                           text=True)
    assert "--watch" in check.stdout


# -- the banner -------------------------------------------------------------------------------


def test_banner_lists_findings_escaped():
    html = preview.banner([
        Finding("posts/a.md", 3, 4, "STA005", WARNING, "the figure 7 <b>"),
        Finding("posts/a.md", 9, 1, "CIT001", ERROR, "unknown citation key '<script>'"),
    ])
    assert html.startswith('<div class="toulmin-banner" role="alert">')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.index("CIT001") < html.index("STA005")  # errors first
    assert "1 error and 1 warning" in html


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
        assert words[0] in {"toulmin", "mkdocs", "pip", "python", "make"} | BUILTINS, command
        if words[0] == "toulmin":
            assert words[1] in subcommands, command
    joined = "\n".join(runs)
    for needed in ("pip install -e .", "toulmin check --strict-refs", "toulmin charts --check",
                   "mkdocs build --strict"):
        assert needed in joined
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
    assert "main" in deploy["if"]


# -- pre-commit ------------------------------------------------------------------------------


def _hook() -> dict:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return next(h for h in hooks if h["id"] == "toulmin-check")


def test_hook_definition():
    hook = _hook()
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for name in ("posts/a.md", "references.bib", "data/x.csv", "scripts/s.py", "mkdocs.yml",
                 "data/datapackage.yaml"):
        assert files.search(name), name
    for name in ("charts/a.svg", "docs/assets/a.css", "a.mdx"):
        assert not files.search(name), name
    own = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    ids = [h["id"] for r in own["repos"] for h in r["hooks"]]
    assert "toulmin-check" in ids


def test_pre_commit_hook_in_a_git_repository(site, tmp_path):
    """The hook from .pre-commit-hooks.yaml, run by pre-commit when it is installed (as a
    local hook calling this environment's toulmin, so nothing is downloaded); otherwise its
    entry is run the way pre-commit would: in the repository root, without file names."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hook = _hook()
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), NO_MKDOCS_2_WARNING="1",
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    env.pop("GITHUB_ACTIONS", None)
    shutil.copy2(ROOT / "references.lock.json", site / "references.lock.json")
    local = dict(hook, language="system")
    (site / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))

    def git(*args):
        subprocess.run(["git", *args], cwd=site, env=env, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    pre_commit = BIN / "pre-commit"

    def run_hook() -> subprocess.CompletedProcess:
        if pre_commit.exists():
            return subprocess.run([str(pre_commit), "run", "--all-files"], cwd=site, env=env,
                                  capture_output=True, text=True)
        return subprocess.run(shlex.split(hook["entry"]), cwd=site, env=env,
                              capture_output=True, text=True)

    ok = run_hook()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    post = site / "posts" / "2026-11-16-questionnaires-are-not-diagnoses.md"
    post.write_text(post.read_text().replace("[@nhsdigital_iapt_annual]", "[@nosuch]", 1))
    git("add", "-A")
    bad = run_hook()
    assert bad.returncode == 1
    assert "CIT001 unknown citation key 'nosuch'" in bad.stdout + bad.stderr
