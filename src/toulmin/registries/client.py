"""Checking reference entries against the DOI registries (``toulmin verify-refs``).

The only module that touches the network. For each entry with a DOI it fetches

- the CSL-JSON record by content negotiation from the DOI resolver
  (``GET {DOI_URL}/{doi}``, ``Accept: application/vnd.citationstyles.csl+json``, following
  redirects; this covers Crossref, DataCite, JaLC and the other agencies), and
- the Crossref works record (``GET {CROSSREF_URL}/works/{doi}``) for retraction and
  correction notices (``updated-by`` relations: this work was updated by a notice).

It compares title, year, first author, author count and container with the entry and
classifies it: ``verified``, ``mismatch`` (with the differing fields), ``not_found`` or
``unchecked`` (network failure after retries, malformed JSON). Entries without a DOI get a
Crossref bibliographic search and a proposed DOI with its match score.

The HTTP client is the standard library's: a polite User-Agent with a contact address
(``TOULMIN_MAILTO``), at most four requests at a time, retries with exponential backoff on
429 and 5xx honouring ``Retry-After``, connect/read timeouts, and an on-disk response
cache (``.cache/toulmin/registry/``, keyed by URL and Accept) that ``refresh`` bypasses.
Base URLs come from ``TOULMIN_DOI_URL`` and ``TOULMIN_CROSSREF_URL``.
"""

from __future__ import annotations

import difflib
import hashlib
import http.client
import json
import os
import re
import sys
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from toulmin import __version__
from toulmin.bibliography.model import Reference, normalise_doi

CSL_ACCEPT = "application/vnd.citationstyles.csl+json"
JSON_ACCEPT = "application/json"
DEFAULT_DOI_URL = "https://doi.org"
DEFAULT_CROSSREF_URL = "https://api.crossref.org"
DEFAULT_MAILTO = "toulmin-maintainers@users.noreply.github.com"
CACHE_SUBDIR = "registry"
MAX_WORKERS = 4

#: Title similarity (0-1, after normalisation) at or above which titles agree.
TITLE_THRESHOLD = 0.9
#: Container similarity at or above which journal names agree.
CONTAINER_THRESHOLD = 0.8

VERIFIED = "verified"
MISMATCH = "mismatch"
NOT_FOUND = "not_found"
UNCHECKED = "unchecked"
#: Recorded offline (no registry answer); a warning-free placeholder until verify-refs runs.
UNVERIFIED = "unverified"


# =========================================================================== configuration


@dataclass(slots=True)
class Config:
    """Where and how to ask the registries."""

    doi_url: str = DEFAULT_DOI_URL
    crossref_url: str = DEFAULT_CROSSREF_URL
    mailto: str = DEFAULT_MAILTO
    timeout: float = 10.0
    retries: int = 4
    backoff: float = 1.0
    max_backoff: float = 60.0
    cache_dir: Path | None = None
    refresh: bool = False
    workers: int = MAX_WORKERS

    @classmethod
    def from_env(cls, env: dict | None = None, **overrides) -> Config:
        env = os.environ if env is None else env
        cfg = cls(
            doi_url=env.get("TOULMIN_DOI_URL") or DEFAULT_DOI_URL,
            crossref_url=env.get("TOULMIN_CROSSREF_URL") or DEFAULT_CROSSREF_URL,
            mailto=env.get("TOULMIN_MAILTO") or DEFAULT_MAILTO,
        )
        if env.get("TOULMIN_HTTP_TIMEOUT"):
            cfg.timeout = float(env["TOULMIN_HTTP_TIMEOUT"])
        if env.get("TOULMIN_HTTP_BACKOFF"):
            cfg.backoff = float(env["TOULMIN_HTTP_BACKOFF"])
        if env.get("TOULMIN_HTTP_RETRIES"):
            cfg.retries = int(env["TOULMIN_HTTP_RETRIES"])
        for k, v in overrides.items():
            if v is not None:
                setattr(cfg, k, v)
        cfg.doi_url = cfg.doi_url.rstrip("/")
        cfg.crossref_url = cfg.crossref_url.rstrip("/")
        return cfg

    @property
    def user_agent(self) -> str:
        return (f"toulmin/{__version__} (https://github.com/toulmin; mailto:{self.mailto}) "
                f"python-urllib/{sys.version_info.major}.{sys.version_info.minor}")


# =========================================================================== HTTP client


