"""``toulmin check`` on broken copies of the synthetic minisite (the ``minisite`` fixture)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LINE = r"^[^:\n]+:\d+:\d+: [A-Z]{3}\d{3} .+$"


def _first_citation(post: Path) -> tuple[int, int, str]:
    """Line, column and key of the first bracketed citation in a post."""
    import re

    for n, line in enumerate(post.read_text().splitlines(), 1):
        m = re.search(r"\[@([\w:.-]+)", line)
        if m:
            return n, m.start(1), m.group(1)
    raise AssertionError("no citation")


def test_unknown_key_fails_with_file_line_column_and_suggestion(minisite, run_cli):
    post = sorted((minisite / "posts").glob("*.md"))[0]
    line, col, key = _first_citation(post)
    lines = post.read_text().splitlines(keepends=True)
    typo = key[:-2] + key[-1] + key[-2]
    lines[line - 1] = lines[line - 1].replace("@" + key, "@" + typo, 1)
    post.write_text("".join(lines))
    code, out, _ = run_cli("check", minisite)
    assert code == 1
    rel = post.relative_to(minisite).as_posix()
    hits = [ln for ln in out.splitlines() if ln.startswith(f"{rel}:{line}:") and "CIT001" in ln]
    assert len(hits) == 1, out
    assert f"'{typo}'" in hits[0] and f"did you mean '{key}'" in hits[0]
    # the column points at the key's @
    assert hits[0].split(":")[2] == str(col)


def test_json_output(minisite, run_cli):
    post = sorted((minisite / "posts").glob("*.md"))[0]
    post.write_text(post.read_text() + "\nAs argued elsewhere [@nosuchwork2020].\n")
    code, out, _ = run_cli("check", minisite, "--format", "json")
    assert code == 1
    data = json.loads(out)
    (item,) = [d for d in data if d["code"] == "CIT001"]
    assert item["path"] == post.relative_to(minisite).as_posix()
    assert item["severity"] == "error"
    assert item["line"] == len(post.read_text().splitlines())
    assert set(item) >= {"path", "line", "column", "code", "severity", "message"}


def test_github_annotations(minisite):
    post = sorted((minisite / "posts").glob("*.md"))[0]
    post.write_text(post.read_text() + "\nSee [@nosuchwork2020].\n")
    env = dict(os.environ, GITHUB_ACTIONS="true")
    proc = subprocess.run([sys.executable, "-m", "toulmin", "check", str(minisite)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    rel = post.relative_to(minisite).as_posix()
    assert any(ln.startswith(f"::error file={rel},line=") and "title=CIT001" in ln
               for ln in proc.stdout.splitlines()), proc.stdout


def test_broken_bib_is_one_line_per_problem_and_no_traceback(minisite):
    bib = minisite / "references.bib"
    text = bib.read_text()
    bib.write_text(text + "\n@article{broken2020,\n  title = {Unclosed,\n  year = 2020\n")
    proc = subprocess.run([sys.executable, "-m", "toulmin", "check", str(minisite)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    start = text.count("\n") + 2
    assert f"references.bib:{start}:1: BIB001" in proc.stdout


def test_missing_site_is_one_line(tmp_path, run_cli):
    code, _out, err = run_cli("check", tmp_path / "nowhere")
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "nowhere" in err


def test_check_one_file_reports_only_that_file(minisite, run_cli):
    posts = sorted((minisite / "posts").glob("*.md"))
    for p in posts[:2]:
        p.write_text(p.read_text() + "\nSee [@nosuchwork2020].\n")
    code, out, _err = run_cli("check", posts[0])
    assert code == 1
    paths = {ln.split(":")[0] for ln in out.splitlines() if not ln.startswith("  fix: ")}
    assert paths == {posts[0].relative_to(minisite).as_posix()}


def test_warm_check_uses_cache_and_sees_edits(minisite, run_cli):
    assert run_cli("check", minisite)[0] == 0
    assert (minisite / ".cache" / "toulmin" / "check.marshal").exists()
    post = sorted((minisite / "posts").glob("*.md"))[-1]
    post.write_text(post.read_text() + "\nSee [@nosuchwork2020].\n")
    assert run_cli("check", minisite)[0] == 1
