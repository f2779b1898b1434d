"""Running definitions scripts in a child process, with a time and a memory limit.

A site's scripts are contributed code: a statistic that loops forever, allocates without
bound, prints, or ends its process (``os._exit``, a signal) must not hang, crash or
silence the check and the build that run it. :func:`run` starts one child process for the
scripts a run needs to compute (never one per definition; none when the cache holds
everything) and talks with it over a pipe:

- the job (which scripts, which definitions of each) is written to the child's stdin;
- the child (``python -m toulmin.definitions.runner``) sets ``RLIMIT_DATA`` to the
  memory limit (not ``RLIMIT_AS``: vl-convert's V8 reserves tens of GB of address space
  it never uses, and dies under any ``RLIMIT_AS`` that would bound a script;
  ``RLIMIT_DATA`` bounds what is allocated: a script that allocates without end gets a
  ``MemoryError``), points its file descriptor 1 at 2 (so a script's ``print`` never reaches the
  parent's stdout, ``--format json`` included) and sends length-prefixed ``marshal``
  messages on a private copy of the original stdout: "start" (a script or a definition
  begins), "progress" (a line for the user), "script" (one script's results), "done";
- the parent reads them with a deadline that starts again at each "start": a script that
  takes longer than the time limit is killed (with its process group). When the child
  stops without "done", the script it was running gets an error at its line ("timed out
  after N s", "ended its process ..."), and the scripts after it run in a new child.

The child's stderr (a script's output) is read and discarded, bounded in memory.
"""

from __future__ import annotations

import marshal
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: Defaults of the plugin options ``script_timeout`` (seconds) and ``script_memory_mb``.
DEFAULT_TIMEOUT = 120
DEFAULT_MEMORY_MB = 4096

#: Where the child finds each kind (the name of ``Kind.name``).
KINDS = {"statistic": ("toulmin.definitions.statistics", "STATISTIC"),
         "chart": ("toulmin.definitions.charts", "CHART")}

_HEADER = struct.Struct("!I")
#: The most a message from the child may hold (a chart's SVG is well under this).
_MAX_MESSAGE = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """What one script may use: wall-time seconds and address space in MB (0: no limit)."""

    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY_MB

    @classmethod
    def of(cls, settings) -> Limits:
        """The limits a site's ``Settings`` set (``script_timeout``, ``script_memory_mb``)."""
        return cls(settings.script_timeout, settings.script_memory_mb)


@dataclass(slots=True)
class Job:
    """One script to run: its path, its site-relative path, the definitions to run (None:
    all), and whether to report progress per definition."""

    script: str
    rel: str
    only: list[str] | None
    progress: bool


#: One script's outcome: ([(record, [input files])], [(path, line, message)], limited):
#: ``limited`` when the error is the script's exceeding a limit (it timed out, or its
#: process ended: killed, out of memory, ``os._exit``), reported as STA009 / CHA007.
#: ``invalid`` the definitions whose name the kind refuses (path, line, message; not run).
Outcome = tuple[list[tuple[tuple, list[str]]], list[tuple[str, int, str]], bool,
                list[tuple[str, int, str]]]


def run(kind: str, root: Path, datapackage: str, jobs: list[Job], limits: Limits,
        progress: Callable[[str], None] | None = None) -> list[Outcome]:
    """The outcome of each job, in order, computed in child processes."""
    outcomes: list[Outcome | None] = [None] * len(jobs)
    start = 0
    while start < len(jobs):
        pending = list(range(start, len(jobs)))
        failed_at, failure = _run_child(kind, root, datapackage, jobs, pending, limits,
                                        outcomes, progress)
        if failed_at is None:
            break
        job = jobs[failed_at]
        if outcomes[failed_at] is None:
            outcomes[failed_at] = (
                [], [(job.rel, failure[0], failure[1])], True, [])
        start = failed_at + 1
    return [o if o is not None else ([], [], False, []) for o in outcomes]


