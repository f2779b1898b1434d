"""The authoring workflow: ``toulmin new``, ``check --watch``, the banner and the pre-commit
hook, on the synthetic minisite (the ``minisite`` fixture). The writing guide and the CI workflow
of the commentary are tested in tests/minisite/test_authoring_site.py."""

from __future__ import annotations

import datetime as dt
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


def test_new_post_passes_check_and_refuses_to_overwrite(minisite, run_cli):
    code, out, err = run_cli("new", "Où est la bibliothèque? Ten years on", "--root", minisite)
    assert code == 0, err
    rel = out.strip()
    today = dt.date.today().isoformat()
    assert rel == f"posts/{today}-ou-est-la-bibliotheque-ten-years-on.md"
    text = (minisite / rel).read_text()
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["title"] == "Où est la bibliothèque? Ten years on"
    assert meta["date"] == dt.date.today()
    assert meta["authors"] == ["editor"]  # the first id in docs/blog/.authors.yml
    assert meta["draft"] is True
    assert {"categories", "tags", "description"} <= meta.keys()
    assert "<!-- more -->" in text

    code, out, err = run_cli("check", minisite)
    assert code == 0, out
    assert rel not in out, out  # not even a warning

    before = (minisite / rel).read_bytes()
    code, out, err = run_cli("new", "Où est la bibliothèque? Ten years on", "--root", minisite)
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert re.fullmatch(rf"{re.escape(rel)}:1:1: NEW001 .*already exists.*", lines[0])
    assert (minisite / rel).read_bytes() == before
    assert not list((minisite / "posts").glob(".*.tmp"))


def test_new_post_author_and_date_options(minisite, run_cli):
    code, out, _ = run_cli("new", "A second opinion", "--root", minisite, "--author", "editor",
                           "--date", "2026-12-01")
    assert code == 0
    assert out.strip() == "posts/2026-12-01-a-second-opinion.md"
    code, out, err = run_cli("new", "Another", "--root", minisite, "--author", "nobody")
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


def test_pre_commit_hook_in_a_git_repository(minisite, tmp_path):
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
    local = dict(hook, language="system")
    (minisite / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))

    def git(*args):
        subprocess.run(["git", *args], cwd=minisite, env=env, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    pre_commit = BIN / "pre-commit"

    def run_hook() -> subprocess.CompletedProcess:
        if pre_commit.exists():
            return subprocess.run([str(pre_commit), "run", "--all-files"], cwd=minisite, env=env,
                                  capture_output=True, text=True)
        return subprocess.run(shlex.split(hook["entry"]), cwd=minisite, env=env,
                              capture_output=True, text=True)

    ok = run_hook()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    post = minisite / "posts" / "2025-05-20-how-many-members-borrow.md"
    post.write_text(post.read_text().replace("[@riverside_loans]", "[@nosuch]", 1))
    git("add", "-A")
    bad = run_hook()
    assert bad.returncode == 1
    assert "CIT001 unknown citation key 'nosuch'" in bad.stdout + bad.stderr
