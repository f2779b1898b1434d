"""Shared fixtures: paths, a copy of the site in a temporary folder, the CLI in-process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SITE_PARTS = ("mkdocs.yml", "references.bib", "posts", "docs", "scripts", "data", "charts",
              "overrides")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of this repository's site (config, posts, pages, references) to modify."""
    for name in SITE_PARTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name)
        elif src.exists():
            shutil.copy2(src, tmp_path / name)
    return tmp_path


@pytest.fixture
def run_cli(capsys):
    """Run ``toulmin ARGS`` in-process; returns (exit code, stdout, stderr)."""
    from toulmin.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
