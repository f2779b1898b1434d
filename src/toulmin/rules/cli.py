"""Rules CLI001-CLI003: the command line's own arguments (``cli.app``)."""

from toulmin.findings import ERROR
from toulmin.rules import Family, Rule

FAMILY = Family("CLI", "command line", "The command line", "", (
    Rule("CLI001", ERROR, "no such file or folder",
         "The command was given a path that does not exist.",
         "toulmin check post/", "toulmin check posts/",
         "correct the path"),
    Rule("CLI002", ERROR, "not a date (YYYY-MM-DD)",
         "A post's date is written into its file name and front matter.",
         "toulmin new \"Title\" --date 2/11/2026", "toulmin new \"Title\" --date 2026-11-02",
         "write the date as YYYY-MM-DD"),
    Rule("CLI003", ERROR, "the stopwords file named in mkdocs.yml does not exist",
         "The mention check reads the site's own words that look like surnames from it; "
         "without it every such word would be reported as an author with no entry.",
         "- toulmin: {stopwords: data/stopword.txt}", "- toulmin: {stopwords: data/stopwords.txt}",
         "correct the path in the plugin's stopwords option, or create the file"),
))
