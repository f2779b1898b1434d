"""Rules DOC001-DOC010: a document that cannot be read as written (its encoding, its front
matter, a citation or a quoted statistic that is not one, a file where a folder belongs)."""

from toulmin.findings import ERROR, WARNING
from toulmin.rules import Family, Rule

FAMILY = Family("DOC", "documents", "Documents",
                "A post or page whose bytes or front matter cannot be read is not checked "
                "silently: each problem is a finding at its line.", (
    Rule("DOC001", ERROR, "a document that is not UTF-8 text",
         "A file in another encoding (or with NUL bytes) would be published garbled, and its "
         "citations and figures could not be checked.",
         "posts/x.md saved as Latin-1 ('caf\\xe9')", "posts/x.md saved as UTF-8 ('café')",
         "save the file as UTF-8"),
    Rule("DOC002", ERROR, "a NUL byte in a text file",
         "A NUL byte is no text: tools stop reading at it, and what follows may be lost "
         "from the page or the check.",
         "Loans rose.\\x00 (a NUL byte pasted in)", "Loans rose.",
         "delete the byte (the column points at it)"),
    Rule("DOC003", ERROR, "front matter that never closes",
         "Without its closing `---` the whole document is read as front matter: nothing "
         "of it is checked or shown.",
         "--- / title: Loans (and no closing ---)", "--- / title: Loans / ---",
         "close the front matter with a line `---`"),
    Rule("DOC004", ERROR, "front matter (or mkdocs.yml) that is not valid YAML",
         "MkDocs drops front matter it cannot read: the post loses its title, date and "
         "tags. A mkdocs.yml that cannot be read stops `toulmin check`: with the defaults "
         "it would check the wrong folders and pass.",
         "title: Loans: a history (an unquoted colon)",
         "title: \"Loans: a history\"",
         "quote the value; indent with spaces, not tabs"),
    Rule("DOC005", ERROR, "a post date that is not a date",
         "The blog sorts and archives posts by date; a date it cannot read fails the build "
         "or misplaces the post.",
         "date: 2026-13-45", "date: 2026-01-15",
         "write the date as YYYY-MM-DD"),
    Rule("DOC006", WARNING, "a post without a title",
         "A post with no title is listed and fed under its file name.",
         "--- / date: 2026-01-15 / ---", "--- / title: Loans / date: 2026-01-15 / ---",
         "add `title:` to the front matter (or start the post with a `# Heading`)",
         severity_note="an error when the title is not text (a list or a mapping), which "
                       "the theme cannot print"),
    Rule("DOC007", ERROR, "an empty citation",
         "`[@]` names no work: it is printed as written and cites nothing.",
         "as shown [@].", "as shown [@clark2018transparency].",
         "write the key after the @"),
    Rule("DOC008", ERROR, "a citation that never closes",
         "`[@key` without its `]` is not a citation: it is printed as written, and the "
         "work is not cited.",
         "as shown [@clark2018transparency.", "as shown [@clark2018transparency].",
         "close the bracket"),
    Rule("DOC009", ERROR, "a statistic quoted without a name",
         "`{stat=}` names no statistic: the figure is neither checked nor filled.",
         "[42%]{stat=}", "[42%]{stat=loans_share}",
         "write the statistic's name after `stat=`"),
    Rule("DOC010", ERROR, "a file where the site's posts, pages or scripts folder belongs",
         "With `posts` a file, `toulmin check` would find no post and pass: nothing of the "
         "site would be checked. It stops instead.",
         "posts (a file)", "posts/ (a folder of Markdown files)",
         "make it a folder, or name the right one in mkdocs.yml (`posts_dir`, `docs_dir`, "
         "`scripts_dir`)"),
))
