"""A ``mkdocs build`` that is killed, interrupted or fails leaves the previous site as it
was, and no temporary folder once the next build ran (``toulmin.adapters.mkdocs.swap``).

Each test builds the synthetic site (tests/fixtures/minisite) with the real ``mkdocs``, in
a subprocess, into its default ``site/``. A MkDocs hook (``pause.py``) holds the build
while it writes its pages, when asked to, so a test can kill it there: MkDocs has emptied
``site_dir`` and written part of the new site by then.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitebuild import bump_last_digit, checked_numbers, copy_minisite
from toulmin.adapters.mkdocs import swap

MKDOCS = Path(sys.executable).parent / "mkdocs"

#: a MkDocs hook: with TOULMIN_TEST_PAUSE set, the build stops at its second page (after
#: the theme's files and a page were written), says where it writes, and sleeps
PAUSE_HOOK = '''
import os
import time
from pathlib import Path

_seen = []


def on_post_page(output, page, config):
    _seen.append(page.file.src_uri)
    flag = os.environ.get("TOULMIN_TEST_PAUSE")
    if flag and len(_seen) == 2:
        Path(flag).write_text(config.site_dir)
        time.sleep(120)
    return output
'''


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    """The synthetic site with the pause hook, built (its site/ and its warm cache)."""
    root = copy_minisite(tmp_path_factory.mktemp("interrupted") / "minisite")
    (root / "pause.py").write_text(PAUSE_HOOK)
    with (root / "mkdocs.yml").open("a") as fh:
        fh.write("\nhooks:\n  - pause.py\n")
    proc = _build(root)
    assert proc.returncode == 0, proc.stderr
    return root


@pytest.fixture
def site(built_once: Path, tmp_path: Path) -> Path:
    """A copy of the built site, to build again: its site/ is the previous site."""
    return Path(shutil.copytree(built_once, tmp_path / "minisite", symlinks=True))


def _build(root: Path, *extra: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(MKDOCS), "build", "--strict", *extra], cwd=root,
                          capture_output=True, text=True, timeout=300, **kw)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _temporary(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".site."))


def _paused_build(root: Path) -> tuple[subprocess.Popen, Path]:
    """A build started in its own process group, held in the middle of writing its pages;
    returns it and the folder it writes."""
    flag = root.parent / "paused"
    env = {**os.environ, "TOULMIN_TEST_PAUSE": str(flag)}
    proc = subprocess.Popen([str(MKDOCS), "build", "--strict"], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while not flag.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the build never reached the hook: {proc.communicate()[1]}")
        time.sleep(0.05)
    time.sleep(0.1)  # the flag is written in full
    return proc, Path(flag.read_text())


def test_a_build_killed_while_writing_leaves_the_previous_site_byte_identical(site):
    before = _snapshot(site / "site")
    assert "index.html" in before and "search/search_index.json" in before
    proc, building = _paused_build(site)
    # the build writes beside the site, not into it
    assert building.parent == site and building.name == f".site.building-{proc.pid}"
    assert any(building.rglob("*.html")), "the hook holds the build after it wrote pages"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _snapshot(site / "site") == before
    assert building.is_dir()  # a killed process cleans nothing ...

    # ... the next build removes its folder, and replaces the site
    (site / "site" / "stale.html").write_text("from the previous build")
    proc = _build(site)
    assert proc.returncode == 0, proc.stderr
    assert _temporary(site) == []
    assert not (site / "site" / "stale.html").exists()
    assert _snapshot(site / "site") == before


def test_an_interrupted_build_removes_its_folder_and_keeps_the_site(site):
    before = _snapshot(site / "site")
    proc, building = _paused_build(site)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in the terminal
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert not building.exists()
    assert _temporary(site) == []
    assert _snapshot(site / "site") == before


def test_a_build_failing_on_a_wrong_statistic_keeps_the_site_and_no_folder(site):
    before = _snapshot(site / "site")
    path, ref = next(checked_numbers(site))
    text = path.read_text()
    wrong = bump_last_digit(ref.written, 1)
    path.write_text(text[:ref.start] + f"[{wrong}]{{stat={ref.name}}}" + text[ref.end:])
    proc = _build(site)
    assert proc.returncode != 0
    assert "STA002" in proc.stderr  # the statistic's own error, not a crash
    assert "Traceback" not in proc.stderr
    assert _temporary(site) == []
    assert _snapshot(site / "site") == before


def test_a_strict_warning_fails_the_build_after_every_file_is_written_and_keeps_the_site(site):
    """MkDocs aborts a --strict build on its warnings only after the last on_post_build:
    the finished folder must not have replaced the site by then."""
    before = _snapshot(site / "site")
    index = site / "docs" / "index.md"
    index.write_text(index.read_text() + "\nSee [the missing page](missing.md).\n")
    proc = _build(site)
    assert proc.returncode != 0
    assert "missing.md" in proc.stderr and "strict mode" in proc.stdout + proc.stderr
    assert _temporary(site) == []
    assert _snapshot(site / "site") == before
    # without --strict the same build succeeds and replaces the site
    proc = subprocess.run([str(MKDOCS), "build"], cwd=site, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "missing.md" in (site / "site" / "index.html").read_text()
    assert _temporary(site) == []


def test_folders_of_dead_builds_are_removed_and_those_of_running_ones_kept(site):
    dead = subprocess.run(["true"])  # a process that has exited: its pid is free
    assert dead.returncode == 0
    gone = subprocess.Popen(["true"])
    gone.wait()
    leftover = site / f".site.building-{gone.pid}"
    (leftover / "blog").mkdir(parents=True)
    (leftover / "blog" / "index.html").write_text("half a site")
    running = site / f".site.building-{os.getpid()}"  # this test's process is alive
    running.mkdir()
    unrelated = site / ".site.building-notapid"
    unrelated.mkdir()
    proc = _build(site)
    assert proc.returncode == 0, proc.stderr
    assert not leftover.exists()
    assert running.is_dir() and unrelated.is_dir()


def test_site_dir_is_honoured_and_its_siblings_only_are_used(site, tmp_path):
    out = tmp_path / "public"
    proc = _build(site, "--site-dir", str(out))
    assert proc.returncode == 0, proc.stderr
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".public.")) == []
    assert _temporary(site) == []


# -- the swap itself, on real folders -------------------------------------------------------


def _tree(path: Path, marker: str) -> Path:
    (path / "sub").mkdir(parents=True)
    (path / "index.html").write_text(marker)
    (path / "sub" / "page.html").write_text(marker)
    return path


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_put_in_place_replaces_the_site_whole(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(swap, "_exchange", lambda a, b: False)
    site = _tree(tmp_path / "site", "old")
    (site / "only-old.html").write_text("old")
    new = _tree(tmp_path / ".site.building-1", "new")
    swap.put_in_place(new, site)
    assert (site / "index.html").read_text() == "new"
    assert (site / "sub" / "page.html").read_text() == "new"
    assert not (site / "only-old.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_put_in_place_makes_the_site_when_there_was_none(tmp_path):
    new = _tree(tmp_path / ".site.building-1", "new")
    swap.put_in_place(new, tmp_path / "site")
    assert (tmp_path / "site" / "index.html").read_text() == "new"
    assert not new.exists()


def test_a_site_set_aside_by_a_killed_swap_is_put_back(tmp_path):
    """Killed between the two renames (a system without renameat2): no site, the previous
    one aside; the next build puts it back before it starts."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    _tree(tmp_path / f".site.old-{gone.pid}", "previous")
    _tree(tmp_path / f".site.building-{gone.pid}", "unfinished")
    swap.clean_leftovers(tmp_path / "site")
    assert (tmp_path / "site" / "index.html").read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_full_disk_while_writing_the_site_keeps_the_previous_one_and_no_folder(site):
    """Every file the build writes is limited to 64 KiB (RLIMIT_FSIZE, as a full disk):
    the copy of a larger file (the vendored Vega library) fails with EFBIG mid-build."""
    before = _snapshot(site / "site")
    assert max(len(b) for b in before.values()) > 65536

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))

    proc = _build(site, preexec_fn=limit)
    assert proc.returncode != 0
    assert "File too large" in proc.stderr
    assert _temporary(site) == []
    assert _snapshot(site / "site") == before


