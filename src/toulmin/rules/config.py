"""Rules CFG001-CFG002: the toulmin plugin's options in mkdocs.yml (``toulmin.settings``)."""

from toulmin.findings import ERROR
from toulmin.rules import Family, Rule

FAMILY = Family("CFG", "configuration", "Configuration", "", (
    Rule("CFG001", ERROR, "the toulmin plugin has no option of that name",
         "A misspelt option is otherwise ignored, and the site is built with the default the "
         "author meant to change (another bibliography, another cache folder).",
         "- toulmin: {bibliograpy: refs.bib}", "- toulmin: {bibliography: refs.bib}",
         "correct the option's name; `toulmin explain CFG001` and the plugin's options list "
         "every name"),
    Rule("CFG002", ERROR, "an option's value has the wrong type",
         "A folder given as a number or a list would fail later, far from its cause.",
         "- toulmin: {posts_dir: 2026}", "- toulmin: {posts_dir: posts}",
         "give the option a value of its type (text for paths)"),
))
