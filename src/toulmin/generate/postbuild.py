"""``toulmin postbuild``: what the plugin does to an MkDocs build's output, for a site another
builder (Zensical) has built: every page declares the Content-Security-Policy
(``generate.policy``), and every feed must parse as XML (``render.feeds.check_feed``).

A page is rewritten only when it changes, so running it twice changes nothing the second
time.
"""

from __future__ import annotations

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


def finish(site: str | Path, csp_option: str) -> Finished:
    """Declare the policy of ``csp_option`` (the ``content_security_policy`` setting) in
    every HTML page under ``site`` and parse every feed; raises ``feeds.FeedError`` for a
    feed readers could not parse."""
    site = Path(site)
    done = Finished()
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
    for path in sorted(site.glob("feed_*.xml")):
        feeds.check_feed(path)
        done.feeds += 1
    return done
