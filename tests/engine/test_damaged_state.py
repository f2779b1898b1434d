"""Issue 15: a damaged lock is one REF000 line, never a traceback."""

from __future__ import annotations


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