class FetchError(Exception):
    """The registry could not be asked: network failure after retries, or a bad answer."""


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    url: str
    content_type: str = ""
    retry_after: float | None = None

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise FetchError(f"malformed JSON from {self.url}: {exc}") from None


#: Statuses that are definitive answers (cached); everything else is retried or an error.
_FINAL = {200, 404, 410}


class Client:
    """A small polite HTTP client: retries, backoff, timeouts and an on-disk cache."""

    def __init__(self, config: Config, sleep: Callable[[float], None] = time.sleep):
        self.config = config
        self.sleep = sleep
        self.requests = 0  # network requests made (not cache hits), for tests and progress
        self._lock = threading.Lock()

    # -- cache ------------------------------------------------------------------------------

    def _cache_file(self, url: str, accept: str) -> Path | None:
        if self.config.cache_dir is None:
            return None
        digest = hashlib.sha256(f"{url}\n{accept}".encode()).hexdigest()
        return Path(self.config.cache_dir) / digest[:2] / f"{digest}.json"

    def _cache_read(self, path: Path | None) -> Response | None:
        if path is None or self.config.refresh:
            return None
        try:
            rec = json.loads(path.read_text(encoding="utf-8"))
            return Response(rec["status"], rec["body"].encode("utf-8"), rec["url"],
                            rec.get("content_type", ""))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _cache_write(self, path: Path | None, req_url: str, accept: str,
                     resp: Response) -> None:
        if path is None:
            return
        try:
            body = resp.body.decode("utf-8")
        except UnicodeDecodeError:
            return
        rec = {"request": req_url, "accept": accept, "status": resp.status, "url": resp.url,
               "content_type": resp.content_type, "body": body}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps(rec), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass

    # -- requests ---------------------------------------------------------------------------

    def get(self, url: str, accept: str = JSON_ACCEPT) -> Response:
        """GET ``url`` (following redirects); 200/404/410 are answers, the rest retried."""
        cache = self._cache_file(url, accept)
        hit = self._cache_read(cache)
        if hit is not None:
            return hit
        cfg = self.config
        last = "no attempt"
        for attempt in range(cfg.retries + 1):
            delay = min(cfg.backoff * (2 ** attempt), cfg.max_backoff)
            try:
                resp = self._once(url, accept)
            except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts too
                reason = getattr(exc, "reason", exc)
                last = f"{type(reason).__name__}: {reason}"
            else:
                if resp.status in _FINAL:
                    self._cache_write(cache, url, accept, resp)
                    return resp
                last = f"HTTP {resp.status}"
                if resp.status == 429 or resp.status >= 500:
                    if resp.retry_after is not None:
                        delay = min(resp.retry_after, cfg.max_backoff)
                else:
                    raise FetchError(f"{url}: HTTP {resp.status}")
            if attempt < cfg.retries:
                self.sleep(delay)
        raise FetchError(f"{url}: {last} after {cfg.retries + 1} attempts")

    def _once(self, url: str, accept: str) -> Response:
        req = urllib.request.Request(url, headers={
            "Accept": accept,
            "User-Agent": self.config.user_agent,
        })
        with self._lock:
            self.requests += 1
        try:
            with urllib.request.urlopen(req, timeout=self.config.timeout) as r:
                body = r.read()
                return Response(r.status, body, r.geturl(),
                                r.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as exc:
            try:
                body = exc.read()
            except (OSError, ValueError):
                body = b""
            headers = exc.headers
            retry_after = retry_after_seconds(headers.get("Retry-After"),
                                              headers.get("Date")) if headers else None
            return Response(exc.code, body, exc.geturl() or url,
                            headers.get("Content-Type", "") if headers else "", retry_after)


def retry_after_seconds(value: str | None, date: str | None = None,
                        now: float | None = None) -> float | None:
    """How long a ``Retry-After`` header asks to wait (RFC 9110, section 10.2.3): delay
    seconds, or an HTTP-date taken against the response's own ``Date`` (the server's
    clock) when it has one, else against ``now``. None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    until = _http_date(value)
    if until is None:
        return None
    base = _http_date(date) if date else None
    if base is None:
        base = time.time() if now is None else now
    return max(0.0, until - base)


def _http_date(text: str) -> float | None:
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _quote_doi(doi: str) -> str:
    return urllib.parse.quote(doi, safe="/")


# =========================================================================== metadata


@dataclass(slots=True)
class Metadata:
    """The registry's view of a work, from CSL-JSON or a Crossref works message."""

    doi: str = ""
    type: str = ""
    title: str = ""
    subtitle: str = ""
    container: str = ""
    authors: list[dict] = field(default_factory=list)
    editors: list[dict] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    publisher: str = ""
    volume: str = ""
    issue: str = ""
    page: str = ""
    isbn: str = ""
    raw: dict = field(default_factory=dict)

    @property
    def year(self) -> str:
        return self.years[0] if self.years else ""


def _first(value) -> str:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return value.strip() if isinstance(value, str) else ""


def _date_year(value) -> str:
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            y = parts[0][0]
            if isinstance(y, int | str) and str(y).strip().isdigit():
                return str(y).strip()
        raw = value.get("raw") or value.get("literal")
        if isinstance(raw, str):
            m = re.search(r"\b(1[5-9]\d\d|2\d\d\d)\b", raw)
            if m:
                return m.group(1)
    return ""


def _people(value) -> list[dict]:
    out = []
    for p in value if isinstance(value, list) else []:
        if not isinstance(p, dict):
            continue
        fam = (p.get("family") or "").strip()
        if fam:
            out.append({"family": fam, "given": (p.get("given") or "").strip(),
                        "particle": (p.get("non-dropping-particle") or "").strip(),
                        "suffix": (p.get("suffix") or "").strip()})
        elif p.get("literal") or p.get("name"):
            out.append({"literal": (p.get("literal") or p.get("name")).strip()})
    return out


def parse_metadata(record: dict) -> Metadata:
    """CSL-JSON (string titles) or a Crossref works message (list titles) to ``Metadata``."""
    if not isinstance(record, dict):
        raise FetchError("the record is not a JSON object")
    if isinstance(record.get("message"), dict):
        record = record["message"]
    years: list[str] = []
    for key in ("issued", "published-online", "published-print", "published", "created"):
        if key == "created" and years:
            break
        y = _date_year(record.get(key))
        if y and y not in years:
            years.append(y)
    isbn = record.get("ISBN")
    return Metadata(
        doi=normalise_doi(str(record.get("DOI") or "")),
        type=str(record.get("type") or ""),
        title=_first(record.get("title")),
        subtitle=_first(record.get("subtitle")),
        container=_first(record.get("container-title")),
        authors=_people(record.get("author")),
        editors=_people(record.get("editor")),
        years=years,
        publisher=_first(record.get("publisher")),
        volume=str(record.get("volume") or ""),
        issue=str(record.get("issue") or ""),
        page=str(record.get("page") or record.get("article-number") or ""),
        isbn=_first(isbn) if isbn else "",
        raw=record,
    )


# =========================================================================== comparison


_TAGS = re.compile(r"<[^>]+>")


def fold(text: str) -> str:
    """Lower case, accents removed, markup and punctuation dropped, spaces collapsed."""
    text = _TAGS.sub(" ", text or "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.split())


def similarity(a: str, b: str) -> float:
    a, b = fold(a), fold(b)
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _container_key(text: str) -> str:
    t = fold(text)
    return t[4:] if t.startswith("the ") else t


def _family_of(p: dict) -> str:
    return p.get("family") or p.get("literal") or ""


def compare(ref: Reference, meta: Metadata) -> list[dict]:
    """The fields on which the entry and the registry differ: ``{field, entry, registry}``."""
    diffs: list[dict] = []
    title = ref.get("title")
    if title and meta.title:
        candidates = [meta.title]
        if meta.subtitle:
            candidates.append(f"{meta.title}: {meta.subtitle}")
        score = max(similarity(title, c) for c in candidates)
        if score < TITLE_THRESHOLD:
            diffs.append({"field": "title", "entry": title, "registry": candidates[-1]})
    if ref.year and meta.years:
        year = ref.year[:4]
        if year not in meta.years:
            diffs.append({"field": "year", "entry": ref.year,
                          "registry": " or ".join(meta.years)})
    names = [n for n in (ref.authors or ()) if not (n.literal and n.family.lower() == "others")]
    others = bool(ref.authors) and len(names) < len(ref.authors)
    theirs = meta.authors
    if names and theirs:
        mine = fold(names[0].family)
        mine_full = fold(names[0].full_family)
        their = fold(_family_of(theirs[0]))
        their_full = fold(f"{theirs[0].get('particle', '')} {_family_of(theirs[0])}")
        if not ({mine, mine_full} & {their, their_full}):
            diffs.append({"field": "author", "entry": names[0].full_family,
                          "registry": _family_of(theirs[0])})
        if (len(theirs) != len(names)) and not (others and len(theirs) >= len(names)):
            diffs.append({"field": "author count",
                          "entry": f"{len(names)}{' and others' if others else ''}",
                          "registry": str(len(theirs))})
    container = ref.get("journal") or ref.get("journaltitle")
    if not container and ref.type in ("incollection", "inproceedings", "inbook"):
        container = ref.get("booktitle")
    if container and meta.container:
        a, b = _container_key(container), _container_key(meta.container)
        if a != b and similarity(a, b) < CONTAINER_THRESHOLD:
            diffs.append({"field": "container", "entry": container,
                          "registry": meta.container})
    return diffs


def retraction_status(crossref_message: dict | None) -> dict:
    """``{"retracted": bool, "notice": doi|None, "updates": [...]}`` from a works message.

    Only ``updated-by`` relations (this work was updated by a notice) count; ``update-to``
    sits on the notice or the newer version and points at the work it updates. Only the
    retraction type means retracted; corrections and new versions are listed as updates.
    """
    out: dict = {"retracted": False, "notice": None, "updates": []}
    if not isinstance(crossref_message, dict):
        return out
    msg = crossref_message.get("message", crossref_message)
    if not isinstance(msg, dict):
        return out
    for upd in msg.get("updated-by") or []:
        if not isinstance(upd, dict):
            continue
        kind = str(upd.get("type") or "").lower().replace("-", "_")
        doi = normalise_doi(str(upd.get("DOI") or "")).lower() or None
        if kind == "retraction":
            out["retracted"] = True
            out["notice"] = out["notice"] or doi
        out["updates"].append({"type": kind, "doi": doi,
                               "source": str(upd.get("source") or "")})
    out["updates"].sort(key=lambda u: (u["type"], u["doi"] or "", u["source"]))
    return out


# =========================================================================== verification


@dataclass(slots=True)
class Outcome:
    """The result of checking one entry."""

    key: str
    doi: str
    verdict: str
    differences: list[dict] = field(default_factory=list)
    retraction: dict = field(default_factory=lambda: {"retracted": False, "notice": None,
                                                      "updates": []})
    error: str = ""
    metadata: Metadata | None = None
    registry_doi: str = ""


def fetch_csl(client: Client, doi: str) -> Response:
    return client.get(f"{client.config.doi_url}/{_quote_doi(doi)}", CSL_ACCEPT)


def fetch_crossref(client: Client, doi: str) -> Response:
    return client.get(f"{client.config.crossref_url}/works/{_quote_doi(doi)}", JSON_ACCEPT)


def fetch_metadata(client: Client, doi: str) -> tuple[str, Metadata | None, dict | None, str]:
    """``(status, metadata, crossref message, error)``; status found, not_found or unchecked.

    The CSL-JSON record from the resolver is the metadata; when the resolver gives no
    usable record but Crossref has the work, Crossref's message (the same field names) is
    used. A 404 from the resolver, with no Crossref record, means the DOI is not
    registered. When Crossref cannot be asked (as opposed to answering 404: not a Crossref
    DOI), retraction status is unknown and the entry could not be checked.
    """
    csl_meta, csl_error, csl_missing = None, "", False
    try:
        r = fetch_csl(client, doi)
        if r.status == 200:
            data = r.json()
            if isinstance(data, list) and len(data) == 1:
                data = data[0]
            csl_meta = parse_metadata(data)
        else:
            csl_missing = True
    except FetchError as exc:
        csl_error = str(exc)
    crossref, cr_error = None, ""
    try:
        r = fetch_crossref(client, doi)
        if r.status == 200:
            crossref = r.json()
            if not isinstance(crossref, dict):
                raise FetchError(f"malformed Crossref record for {doi}")
    except FetchError as exc:
        cr_error = str(exc)
    if csl_missing and crossref is None:
        return NOT_FOUND, None, None, ""
    if cr_error:
        return UNCHECKED, None, None, cr_error
    if csl_meta is not None:
        return "found", csl_meta, crossref, ""
    if crossref is not None:
        return "found", parse_metadata(crossref), crossref, ""
    return UNCHECKED, None, None, csl_error or "no usable record"


def verify_entry(client: Client, ref: Reference) -> Outcome:
    doi = ref.doi
    status, meta, crossref, error = fetch_metadata(client, doi)
    if status == NOT_FOUND:
        return Outcome(ref.key, doi, NOT_FOUND,
                       error=f"the DOI {doi} is not registered (HTTP 404)")
    if status == UNCHECKED or meta is None:
        return Outcome(ref.key, doi, UNCHECKED, error=error)
    diffs = compare(ref, meta)
    return Outcome(ref.key, doi, MISMATCH if diffs else VERIFIED, diffs,
                   retraction_status(crossref), metadata=meta,
                   registry_doi=meta.doi)


def verify(refs: Iterable[Reference], config: Config, *,
           progress: Callable[[int, int, Outcome], None] | None = None,
           client: Client | None = None) -> list[Outcome]:
    """Check every entry with a DOI, at most ``config.workers`` at a time, in entry order."""
    todo = [r for r in refs if r.doi]
    client = client or Client(config)
    results: list[Outcome | None] = [None] * len(todo)
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, min(config.workers, MAX_WORKERS))) as pool:
        futures = {pool.submit(verify_entry, client, r): i for i, r in enumerate(todo)}
        from concurrent.futures import as_completed

        for fut in as_completed(futures):
            i = futures[fut]
            try:
                results[i] = fut.result()
            except Exception as exc:  # a bug or an odd record must not lose the run
                results[i] = Outcome(todo[i].key, todo[i].doi, UNCHECKED, error=repr(exc))
            done += 1
            if progress is not None:
                progress(done, len(todo), results[i])
    return [r for r in results if r is not None]


