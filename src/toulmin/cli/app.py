"""The ``toulmin`` command line: ``toulmin check`` and friends.

Every user error is one line, ``path:line:col: CODE message``, and a non-zero exit;
never a traceback. Heavy modules are imported inside the commands that need them, so
``toulmin check`` starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from toulmin import __version__
from toulmin.rules import RULES
from toulmin.settings import SettingsError, read_mkdocs


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="toulmin",
        description="Evidence-checked commentary: check citations, statistics and charts.",
    )
    p.add_argument("--version", action="version", version=f"toulmin {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("check", help="check citations and the reference base",
                       description="Check every citation in the site's Markdown against "
                       "the reference base, and the reference base itself.")
    c.add_argument("path", nargs="?", default=".",
                   help="the site's root (default: the current directory), or one Markdown "
                   "file of the site")
    c.add_argument("--format", choices=("human", "json", "github"), default=None,
                   help="output format (default: human; github when GITHUB_ACTIONS is set)")
    c.add_argument("--bibliography", default=None,
                   help="reference base, relative to the site root (default: references.bib)")
    c.add_argument("--posts-dir", default=None, help="posts folder (default: posts)")
    c.add_argument("--docs-dir", default=None, help="other pages (default: docs)")
    c.add_argument("--no-warnings", action="store_true", help="print errors only")
    c.add_argument("--strict-refs", action="store_true",
                   help="treat reference-lock warnings as errors (for CI)")
    c.add_argument("--watch", action="store_true",
                   help="keep running: re-check whenever an input changes (Ctrl-C stops)")

    i = sub.add_parser("init", help="start a new site in an empty folder (it passes check "
                       "and builds straight away)",
                       description="Write a working site into DIR: mkdocs.yml with the "
                       "toulmin plugin and the blog, docs/, a first post citing a work and "
                       "quoting a checked statistic, references.bib, scripts/ with an example "
                       "statistic and chart, data/ with a tiny Data Package, charts/, the CI "
                       "workflow and a .gitignore. Never overwrites a file.")
    i.add_argument("dir", nargs="?", default=".",
                   help="the folder for the site (default: the current directory)")

    n = sub.add_parser("new", help="start a new post in posts/ (a draft that passes check)",
                       description="Create posts/DATE-SLUG.md with front matter and a "
                       "skeleton that passes `toulmin check`; never overwrites a file.")
    n.add_argument("title", help="the post's title")
    n.add_argument("--author", default=None,
                   help="author id from the blog's .authors.yml (default: the first one)")
    n.add_argument("--date", default=None, help="the post's date, YYYY-MM-DD (default: today)")
    n.add_argument("--root", default=".",
                   help="the site's root, or a folder inside it (default: .)")

    ch = sub.add_parser("charts", help="render the charts defined in scripts/ into charts/",
                        description="Render every chart defined in scripts/ to "
                        "charts/NAME.vl.json and charts/NAME.svg, rebuilding only those whose "
                        "definition or data changed.")
    ch.add_argument("path", nargs="?", default=".", help="the site's root (default: .)")
    ch.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 naming each chart whose committed files "
                    "differ from a rebuild or are missing")
    ch.add_argument("--force", action="store_true", help="ignore the cache: render every chart")

    g = sub.add_parser("generate", help="write the site's sources for any builder (Zensical) "
                       "into a generated folder",
                       description="Check the site, then write into OUT a copy of docs_dir "
                       "with the posts where the blog expects them, a page per statistic, "
                       "the charts and toulmin's assets, and OUT/mkdocs.yml, which inherits "
                       "the site's mkdocs.yml and lists the toulmin Markdown extension: "
                       "`zensical build -f OUT/mkdocs.yml` builds the site into OUT/site. "
                       "The same sources give the same bytes; nothing outside OUT is "
                       "written. On a check error nothing is written (exit 1) unless "
                       "--preview.")
    g.add_argument("path", nargs="?", default=".", help="the site's root (default: .)")
    g.add_argument("--out", default=None,
                   help="the generated folder, from the root (default: .toulmin/site-src)")
    g.add_argument("--preview", action="store_true",
                   help="write even when the check finds errors (the pages then show them)")
    g.add_argument("--watch", action="store_true",
                   help="keep running: generate again whenever an input changes, for "
                   "`zensical serve` (Ctrl-C stops)")

    pb = sub.add_parser("postbuild", help="finish a site another builder built (Zensical): "
                        "the Content-Security-Policy on every page, every feed parsed",
                        description="Do to a built site what the plugin does after an "
                        "MkDocs build: declare the content_security_policy in every page's "
                        "head and check that every feed (feed_*.xml) is well-formed XML.")
    pb.add_argument("path", nargs="?", default=".", help="the site's root (default: .)")
    pb.add_argument("--site", default=None,
                    help="the built site, from the root (default: .toulmin/site-src/site)")

    v = sub.add_parser("verify-refs", help="check every DOI against the registries and "
                       "write references.lock.json (network)",
                       description="Check each entry with a DOI against doi.org and Crossref "
                       "(title, year, every author, container, retractions) and record the "
                       "verdicts in references.lock.json; store each verified work's abstract "
                       "(Crossref, else Europe PMC, else OpenAlex) in references.sources.json; "
                       "search Crossref for entries without a DOI (no match scoring 0.9: "
                       "not_registered, unless the entry declares unregistered = {reason}).")
    v.add_argument("path", nargs="?", default=".", help="the site's root (default: .)")
    v.add_argument("--bibliography", default=None,
                   help="reference base, relative to the site root (default: references.bib)")
    v.add_argument("--refresh", action="store_true", help="ignore the response cache")
    v.add_argument("--accept", action="store_true",
                   help="write proposed DOIs (match score 0.9 or more, never less) into the "
                   "entries")
    v.add_argument("--timeout", type=float, default=None,
                   help="connect/read timeout in seconds (default: 10)")

    e = sub.add_parser("explain", help="explain a check code (every rule without one)",
                       description="Print a rule of the rule table: its title, family, "
                       "severity, why it matters, an example and its correction, the fix.")
    e.add_argument("code", nargs="?", default=None, help="a code such as CIT001")
    e.add_argument("--markdown", action="store_true",
                   help="print the rule list of docs/writing.md and README.md")

    a = sub.add_parser("add-ref", help="append BibTeX entries made from DOIs' registry "
                       "metadata (network)")
    a.add_argument("dois", nargs="+", metavar="DOI")
    a.add_argument("--root", default=".", help="the site's root (default: .)")
    a.add_argument("--bibliography", default=None,
                   help="reference base, relative to the site root (default: references.bib)")
    a.add_argument("--refresh", action="store_true", help="ignore the response cache")
    a.add_argument("--timeout", type=float, default=None,
                   help="connect/read timeout in seconds (default: 10)")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "check":
            return cmd_check(args)
        if args.command == "new":
            return cmd_new(args)
        if args.command == "init":
            return cmd_init(args)
        if args.command == "verify-refs":
            return cmd_verify_refs(args)
        if args.command == "add-ref":
            return cmd_add_ref(args)
        if args.command == "charts":
            return cmd_charts(args)
        if args.command == "generate":
            return cmd_generate(args)
        if args.command == "postbuild":
            return cmd_postbuild(args)
        if args.command == "explain":
            from toulmin.cli import explain

            return explain.run(args.code, markdown=args.markdown)
    except SettingsError as exc:  # mkdocs.yml: an unknown option or a wrong type
        return _fatal(exc.finding, args)
    except KeyboardInterrupt:
        print("toulmin: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    return 2


def _fatal(finding, args: argparse.Namespace, code: int = 2) -> int:
    """Stop on ``finding``: its line on stderr and, under ``--format json``, the same
    finding as a JSON list on stdout (a CI step parsing stdout gets valid JSON)."""
    from toulmin.findings import to_json

    print(finding.format(), file=sys.stderr)
    if getattr(args, "format", None) == "json":
        print(to_json([finding]))
    return code


def _site_root(path: Path) -> tuple[Path, list[Path] | None]:
    """The site root for ``path`` and, when ``path`` is a file, that file alone."""
    path = path.resolve()
    if path.is_file():
        for parent in path.parents:
            if (parent / "mkdocs.yml").exists() or (parent / "references.bib").exists():
                return parent, [path]
        return path.parent, [path]
    return path, None


def cmd_check(args: argparse.Namespace) -> int:
    if not getattr(args, "watch", False):
        return _check_once(args)
    from toulmin.cli import watch

    target = Path(args.path)
    if not target.exists():
        return _check_once(args)
    root, _ = _site_root(target)
    settings = _check_settings(root, args)
    return watch.run(lambda: _check_once(args), watch.inputs(root, settings))


def _check_settings(root: Path, args: argparse.Namespace):
    """The site's settings (mkdocs.yml), with ``check``'s command-line options over them.

    A mkdocs.yml that exists but cannot be read as YAML stops the check (SettingsError):
    ``read_mkdocs`` would fall back to the defaults, and a CI check would pass having
    checked the wrong folders."""
    problem = _mkdocs_problem(root)
    if problem is not None:
        raise SettingsError(problem)
    settings = read_mkdocs(root)
    for name in ("bibliography", "posts_dir", "docs_dir"):
        if getattr(args, name, None):
            setattr(settings, name, getattr(args, name))
    return settings


def _mkdocs_problem(root: Path):
    """A finding when ``root/mkdocs.yml`` exists but is not readable UTF-8 YAML (MkDocs'
    own tags, ``!ENV``, are only composed, never constructed, so they pass)."""
    import yaml

    from toulmin.textfile import decode_text

    path = root / "mkdocs.yml"
    if not path.exists():
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        return RULES["DOC004"].at("mkdocs.yml", 1, 1, f"mkdocs.yml cannot be read: "
                                  f"{exc.strerror}", "make mkdocs.yml a readable file")
    text, problems = decode_text(data, "mkdocs.yml")
    if problems:
        return problems[0]
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return RULES["DOC004"].at("mkdocs.yml", line, col, "mkdocs.yml is not valid YAML: "
                                  f"{exc.problem or exc.context}", "correct the YAML syntax")
    except (yaml.YAMLError, RecursionError) as exc:
        return RULES["DOC004"].at("mkdocs.yml", 1, 1, "mkdocs.yml is not valid YAML: "
                                  f"{type(exc).__name__}", "correct the YAML syntax")
    return None


def _unreadable_input(root: Path, settings):
    """A finding when the check could not read the site as it is laid out: a file where
    the posts, pages or scripts folder belongs (DOC010: the check would read no post and
    pass), or a stopwords file that is not UTF-8 text (DOC001, DOC002)."""
    from toulmin.textfile import decode_text

    for option in ("posts_dir", "docs_dir", "scripts_dir"):
        folder = getattr(settings, option)
        if folder and (root / folder).is_file():
            return RULES["DOC010"].at(folder.rstrip("/"), 1, 1, f"{folder.rstrip('/')} is "
                                      "a file, not a folder: no document in it is checked",
                                      f"make {folder.rstrip('/')} a folder (or set "
                                      f"{option} in mkdocs.yml)")
    if settings.stopwords:
        try:
            data = (root / settings.stopwords).read_bytes()
        except OSError as exc:
            return RULES["CLI003"].at(settings.stopwords, 1, 1, "stopwords file cannot be "
                                      f"read: {exc.strerror}")
        problems = decode_text(data, settings.stopwords)[1]
        if problems:
            return problems[0]
    return None


def cmd_new(args: argparse.Namespace) -> int:
    import datetime as dt

    from toulmin.cli import new as newpost
    from toulmin.settings import find_site

    root = find_site(Path(args.root))
    if root is None:
        print(RULES["NEW003"].at(
            args.root, 1, 1, "not inside a toulmin site (no mkdocs.yml with the toulmin "
            "plugin here or above); start one with `toulmin init DIR`").format(),
            file=sys.stderr)
        return 2
    settings = read_mkdocs(root)
    try:
        date = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(RULES["CLI002"].at(args.date, 1, 1, "not a date (YYYY-MM-DD)").format(),
              file=sys.stderr)
        return 2
    try:
        post = newpost.create(root, args.title, posts_dir=settings.posts_dir,
                              docs_dir=settings.docs_dir, author=args.author, date=date)
    except newpost.NewPostError as e:
        print(e.finding.format(), file=sys.stderr)
        return 1
    print(post.relpath)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from toulmin.cli import init

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        site = init.create(args.dir, progress=progress)
    except init.InitError as e:
        print(e.finding.format(), file=sys.stderr)
        return 2
    for rel in site.written:
        print(rel)
    where = init.shown(site.root)
    go = "" if where == "." else f"cd {where} && "
    print(f"toulmin: a new site in {where}. Next: {go}toulmin check, then mkdocs serve "
          "to preview; toulmin new \"Title\" starts a post.", file=sys.stderr)
    return 0


def _check_once(args: argparse.Namespace) -> int:
    from toulmin.findings import has_errors, sort_findings, to_json
    from toulmin.project import Project
    from toulmin.rules import human

    target = Path(args.path)
    if not target.exists():
        return _fatal(RULES["CLI001"].at(args.path, 1, 1, "no such file or folder"), args)
    root, only = _site_root(target)
    try:
        settings = _check_settings(root, args)
    except SettingsError as exc:  # under --watch, keep watching until mkdocs.yml is fixed
        return _fatal(exc.finding, args)
    if not (root / settings.bibliography).exists():
        return _fatal(RULES["BIB000"].at(settings.bibliography, 1, 1,
                                         f"reference base not found in {root}"), args)
    if not (root / settings.bibliography).is_file():
        return _fatal(RULES["BIB000"].at(settings.bibliography, 1, 1,
                                         "the reference base is a folder, not a file"), args)
    if settings.stopwords and not (root / settings.stopwords).is_file():
        return _fatal(RULES["CLI003"].at(settings.stopwords, 1, 1,
                                         f"stopwords file not found in {root}"), args)
    problem = _unreadable_input(root, settings)
    if problem is not None:
        return _fatal(problem, args)
    project = Project.load(root, settings)
    findings = project.check()
    shown: set[str] = set()
    if only is not None:
        shown = {p.relative_to(root).as_posix() for p in only if p.is_relative_to(root)}
        findings = [f for f in findings if f.path in shown]
    if args.strict_refs:
        from dataclasses import replace

        # --strict-refs: the registry lock's warnings (REF001, REF002, REF006) are errors
        findings = [replace(f, severity="error") if f.code.startswith("REF") else f
                    for f in findings]
    if args.no_warnings:
        findings = [f for f in findings if f.is_error]
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "human")
    if fmt == "json":
        suppressed = project.suppressed()
        if only is not None:
            suppressed = [f for f in suppressed if f.path in shown]
        print(to_json(sort_findings([*findings, *suppressed])))
    elif fmt == "github":
        for f in findings:
            print(f.github())
    else:
        for f in findings:
            print(human(f))
        errors = sum(f.is_error for f in findings)
        warnings = len(findings) - errors
        docs = len(project.documents) if only is None else len(only)
        summary = (f"{errors} error{'s' * (errors != 1)}, {warnings} warning"
                   f"{'s' * (warnings != 1)} in {docs} document{'s' * (docs != 1)} and "
                   f"{len(project.bib)} reference{'s' * (len(project.bib) != 1)}")
        hidden = len(project.suppressed()) if only is None else 0
        if hidden:
            summary += f" ({hidden} suppressed: --format json lists them)"
        print(summary, file=sys.stderr)
    return 1 if has_errors(findings) else 0


def cmd_generate(args: argparse.Namespace) -> int:
    if not getattr(args, "watch", False):
        return _generate_once(args)
    from toulmin.cli import watch

    root = Path(args.path).resolve()
    if not root.is_dir():
        return _generate_once(args)
    settings = _check_settings(root, args)
    return watch.run(lambda: _generate_once(args), watch.inputs(root, settings))


def _generate_once(args: argparse.Namespace) -> int:
    from toulmin.findings import has_errors
    from toulmin.generate.write import GenerateError, generate, output_folder
    from toulmin.project import Project
    from toulmin.rules import human

    root = Path(args.path).resolve()
    if not root.is_dir():
        return _fatal(RULES["CLI001"].at(args.path, 1, 1, "no such folder"), args)
    settings = _check_settings(root, args)
    if not (root / settings.bibliography).is_file():
        return _fatal(RULES["BIB000"].at(settings.bibliography, 1, 1,
                                         f"reference base not found in {root}"), args)
    try:
        output_folder(root, settings, args.out)
    except GenerateError as exc:
        return _fatal(RULES["CLI007"].at(args.out or ".", 1, 1, str(exc)), args)
    project = Project.load(root, settings)
    findings = project.check()
    errors = [f for f in findings if f.is_error]
    for f in errors:
        print(human(f), file=sys.stderr)
    if has_errors(findings) and not args.preview:
        print(f"toulmin: {len(errors)} error{'s' * (len(errors) != 1)}; nothing generated "
              "(--preview writes the pages with the errors shown on them)", file=sys.stderr)
        return 1
    done = generate(root, args.out, settings=settings, project=project)
    rel = done.out.relative_to(root) if done.out.is_relative_to(root) else done.out
    print(f"{rel}: {done.written} file{'s' * (done.written != 1)} written, {done.kept} "
          f"unchanged, {done.removed} removed; build it with: zensical build -f "
          f"{Path(rel, done.config.name).as_posix()}", file=sys.stderr)
    return 0


def cmd_postbuild(args: argparse.Namespace) -> int:
    from toulmin.generate.postbuild import finish
    from toulmin.generate.write import DEFAULT_OUT, FEED_NAME
    from toulmin.render.feeds import FeedError

    root = Path(args.path).resolve()
    rel = args.site or f"{DEFAULT_OUT}/site"
    site = root / rel
    if not root.is_dir() or not site.is_dir():
        return _fatal(RULES["CLI001"].at(rel if root.is_dir() else args.path, 1, 1,
                                         "no such folder (build the site first)"), args)
    settings = _check_settings(root, args)
    try:
        done = finish(site, settings.content_security_policy,
                      feed=site.parent / FEED_NAME if args.site is None else None)
    except FeedError as exc:
        return _fatal(RULES["CLI008"].at(rel, 1, 1, str(exc)), args, code=1)
    print(f"{rel}: the policy declared in {done.pages} page{'s' * (done.pages != 1)} "
          f"({done.kept} had it), {done.feeds} feed{'s' * (done.feeds != 1)} parsed",
          file=sys.stderr)
    return 0


def cmd_charts(args: argparse.Namespace) -> int:
    from toulmin.checks.charts import chart_findings

    root = Path(args.path).resolve()
    if not root.is_dir():
        print(RULES["CLI001"].at(args.path, 1, 1, "no such folder").format(), file=sys.stderr)
        return 2
    settings = read_mkdocs(root)
    if not (root / settings.scripts_dir).is_dir():
        print(RULES["CHA000"].at(settings.scripts_dir, 1, 1,
                                 f"no scripts folder in {root}").format(), file=sys.stderr)
        return 2
    from toulmin.definitions import charts
    from toulmin.definitions.runner import Limits

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    result = charts.compute(root, settings.scripts_dir, settings.datapackage,
                            settings.cache_dir, use_cache=not args.force, progress=progress,
                            limits=Limits.of(settings))
    try:
        written = [] if args.check else charts.write(root, result, settings.charts_dir)
    except charts.WriteError as exc:  # nothing was changed: one line, no traceback
        print(exc.finding().format(), file=sys.stderr)
        return 1
    findings = chart_findings(root, result, check_files=args.check,
                              charts_dir=settings.charts_dir)
    for f in findings:
        print(f.format())
    if not args.check:
        for rel in written:
            print(f"wrote {rel}", file=sys.stderr)
        n = len(result.results)
        print(f"{n} chart{'s' * (n != 1)}: {len(result.rendered)} rendered, "
              f"{len(written)} file{'s' * (len(written) != 1)} written", file=sys.stderr)
    return 1 if any(f.is_error for f in findings) else 0


def _registry_setup(root: Path, args: argparse.Namespace):
    from toulmin.registries.client import CACHE_SUBDIR, Config

    settings = read_mkdocs(root)
    if args.bibliography:
        settings.bibliography = args.bibliography
    # TOULMIN_MAILTO, else the plugin's mailto in mkdocs.yml, else the default address
    mailto = None if os.environ.get("TOULMIN_MAILTO") else (settings.mailto or None)
    config = Config.from_env(timeout=args.timeout, refresh=args.refresh, mailto=mailto,
                             cache_dir=root / settings.cache_dir / CACHE_SUBDIR)
    return root / settings.bibliography, root / "references.lock.json", config


def cmd_verify_refs(args: argparse.Namespace) -> int:
    from toulmin.registries.verify import verify_refs

    root = Path(args.path).resolve()
    bib_path, lock_path, config = _registry_setup(root, args)
    if not bib_path.exists():
        print(RULES["BIB000"].at(bib_path.name, 1, 1,
                                 f"reference base not found in {root}").format(),
              file=sys.stderr)
        return 2
    from toulmin.bibliography.sources import SOURCES_NAME
    from toulmin.registries.client import Offline

    settings = read_mkdocs(root)
    sources_path = root / (getattr(settings, "sources", "") or SOURCES_NAME)
    from toulmin.bibliography.lock import WriteError

    try:
        return verify_refs(bib_path, lock_path, config, accept=args.accept,
                           sources_path=sources_path)
    except Offline as exc:
        return _offline(bib_path, root, exc, "the lock is unchanged; run toulmin "
                        "verify-refs again when the network is back")
    except WriteError as exc:
        print(RULES["CLI005"].at(_shown(bib_path, root), 1, 1,
                                 f"{exc.strerror}; the lock and the stored abstracts are "
                                 "unchanged").format(), file=sys.stderr)
        return 2


def _offline(bib_path: Path, root: Path, exc: Exception, what_now: str) -> int:
    """CLI004: one line saying no registry can be reached, and what to do."""
    print(RULES["CLI004"].at(_shown(bib_path, root), 1, 1, f"offline: no DOI registry can "
                             f"be reached ({exc}); {what_now}").format(), file=sys.stderr)
    return 2


def _shown(path: Path, root: Path) -> str:
    """``path`` as a finding names it: relative to the site's root when inside it."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def cmd_add_ref(args: argparse.Namespace) -> int:
    from toulmin.bibliography.lock import WriteError
    from toulmin.registries.addref import add_refs
    from toulmin.registries.client import Offline
    from toulmin.registries.safety import for_terminal

    root = Path(args.root).resolve()
    bib_path, lock_path, config = _registry_setup(root, args)
    try:
        added, problems = add_refs(args.dois, bib_path, lock_path, config)
    except Offline as exc:
        return _offline(bib_path, root, exc, "nothing was added: add the entry by hand "
                        "from the publisher's page, and run toulmin verify-refs later")
    except WriteError as exc:
        print(RULES["CLI005"].at(_shown(bib_path, root), 1, 1,
                                 f"{for_terminal(exc.strerror)}; nothing was added and no "
                                 "file was changed").format(), file=sys.stderr)
        return 2
    for a in added:
        print(for_terminal(f"added @{a.key} ({a.doi}): {a.outcome.verdict}"))
    for p in problems:
        # a line of its own, or a REF009 finding (a refused answer)
        print(for_terminal(f"toulmin: {p}" if isinstance(p, str) else p.format()),
              file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
