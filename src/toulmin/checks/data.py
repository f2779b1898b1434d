"""The Data Package check (codes DATA001-DATA004): a site check over ``data/``.

The validation itself (frictionless, with its cache) is ``definitions.datavalidation.validate``;
this module registers it, with the reference base's keys for the sources' citations.
"""

from __future__ import annotations

from toulmin.checks.interface import SiteContext, check
from toulmin.findings import Finding


@check("site", families=("DATA",))
def data_package(ctx: SiteContext) -> list[Finding]:
    """Every problem of the site's Data Package and its CSVs (none when it has none)."""
    if not (ctx.root / ctx.settings.datapackage).exists():
        return []
    from toulmin.definitions import datavalidation

    return datavalidation.validate(ctx.root, ctx.settings.datapackage,
                                   bib_keys=set(ctx.bib.entries.keys()),
                                   cache_dir=ctx.settings.cache_dir)