# =========================================================================== DOI search


@dataclass(slots=True)
class Proposal:
    key: str
    doi: str
    score: float
    title: str


def search_doi(client: Client, ref: Reference, rows: int = 5) -> Proposal | None:
    """Crossref bibliographic search for an entry without a DOI; the best match, scored."""
    title = ref.get("title")
    if not title:
        return None
    params = [("query.bibliographic", title)]
    names = [n for n in ref.authors if not n.literal]
    if names:
        params.append(("query.author", names[0].family))
    year = ref.year[:4]
    if year.isdigit():
        params.append(("filter", f"from-pub-date:{year},until-pub-date:{year}"))
    params.append(("rows", str(rows)))
    url = f"{client.config.crossref_url}/works?{urllib.parse.urlencode(params)}"
    r = client.get(url, JSON_ACCEPT)
    if r.status != 200:
        return None
    data = r.json()
    items = (data.get("message") or {}).get("items") if isinstance(data, dict) else None
    best: Proposal | None = None
    for item in items or []:
        meta = parse_metadata(item)
        if not meta.doi:
            continue
        score = similarity(title, meta.title)
        if names and meta.authors and fold(names[0].family) == fold(_family_of(meta.authors[0])):
            score = min(1.0, score + 0.05)
        if year and year not in meta.years:
            score -= 0.1
        score = round(max(score, 0.0), 3)
        if best is None or score > best.score:
            best = Proposal(ref.key, meta.doi, score, meta.title)
    return best


