"""Rules NEW001-NEW002: starting a post with ``toulmin new`` (``cli.new``)."""

from toulmin.findings import ERROR
from toulmin.rules import Family, Rule

FAMILY = Family("NEW", "new posts", "New posts", "", (
    Rule("NEW001", ERROR, "a post with this name already exists",
         "`toulmin new` never overwrites a post.",
         "toulmin new \"What recovery means\" (a second time today)",
         "toulmin new \"What recovery means, revisited\"",
         "edit the existing post, or choose another title"),
    Rule("NEW002", ERROR, "an unknown author id",
         "The blog shows each post's author from docs/blog/.authors.yml.",
         "toulmin new \"Title\" --author nobody", "toulmin new \"Title\" --author editor",
         "use an author id from `docs/blog/.authors.yml`"),
))
