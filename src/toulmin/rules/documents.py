"""Rules DOC001-DOC009: a document that cannot be read as written (its encoding, its front
matter)."""

from toulmin.findings import ERROR
from toulmin.rules import Family, Rule

FAMILY = Family("DOC", "documents", "Documents",
                "A post or page whose bytes or front matter cannot be read is not checked "
                "silently: each problem is a finding at its line.", (
    Rule("DOC001", ERROR, "a document that is not UTF-8 text",
         "A file in another encoding (or with NUL bytes) would be published garbled, and its "
         "citations and figures could not be checked.",
         "posts/x.md saved as Latin-1 ('caf\\xe9')", "posts/x.md saved as UTF-8 ('café')",
         "save the file as UTF-8", reserved=True),
))
