"""The HTTP client every registry module uses; the only code here that opens a socket.

The standard library's urllib, made polite: a User-Agent with a contact address
(``TOULMIN_MAILTO``), retries with exponential backoff on 429 and 5xx honouring
``Retry-After`` (seconds or an HTTP-date), connect/read timeouts, a bounded response size
(``MAX_BODY_BYTES``), and an on-disk response cache (``.cache/toulmin/registry/``, keyed by
URL and Accept) that ``refresh`` bypasses.
Only answers that parse are cached: a 200 answer to a JSON request whose body is not JSON
is returned (the caller reports it) but never stored, so a garbled answer is asked again.
``Config`` says where and how to ask: base URLs come from ``TOULMIN_DOI_URL``,
``TOULMIN_CROSSREF_URL``, ``TOULMIN_EUROPEPMC_URL`` and ``TOULMIN_OPENALEX_URL``;
``TOULMIN_HTTP_TIMEOUT``, ``TOULMIN_HTTP_BACKOFF``, ``TOULMIN_HTTP_RETRIES``,
``TOULMIN_HTTP_DEADLINE`` and ``TOULMIN_HTTP_RUN_DEADLINE`` tune the client.

**Bounds** (a registry is third-party input, and may be hostile or broken): a deadline per
request (``deadline`` seconds in all, however slowly the bytes drip: a watchdog shuts the
request's sockets down at the deadline, so a status line and headers dripped a byte at a
time end there too, and the body is read in chunks against it) and per run
(``run_deadline``, from the client's creation); a body size cap checked against
``Content-Length`` before reading and again while reading; a total retry budget shared by
every request of the run (``retry_budget``); a ``Retry-After`` longer than ``max_backoff``
is not waited for at all (the request fails at once, the entry stays unchecked), and a wait
that would end past the request's deadline is not begun; redirects are followed only over
http(s), to the configured registries' hosts and the DOI agencies' content-negotiation
hosts (``REDIRECT_HOSTS``).

The standard library's urllib, not urllib3's ``Retry`` or httpx: neither bounds a request's
total time (their timeouts are per connect and per read too) nor the size of a body, so
the deadline, the cap and the redirect rule would be written here all the same, and the
retry loop they would replace is a dozen lines; staying on urllib keeps the command free
of a dependency.

**Offline.** Before its first request to the network (a cache hit needs none), the client
probes the registries once: a TCP connection to each one's host (or to the proxy urllib
would use), ``PROBE_TIMEOUT`` seconds at most. When none answers (connection refused, a
name that does not resolve, a timeout) it raises ``Offline`` instead of working through
every retry of every entry, and every later request raises it at once: the commands say
so in one line (CLI004) within seconds.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toulmin import __version__

JSON_ACCEPT = "application/json"
DEFAULT_DOI_URL = "https://doi.org"
DEFAULT_CROSSREF_URL = "https://api.crossref.org"
DEFAULT_EUROPEPMC_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest"
DEFAULT_OPENALEX_URL = "https://api.openalex.org"
DEFAULT_MAILTO = "toulmin-maintainers@users.noreply.github.com"
CACHE_SUBDIR = "registry"
MAX_WORKERS = 4
#: The longest response body read: a works record listing thousands of references is
#: under 2 MB. A longer answer is refused (``FetchError``, not retried), never held whole.
MAX_BODY_BYTES = 16 * 1024 * 1024
#: how long the offline probe waits for each registry's host
PROBE_TIMEOUT = 3.0
#: hosts doi.org's content negotiation redirects to (the registration agencies' APIs),
#: followed over https only, besides the configured registries' own hosts and ports
REDIRECT_HOSTS = frozenset({
    "doi.org", "dx.doi.org", "data.crossref.org", "api.crossref.org",
    "data.datacite.org", "api.datacite.org", "data.medra.org", "api.medra.org",
    "data.jalc.jp", "api.japanlinkcenter.org", "data.chinadoi.cn", "www.ebi.ac.uk",
    "api.openalex.org",
})
#: how much of a body is read at a time (the per-request deadline is checked between reads)
CHUNK = 64 * 1024


# =========================================================================== configuration


@dataclass(slots=True)
class Config:
    """Where and how to ask the registries."""

    doi_url: str = DEFAULT_DOI_URL
    crossref_url: str = DEFAULT_CROSSREF_URL
    europepmc_url: str = DEFAULT_EUROPEPMC_URL
    openalex_url: str = DEFAULT_OPENALEX_URL
    mailto: str = DEFAULT_MAILTO
    timeout: float = 10.0
    retries: int = 4
    backoff: float = 1.0
    max_backoff: float = 60.0
    cache_dir: Path | None = None
    refresh: bool = False
    workers: int = MAX_WORKERS
    #: seconds one request may take in all (every attempt, wait and read)
    deadline: float = 120.0
    #: seconds every request of one run (one client) may take together
    run_deadline: float = 1800.0
    #: retries (after a first attempt) the whole run may make
    retry_budget: int = 50

    @classmethod
    def from_env(cls, env: dict | None = None, **overrides) -> Config:
        env = os.environ if env is None else env
        cfg = cls(
            doi_url=env.get("TOULMIN_DOI_URL") or DEFAULT_DOI_URL,
            crossref_url=env.get("TOULMIN_CROSSREF_URL") or DEFAULT_CROSSREF_URL,
            europepmc_url=env.get("TOULMIN_EUROPEPMC_URL") or DEFAULT_EUROPEPMC_URL,
            openalex_url=env.get("TOULMIN_OPENALEX_URL") or DEFAULT_OPENALEX_URL,
            mailto=env.get("TOULMIN_MAILTO") or DEFAULT_MAILTO,
        )
        if env.get("TOULMIN_HTTP_TIMEOUT"):
            cfg.timeout = float(env["TOULMIN_HTTP_TIMEOUT"])
        if env.get("TOULMIN_HTTP_BACKOFF"):
            cfg.backoff = float(env["TOULMIN_HTTP_BACKOFF"])
        if env.get("TOULMIN_HTTP_RETRIES"):
            cfg.retries = int(env["TOULMIN_HTTP_RETRIES"])
        if env.get("TOULMIN_HTTP_DEADLINE"):
            cfg.deadline = float(env["TOULMIN_HTTP_DEADLINE"])
        if env.get("TOULMIN_HTTP_RUN_DEADLINE"):
            cfg.run_deadline = float(env["TOULMIN_HTTP_RUN_DEADLINE"])
        for k, v in overrides.items():
            if v is not None:
                setattr(cfg, k, v)
        cfg.doi_url = cfg.doi_url.rstrip("/")
        cfg.crossref_url = cfg.crossref_url.rstrip("/")
        cfg.europepmc_url = cfg.europepmc_url.rstrip("/")
        cfg.openalex_url = cfg.openalex_url.rstrip("/")
        return cfg

    def redirect_allowed(self, url: str) -> bool:
        """Whether a redirect to ``url`` may be followed: http(s) to a configured
        registry's host and port, or https to a DOI agency's host (``REDIRECT_HOSTS``)."""
        try:
            to = urllib.parse.urlsplit(url)
            port = to.port
        except ValueError:
            return False
        if to.scheme not in ("http", "https") or not to.hostname:
            return False
        for base in (self.doi_url, self.crossref_url, self.europepmc_url, self.openalex_url):
            b = urllib.parse.urlsplit(base)
            if (b.hostname or "").lower() == to.hostname.lower() and \
                    _port(b) == (port or (443 if to.scheme == "https" else 80)):
                return True
        return to.scheme == "https" and port in (None, 443) and \
            to.hostname.lower() in REDIRECT_HOSTS

    @property
    def user_agent(self) -> str:
        return (f"toulmin/{__version__} (https://github.com/toulmin; mailto:{self.mailto}) "
                f"python-urllib/{sys.version_info.major}.{sys.version_info.minor}")


# =========================================================================== HTTP client


class FetchError(Exception):
    """The registry could not be asked: network failure after retries, or a bad answer."""


class Offline(Exception):
    """No registry can be reached at all: the probe before the first request failed."""


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
        except RecursionError:
            raise FetchError(f"malformed JSON from {self.url}: nested too deeply") from None
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
        #: None before the probe; "" when a registry answered; else why none did
        self._offline: str | None = None
        self._probe_lock = threading.Lock()
        self._run_ends = time.monotonic() + config.run_deadline
        self._retries_left = config.retry_budget
        self._opener = urllib.request.build_opener(_Redirects(config), _WatchedHTTP(),
                                                   _WatchedHTTPS())

    # -- offline ----------------------------------------------------------------------------

    def probe(self) -> None:
        """Raise ``Offline`` when no registry's host accepts a connection (once; the answer
        is kept for the client's life)."""
        with self._probe_lock:
            if self._offline is None:
                self._offline = reachability(self.config)
        if self._offline:
            raise Offline(self._offline)

    # -- cache ------------------------------------------------------------------------------

    def _cache_file(self, url: str, accept: str) -> Path | None:
        if self.config.cache_dir is None:
            return None
        digest = hashlib.sha256(f"{url}\n{accept}".encode()).hexdigest()
        return Path(self.config.cache_dir) / digest[:2] / f"{digest}.json"

    def _cache_read(self, path: Path | None, accept: str) -> Response | None:
        """The stored answer, or None (a miss) when there is none or it is not one the
        client would have stored: unreadable, of another shape, or a body that does not
        parse."""
        if path is None or self.config.refresh:
            return None
        try:
            rec = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(rec, dict):
            return None
        status, body, url = rec.get("status"), rec.get("body"), rec.get("url")
        ctype = rec.get("content_type", "")
        if type(status) is not int or status not in _FINAL or not isinstance(body, str) \
                or not isinstance(url, str) or not isinstance(ctype, str):
            return None
        try:
            resp = Response(status, body.encode("utf-8"), url, ctype)
        except UnicodeEncodeError:  # a lone surrogate ("\ud800") in the stored body
            return None
        return resp if _parses(resp, accept) else None

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

    def get_object(self, url: str, what: str) -> dict | None:
        """The JSON object answered at ``url``; None when the registry has no record (any
        answer but 200); ``FetchError`` naming ``what`` when the answer is not an object."""
        r = self.get(url, JSON_ACCEPT)
        if r.status != 200:
            return None
        data = r.json()
        if not isinstance(data, dict):
            raise FetchError(f"malformed {what} answer from {url}")
        return data

    def get(self, url: str, accept: str = JSON_ACCEPT) -> Response:
        """GET ``url`` (following allowed redirects); 200/404/410 are answers, the rest
        retried within the request's deadline and the run's retry budget."""
        cache = self._cache_file(url, accept)
        hit = self._cache_read(cache, accept)
        if hit is not None:
            return hit
        self.probe()
        cfg = self.config
        ends = min(time.monotonic() + cfg.deadline, self._run_ends)
        last = "no attempt"
        for attempt in range(cfg.retries + 1):
            if time.monotonic() >= ends:
                raise FetchError(f"{url}: {self._late(ends)} ({last})")
            delay = min(cfg.backoff * (2 ** attempt), cfg.max_backoff)
            try:
                resp = self._once(url, accept, ends)
            except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts too
                reason = getattr(exc, "reason", exc)
                last = f"{type(reason).__name__}: {reason}"
            else:
                if resp.status in _FINAL:
                    if _parses(resp, accept):
                        self._cache_write(cache, url, accept, resp)
                    return resp
                last = f"HTTP {resp.status}"
                if resp.status == 429 or resp.status >= 500:
                    if resp.retry_after is not None and resp.retry_after > cfg.max_backoff:
                        # "come back in 11 days": not within this run; never waited for
                        raise FetchError(f"{url}: {last}; the registry asks to wait "
                                         f"{resp.retry_after:g} s (Retry-After), longer "
                                         f"than {cfg.max_backoff:g} s: not waited")
                    if resp.retry_after is not None:
                        delay = resp.retry_after
                else:
                    raise FetchError(f"{url}: HTTP {resp.status}")
            if attempt < cfg.retries:
                with self._lock:
                    if self._retries_left <= 0:
                        raise FetchError(f"{url}: {last}; the run's retry budget "
                                         f"({cfg.retry_budget}) is spent")
                    self._retries_left -= 1
                if time.monotonic() + delay >= ends:
                    raise FetchError(f"{url}: {last}; {self._late(ends)}")
                self.sleep(delay)
        raise FetchError(f"{url}: {last} after {cfg.retries + 1} attempts")

    def _late(self, ends: float) -> str:
        if ends >= self._run_ends:
            return f"the run's deadline ({self.config.run_deadline:g} s) has passed"
        return f"no answer within the request's deadline ({self.config.deadline:g} s)"

    def _once(self, url: str, accept: str, ends: float) -> Response:
        req = urllib.request.Request(url, headers={
            "Accept": accept,
            "User-Agent": self.config.user_agent,
        })
        with self._lock:
            self.requests += 1
        timeout = max(0.01, min(self.config.timeout, ends - time.monotonic()))
        with _Watchdog(ends) as dog:
            try:
                with self._opener.open(req, timeout=timeout) as r:
                    body = _read_bounded(r, url, ends)
                    if dog.fired:  # cut off at the deadline: what was read is not the answer
                        raise FetchError(f"{url}: {self._late(ends)}")
                    return Response(r.status, body, r.geturl(),
                                    r.headers.get("Content-Type", ""))
            except urllib.error.HTTPError as exc:
                try:
                    body = _read_bounded(exc, url, ends) if exc.fp is not None else b""
                except (OSError, ValueError, FetchError, http.client.HTTPException):
                    body = b""
                headers = exc.headers
                retry_after = retry_after_seconds(headers.get("Retry-After"),
                                                  headers.get("Date")) if headers else None
                return Response(exc.code, body, exc.geturl() or url,
                                headers.get("Content-Type", "") if headers else "",
                                retry_after)


