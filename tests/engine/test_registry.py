"""Registry verification (``toulmin verify-refs``, ``add-ref``) and the lock checks.

The real client runs against the local HTTP server of ``tests/registryserver.py``, which
replays the recorded registry responses of ``tests/fixtures/registry`` (see its
``SOURCES.md`` and ``index.json``). For the Crossref DOIs whose CSL-JSON was not recorded,
the verifier uses Crossref's works record (same field names). Per-test overrides add
failures: 429, 500, a stall, malformed JSON, and the constructed retraction record
(``constructed/``).
"""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from registryserver import FIX, NEURO, PONE

from toulmin.bibliography import bibtex as bib
from toulmin.bibliography import loading, lock
from toulmin.bibliography.lock import lock_status
from toulmin.bibliography.model import Reference
from toulmin.checks.bibliography import check_entries
from toulmin.checks.lock import check_lock, is_marked
from toulmin.registries.addref import add_refs, make_entry, make_key, protect_title
from toulmin.registries.client import Client, Config, FetchError, retry_after_seconds
from toulmin.registries.crossref import retraction_status
from toulmin.registries.doiorg import CSL_ACCEPT
from toulmin.registries.metadata import Metadata
from toulmin.registries.verify import (
    MISMATCH,
    NOT_FOUND,
    UNCHECKED,
    VERIFIED,
    Outcome,
    verify,
    verify_refs,
)
from toulmin.style import apa

CSL = Path(__file__).resolve().parents[1] / "fixtures" / "csl" / "apa.csl"
TODAY = "2026-11-22"

SCIENCE = "10.1126/science.169.3946.635"
PPAT = "10.1371/journal.ppat.1008184"


# --------------------------------------------------------------------------- the server


def _config(tmp_path: Path, **kw) -> Config:
    kw.setdefault("timeout", 5.0)
    kw.setdefault("backoff", 0.01)
    kw.setdefault("cache_dir", tmp_path / "cache")
    return Config.from_env(**kw)


# --------------------------------------------------------------------------- entries

ENTRIES = {
    "frank1970structure": f"""@article{{frank1970structure,
  author  = {{Frank, Henry S.}},
  title   = {{The Structure of Ordinary Water}},
  journal = {{Science}},
  year    = {{1970}},
  volume  = {{169}},
  pages   = {{635--641}},
  doi     = {{{SCIENCE}}}
}}""",
    "sadasivan2012methylphenidate": f"""@article{{sadasivan2012methylphenidate,
  author  = {{Sadasivan, Shankar and Pond, Brooks B. and Pani, Amar K. and Qu, Chunxu
              and Jiao, Yun and others}},
  title   = {{Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of
              Microglia in the Basal Ganglia of Mice}},
  journal = {{PLoS ONE}},
  year    = {{2012}},
  doi     = {{{PONE}}}
}}""",
    "truncated2012": """@article{truncated2012,
  author  = {Sadasivan, Shankar},
  title   = {Methylphenidate Exposure Induces Dopamine Neuron Loss},
  journal = {PLoS ONE},
  year    = {2012},
  doi     = {10.1371/journal.pone.003369}
}""",
    "wrongdoi2012": f"""@article{{wrongdoi2012,
  author  = {{Sadasivan, Shankar and Pond, Brooks B.}},
  title   = {{Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of
              Microglia in the Basal Ganglia of Mice}},
  journal = {{PLoS ONE}},
  year    = {{2012}},
  doi     = {{{NEURO}}}
}}""",
}


def _bib(tmp_path: Path, *keys: str) -> Path:
    path = tmp_path / "references.bib"
    path.write_text("% test base\n\n" + "\n\n".join(ENTRIES[k] for k in keys) + "\n",
                    encoding="utf-8")
    return path


def _ref(key: str) -> Reference:
    return bib.parse_string(ENTRIES[key]).entries[key]


