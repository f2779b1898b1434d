"""Issue 15: a damaged lock is one REF000 line; add-ref on a full disk or a read-only
tree is one CLI005 line and changes no file. Never a traceback. Each test names its
payload."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from registryserver import PONE

from sitebuild import copy_minisite

SRC = Path(__file__).resolve().parents[2] / "src"


def test_a_deeply_nested_lock_is_one_ref000_line(minisite, run_cli, monkeypatch):
    monkeypatch.chdir(minisite)
    (minisite / "references.lock.json").write_text("[" * 100_000 + "]" * 100_000)
    code, out, err = run_cli("check")
    assert code != 0
    assert "Traceback" not in out + err
    lines = [ln for ln in (out + err).splitlines() if " REF000 " in ln]
    assert len(lines) == 1
    assert lines[0].startswith("references.lock.json:1:1: REF000 ")
    assert "nested too deeply" in lines[0]


# --------------------------------------------------------------------------- the lock


def _ref000(run_cli, minisite) -> str:
    code, out, err = run_cli("check")
    assert code != 0
    assert "Traceback" not in out + err
    lines = [ln for ln in (out + err).splitlines() if " REF000 " in ln]
    assert len(lines) == 1, out + err
    assert lines[0].startswith("references.lock.json:1:1: REF000 ")
    return lines[0]


@pytest.mark.parametrize("payload,says", [
    (b'{"format": 1, "entries": {\xff\xfe}}', "cannot read"),  # bytes that are not UTF-8
    (b'{"format": 1, "entries": [{"wilson1927probable": {}}]}', "no 'entries' object"),
    (b'[{"format": 1}]', "no 'entries' object"),  # a list where the object belongs
    (b'{"format": 1, "entries": {"k": ' + b"[" * 50_000 + b"]" * 50_000 + b"}}",
     "nested too deeply"),
])
def test_a_lock_that_cannot_be_read_is_one_ref000_line(minisite, run_cli, monkeypatch,
                                                       payload, says):
    monkeypatch.chdir(minisite)
    (minisite / "references.lock.json").write_bytes(payload)
    assert says in _ref000(run_cli, minisite)


@pytest.mark.parametrize("field,value,says", [
    ("differences", "title: entry 'A', registry 'B'", "'differences' as a string, not a list"),
    ("differences", ["title"],
     "'differences' with an item that is not an object of plain values"),
    # payload: nesting the decoder follows (900 levels) inside a difference
    ("differences", [{"field": "title", "entry": "A",
                      "registry": json.loads("[" * 900 + "]" * 900)}],
     "'differences' with an item that is not an object of plain values"),
    ("retracted", "yes", "'retracted' as a string, not true or false or null"),
    ("verdict", ["verified"], "'verdict' as a list, not a string"),
    ("checked", 20261122, "'checked' as a number, not a string"),
    ("best_candidate", "10.1/x", "'best_candidate' as a string, not an object or null"),
])
def test_a_lock_field_of_the_wrong_type_is_one_ref000_line(minisite, run_cli, monkeypatch,
                                                           field, value, says):
    monkeypatch.chdir(minisite)
    path = minisite / "references.lock.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entries"]["wilson1927probable"][field] = value
    path.write_text(json.dumps(data), encoding="utf-8")
    line = _ref000(run_cli, minisite)
    assert "the record of 'wilson1927probable' has " + says in line


def test_a_lock_record_that_is_a_list_is_one_ref000_line(minisite, run_cli, monkeypatch):
    monkeypatch.chdir(minisite)
    path = minisite / "references.lock.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entries"]["wilson1927probable"] = [data["entries"]["wilson1927probable"]]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert "the record of 'wilson1927probable' is a list, not an object" in \
        _ref000(run_cli, minisite)


# --------------------------------------------------------------------------- add-ref writes

FILES = ("references.bib", "references.lock.json", "references.sources.json")


def _state(site: Path) -> dict[str, bytes | None]:
    """The bytes of the files add-ref writes (None: absent), and no temporary file left."""
    assert not [p.name for p in site.iterdir() if p.name.endswith(".tmp")]
    return {n: (site / n).read_bytes() if (site / n).exists() else None for n in FILES}


def _add_ref(site: Path, *, wrap: list[str] | None = None, fsize: int | None = None,
             command: tuple[str, ...] = ("add-ref", PONE, "--root")):
    """``toulmin add-ref PONE`` (or ``command``) in a child process, run inside ``wrap``,
    with the file size limit ``fsize``: (exit code, stdout, stderr)."""
    env = dict(os.environ, PYTHONPATH=str(SRC), PYTHONDONTWRITEBYTECODE="1")

    def limit():
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails (EFBIG)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    proc = subprocess.run([*(wrap or []), sys.executable, "-m", "toulmin", *command,
                           str(site)], env=env, capture_output=True, text=True,
                          timeout=120, preexec_fn=limit)
    return proc.returncode, proc.stdout, proc.stderr


def _one_cli005(code: int, out: str, err: str) -> str:
    assert code == 2, (code, out, err)
    assert "Traceback" not in out + err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("references.bib:1:1: CLI005 "), lines[0]
    assert out == ""
    return lines[0]


def test_add_ref_on_a_full_disk_changes_no_file(server, minisite, tmp_path):
    # Dry run on a copy: the sizes of the three files add-ref writes.
    dry = copy_minisite(tmp_path / "dry")
    assert _add_ref(dry)[0] == 0
    bib_size = (dry / "references.bib").stat().st_size
    lock_size = (dry / "references.lock.json").stat().st_size
    # payload: a file size limit (RLIMIT_FSIZE) the new references.bib fits under but the
    # new lock does not: the bib's temporary file is written, the lock's fails part way
    assert bib_size < lock_size
    before = _state(minisite)
    line = _one_cli005(*_add_ref(minisite, fsize=lock_size - 1))
    assert "cannot write references.lock.json: File too large" in line
    assert "nothing was added and no file was changed" in line
    assert _state(minisite) == before


def _read_only(site: Path) -> list[str] | None:
    """How to run a command with ``site`` read-only: as root (who writes through file
    modes) inside a private mount namespace with the folder bind-mounted read-only; else
    the folder's write permission removed (the caller restores it)."""
    if os.geteuid() == 0:
        if shutil.which("unshare") is None:
            pytest.skip("root without unshare: no way to make the site read-only")
        wrap = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"',
                str(site)]
        probe = subprocess.run([*wrap, "true"], capture_output=True)
        if probe.returncode != 0:
            pytest.skip(f"cannot mount read-only here: {probe.stderr!r}")
        return wrap
    site.chmod(0o555)
    return None


