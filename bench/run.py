"""``make bench``: time toulmin against the plain build, side by side in one run.

For each generated site (bench/generate.py) it prints the cold and warm times of
``toulmin check`` and the build time of the site with the toulmin plugin divided by the
build time of the same site without it, both measured here, alternately, so machine noise
hits both. Medians of several runs.

    python bench/run.py [--quick]
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

BIN = Path(sys.executable).parent
SITES = [  # name, posts, citations per post, entries, timed builds of each kind
    ("200x8-500", 200, 8, 500, 7),
    ("1000x10-5000", 1000, 10, 5000, 5),
]


def _time(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(cmd)} failed in {cwd}:\n{proc.stderr[-2000:]}")
    if proc.returncode == 1 and "build" in cmd:
        raise SystemExit(f"bench: build failed in {cwd}:\n{proc.stderr[-2000:]}")
    return elapsed


def bench_site(name: str, posts: int, cites: int, entries: int, builds: int,
               repeat: int) -> dict:
    out = HERE / "out" / name
    if out.exists():
        shutil.rmtree(out)
    generate(out, posts, cites, entries)
    check = [str(BIN / "toulmin"), "check", "--no-warnings"]
    cold = []
    for _ in range(repeat):
        shutil.rmtree(out / ".cache", ignore_errors=True)
        cold.append(_time(check, out))
    warm = [_time(check, out) for _ in range(repeat + 2)]
    mk = str(BIN / "mkdocs")
    plain_cmd = [mk, "build", "-q", "-f", "mkdocs-plain.yml", "-d", "site-plain"]
    plugin_cmd = [mk, "build", "-q", "-f", "mkdocs.yml", "-d", "site-toulmin"]
    # One untimed build of each first: the file cache warm for both, and toulmin's caches
    # as a site's second build finds them. Then alternate, so noise hits both.
    _time(plain_cmd, out)
    _time(plugin_cmd, out)
    plain, plugin = [], []
    for _ in range(builds):
        plain.append(_time(plain_cmd, out))
        plugin.append(_time(plugin_cmd, out))
    # The same site with this repository's statistics (scripts/ and data/): a warm check
    # must cost the same as without them when no script or data changed.
    shutil.copytree(ROOT / "scripts", out / "scripts")
    shutil.copytree(ROOT / "data", out / "data")
    stats_cold = []
    for _ in range(repeat):
        shutil.rmtree(out / ".cache", ignore_errors=True)
        stats_cold.append(_time(check, out))
    _time(check, out)
    stats_warm = [_time(check, out) for _ in range(repeat + 2)]
    return {
        "site": name,
        "stats_cold": statistics.median(stats_cold),
        "stats_warm": statistics.median(stats_warm),
        "check_cold": statistics.median(cold),
        "check_warm": statistics.median(warm),
        "build_plain": statistics.median(plain),
        "build_toulmin": statistics.median(plugin),
    }


def bench_charts(repeat: int) -> dict:
    """A cold rebuild of every chart of this repository, and a warm `toulmin charts`."""
    out = HERE / "out" / "charts-site"
    if out.exists():
        shutil.rmtree(out)
    for name in ("scripts", "data", "charts"):
        shutil.copytree(ROOT / name, out / name)
    charts = [str(BIN / "toulmin"), "charts"]
    cold = []
    for _ in range(repeat):
        shutil.rmtree(out / ".cache", ignore_errors=True)
        cold.append(_time(charts, out))
    _time(charts, out)
    warm = [_time(charts, out) for _ in range(repeat + 2)]
    return {"cold": statistics.median(cold), "warm": statistics.median(warm),
            "n": len(list((ROOT / "charts").glob("*.vl.json")))}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="one run each, first site only")
    a = p.parse_args()
    repeat = 1 if a.quick else 3
    # Time toulmin as installed (compiled), not as edited since: recompiling the sources on
    # every run where PYTHONDONTWRITEBYTECODE is set would add ~60 ms to each command.
    compileall.compile_dir(str(ROOT / "src" / "toulmin"), quiet=1)
    sites = SITES[:1] if a.quick else SITES
    rows = [bench_site(*s[:4], builds=1 if a.quick else s[4], repeat=repeat) for s in sites]
    print(f"{'site':<14} {'check cold':>10} {'check warm':>10} {'build plain':>11} "
          f"{'build+toulmin':>13} {'ratio':>6} {'overhead':>8}")
    for r in rows:
        ratio = r["build_toulmin"] / r["build_plain"]
        print(f"{r['site']:<14} {r['check_cold']:>9.2f}s {r['check_warm']:>9.2f}s "
              f"{r['build_plain']:>10.2f}s {r['build_toulmin']:>12.2f}s {ratio:>6.3f} "
              f"{(ratio - 1) * 100:>7.1f}%")
    print()
    print(f"{'site':<14} {'check warm':>10} {'+statistics warm':>16} {'ratio':>6} "
          f"{'+statistics cold':>16}")
    for r in rows:
        print(f"{r['site']:<14} {r['check_warm']:>9.2f}s {r['stats_warm']:>15.2f}s "
              f"{r['stats_warm'] / r['check_warm']:>6.3f} {r['stats_cold']:>15.2f}s")
    c = bench_charts(repeat)
    print()
    print(f"charts cold rebuild ({c['n']} charts): {c['cold']:.2f}s")
    print(f"charts warm, nothing changed:    {c['warm']:.2f}s (target < 0.3 s)")
    print("targets: build overhead <= 10%; at 1000 posts check warm <= 0.5 s, cold <= 2 s; "
          "warm check with statistics unchanged within noise")


if __name__ == "__main__":
    main()
