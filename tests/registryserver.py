"""A local HTTP server that plays the four registries, for the registry tests.

127.0.0.1, a free port, in a thread. It replays the recorded and realistic responses of
``tests/fixtures/registry`` (see its ``SOURCES.md`` and ``index.json``):

- ``/doi/{doi}`` plays doi.org content negotiation (the recorded CSL-JSON documents; any
  other DOI gets a 404, as doi.org answers an unknown DOI);
- ``/crossref/works/{doi}`` plays Crossref's REST API (the recorded works records; any
  other DOI gets the recorded 404 "Resource not found."); ``/crossref/works?query...`` its
  bibliographic search (a list of works records, ``search_items``);
- ``/europepmc/search?query=DOI:"..."`` plays Europe PMC's search (``europepmc/``; any other
  DOI gets the empty result list Europe PMC answers with, ``hitCount`` 0);
- ``/openalex/works/doi:{doi}`` plays OpenAlex (``openalex/``; any other DOI a 404).

Per-test overrides (``on``) add failures: 429, 500, a stall, malformed JSON, a body, and
hostile answers: the status line and headers or the body dripped a byte at a time
(``drip-headers``, ``drip-body``), a huge body with or without ``Content-Length``
(``huge``), a page of any type (``page``). ``sent`` records, for each hostile answer, how
many bytes went out and how long until the client hung up (or the answer ended).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIX = Path(__file__).resolve().parent / "fixtures" / "registry"
PONE = "10.1371/journal.pone.0033693"
NEURO = "10.1016/j.neurobiolaging.2010.03.024"


def _recorded() -> tuple[dict[str, Path], dict[str, Path]]:
    index = json.loads((FIX / "index.json").read_text(encoding="utf-8"))
    csl, works = {}, {}
    for e in index["entries"]:
        f = e.get("file")
        if not f or not (FIX / f).is_file() or e["response"]["status"] != 200:
            continue
        if e["category"] == "csl-json" and "manubot-modified" not in f:
            csl[e["doi"].lower()] = FIX / f
        elif e["category"] == "crossref-works":
            works[e["doi"].lower()] = FIX / f
    return csl, works


def _by_doi(folder: str, field) -> dict[str, Path]:
    out = {}
    for f in sorted((FIX / folder).glob("*.json")):
        out[field(json.loads(f.read_text(encoding="utf-8"))).lower()] = f
    return out


def works_message(doi: str) -> dict:
    """The recorded Crossref works message of ``doi``."""
    _, works = _recorded()
    return json.loads(works[doi.lower()].read_text(encoding="utf-8"))["message"]


class Registry:
    """The fake registries: recorded responses plus scripted per-path overrides."""

    def __init__(self):
        self.csl, self.works = _recorded()
        self.europepmc = _by_doi("europepmc", lambda d: d["resultList"]["result"][0]["doi"])
        self.openalex = _by_doi("openalex", lambda d: d["doi"].split("doi.org/", 1)[1])
        self.overrides: dict[str, list[tuple]] = {}
        self.requests: list[tuple[str, dict]] = []
        #: (what, bytes sent after the head, seconds) of each streamed hostile answer
        self.sent: list[tuple[str, int, float]] = []
        # No Crossref search response was recorded: the answer is built on Crossref's
        # documented list shape ({"message": {"items": [...]}}) from recorded works records.
        self.search_items = [works_message(NEURO), works_message(PONE)]
        #: a status the search answers with instead (a failing search)
        self.search_status: int | None = None
        self.lock = threading.Lock()
        registry_ = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                registry_.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def env(self) -> dict[str, str]:
        return {"TOULMIN_DOI_URL": f"{self.base}/doi",
                "TOULMIN_CROSSREF_URL": f"{self.base}/crossref",
                "TOULMIN_EUROPEPMC_URL": f"{self.base}/europepmc",
                "TOULMIN_OPENALEX_URL": f"{self.base}/openalex",
                "TOULMIN_MAILTO": "tests@example.org"}

    def on(self, kind: str, doi: str, *actions: tuple) -> None:
        """Script the next answers for ``kind`` ("doi", "works", "europepmc", "openalex")."""
        self.overrides.setdefault(f"{kind}:{doi.lower()}", []).extend(actions)

    def paths(self, prefix: str) -> list[str]:
        return [p for p, _ in self.requests if p.startswith(prefix)]

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        parsed = urllib.parse.urlsplit(h.path)
        path = urllib.parse.unquote(parsed.path)
        query = urllib.parse.parse_qs(parsed.query)
        with self.lock:
            self.requests.append((h.path, dict(h.headers)))
        if path.startswith("/doi/"):
            kind, doi = "doi", path[len("/doi/"):]
        elif path.startswith("/crossref/works/"):
            kind, doi = "works", path[len("/crossref/works/"):]
        elif path == "/crossref/works":
            return self.search(h, query)
        elif path == "/europepmc/search":
            q = (query.get("query") or [""])[0]
            if not (q.startswith('DOI:"') and q.endswith('"')):
                return self.send(h, 400, b"bad query", "text/plain")
            kind, doi = "europepmc", q[5:-1]
        elif path.startswith("/openalex/works/doi:"):
            kind, doi = "openalex", path[len("/openalex/works/doi:"):]
        else:
            return self.send(h, 404, b"no route", "text/plain")
        with self.lock:
            queue = self.overrides.get(f"{kind}:{doi.lower()}")
            action = queue.pop(0) if queue and len(queue) > 1 else (queue[0] if queue else None)
        if action is not None:
            return self.act(h, action)
        table = {"doi": self.csl, "works": self.works, "europepmc": self.europepmc,
                 "openalex": self.openalex}[kind]
        f = table.get(doi.lower())
        if f is not None:
            ctype = "application/vnd.citationstyles.csl+json" if kind == "doi" else \
                "application/json"
            return self.send(h, 200, f.read_bytes(), ctype)
        if kind == "doi":
            return self.send(h, 404, b"<html><body>DOI Not Found</body></html>", "text/html")
        if kind == "europepmc":  # Europe PMC: 200, no hit
            body = {"version": "6.9", "hitCount": 0,
                    "request": {"queryString": f'DOI:"{doi}"', "resultType": "core",
                                "cursorMark": "*", "pageSize": 25, "sort": "",
                                "synonym": False},
                    "resultList": {"result": []}}
            return self.send(h, 200, json.dumps(body).encode(), "application/json")
        if kind == "openalex":
            body = {"error": "404 Not Found",
                    "message": "The requested URL was not found on the server."}
            return self.send(h, 404, json.dumps(body).encode(), "application/json")
        body = (FIX / "errors" / "crossref-works-404_10.1371_notarealdoi.txt").read_bytes()
        return self.send(h, 404, body, "text/plain")

    def act(self, h, action: tuple) -> None:
        what = action[0]
        if what == "status":
            _, status, headers = action
            return self.send(h, status, b"error", "text/plain", headers)
        if what == "sleep":
            time.sleep(action[1])
            return self.send(h, 503, b"late", "text/plain")
        if what == "body":
            return self.send(h, 200, action[1], "application/json")
        if what == "file":
            return self.send(h, 200, Path(action[1]).read_bytes(), "application/json")
        if what == "page":  # ("page", status, body, content type)
            return self.send(h, action[1], action[2], action[3])
        if what == "drip-headers":  # ("drip-headers", seconds per byte, for how long)
            head = b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nX-Drip: "
            return self.stream(h, what, head, b"a", action[1], action[2])
        if what == "drip-body":  # ("drip-body", seconds per byte, for how long)
            head = (b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 1000000\r\n\r\n[")
            return self.stream(h, what, head, b" ", action[1], action[2])
        if what == "huge":  # ("huge", bytes, say Content-Length): a 200 of spaces
            head = b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
            if action[2]:
                head += f"Content-Length: {action[1]}\r\n".encode()
            return self.stream(h, what, head + b"\r\n", b" " * 65536, 0, 3600,
                               limit=action[1])
        raise AssertionError(action)

    def stream(self, h, what: str, head: bytes, piece: bytes, every: float, seconds: float,
               limit: int | None = None) -> None:
        """Write ``head``, then ``piece`` every ``every`` seconds for ``seconds`` (or until
        ``limit`` bytes of it), until the client hangs up; record what was sent."""
        start = time.monotonic()
        sent = 0
        try:
            h.wfile.write(head)
            while time.monotonic() - start < seconds and (limit is None or sent < limit):
                chunk = piece if limit is None else piece[:limit - sent]
                h.wfile.write(chunk)
                sent += len(chunk)
                if every:
                    time.sleep(every)
        except (BrokenPipeError, ConnectionResetError):
            pass
        with self.lock:
            self.sent.append((what, sent, time.monotonic() - start))
        h.close_connection = True

    def search(self, h, query: dict) -> None:
        if self.search_status is not None:
            return self.send(h, self.search_status, b"error", "text/plain")
        body = json.dumps({"status": "ok", "message-type": "work-list",
                           "message": {"items": self.search_items,
                                       "total-results": len(self.search_items)}})
        return self.send(h, 200, body.encode(), "application/json")

    @staticmethod
    def send(h, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        try:
            h.send_response(status)
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
