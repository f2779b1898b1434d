"""The Content-Security-Policy every built page declares: nothing loads from another host.

The check keeps active content out of the site (SEC002-SEC007) and the build escapes what
the theme prints, but a rule can be turned off, and a page is the author's HTML. The policy
is the last line: a ``<meta http-equiv="Content-Security-Policy">`` placed first in each
page's ``<head>`` (after ``<meta charset>``), so the browser itself refuses any script,
style, image, font, frame, connection or form target from another host, whatever a page
holds. It keeps the reader's privacy promise ("the built site makes no request to any third
party") even for markup no check saw.

What it allows is what the theme and toulmin's charts need from the site itself: inline
scripts and styles (Material's configuration and state scripts, style attributes), and
``'unsafe-eval'`` because Vega compiles its expressions with ``Function``. ``data:`` images
are allowed (Material's icons, Vega's canvas exports). ``frame-ancestors`` cannot be set
from a ``<meta>`` (only from a server header), so it is not listed.

Reference: W3C, Content Security Policy Level 3, https://www.w3.org/TR/CSP3/ (the meta
element: section 3.3).
"""

from __future__ import annotations

import html
import re

#: The default policy (the ``content_security_policy`` option; "" turns it off)
POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
          "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
          "connect-src 'self'; media-src 'self'; worker-src 'self'; frame-src 'self'; "
          "object-src 'none'; base-uri 'self'; form-action 'self'")

_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.I)
_CHARSET = re.compile(r"[ \t]*<meta\s+charset=[^>]*>\n?", re.I)
_ALREADY = re.compile(r"<meta\s+http-equiv=\"?content-security-policy", re.I)


def resolve(option: str) -> str:
    """The policy the ``content_security_policy`` option asks for."""
    return POLICY if option.strip() == "default" else option.strip()


def with_policy(page: str, policy: str) -> str:
    """``page`` with ``policy`` declared first in its head (after its charset); unchanged
    when ``policy`` is empty, the page has no head, or it declares a policy already."""
    if not policy:
        return page
    head = _HEAD.search(page)
    if head is None or _ALREADY.search(page, head.end(), head.end() + 4096):
        return page
    at = head.end()
    charset = _CHARSET.search(page, at, at + 1024)
    if charset is not None:
        at = charset.end()
    meta = ('<meta http-equiv="Content-Security-Policy" '
            f'content="{html.escape(policy, quote=False).replace(chr(34), "&quot;")}">\n')
    return page[:at] + meta + page[at:]