#: the sockets of the request the current thread is making (``_Watchdog``)
_WATCHED = threading.local()


class _Watchdog:
    """Shut the request's sockets down at its deadline ``ends``, whatever it is waiting
    for: the socket timeout bounds each read, not the request, so a server that drips its
    status line and headers a byte at a time (which urllib reads before the body) would
    otherwise hold the request for as long as it likes. Shut down, the blocked read
    returns at once and the request fails (an ``OSError`` or ``HTTPException``)."""

    def __init__(self, ends: float):
        self.socks: list[socket.socket] = []
        self.fired = False
        self.lock = threading.Lock()
        self.timer = threading.Timer(max(0.0, ends - time.monotonic()), self._shut)
        self.timer.daemon = True

    def __enter__(self) -> _Watchdog:
        _WATCHED.dog = self
        self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.cancel()
        _WATCHED.dog = None

    def add(self, sock: socket.socket) -> None:
        """Watch ``sock``; shut it at once when the deadline has already passed."""
        with self.lock:
            self.socks.append(sock)
            fired = self.fired
        if fired:
            _shutdown(sock)

    def _shut(self) -> None:
        with self.lock:
            self.fired = True
            socks = list(self.socks)
        for sock in socks:
            _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _watched(base: type) -> type:
    """``base`` (an ``http.client`` connection class) registering each socket it opens
    with the current thread's ``_Watchdog``."""

    class Watched(base):
        def connect(self):
            super().connect()
            dog = getattr(_WATCHED, "dog", None)
            if dog is not None and self.sock is not None:
                dog.add(self.sock)

    Watched.__name__ = f"Watched{base.__name__}"
    return Watched