def _verify(tmp_path: Path, *keys: str, **kw) -> dict[str, Outcome]:
    refs = [_ref(k) for k in keys]
    return {o.key: o for o in verify(refs, _config(tmp_path, **kw))}


# --------------------------------------------------------------------------- verdicts


def test_verified_entries(server, tmp_path):
    out = _verify(tmp_path, "frank1970structure", "sadasivan2012methylphenidate")
    frank = out["frank1970structure"]
    assert frank.verdict == VERIFIED, frank.differences
    pone = out["sadasivan2012methylphenidate"]
    assert pone.verdict == VERIFIED, pone.differences  # "and others": 6 accepted
    # a correction notice (updated-by, type correction) is an update, not a retraction
    assert pone.retraction["retracted"] is False
    assert pone.retraction["updates"][0]["type"] == "correction"
    # polite client: User-Agent with the contact address, CSL-JSON asked for
    heads = [h for p, h in server.requests if p.startswith("/doi/")]
    assert heads and all("mailto:tests@example.org" in h["User-Agent"] for h in heads)
    assert all(h["Accept"] == CSL_ACCEPT for h in heads)


def test_truncated_doi_is_not_found(server, tmp_path):
    out = _verify(tmp_path, "truncated2012")["truncated2012"]
    assert out.verdict == NOT_FOUND


def test_doi_of_another_paper_is_a_mismatch(server, tmp_path):
    out = _verify(tmp_path, "wrongdoi2012")["wrongdoi2012"]
    assert out.verdict == MISMATCH
    fields = {d["field"]: d for d in out.differences}
    assert {"title", "author 1", "author 2", "container"} <= set(fields)
    assert fields["title"]["registry"].startswith("Human umbilical cord blood")
    assert fields["author 1"] == {"field": "author 1", "entry": "Sadasivan", "registry": "Lee"}
    assert fields["author count"]["registry"] == "11"


def test_retracted_article_is_flagged(server, tmp_path):
    server.on("works", PONE, ("file", FIX / "constructed" /
                              "10.1371_journal.pone.0033693.retraction.json"))
    out = _verify(tmp_path, "sadasivan2012methylphenidate")["sadasivan2012methylphenidate"]
    assert out.retraction["retracted"] is True
    assert out.retraction["notice"] == "10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda"


def test_update_direction_and_new_versions(server, tmp_path):
    msg = json.loads((FIX / "crossref-works" / "10.1371_journal.ppat.1008184.json").read_text())
    status = retraction_status(msg)
    assert status["retracted"] is False
    assert [u["type"] for u in status["updates"]] == ["new_version"]
    # update-to sits on the notice: a retraction notice is not itself retracted
    notice = {"message": {"update-to": [{"type": "retraction", "DOI": PONE}]}}
    assert retraction_status(notice)["retracted"] is False


def test_429_then_success(server, tmp_path):
    server.on("doi", SCIENCE, ("status", 429, {"Retry-After": "0"}), None)
    slept = []
    cfg = _config(tmp_path)
    client = Client(cfg, sleep=slept.append)
    out = verify([_ref("frank1970structure")], cfg, client=client)[0]
    assert out.verdict == VERIFIED
    assert slept == [0.0]  # Retry-After honoured
    assert sum(p.startswith("/doi/") for p, _ in server.requests) == 2


