"""A hostile or broken registry: redirects elsewhere, an HTML page as an answer, text
that would add fields to references.bib or commands to a CI log.

Each test names its payload. The client runs against the local server of
``tests/registryserver.py``.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from registryserver import FIX, NEURO, PONE, works_message

from toulmin.bibliography import bibtex as bib
from toulmin.bibliography import lock
from toulmin.registries.addref import add_refs
from toulmin.registries.client import Client, Config, FetchError
from toulmin.registries.verify import verify_refs


def _client(tmp_path, **kw) -> Client:
    kw.setdefault("timeout", 2.0)
    kw.setdefault("backoff", 0.01)
    return Client(Config.from_env(cache_dir=tmp_path / "cache", **kw), sleep=lambda s: None)


@pytest.mark.parametrize("target", ["ftp://example.org/x", "http://localhost:{port}/doi/x",
                                    "https://evil.example/x"])
def test_a_redirect_away_from_the_registries_is_not_followed(server, tmp_path, target):
    port = server.base.rsplit(":", 1)[1]
    server.on("works", PONE, ("status", 302, {"Location": target.format(port=port)}))
    client = _client(tmp_path)
    start = time.monotonic()
    with pytest.raises(FetchError, match="not a registry"):
        client.get(f"{server.base}/crossref/works/{PONE}")
    assert time.monotonic() - start < 5
    assert client.requests == 1


def test_a_200_html_page_is_not_cached(server, tmp_path):
    server.on("works", PONE, ("body", b"<html><body>maintenance</body></html>"))
    client = _client(tmp_path)
    url = f"{server.base}/crossref/works/{PONE}"
    with pytest.raises(FetchError, match="malformed JSON"):
        client.get(url).json()
    server.overrides.clear()
    assert isinstance(_client(tmp_path).get(url).json(), dict)


# --------------------------------------------------------------------------- registry text

SCIENCE = "10.1126/science.169.3946.635"
#: doi.org's recorded CSL-JSON record of SCIENCE (tests/fixtures/registry/SOURCES.md)
SCIENCE_CSL = FIX / "csl-json" / "10.1126_science.169.3946.635.json"
FRANK = f"""@article{{frank1970structure,
  author  = {{Frank, Henry S.}},
  title   = {{The Structure of Ordinary Water}},
  journal = {{Science}},
  year    = {{1970}},
  volume  = {{169}},
  pages   = {{635--641}},
  doi     = {{{SCIENCE}}}
}}
"""
#: the recorded Crossref works record of PONE, as an entry without its DOI
SADASIVAN = """@article{sadasivan2012methylphenidate,
  author  = {Sadasivan, Shankar and Pond, Brooks B. and Pani, Amar K. and Qu, Chunxu
              and Jiao, Yun and others},
  title   = {Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of
              Microglia in the Basal Ganglia of Mice},
  journal = {PLoS ONE},
  year    = {2012}
}
"""


def _csl(**changes) -> bytes:
    record = json.loads(SCIENCE_CSL.read_text(encoding="utf-8"))
    record.update(changes)
    return json.dumps(record).encode()


def _lines_are_safe(text: str) -> None:
    """No escape or control character reaches the terminal, and no line is a GitHub
    Actions workflow command."""
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert not any(line.lstrip().startswith("::") for line in text.splitlines()), text


def _verify_refs(tmp_path, bib: str, **kw) -> tuple[int, str, str, Path]:
    path = tmp_path / "references.bib"
    path.write_text(bib, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = verify_refs(path, tmp_path / "references.lock.json",
                       Config.from_env(cache_dir=tmp_path / "cache", timeout=5.0,
                                       backoff=0.01),
                       today="2026-11-22", out=out, err=err, **kw)
    return code, out.getvalue(), err.getvalue(), path


# payload: a search answer whose DOI closes the field and adds a url field and an entry
INJECTED_DOI = f"{PONE}}},\n  url = {{https://evil.example/}}\n}}\n@misc{{evil,\n  title = {{x"


def test_accept_refuses_a_proposed_doi_that_would_add_fields_and_entries(server, tmp_path):
    item = works_message(PONE)
    item["DOI"] = INJECTED_DOI
    server.search_items = [item]
    code, out, err, path = _verify_refs(tmp_path, SADASIVAN, accept=True)
    assert path.read_text(encoding="utf-8") == SADASIVAN  # nothing written
    refused = [ln for ln in err.splitlines() if " REF009 " in ln]
    assert len(refused) == 1, err
    assert refused[0].startswith("references.bib:1:1: REF009 ")
    assert "sadasivan2012methylphenidate" in refused[0]
    assert code == 1
    records = lock.load(tmp_path / "references.lock.json")
    assert "sadasivan2012methylphenidate" not in records  # no verdict, and never verified
    assert "evil" not in bib.parse_string(path.read_text(encoding="utf-8")).entries
    _lines_are_safe(out + err)


def test_accept_still_writes_a_proposed_doi_of_a_dois_shape(server, tmp_path):
    _, out, err, path = _verify_refs(tmp_path, SADASIVAN, accept=True)
    assert bib.parse_string(path.read_text(encoding="utf-8")).entries[
        "sadasivan2012methylphenidate"].doi == PONE
    assert "REF009" not in out + err


# payload: a registry title with a line break, a workflow command, an ANSI clear-screen
# sequence and a right-to-left override; printed in the mismatch line of verify-refs
HOSTILE_TITLE = "The Structure of Ordinary Ice\n::error::pwned \x1b[2J\x1b]0;owned\x07\u202eretaw"


def test_registry_text_is_printed_without_escapes_or_workflow_commands(server, tmp_path):
    server.on("doi", SCIENCE, ("body", _csl(title=HOSTILE_TITLE)))
    code, out, err, _ = _verify_refs(tmp_path, FRANK)
    assert code == 1
    assert "frank1970structure: mismatch (title:" in out
    assert "\u00b7" not in out  # the command became text inside the line, not a new line
    assert "::error::pwned" in out
    _lines_are_safe(out + err)


def test_check_prints_the_locks_registry_text_without_escapes(server, tmp_path):
    from toulmin.bibliography.loading import load
    from toulmin.checks.lock import check_lock

    server.on("doi", SCIENCE, ("body", _csl(title=HOSTILE_TITLE)))
    _verify_refs(tmp_path, FRANK)
    library = load(tmp_path / "references.bib")
    found = check_lock(library, "references.lock.json", tmp_path, set(), [])
    assert [f.code for f in found] == ["REF003"]
    _lines_are_safe("\n".join(f.format() for f in found))


@pytest.mark.parametrize("field,value,why", [
    ("title", "The Structure of \x1b[2JOrdinary Water", "U+001B"),  # ANSI clear-screen
    ("container-title", "Science\u202e", "U+202E"),  # right-to-left override
    ("page", "635\x00-641", "U+0000"),  # NUL
])
def test_add_ref_refuses_an_answer_with_a_control_character(server, tmp_path, field, value,
                                                            why):
    server.on("doi", SCIENCE, ("body", _csl(**{field: value})))
    path = tmp_path / "references.bib"
    path.write_text("% base\n", encoding="utf-8")
    added, problems = add_refs([SCIENCE], path, tmp_path / "references.lock.json",
                               Config.from_env(cache_dir=tmp_path / "cache", timeout=5.0))
    assert added == []
    assert len(problems) == 1 and problems[0].code == "REF009"
    assert why in problems[0].message and SCIENCE in problems[0].message
    assert path.read_text(encoding="utf-8") == "% base\n"
    assert not (tmp_path / "references.lock.json").exists()


def test_add_ref_writes_braces_and_line_breaks_of_a_title_as_text(server, tmp_path):
    # payload: a title that, written verbatim, would close the field and add a url field
    server.on("doi", SCIENCE, ("body", _csl(
        title="The Structure},\n  url = {https://evil.example/} of Ordinary Water")))
    path = tmp_path / "references.bib"
    added, problems = add_refs([SCIENCE], path, tmp_path / "references.lock.json",
                               Config.from_env(cache_dir=tmp_path / "cache", timeout=5.0))
    assert len(added) == 1 and all(isinstance(p, str) for p in problems)
    library = bib.parse_string(path.read_text(encoding="utf-8"))
    assert library.findings == []
    (entry,) = library.entries.values()
    assert "url" not in entry.fields
    assert entry.doi == SCIENCE


def test_add_ref_cli_prints_a_refused_answer_as_one_line(server, minisite, run_cli):
    server.on("doi", SCIENCE, ("body", _csl(title="::error::x\x1b[2J")))
    before = (minisite / "references.bib").read_bytes()
    code, out, err = run_cli("add-ref", SCIENCE, "--root", minisite)
    assert code == 1
    assert [ln for ln in err.splitlines() if ln] == [
        ln for ln in err.splitlines() if ln.startswith("references.bib:1:1: REF009 ")]
    assert "Traceback" not in out + err
    _lines_are_safe(out + err)
    assert (minisite / "references.bib").read_bytes() == before


# --------------------------------------------------------------------------- the bounds
# Each test measures the wall time of a hostile answer against a generous bound; the
# figures are in the report of issue 15. ``server.sent`` says how much the server got out
# before the client hung up.


def _timed(fn):
    start = time.monotonic()
    try:
        fn()
    except FetchError as exc:
        return time.monotonic() - start, str(exc)
    raise AssertionError("no FetchError")


def test_headers_dripped_a_byte_at_a_time_end_at_the_requests_deadline(server, tmp_path):
    # payload: a status line, then one header byte every 50 ms (each read is far inside
    # the 1 s socket timeout; urllib alone would wait for 64 KiB of header line)
    server.on("works", PONE, ("drip-headers", 0.05, 30))
    client = _client(tmp_path, timeout=1.0, deadline=2.0)
    took, why = _timed(lambda: client.get(f"{server.base}/crossref/works/{PONE}"))
    assert 1.5 < took < 4.0, took
    assert "deadline" in why
    assert client.requests == 1  # the deadline has passed: no retry
    assert not list((tmp_path / "cache").rglob("*.json"))  # nothing cached


def test_a_body_dripped_a_byte_at_a_time_ends_at_the_requests_deadline(server, tmp_path):
    # payload: Content-Length 1000000, then one body byte every 50 ms
    server.on("works", PONE, ("drip-body", 0.05, 30))
    client = _client(tmp_path, timeout=1.0, deadline=2.0)
    took, why = _timed(lambda: client.get(f"{server.base}/crossref/works/{PONE}"))
    assert 1.5 < took < 4.0, took
    assert "deadline" in why


def test_the_runs_deadline_bounds_every_request_together(server, tmp_path):
    # payload: three works records, each dripping its headers; the run may take 3 s
    for doi in (PONE, NEURO, "10.1126/science.169.3946.635"):
        server.on("works", doi, ("drip-headers", 0.05, 30))
    client = _client(tmp_path, timeout=1.0, deadline=2.0, run_deadline=3.0)
    start = time.monotonic()
    whys = []
    for doi in (PONE, NEURO, "10.1126/science.169.3946.635"):
        whys.append(_timed(lambda d=doi: client.get(f"{server.base}/crossref/works/{d}"))[1])
    took = time.monotonic() - start
    assert 2.5 < took < 5.0, took
    assert "the run's deadline (3 s) has passed" in whys[-1]
    assert client.requests == 2  # the third is not even asked


@pytest.mark.parametrize("with_length", [True, False], ids=["content-length", "no-length"])
def test_a_200_mb_body_is_refused_without_reading_it_whole(server, tmp_path, with_length):
    # payload: a 200 OK of 200 MB (spaces), announced by Content-Length or not
    from toulmin.registries.client import MAX_BODY_BYTES

    size = 200 * 1024 * 1024
    server.on("works", PONE, ("huge", size, with_length))
    client = _client(tmp_path, timeout=5.0)
    took, why = _timed(lambda: client.get(f"{server.base}/crossref/works/{PONE}"))
    assert "larger than" in why
    assert took < 10.0, took
    assert client.requests == 1  # refused, not retried
    deadline = time.monotonic() + 5
    while not server.sent and time.monotonic() < deadline:
        time.sleep(0.05)
    (_, sent, _), = server.sent
    # the client hung up after at most the cap (plus what the sockets' buffers held)
    assert sent < MAX_BODY_BYTES + 8 * 1024 * 1024, sent
    if with_length:
        assert sent < 8 * 1024 * 1024, sent  # refused on the header, before reading
    assert not list((tmp_path / "cache").rglob("*.json"))


def test_retry_after_999999_is_not_waited_for(server, tmp_path):
    # payload: 503 with "Retry-After: 999999" (11.6 days), on every attempt; the client
    # sleeps for real here
    server.on("works", PONE, ("status", 503, {"Retry-After": "999999"}))
    client = Client(Config.from_env(cache_dir=tmp_path / "cache", timeout=2.0))
    took, why = _timed(lambda: client.get(f"{server.base}/crossref/works/{PONE}"))
    assert took < 2.0, took
    assert "Retry-After" in why and "not waited" in why
    assert client.requests == 1


def test_verify_reports_an_entry_unchecked_quickly_on_retry_after_999999(server, tmp_path):
    server.on("doi", SCIENCE, ("status", 503, {"Retry-After": "999999"}))
    server.on("works", SCIENCE, ("status", 503, {"Retry-After": "999999"}))
    start = time.monotonic()
    code, out, _, _ = _verify_refs(tmp_path, FRANK)
    took = time.monotonic() - start
    assert took < 5.0, took
    assert code == 1
    assert "frank1970structure: could not check" in out and "not waited" in out


def test_the_runs_retry_budget_is_shared_by_every_request(server, tmp_path):
    # payload: 500 on every answer for three works; a budget of 3 retries for the run
    dois = (PONE, NEURO, SCIENCE)
    for doi in dois:
        server.on("works", doi, ("status", 500, {}))
    client = _client(tmp_path, retries=4, retry_budget=3)
    for doi in dois:
        _timed(lambda d=doi: client.get(f"{server.base}/crossref/works/{d}"))
    assert client.requests == len(dois) + 3


@pytest.mark.parametrize("body,ctype", [
    (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "text/html"),
    (b"[1, 2, 3]", "application/json"),  # JSON, but no record's shape
    (b'"a string"', "application/json"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json"),  # nested too deeply to decode
])
def test_a_200_that_is_not_a_record_is_unchecked_and_not_cached(server, tmp_path, body, ctype):
    server.on("doi", SCIENCE, ("page", 200, body, ctype))
    server.on("works", SCIENCE, ("page", 200, body, ctype))
    code, out, err, _ = _verify_refs(tmp_path, FRANK)
    assert code == 1
    assert "frank1970structure: could not check" in out
    assert "Traceback" not in out + err
    assert not list((tmp_path / "cache").rglob("*.json"))


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/doi", "https://evil.example/x"])
def test_verify_does_not_follow_a_redirect_away_and_says_so_quickly(server, tmp_path, target):
    server.on("doi", SCIENCE, ("status", 302, {"Location": target}))
    server.on("works", SCIENCE, ("status", 302, {"Location": target}))
    start = time.monotonic()
    code, out, _, _ = _verify_refs(tmp_path, FRANK)
    assert time.monotonic() - start < 5.0
    assert code == 1 and "not a registry" in out


# --------------------------------------------------------------------------- the cache


@pytest.mark.parametrize("stored", [
    [1, 2],  # a list where the record belongs
    {"status": "200", "body": "{}", "url": "u"},  # the status as text
    {"status": 200, "body": {"message": {}}, "url": "u"},  # the body as an object
    {"status": 200, "body": "<html>maintenance</html>", "url": "u"},  # HTML stored as 200
    {"status": 302, "body": "", "url": "u"},  # a status never stored
    "[" * 100_000 + "]" * 100_000,  # nested too deeply
    b"\xff\xfe not UTF-8",
])
def test_a_cache_entry_of_the_wrong_shape_is_a_miss(server, tmp_path, stored):
    client = _client(tmp_path)
    url = f"{server.base}/crossref/works/{PONE}"
    path = client._cache_file(url, "application/json")
    path.parent.mkdir(parents=True)
    if isinstance(stored, bytes):
        path.write_bytes(stored)
    else:
        path.write_text(stored if isinstance(stored, str) else json.dumps(stored))
    r = client.get(url)
    assert r.status == 200 and r.json()["message"]["DOI"].lower() == PONE
    assert client.requests == 1  # asked the registry
    assert json.loads(path.read_text())["status"] == 200  # and stored the real answer


# --------------------------------------------------------------------------- add-ref input


@pytest.mark.parametrize("changes", [
    # payload: every field of another JSON type than CSL-JSON's
    {"title": 5, "author": "Frank, Henry S.", "container-title": {"name": "Science"},
     "issued": {"date-parts": "1970"}, "page": ["635-641"], "volume": [169], "ISBN": 5,
     "type": ["journal-article"], "publisher": None, "subtitle": {"a": 1}, "DOI": 10},
    # payload: people and dates of the wrong shapes inside the right ones
    {"author": [None, 5, "x", {"family": ["Frank"], "given": {"x": 1}}, {"literal": 7}],
     "issued": {"date-parts": [["1970", None]], "raw": 1970}, "title": ["", None, 3]},
    # payload: nesting a decoder follows (500 levels) where a string belongs
    {"title": json.loads("[" * 500 + "]" * 500),
     "author": [{"family": json.loads("[" * 500 + "]" * 500)}]},
    # payload: the same, beside a title, so that an entry is made of what is usable
    {"author": [{"family": json.loads("[" * 500 + "]" * 500)}, {"family": "Frank"}],
     "page": {"first": 635}},
], ids=["other-types", "wrong-shapes-inside", "nested-500", "nested-500-with-a-title"])
def test_add_ref_takes_fields_of_any_type_without_a_traceback(server, minisite, run_cli,
                                                              changes):
    server.on("doi", SCIENCE, ("body", _csl(**changes)))
    before = (minisite / "references.bib").read_bytes()
    code, out, err = run_cli("add-ref", SCIENCE, "--root", minisite)
    assert "Traceback" not in out + err
    after = (minisite / "references.bib").read_bytes()
    library = bib.parse_string(after.decode("utf-8"))
    assert library.findings == []
    if isinstance(changes.get("title", "the recorded title"), str):
        assert code == 0, err
        assert out.startswith("added @frank1970structure (")
        entry = library.entries["frank1970structure"]
        assert entry.get("title") == "The Structure of Ordinary Water: New data and " \
            "interpretations are yielding new insights into this fascinating substance."
        assert after.startswith(before)
    else:  # no title of any use: nothing is added, in one line
        assert code == 1 and out == "" and after == before
        (line,) = [ln for ln in err.splitlines() if ln]
        assert line == f"toulmin: {SCIENCE}: the registry's record has no title; nothing " \
            "was added"


def test_add_ref_of_an_answer_nested_too_deeply_to_decode_is_one_line(server, minisite,
                                                                      run_cli):
    # payload: 100 000 nested arrays from both the resolver and Crossref
    deep = b"[" * 100_000 + b"]" * 100_000
    server.on("doi", SCIENCE, ("page", 200, deep, "application/json"))
    server.on("works", SCIENCE, ("page", 200, deep, "application/json"))
    before = (minisite / "references.bib").read_bytes()
    code, out, err = run_cli("add-ref", SCIENCE, "--root", minisite)
    assert code == 1 and out == ""
    assert "Traceback" not in err
    (line,) = [ln for ln in err.splitlines() if ln]
    assert line.startswith(f"toulmin: {SCIENCE}: could not fetch the metadata")
    assert "nested too deeply" in line
    assert (minisite / "references.bib").read_bytes() == before


# --------------------------------------------------------------------------- safety


@pytest.mark.parametrize("doi,ok", [
    (PONE, True),
    ("10.1007/978-3-662-46370-3_13", True),  # recorded (tests/fixtures/registry)
    ("10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O", True),  # a real SICI
    (INJECTED_DOI, False),
    (f"{PONE}}}", False),  # closes the field
    (f"{PONE}\\", False),  # escapes the closing brace
    (f"{PONE} x", False),
    ("10.1/x", False),  # no registrant of 1 digit
    (f"{PONE}\u202e", False),
    (10, False),
])
def test_valid_doi(doi, ok):
    from toulmin.registries.safety import valid_doi

    assert valid_doi(doi) is ok


@pytest.mark.parametrize("text,shown", [
    ("::error::x", "\u00b7:error::x"),  # a workflow command at the start of a line
    ("  ::add-mask::secret", "\u00b7:add-mask::secret"),
    ("a\n::error::x", "a ::error::x"),  # a line break would start a new line
    ("red \x1b[31mtext\x1b[0m", "red text"),  # ANSI SGR
    ("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink
    ("\x1b]0;title\x07after", "after"),  # OSC window title, BEL-terminated
    ("abc\u202edcb", "abcdcb"),  # right-to-left override
    ("nul\x00bell\x07", "nulbell"),
])
def test_for_terminal(text, shown):
    from toulmin.registries.safety import for_terminal

    assert for_terminal(text) == shown
