"""Shared fixtures: paths, a copy of the site in a temporary folder, the CLI in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitebuild import build, copy_site

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of this repository's site (config, posts, pages, references, data) to modify."""
    return copy_site(tmp_path)


@pytest.fixture
def run_cli(capsys):
    """Run ``toulmin ARGS`` in-process; returns (exit code, stdout, stderr)."""
    from toulmin.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """This repository's site, built once per test process; tests read it, never change it."""
    site = copy_site(tmp_path_factory.mktemp("built-site"))
    proc = build(site, site / "out")
    assert proc.returncode == 0, proc.stderr
    return site / "out"
