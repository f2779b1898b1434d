"""Rules CLI001-CLI008: the command line's own arguments (``cli.app``), the network
commands' reach (``registries.client``), the files they write (CLI005: the reference base
and its lock; CLI006: the charts, ``definitions.charts.write``), ``generate``'s output
folder (CLI007) and ``postbuild``'s feeds (CLI008)."""

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
    Rule("CLI004", ERROR, "no registry can be reached (offline)",
         "`add-ref` and `verify-refs` ask the DOI registries over the network; without it "
         "they would wait through every retry of every entry and then record nothing useful.",
         "toulmin verify-refs (on a train, no network)",
         "toulmin verify-refs (later, online)",
         "add the entry by hand from the publisher's page; run `toulmin verify-refs` later, "
         "when the network is back"),
    Rule("CLI005", ERROR, "a file cannot be written",
         "`add-ref` and `verify-refs` write references.bib, the lock and the stored "
         "abstracts together; a read-only folder or a full disk must leave them as they "
         "were, never an entry without its lock record.",
         "toulmin add-ref 10.1371/journal.pone.0033693 (on a full disk)",
         "toulmin add-ref 10.1371/journal.pone.0033693 (with space free)",
         "make the files writable or free space, then run the command again"),
    Rule("CLI006", ERROR, "a chart file cannot be written (full disk, file size limit)",
         "`toulmin charts` writes every chart's files or none: a chart whose SVG was updated "
         "and whose Vega-Lite JSON was not, or half the charts updated, would be committed "
         "as they are and disagree with the data.",
         "toulmin charts (on a full disk)", "toulmin charts (after freeing space)",
         "free space on the disk (or raise the file size limit) and run the command again; "
         "the committed charts are unchanged and no temporary file is left"),
    Rule("CLI007", ERROR, "the generated folder would write over the author's files",
         "`toulmin generate` rewrites its output folder, removing what the site no longer "
         "needs; it writes only into a folder it made (marked by .toulmin-generated), never "
         "into the site's root or a folder the site reads.",
         "toulmin generate --out docs", "toulmin generate --out .toulmin/site-src",
         "choose a new folder (the default, .toulmin/site-src, is safe), or empty the one "
         "named"),
    Rule("CLI008", ERROR, "a feed of the built site is not well-formed XML",
         "`toulmin postbuild` reads every feed another builder (Zensical) wrote, as the "
         "plugin does after an MkDocs build: a feed readers cannot parse is not published.",
         "<title>Q&A</title> (a bare ampersand in feed_rss_created.xml)",
         "<title>Q&amp;A</title>",
         "find the post whose title, description or text broke the feed (the line and column "
         "say where) and report the builder's escaping bug; remove the feed until it is "
         "fixed"),
))