def test_retry_after_as_seconds_or_as_an_http_date():
    # RFC 9110, section 10.2.3: "Retry-After: Fri, 31 Dec 1999 23:59:59 GMT" or "120"
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Fri, 31 Dec 1999 23:59:59 GMT",
                                        "Fri, 31 Dec 1999 23:58:29 GMT") == 90.0
    # without a Date header the wait is taken from our clock; never negative
    assert retry_after_seconds("Fri, 31 Dec 1999 23:59:59 GMT",
                                        now=946684799.0 - 30) == 30.0
    assert retry_after_seconds("Fri, 31 Dec 1999 23:59:59 GMT", "garbage",
                                        now=946684799.0 + 5) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_429_with_an_http_date_waits_until_then_or_not_at_all(server, tmp_path):
    # a date long past: retry at once; a date beyond max_backoff: not waited for at all
    # (the entry is unchecked at once, not after max_backoff)
    server.on("doi", SCIENCE, ("status", 429, {"Retry-After": "Fri, 31 Dec 1999 23:59:59 GMT"}),
              ("status", 429, {"Retry-After": "Fri, 31 Dec 2100 23:59:59 GMT"}), None)
    slept = []
    cfg = _config(tmp_path)
    client = Client(cfg, sleep=slept.append)
    out = verify([_ref("frank1970structure")], cfg, client=client)[0]
    assert out.verdict == UNCHECKED and "not waited" in out.error
    assert slept == [0.0]
    # a wait within max_backoff is honoured as asked
    server.overrides.clear()
    server.on("doi", SCIENCE, ("status", 429, {"Retry-After": "7"}), None)
    slept.clear()
    out = verify([_ref("frank1970structure")], cfg, client=Client(cfg, sleep=slept.append))[0]
    assert out.verdict == VERIFIED
    assert slept == [7.0]


def test_500_then_success(server, tmp_path):
    server.on("doi", SCIENCE, ("status", 500, {}), None)
    slept = []
    cfg = _config(tmp_path, backoff=0.5)
    client = Client(cfg, sleep=slept.append)
    out = verify([_ref("frank1970structure")], cfg, client=client)[0]
    assert out.verdict == VERIFIED
    assert slept == [0.5]  # exponential backoff, first step


def test_timeout_is_could_not_check(server, tmp_path):
    server.on("doi", SCIENCE, ("sleep", 1.5))
    out = _verify(tmp_path, "frank1970structure", timeout=0.3, retries=1)
    assert out["frank1970structure"].verdict == UNCHECKED
    assert "timed out" in out["frank1970structure"].error.lower()


def test_malformed_json_is_could_not_check(server, tmp_path):
    body = (FIX / "csl-json" / "10.1126_science.169.3946.635.json").read_bytes()[:300]
    server.on("doi", SCIENCE, ("body", body))
    out = _verify(tmp_path, "frank1970structure")["frank1970structure"]
    assert out.verdict == UNCHECKED
    assert "malformed JSON" in out.error
    # a garbled answer is not cached: the next run asks again and gets the record
    server.overrides.clear()
    assert _verify(tmp_path, "frank1970structure")["frank1970structure"].verdict == VERIFIED


