"""Issue 15: `toulmin init` on a full disk is one line, and leaves no half a site.

A file size limit (RLIMIT_FSIZE, with SIGXFSZ ignored so a write past it fails with EFBIG
as on a full disk) stands in for the disk: small enough to stop the template's first
files, or only the rendered chart at the end. Either way the new site is removed whole
and what the folder held before is untouched.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"


def _init(target: Path, fsize: int) -> subprocess.CompletedProcess:
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = dict(os.environ, PYTHONPATH=str(SRC), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-m", "toulmin", "init", str(target)], env=env,
                          capture_output=True, text=True, timeout=300, preexec_fn=limit)


@pytest.mark.parametrize("fsize,code", [(300, "CLI005"), (2000, "CLI006")],
                         ids=["template", "chart"])
def test_init_on_a_full_disk_is_one_line_and_removes_the_new_site(tmp_path, fsize, code):
    target = tmp_path / "site"
    proc = _init(target, fsize)
    assert proc.returncode == 2 and "Traceback" not in proc.stdout + proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if f" {code} " in ln]
    assert len(errors) == 1, proc.stderr
    assert not target.exists()


def test_init_on_a_full_disk_keeps_what_the_folder_held(tmp_path):
    target = tmp_path / "mine"
    (target / "notes").mkdir(parents=True)
    (target / "notes" / "draft.txt").write_text("my draft\n", encoding="utf-8")
    proc = _init(target, 2000)
    assert proc.returncode == 2
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == [
        "notes", "notes/draft.txt"]
    assert (target / "notes" / "draft.txt").read_text(encoding="utf-8") == "my draft\n"
