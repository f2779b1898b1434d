"""The Content-Security-Policy each built page declares (generate.policy)."""

from __future__ import annotations

import re

from toulmin.generate.policy import POLICY, resolve, with_policy

PAGE = ('<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8">\n'
        '    <meta name="viewport" content="width=device-width">\n    <title>T</title>\n'
        '  </head>\n  <body><p>x</p></body>\n</html>\n')


def _policies(page: str) -> list[str]:
    return re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)


def test_the_policy_comes_first_after_the_charset():
    out = with_policy(PAGE, POLICY)
    assert _policies(out) == [POLICY]
    head = out.split("<head>", 1)[1]
    assert head.index('charset="utf-8"') < head.index("Content-Security-Policy") < \
        head.index('name="viewport"')
    # nothing else changed
    assert out.replace(out[out.index("<meta http-equiv"):out.index('    <meta name')], "") == PAGE


def test_the_default_refuses_every_other_host():
    directives = dict(d.strip().split(" ", 1) for d in POLICY.split(";"))
    assert directives["default-src"] == "'self'"
    for name in ("img-src", "connect-src", "font-src", "frame-src", "media-src",
                 "worker-src", "style-src", "script-src", "base-uri", "form-action"):
        sources = directives[name].split()
        assert "*" not in sources and "https:" not in sources and "http:" not in sources, name
        assert all(s.startswith("'") or s == "data:" for s in sources), name
    assert directives["object-src"] == "'none'"


def test_a_page_without_a_head_or_with_its_own_policy_is_left_alone():
    assert with_policy("<p>fragment</p>", POLICY) == "<p>fragment</p>"
    own = PAGE.replace("<title>", '<meta http-equiv="content-security-policy" '
                                  "content=\"default-src 'none'\"><title>")
    assert with_policy(own, POLICY) == own


def test_the_option_default_none_or_a_policy_of_the_site():
    assert resolve("default") == POLICY
    assert resolve("") == "" and with_policy(PAGE, resolve("")) == PAGE
    mine = "default-src 'self'; img-src 'self' https://tiles.example.org"
    assert _policies(with_policy(PAGE, resolve(mine))) == [mine]
    # a quote in a site's policy cannot end the attribute
    assert 'content="a&quot; onload=&quot;x"' in with_policy(PAGE, 'a" onload="x')