def test_site_dir_is_given_back_after_the_build_for_gh_deploy(site):
    """``mkdocs gh-deploy`` and other callers of MkDocs' build read ``site_dir`` after it:
    they find the site, not the temporary folder (run as gh-deploy does, in a process)."""
    code = (
        "from mkdocs import config\n"
        "from mkdocs.commands import build\n"
        "cfg = config.load_config('mkdocs.yml')\n"
        "given = cfg.site_dir\n"
        "cfg.plugins.on_startup(command='gh-deploy', dirty=False)\n"
        "try:\n"
        "    build.build(cfg)\n"
        "finally:\n"
        "    cfg.plugins.on_shutdown()\n"
        "assert cfg.site_dir == given, (cfg.site_dir, given)\n"
        "print(cfg.site_dir)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=site, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()) == site / "site"
    assert (site / "site" / "index.html").is_file()
    assert _temporary(site) == []


def test_a_site_that_cannot_be_renamed_gets_the_new_entries(tmp_path, monkeypatch):
    """site_dir a mount point (a container's volume): renaming it fails with EBUSY, as the
    kernel answers for one; the new site's entries are moved into it instead."""
    import errno

    site = _tree(tmp_path / "site", "old")
    (site / "only-old.html").write_text("old")
    new = _tree(tmp_path / ".site.building-1", "new")
    rename = os.rename

    def busy(src, dst):
        if Path(src) == site:
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(src))
        return rename(src, dst)

    monkeypatch.setattr(swap, "_exchange", lambda a, b: False)
    monkeypatch.setattr(swap.os, "rename", busy)
    swap.put_in_place(new, site)
    assert (site / "index.html").read_text() == "new"
    assert (site / "sub" / "page.html").read_text() == "new"
    assert not (site / "only-old.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