def test_verify_refs_in_a_read_only_tree_is_one_cli005_line(server, minisite):
    # payload: the site mounted read-only (or without write permission)
    before = _state(minisite)
    try:
        code, out, err = _add_ref(minisite, wrap=_read_only(minisite),
                                  command=("verify-refs",))
    finally:
        minisite.chmod(0o755)
    assert code == 2 and "Traceback" not in out + err
    last = err.splitlines()[-1]
    assert re.match(r"references\.bib:1:1: CLI005 cannot write references\.lock\.json: "
                    r"(Read-only file system|Permission denied); the lock and the stored "
                    r"abstracts are unchanged$", last), last
    assert [ln for ln in err.splitlines() if "CLI005" in ln] == [last]
    assert _state(minisite) == before


def test_add_ref_in_a_read_only_tree_changes_no_file(server, minisite):
    before = _state(minisite)
    try:  # payload: the site mounted read-only (or without write permission)
        line = _one_cli005(*_add_ref(minisite, wrap=_read_only(minisite)))
    finally:
        minisite.chmod(0o755)
    assert re.search(r"cannot write references\.bib: (Read-only file system|Permission "
                     r"denied)", line), line
    assert _state(minisite) == before


def test_add_ref_with_an_unreadable_lock_adds_nothing(server, minisite, run_cli):
    # payload: a lock whose bytes are not UTF-8; add-ref would otherwise start a new lock
    # holding only the new record, losing every other verdict
    (minisite / "references.lock.json").write_bytes(b'{"format": 1, "entries": {\xff}}')
    before = _state(minisite)
    code, out, err = run_cli("add-ref", PONE, "--root", minisite)
    assert code == 1 and out == "" and "Traceback" not in err
    (line,) = [ln for ln in err.splitlines() if ln]
    assert line.startswith("toulmin: cannot read ") and line.endswith(
        "nothing was added (restore the lock, or delete it and run toulmin verify-refs)")
    assert _state(minisite) == before


@pytest.mark.parametrize("damage", ["latin-1", "nul", "folder"])
def test_verify_refs_on_an_unreadable_reference_base_is_one_line(server, minisite, damage):
    # payload: references.bib in Latin-1 (a name with "é" saved by an old editor), with a
    # NUL byte, or a folder where the file belongs; verify-refs used to print a traceback
    bib = minisite / "references.bib"
    if damage == "folder":
        bib.unlink()
        bib.mkdir()
        expected = r"references\.bib:1:1: BIB000 cannot be read: Is a directory"
    else:
        text = bib.read_text(encoding="utf-8")
        payload = ("  note = {Ren\xe9 Descartes},\n".encode("latin-1") if damage == "latin-1"
                   else b"  note = {a\0b},\n")
        head, _, tail = text.partition("\n")
        bib.write_bytes(head.encode() + b"\n" + payload + tail.encode())
        expected = (r"references\.bib:2:\d+: DOC001 not UTF-8" if damage == "latin-1"
                    else r"references\.bib:2:\d+: DOC002 ")
    before = {p.name: p.read_bytes() for p in minisite.iterdir() if p.is_file()}
    code, out, err = _add_ref(minisite, command=("verify-refs",))
    assert code == 2 and "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1 and re.match(expected, err), err
    assert {p.name: p.read_bytes() for p in minisite.iterdir() if p.is_file()} == before
