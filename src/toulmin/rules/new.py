"""Rules NEW001-NEW004: starting a post with ``toulmin new`` (``cli.new``) and a site with
``toulmin init`` (``cli.init``)."""

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
    Rule("NEW003", ERROR, "`toulmin new` run outside a site",
         "A post belongs to a site: `toulmin new` writes it into the posts folder of the "
         "site whose mkdocs.yml enables the toulmin plugin, and there is none here or above.",
         "toulmin new \"Title\" (in a folder with no mkdocs.yml)",
         "toulmin init my-site && cd my-site && toulmin new \"Title\"",
         "run it inside a site (or pass --root SITE); start a site with `toulmin init DIR`"),
    Rule("NEW004", ERROR, "`toulmin init` would overwrite a file or a site",
         "`toulmin init` starts a site in an empty folder (or one holding only unrelated "
         "files) and never overwrites what is there.",
         "toulmin init . (in a folder that already has a mkdocs.yml)",
         "toulmin init my-new-site",
         "choose an empty folder, or move the named file out of the way"),
))
