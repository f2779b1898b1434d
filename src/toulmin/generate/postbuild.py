"""``toulmin postbuild``: what the plugin does to an MkDocs build's output, for a site another
builder (Zensical) has built: every page declares the Content-Security-Policy
(``generate.policy``), and every feed must parse as XML (``render.feeds.check_feed``).

A page is rewritten only when it changes, so running it twice changes nothing the second
time.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from toulmin.generate import policy
from toulmin.render import feeds


@dataclass
class Finished:
    """What ``finish`` did: pages given the policy, pages that had it, feeds parsed."""

    pages: int = 0
    kept: int = 0
    feeds: int = 0


def finish(site: str | Path, csp_option: str, feed: str | Path | None = None) -> Finished:
    """Write the Atom feed of the posts ``feed`` lists (``generate``'s feed.json, when
    given), declare the policy of ``csp_option`` (the ``content_security_policy`` setting)
    in every HTML page under ``site`` and parse every feed; raises ``feeds.FeedError`` for
    a feed readers could not parse."""
    site = Path(site)
    done = Finished()
    if feed is not None and Path(feed).is_file():
        _write_atom(site, json.loads(Path(feed).read_text(encoding="utf-8")))
    rule = policy.resolve(csp_option)
    for path in sorted(site.rglob("*.html")):
        if not path.is_file() or path.is_symlink():
            continue
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        new = policy.with_policy(text, rule)
        if new != text:
            path.write_text(new, encoding="utf-8", errors="surrogateescape")
            done.pages += 1
        else:
            done.kept += 1
    for path in sorted(site.glob("feed_*.xml")):  # the builder's and the Atom feed
        feeds.check_feed(path)
        done.feeds += 1
    return done


_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*)</article>', re.S)


def _write_atom(site: Path, data: dict) -> None:
    """feed_atom.xml of the posts in ``data`` (generate's feed.json), each with its built
    page's article as its full text, as the plugin writes it after an MkDocs build."""
    entries = []
    for e in data.get("entries", []):
        page = site / e["page"]
        if not page.is_file():
            continue
        found = _ARTICLE.search(page.read_text(encoding="utf-8", errors="replace"))
        entries.append(feeds.FeedEntry(
            title=e["title"], url=e["url"], authors=tuple(e["authors"]),
            date=_dt.date.fromisoformat(e["date"]) if e["date"] else None,
            content_html=found.group(1).strip() if found else "", summary=e["summary"],
            categories=tuple(e["categories"])))
    site_url = data.get("site_url") or "/"
    site_url += "" if site_url.endswith("/") else "/"
    feeds.write_atom(site, feeds.atom_feed(entries, title=data.get("title", ""),
                                           site_url=site_url,
                                           feed_url=site_url + feeds.ATOM_NAME,
                                           subtitle=data.get("subtitle", "")))