def _run_child(kind: str, root: Path, datapackage: str, jobs: list[Job], pending: list[int],
               limits: Limits, outcomes: list, progress: Callable[[str], None] | None
               ) -> tuple[int | None, tuple[int, str]]:
    """Run ``pending`` jobs in one child; fill ``outcomes``. Returns (None, ...) when the
    child finished, else the index of the job it was running and (line, message)."""
    payload = marshal.dumps((kind, str(root), datapackage, int(limits.memory_mb),
                             [(i, jobs[i].script, jobs[i].rel, jobs[i].only, jobs[i].progress)
                              for i in pending]))
    env = dict(os.environ)
    package_parent = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH"))
                                        if p)
    env["PYTHONUNBUFFERED"] = "1"
    proc = subprocess.Popen([sys.executable, "-m", "toulmin.definitions.runner"],
                            cwd=str(root), env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    drain = threading.Thread(target=_discard, args=(proc.stderr,), daemon=True)
    drain.start()
    current = pending[0]
    line = 1
    doing = ""
    try:
        proc.stdin.write(payload)
        proc.stdin.close()
    except OSError:
        pass
    reader = _Reader(proc.stdout.fileno())
    deadline = time.monotonic() + limits.timeout if limits.timeout else None
    try:
        while True:
            message = reader.next(deadline)
            if message is _TIMEOUT:
                _kill(proc)
                what = f" while {doing}" if doing else ""
                return current, (line, f"the script timed out after {_secs(limits.timeout)} s"
                                       f"{what} (the script_timeout option)")
            if message is None:
                break
            tag = message[0]
            if tag == "start":
                _, current, doing, line = message
                deadline = time.monotonic() + limits.timeout if limits.timeout else None
            elif tag == "progress":
                if progress is not None:
                    progress(message[1])
            elif tag == "script":
                _, index, runs, errors, invalid = message
                outcomes[index] = (runs, [tuple(e) for e in errors], False,
                                   [tuple(r) for r in invalid])
            elif tag == "done":
                proc.wait()
                return None, (0, "")
    finally:
        if proc.poll() is None:
            _kill(proc)
        proc.stdout.close()
        drain.join(timeout=5)
    code = proc.wait()
    how = (f"was killed by {_signal_name(-code)}" if code < 0 else f"exited with status {code}")
    memory = (f"; it may have run out of memory (the script_memory_mb option, "
              f"{limits.memory_mb} MB)" if code < 0 and limits.memory_mb else "")
    what = f" while {doing}" if doing else ""
    return current, (line, f"the script ended its process{what}: it {how}{memory}")


_TIMEOUT = object()


class _Reader:
    """Length-prefixed marshal messages from a pipe, each awaited until a deadline."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = b""

    def _fill(self, size: int, deadline: float | None) -> bool | object:
        while len(self.buffer) < size:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                return _TIMEOUT
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return False
            self.buffer += chunk
        return True

    def next(self, deadline: float | None):
        """The next message; None when the pipe closed first; ``_TIMEOUT`` past the
        deadline."""
        got = self._fill(_HEADER.size, deadline)
        if got is not True:
            return got or None
        (size,) = _HEADER.unpack(self.buffer[:_HEADER.size])
        if size > _MAX_MESSAGE:
            return None
        got = self._fill(_HEADER.size + size, deadline)
        if got is not True:
            return got or None
        body = self.buffer[_HEADER.size:_HEADER.size + size]
        self.buffer = self.buffer[_HEADER.size + size:]
        try:
            message = marshal.loads(body)
        except (ValueError, EOFError, TypeError):
            return None
        return message if isinstance(message, tuple) and message else None


def _discard(stream) -> None:
    try:
        while stream.read(1 << 16):
            pass
    except (OSError, ValueError):
        pass


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, AttributeError):
        proc.kill()
    proc.wait()


def _secs(seconds: float) -> str:
    return f"{seconds:g}"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# -- the child --------------------------------------------------------------------------------


def _child() -> None:
    """Read the job from stdin, run it, send the results on the original stdout."""
    job = marshal.loads(sys.stdin.buffer.read())
    kind_name, root, datapackage, memory_mb, items = job
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    _limit_memory(memory_mb)

    def send(*message) -> None:
        body = marshal.dumps(message)
        out.write(_HEADER.pack(len(body)) + body)

    import importlib

    from toulmin.definitions import scripts

    module, attr = KINDS[kind_name]
    kind = getattr(importlib.import_module(module), attr)
    package = None
    loaded = False
    for index, script, rel, only, report in items:
        send("start", index, f"loading {rel}", 1)
        if not loaded:
            package = scripts.load_package(Path(root) / datapackage)
            loaded = True
        state = scripts.ScriptState(Path(script), rel, "", None, {},
                                    None if only is None else set(only))

        def started(name: str, line: int, index=index) -> None:
            send("start", index, f"{kind.doing} '{name}'", line)

        runs, errors, invalid = scripts.run_script(
            kind, Path(root), state, package,
            (lambda text: send("progress", text)) if report else None, started)
        send("script", index, [(kind.record(res), sorted(inputs)) for res, inputs in runs],
             [list(e) for e in errors], [list(r) for r in invalid])
    send("done")
    out.close()


def _limit_memory(memory_mb: int) -> None:
    if not memory_mb:
        return
    try:
        import resource
    except ImportError:  # not on POSIX: no limit
        return
    limit = int(memory_mb) * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


if __name__ == "__main__":
    _child()
    sys.stdout.flush()
    os._exit(0)