def describe(outcome: Outcome) -> str:
    """One line for the terminal."""
    if outcome.verdict == MISMATCH:
        fields = "; ".join(f"{d['field']}: entry '{d['entry']}', registry '{d['registry']}'"
                           for d in outcome.differences)
        text = f"{outcome.key}: mismatch ({fields})"
    elif outcome.verdict == NOT_FOUND:
        text = f"{outcome.key}: not found ({outcome.doi})"
    elif outcome.verdict == UNCHECKED:
        text = f"{outcome.key}: could not check ({outcome.error})"
    else:
        text = f"{outcome.key}: {outcome.verdict}"
    if outcome.retraction.get("retracted"):
        text += f" [RETRACTED, notice {outcome.retraction.get('notice')}]"
    return text


# =========================================================================== the command


def record_for(outcome: Outcome, ref_hash: str, today: str, previous: dict | None) -> dict:
    """The lock record of an outcome, keeping ``previous``'s date when nothing changed."""
    from toulmin.bibliography import lock

    r = outcome.retraction
    rec = lock.make_record(
        doi=outcome.doi, hash=ref_hash, verdict=outcome.verdict, checked=today,
        recorded="registry", differences=outcome.differences,
        retracted=r.get("retracted", False), notice=r.get("notice"),
        updates=r.get("updates"), error=outcome.error, registry_doi=outcome.registry_doi)
    return lock.keep_date(rec, previous)


