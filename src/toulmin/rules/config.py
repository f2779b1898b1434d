"""Rules CFG001-CFG005: the toulmin plugin's options in mkdocs.yml (``toulmin.settings``)
and the suppression comments in the Markdown (``toulmin.scan.suppressions``)."""

from toulmin.findings import ERROR, WARNING
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
    Rule("CFG003", ERROR, "the rules option names a code that is not a rule",
         "A misspelt code in `rules:` would leave the rule the author meant to change at its "
         "default severity, silently.",
         "- toulmin: {rules: {CIT07: warning}}", "- toulmin: {rules: {CIT007: warning}}",
         "correct the code; `toulmin explain` lists every rule's code"),
    Rule("CFG004", ERROR, "a suppression comment without a reason, or with an unknown code",
         "A suppression is a decision a reader of the source should be able to review: it "
         "names the rule it silences and says why, in the comment itself.",
         "<!-- toulmin: ignore CIT007 -->",
         "<!-- toulmin: ignore CIT007 the programme's slogan, not a quotation -->",
         "write the rule's code, then the reason: "
         "`<!-- toulmin: ignore CODE why this is not a problem -->`"),
    Rule("CFG005", WARNING, "a suppression comment that suppresses nothing",
         "A suppression left behind after the text was fixed would silence the next real "
         "problem on that line.",
         "<!-- toulmin: ignore STA005 a name, not a figure --> (on a line with no STA005)",
         "(the comment removed)",
         "remove the comment, or move it to the line of the finding (or alone on the line "
         "before it)"),
))