def test_a_response_larger_than_the_bound_is_refused(server, tmp_path, monkeypatch):
    from toulmin.registries import client as http

    url = f"{server.base}/doi/{SCIENCE}"
    record = (FIX / "csl-json" / "10.1126_science.169.3946.635.json").read_bytes()
    assert Client(_config(tmp_path, cache_dir=None)).get(url, CSL_ACCEPT).body == record
    monkeypatch.setattr(http, "MAX_BODY_BYTES", len(record) // 2)
    client = Client(_config(tmp_path, cache_dir=None), sleep=lambda s: None)
    with pytest.raises(FetchError, match="larger than"):
        client.get(url, CSL_ACCEPT)
    assert client.requests == 1  # refused, not retried


def test_cache_and_refresh(server, tmp_path):
    _verify(tmp_path, "frank1970structure")
    first = len(server.requests)
    _verify(tmp_path, "frank1970structure")
    assert len(server.requests) == first  # served from .cache
    _verify(tmp_path, "frank1970structure", refresh=True)
    assert len(server.requests) == 2 * first


def test_doi_search_proposes_without_writing(server, tmp_path):
    text = ENTRIES["sadasivan2012methylphenidate"].replace(f"  doi     = {{{PONE}}}\n", "")
    text = text.replace("year    = {2012},", "year    = {2012}")
    path = tmp_path / "references.bib"
    path.write_text(text + "\n", encoding="utf-8")
    before = path.read_bytes()
    out = tmp_path / "out.txt"
    with out.open("w") as fh:
        code = verify_refs(path, tmp_path / "references.lock.json",
                                    _config(tmp_path), today=TODAY, out=fh, err=fh)
    assert code == 0
    assert f"proposed doi {PONE}" in out.read_text()
    assert path.read_bytes() == before
    with out.open("w") as fh:
        verify_refs(path, tmp_path / "references.lock.json", _config(tmp_path),
                             accept=True, today=TODAY, out=fh, err=fh)
    ref = loading.load(path).entries["sadasivan2012methylphenidate"]
    assert ref.doi == PONE
    assert lock.load(tmp_path / "references.lock.json")[ref.key]["verdict"] == "verified"


# --------------------------------------------------------------------------- the lock


def _run_verify(tmp_path: Path, today: str = TODAY, **kw) -> int:
    with open(os.devnull, "w") as null:
        return verify_refs(tmp_path / "references.bib",
                                    tmp_path / "references.lock.json", _config(tmp_path, **kw),
                                    today=today, out=null, err=null)


def test_lock_is_stable_and_byte_identical(server, tmp_path):
    _bib(tmp_path, "frank1970structure", "sadasivan2012methylphenidate", "truncated2012",
         "wrongdoi2012")
    assert _run_verify(tmp_path) == 1  # a mismatch and a not-found
    first = (tmp_path / "references.lock.json").read_bytes()
    data = json.loads(first)
    assert first.endswith(b"}\n")
    assert first.decode() == json.dumps(data, indent=2, sort_keys=True,
                                        ensure_ascii=False) + "\n"
    rec = data["entries"]["wrongdoi2012"]
    assert rec["verdict"] == "mismatch" and rec["recorded"] == "registry"
    assert rec["checked"] == TODAY
    assert data["entries"]["truncated2012"]["verdict"] == "not_found"
    # a later run, even refetching, changes nothing: the dates are kept
    _run_verify(tmp_path, today="2026-12-01", refresh=True)
    assert (tmp_path / "references.lock.json").read_bytes() == first


def test_failed_check_keeps_previous_record(server, tmp_path):
    _bib(tmp_path, "frank1970structure")
    _run_verify(tmp_path)
    first = (tmp_path / "references.lock.json").read_bytes()
    server.on("doi", SCIENCE, ("status", 503, {}))
    _run_verify(tmp_path, today="2026-12-01", refresh=True, retries=1)
    assert (tmp_path / "references.lock.json").read_bytes() == first


def test_killed_run_leaves_lock_intact(server, tmp_path):
    _bib(tmp_path, "frank1970structure", "sadasivan2012methylphenidate")
    _run_verify(tmp_path)
    lock_path = tmp_path / "references.lock.json"
    (tmp_path / "references.bib").write_text(
        (tmp_path / "references.bib").read_text() + "\n" + ENTRIES["wrongdoi2012"] + "\n")
    before = lock_path.read_bytes()
    for doi in (SCIENCE, PONE, NEURO):
        server.on("doi", doi, ("sleep", 30))
    server.requests.clear()
    env = {**os.environ, **server.env()}
    proc = subprocess.Popen([sys.executable, "-m", "toulmin", "verify-refs", str(tmp_path),
                             "--refresh"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.requests, "verify-refs never reached the server"
        time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert lock_path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------- check_lock


def _site(tmp_path: Path, post: str, *keys: str) -> Path:
    _bib(tmp_path, *keys)
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "p.md").write_text(post, encoding="utf-8")
    return tmp_path


def _codes(findings) -> list[tuple[str, str, int]]:
    return sorted((f.code, f.path, f.line) for f in findings)


def test_check_lock_codes(server, tmp_path):
    site = _site(tmp_path, "Text [@frank1970structure].\n", "frank1970structure",
                 "truncated2012", "wrongdoi2012")
    library = loading.load(site / "references.bib", display="references.bib")
    # no lock: REF001 for each entry with a DOI, at the entry's line
    found = check_lock(library, "references.lock.json", site, set(), [])
    assert [f.code for f in found] == ["REF001"] * 3
    assert found[0].line == library.entries["frank1970structure"].line
    _run_verify(site)
    found = check_lock(library, "references.lock.json", site, set(), [])
    assert _codes(found) == sorted([
        ("REF004", "references.bib", library.entries["truncated2012"].line_of("doi")),
        ("REF003", "references.bib", library.entries["wrongdoi2012"].line)])
    ref003 = next(f for f in found if f.code == "REF003")
    assert "title: entry 'Methylphenidate" in ref003.message and "registry 'Lee'" in ref003.message
    assert all(f.severity == "error" for f in found)
    # an edited entry: REF002 (a warning) instead of the stale verdict
    text = (site / "references.bib").read_text().replace("{635--641}", "{635--642}")
    (site / "references.bib").write_text(text)
    library = loading.load(site / "references.bib", display="references.bib")
    found = [f for f in check_lock(library, "references.lock.json", site, set(), [])
             if f.code in ("REF001", "REF002")]
    assert [(f.code, f.severity) for f in found] == [("REF002", "warning")]


def test_retracted_citation_needs_the_marker(server, tmp_path):
    server.on("works", PONE, ("file", FIX / "constructed" /
                              "10.1371_journal.pone.0033693.retraction.json"))
    post = ("Plain [@sadasivan2012methylphenidate].\n\n"
            "Marked [@sadasivan2012methylphenidate, retracted].\n\n"
            "Also marked [retracted: @sadasivan2012methylphenidate, p. 3].\n\n"
            "Narrative @sadasivan2012methylphenidate [retracted] and "
            "@sadasivan2012methylphenidate.\n")
    site = _site(tmp_path, post, "sadasivan2012methylphenidate")
    _run_verify(site)
    library = loading.load(site / "references.bib", display="references.bib")
    docs = [("posts/p.md", post)]
    found = check_lock(library, "references.lock.json", site,
                       {"sadasivan2012methylphenidate"}, docs)
    assert [(f.code, f.path, f.line) for f in found] == [("REF005", "posts/p.md", 1),
                                                         ("REF005", "posts/p.md", 7)]
    assert "10.1371/annotation/c76da2c1" in found[0].message
    # not cited: nothing to flag
    assert check_lock(library, "references.lock.json", site, set(), docs) == []
    status = lock_status("sadasivan2012methylphenidate", site)
    assert status["retracted"] is True and status["verdict"] == "verified"
    assert lock_status("nope", site) is None


def test_retracted_work_stays_an_error_when_its_entry_changes(server, tmp_path, run_cli):
    # Regression: an edit to a retracted work's entry turned REF005 into a REF002 warning
    # and `toulmin check` passed.
    server.on("works", PONE, ("file", FIX / "constructed" /
                              "10.1371_journal.pone.0033693.retraction.json"))
    site = _site(tmp_path, "Methylphenidate harms neurons [@sadasivan2012methylphenidate].\n",
                 "sadasivan2012methylphenidate")
    _run_verify(site)
    text = (site / "references.bib").read_text(encoding="utf-8")
    assert "{PLoS ONE}" in text
    (site / "references.bib").write_text(text.replace("{PLoS ONE}", "{PLOS ONE}"),
                                         encoding="utf-8")
    code, out, _ = run_cli("check", site)
    assert "REF002 warning" in out
    assert "posts/p.md:1:32: REF005 'sadasivan2012methylphenidate' is a retracted work" in out
    assert code == 1


def test_is_marked():
    from toulmin.scan.model import CiteItem

    assert is_marked(CiteItem("a", suffix="retracted"))
    assert is_marked(CiteItem("a", prefix="Retracted:"))
    assert not is_marked(CiteItem("a", suffix="see retractions policy"))


def test_cli_check_strict_refs(server, tmp_path, run_cli):
    site = _site(tmp_path, "Text [@frank1970structure].\n", "frank1970structure")
    code, out, err = run_cli("check", site)
    assert "REF001 warning" in out and code == 0
    code, out, err = run_cli("check", site, "--strict-refs")
    assert code == 1 and "REF001" in out
    code, out, err = run_cli("verify-refs", site, "--timeout", "5")
    assert code == 0, err
    code, out, err = run_cli("check", site, "--strict-refs")
    assert "REF" not in out and code == 0


def test_contact_address_comes_from_mkdocs_yml_unless_the_environment_sets_one(
        server, tmp_path, run_cli, monkeypatch):
    site = _site(tmp_path, "Text [@frank1970structure].\n", "frank1970structure")
    (site / "mkdocs.yml").write_text("site_name: S\nplugins:\n  - toulmin:\n"
                                     "      mailto: editor@example.org\n")
    monkeypatch.delenv("TOULMIN_MAILTO")
    code, _, err = run_cli("verify-refs", site, "--timeout", "5", "--refresh")
    assert code == 0, err
    agents = {h["User-Agent"] for p, h in server.requests if p.startswith("/doi/")}
    assert agents and all("mailto:editor@example.org" in a for a in agents)
    server.requests.clear()
    monkeypatch.setenv("TOULMIN_MAILTO", "ci@example.org")
    code, _, err = run_cli("verify-refs", site, "--timeout", "5", "--refresh")
    assert code == 0, err
    agents = {h["User-Agent"] for p, h in server.requests if p.startswith("/doi/")}
    assert agents and all("mailto:ci@example.org" in a for a in agents)


# --------------------------------------------------------------------------- add-ref

ADD = [SCIENCE, PONE, "10.1038/srep16696", NEURO, "10.7554/elife.01567",
       "10.1007/978-3-662-46370-3_13", "10.1017/9781108348843", "10.14264/uql.2020.791",
       "10.2210/pdb4hhb/pdb", "10.26434/chemrxiv.5406907.v5",
       "10.1007/s00120-007-1345-2", "10.1145/3448016.3452841"]


@pytest.fixture
def added(server, tmp_path):
    path = tmp_path / "references.bib"
    original = "% header\n@article{frank1970structure,\n  title = {Taken key},\n" \
               "  author = {Frank, H.},\n  journal = {J},\n  year = {1970}\n}\n"
    path.write_bytes(original.encode())
    result, problems = add_refs(ADD, path, tmp_path / "references.lock.json",
                                _config(tmp_path), today=TODAY)
    assert problems == []
    return path, original, result


def test_add_ref_appends_clean_entries(added, tmp_path):
    path, original, result = added
    data = path.read_bytes()
    assert data.startswith(original.encode())  # the rest of the file untouched
    library = bib.parse_string(data.decode())
    assert library.findings == []  # parses
    assert check_entries(library, library.path) == []  # and passes every entry rule
    keys = [a.key for a in result]
    assert keys[0] == "frank1970structurea"  # made unique
    assert keys[1] == "sadasivan2012methylphenidate"
    assert set(keys) <= set(library.entries)
    types = {a.doi: library.entries[a.key].type for a in result}
    assert types["10.1007/978-3-662-46370-3_13"] == "incollection"
    assert types["10.1017/9781108348843"] == "book"
    assert types["10.14264/uql.2020.791"] == "phdthesis"
    assert types["10.2210/pdb4hhb/pdb"] == "misc"
    assert types["10.26434/chemrxiv.5406907.v5"] == "misc"
    pone = library.entries["sadasivan2012methylphenidate"]
    assert len(pone.authors) == 6 and pone.authors[0].given == "Shankar"
    records = lock.load(tmp_path / "references.lock.json")
    for a in result:
        rec = records[a.key]
        assert rec["verdict"] == "verified" and rec["recorded"] == "registry"
        assert rec["hash"] == library.entries[a.key].hash
    found = check_lock(library, "references.lock.json", tmp_path, set(), [])
    assert [f for f in found if f.code != "REF001"] == []


def test_add_ref_rejects_known_and_unknown(server, tmp_path):
    path = _bib(tmp_path, "frank1970structure")
    before = path.read_bytes()
    result, problems = add_refs([SCIENCE, "10.1371/journal.pone.003369"], path,
                                tmp_path / "references.lock.json", _config(tmp_path))
    assert result == [] and len(problems) == 2
    assert path.read_bytes() == before


def test_title_protection_and_keys():
    assert protect_title("Lessons from IAPT: a McDonald study of DNA") == \
        "Lessons from {IAPT}: a {McDonald} study of {DNA}"
    assert protect_title("R&D in 5% of cases") == r"{R\&D} in 5\% of cases"
    meta = Metadata(title="The Émigré Study", years=["2020"],
                             authors=[{"family": "Žižek", "given": "S."}])
    assert make_key(meta, set()) == "zizek2020emigre"
    assert make_key(meta, {"zizek2020emigre"}) == "zizek2020emigrea"
    entry = make_entry("k", meta, "10.1000/182")
    assert "author = {Žižek, S.}" in entry


_ENTRY = re.compile(
    r'<div id="ref-([^"]*)" class="csl-entry" role="listitem">\s*(.*?)\s*</div>', re.S)
_TAG = re.compile(r"<[^>]+>")

# Added entries whose APA rendering differs from pandoc's, and why.
KNOWN_RENDERING = {}


@pytest.mark.oracle
def test_add_ref_renders_like_pandoc(added):
    pypandoc = pytest.importorskip("pypandoc")
    try:
        pandoc = pypandoc.get_pandoc_path()
    except OSError:  # pragma: no cover
        pytest.skip("pandoc is not installed")
    path, _, result = added
    doc = '---\nnocite: "[@*]"\n---\n\n'
    out = subprocess.run([pandoc, "-f", "markdown", "-t", "html", "--wrap=none", "--citeproc",
                          "--csl", str(CSL), "--bibliography", str(path)],
                         input=doc, capture_output=True, text=True, check=True, timeout=300)
    theirs = {html.unescape(k): " ".join(html.unescape(_TAG.sub("", v)).split())
              for k, v in _ENTRY.findall(out.stdout)}
    library = loading.load(path)
    differences = {}
    for a in result:
        mine = " ".join(apa.reference_text(library.entries[a.key]).split())
        if mine != theirs.get(a.key):
            differences[a.key] = f"  pandoc:  {theirs.get(a.key)}\n  toulmin: {mine}"
    unlisted = {k: v for k, v in differences.items() if k not in KNOWN_RENDERING}
    assert not unlisted, "\n".join(f"{k}\n{v}" for k, v in unlisted.items())
    assert not [k for k in KNOWN_RENDERING if k not in differences]


# --------------------------------------------------------------------------- a site


def test_lock_covers_every_doi_and_strict_refs_pass(minisite, run_cli):
    library = loading.load(minisite / "references.bib")
    records = lock.load(minisite / "references.lock.json")
    for key, ref in library.entries.items():
        if ref.doi:
            assert key in records, key
            assert records[key]["doi"] == ref.doi
            assert records[key]["hash"] == ref.hash
            assert records[key]["recorded"] in ("offline", "registry")
    text = (minisite / "references.lock.json").read_text(encoding="utf-8")
    assert text == lock.dumps(lock.load(minisite / "references.lock.json"))
    _, out, _ = run_cli("check", minisite, "--strict-refs", "--format", "json")
    assert [f for f in json.loads(out) if f["code"].startswith("REF")] == []