#: A proposed DOI is written by ``--accept`` only at or above this match score.
ACCEPT_SCORE = 0.9


def _insert_doi(bib_path: Path, ref: Reference, doi: str) -> None:
    """Add ``doi = {...}`` as the entry's first field, touching no other line."""
    data = bib_path.read_bytes()
    lines = data.split(b"\n")
    idx = ref.line - 1
    line = lines[idx]
    nl = b"\r" if line.endswith(b"\r") else b""
    head = line.rstrip(b"\r")
    if not head.rstrip().endswith(b","):
        raise ValueError(f"cannot insert a DOI into '{ref.key}': unusual first line")
    lines.insert(idx + 1, b"  doi = {" + doi.encode() + b"}," + nl)
    tmp = bib_path.with_name(f".{bib_path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(b"\n".join(lines))
    os.replace(tmp, bib_path)


def verify_refs(bib_path: Path, lock_path: Path, config: Config, *, accept: bool = False,
                today: str | None = None, out=None, err=None,
                client: Client | None = None) -> int:
    """``toulmin verify-refs``: check every entry, rewrite the lock once at the end."""
    from datetime import date

    from toulmin.bibliography import bibtex as bibmod
    from toulmin.bibliography import lock

    out = out or sys.stdout
    err = err or sys.stderr
    today = today or date.today().isoformat()
    client = client or Client(config)
    try:
        previous = lock.load(lock_path)
    except lock.LockError as exc:
        print(f"toulmin: {exc}; starting a new lock", file=err)
        previous = {}
    library = bibmod.parse_string(bib_path.read_text(encoding="utf-8"), str(bib_path))
    refs = list(library.entries.values())

    def progress(done: int, total: int, outcome: Outcome) -> None:
        print(f"[{done}/{total}] {describe(outcome)}", file=err, flush=True)

    outcomes = {o.key: o for o in verify(refs, config, progress=progress, client=client)}

    proposals: list[Proposal] = []
    for ref in refs:
        if ref.doi or not ref.get("title"):
            continue
        try:
            prop = search_doi(client, ref)
        except FetchError as exc:
            print(f"{ref.key}: search failed ({exc})", file=err)
            continue
        if prop is not None:
            proposals.append(prop)
    accepted = []
    for prop in proposals:
        take = accept and prop.score >= ACCEPT_SCORE
        print(f"{prop.key}: proposed doi {prop.doi} (score {prop.score:.2f}: "
              f"'{prop.title}')" + (" - accepted" if take else ""), file=out)
        if take:
            accepted.append(prop)
    if accepted:
        for prop in accepted:
            fresh = bibmod.parse_string(bib_path.read_text(encoding="utf-8"), str(bib_path))
            _insert_doi(bib_path, fresh.entries[prop.key], prop.doi)
        library = bibmod.parse_string(bib_path.read_text(encoding="utf-8"), str(bib_path))
        refs = list(library.entries.values())
        new = [library.entries[p.key] for p in accepted]
        outcomes.update({o.key: o for o in verify(new, config, client=client)})

    records: dict[str, dict] = {}
    for ref in refs:
        if not ref.doi:
            continue
        old = previous.get(ref.key)
        outcome = outcomes.get(ref.key)
        if outcome is None:
            continue
        if (outcome.verdict == UNCHECKED and old is not None
                and str(old.get("doi", "")).lower() == ref.doi.lower()
                and old.get("hash") == ref.hash and old.get("verdict") != UNCHECKED):
            records[ref.key] = old  # keep the last good answer
            continue
        records[ref.key] = record_for(outcome, ref.hash, today, old)
    changed = lock.write(lock_path, records)
    counts: dict[str, int] = {}
    for o in outcomes.values():
        counts[o.verdict] = counts.get(o.verdict, 0) + 1
    retracted = sum(1 for r in records.values() if r.get("retracted"))
    summary = ", ".join(f"{n} {v.replace('_', ' ')}" for v, n in sorted(counts.items()))
    print(f"{summary or 'no entries with a DOI'}; {retracted} retracted; "
          f"{lock_path.name} {'updated' if changed else 'unchanged'}", file=err)
    for o in outcomes.values():
        if o.verdict in (MISMATCH, NOT_FOUND, UNCHECKED) or o.retraction.get("retracted"):
            print(describe(o), file=out)
    bad = any(o.verdict in (MISMATCH, NOT_FOUND, UNCHECKED) for o in outcomes.values())
    return 1 if bad else 0