_WATCHED_CLASSES: dict[type, type] = {}


def _watched_class(base: type) -> type:
    if base not in _WATCHED_CLASSES:
        _WATCHED_CLASSES[base] = _watched(base)
    return _WATCHED_CLASSES[base]


class _WatchedHTTP(urllib.request.HTTPHandler):
    def do_open(self, http_class, req, **kw):
        return super().do_open(_watched_class(http_class), req, **kw)


class _WatchedHTTPS(urllib.request.HTTPSHandler):
    def do_open(self, http_class, req, **kw):
        return super().do_open(_watched_class(http_class), req, **kw)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only where ``Config.redirect_allowed`` says (urllib alone follows
    any host, and ftp:// too)."""

    def __init__(self, config: Config):
        self.config = config

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urljoin(req.full_url, newurl)
        if not self.config.redirect_allowed(target):
            raise FetchError(f"{req.full_url}: redirected to {_shorten(target)}, "
                             f"which is not a registry; not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_bounded(r, url: str, ends: float) -> bytes:
    """The body of ``r``: refused when ``Content-Length`` (before reading) or the bytes
    read pass ``MAX_BODY_BYTES``, or when reading passes the deadline ``ends``."""
    limit = MAX_BODY_BYTES
    length = r.headers.get("Content-Length") if r.headers else None
    if length and length.strip().isdigit() and int(length) > limit:
        raise FetchError(f"{url}: response larger than {limit} bytes "
                         f"(Content-Length {int(length)})")
    chunks: list[bytes] = []
    size = 0
    read = getattr(r, "read1", None) or r.read
    while True:
        if time.monotonic() >= ends:
            raise FetchError(f"{url}: the answer did not arrive within the request's "
                             f"deadline")
        chunk = read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise FetchError(f"{url}: response larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _port(url: urllib.parse.SplitResult) -> int | None:
    try:
        return url.port or (443 if url.scheme == "https" else 80)
    except ValueError:
        return None


def _shorten(url: str) -> str:
    return url if len(url) <= 120 else url[:117] + "..."


def reachability(config: Config) -> str:
    """"" when at least one registry's host (or the proxy for it) accepts a TCP
    connection within ``PROBE_TIMEOUT`` seconds, else why none does (one line)."""
    timeout = min(PROBE_TIMEOUT, config.timeout)
    proxies = urllib.request.getproxies()
    reasons: list[str] = []
    seen: set[tuple[str, int]] = set()
    for base in (config.doi_url, config.crossref_url, config.europepmc_url,
                 config.openalex_url):
        url = urllib.parse.urlsplit(base)
        if not url.hostname:
            continue
        target = url
        proxy = proxies.get(url.scheme)
        if proxy and not urllib.request.proxy_bypass(url.hostname):
            target = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        host = target.hostname or ""
        try:
            port = target.port or (443 if target.scheme == "https" else 80)
        except ValueError:
            continue
        if (host, port) in seen:
            continue
        seen.add((host, port))
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return ""
        except socket.gaierror:
            reasons.append(f"{host}: the name does not resolve")
        except TimeoutError:
            reasons.append(f"{host}: no answer within {timeout:g} s")
        except ConnectionRefusedError:
            reasons.append(f"{host}:{port}: connection refused")
        except OSError as exc:
            reasons.append(f"{host}: {exc.strerror or exc}")
    return "; ".join(reasons) or "no registry address is configured"


def _parses(resp: Response, accept: str) -> bool:
    """Whether an answer may be cached: a 200 to a JSON request must be JSON of the shape
    every registry answers with (an object, or CSL-JSON's list of objects)."""
    if resp.status != 200 or "json" not in accept:
        return True
    try:
        data = json.loads(resp.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    if isinstance(data, list):
        return bool(data) and all(isinstance(d, dict) for d in data)
    return isinstance(data, dict)


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


def quote_doi(doi: str) -> str:
    """A DOI as a URL path: reserved characters escaped, its slashes kept."""
    return urllib.parse.quote(doi, safe="/")
