"""The path check (code SEC001): links in the site's folders that lead out of the project.

Every folder a contribution fills (posts, docs, charts, the Data Package's folder, scripts,
the stored excerpts) is walked without following links; a link whose target resolves
outside the project is an error at the link. The project (``toulmin.project``), the
definitions engine and the MkDocs plugin skip such files (``toulmin.paths``): this check
says why they are missing.
"""

from __future__ import annotations

from toulmin.checks.interface import SiteContext, check
from toulmin.findings import Finding
from toulmin.paths import outside_links
from toulmin.rules import RULES


def guarded_folders(settings) -> list[str]:
    """The project's folders whose files are read, run or published."""
    return list(dict.fromkeys([settings.posts_dir, settings.docs_dir, settings.charts_dir,
                               settings.data_dir, settings.scripts_dir, settings.sources_dir]))


@check("site", families=("SEC",))
def outside_link_rules(ctx: SiteContext) -> list[Finding]:
    """SEC001: each link under the guarded folders whose target lies outside the project."""
    return [RULES["SEC001"].at(rel, 1, 1,
                               f"{_shown(rel)} is a link to {_shown(target)}, outside the "
                               "project: it is "
                               "neither read nor published",
                               "replace the link by the file itself, or remove it")
            for rel, target in outside_links(ctx.root, guarded_folders(ctx.settings))]


def _shown(text: str) -> str:
    """``text`` on one line: a control character in a file name is shown as ``?``."""
    return "".join(c if c.isprintable() else "?" for c in text)
