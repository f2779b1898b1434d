"""Rules SEC001-SEC009: what a contribution could smuggle onto the site (a link out of the
project, active content in a post or its front matter).

SEC001 is the path checks' (``checks.paths``); SEC002 onwards the content checks'
(``checks.security``).
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
))
