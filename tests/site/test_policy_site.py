"""Every page of the built site declares the Content-Security-Policy, once, first in its head."""

from __future__ import annotations

from toulmin.generate.policy import POLICY


def test_every_built_page_declares_the_policy(built):
    pages = [p for p in built.rglob("*.html") if "assets" not in p.relative_to(built).parts]
    assert len(pages) > 20 and (built / "404.html") in pages
    for path in pages:
        page = path.read_text(encoding="utf-8")
        head = page.split("<head>", 1)[1].split("</head>", 1)[0]
        assert head.count("Content-Security-Policy") == 1, path
        # before any stylesheet or script the head loads
        at = head.index("Content-Security-Policy")
        for tag in ("<link", "<script", "<style"):
            assert tag not in head[:at], (path, tag)
    assert POLICY in (built / "index.html").read_text(encoding="utf-8")
