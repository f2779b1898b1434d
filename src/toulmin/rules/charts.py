"""Rules CHA000-CHA005 and CHA007: charts defined in scripts/ and the images that show them."""

from toulmin.findings import ERROR
from toulmin.rules import Family, Rule

FAMILY = Family("CHA", "charts", "Charts", "", (
    Rule("CHA000", ERROR, "`toulmin charts` finds no scripts folder",
         "Charts are defined in scripts/: without it there is nothing to render.",
         "toulmin charts site/", "toulmin charts .",
         "run it at the site's root, or create `scripts/`"),
    Rule("CHA001", ERROR, "an image points at a chart file that does not exist",
         "A broken image leaves the post's argument without its figure.",
         "![Recovery](../charts/recovery_by_denominatr.svg)",
         "![Recovery](../charts/recovery_by_denominator.svg)",
         "correct the name, or define the chart and run `toulmin charts`"),
    Rule("CHA002", ERROR, "a committed chart differs from a rebuild from its data",
         "A stale chart shows readers numbers the data no longer give.",
         "git commit -am 'new quarter of data'",
         "toulmin charts && git add charts/ && git commit -am 'new quarter of data'",
         "run `toulmin charts` and commit the files"),
    Rule("CHA003", ERROR, "a chart definition raises, or its script fails to import",
         "A chart that cannot be rendered cannot be checked or shown.",
         "alt.Chart(df).mark_bar().encode(x=\"quartr\")",
         "alt.Chart(df).mark_bar().encode(x=\"quarter\")",
         "fix the script: the finding points at its line"),
    Rule("CHA004", ERROR, "a chart's name is defined by two scripts",
         "Each chart is written to charts/NAME.svg: two definitions would overwrite each "
         "other (the first stands).",
         "@toulmin.chart(\"referral_funnel\") (in a second script)",
         "@toulmin.chart(\"referral_funnel_by_region\")",
         "rename one: both would write `charts/referral_funnel.svg`"),
    Rule("CHA005", ERROR, "a chart file that no chart definition renders",
         "A page shows a chart inline, in the page itself: only an SVG that a definition in "
         "scripts/ renders from the data, and that matches its rebuild, is shown or "
         "published. A committed SVG nothing defines is unchecked markup (a script in it "
         "would run on the site).",
         "charts/sketch.svg (drawn by hand, committed)",
         "@toulmin.chart(\"sketch\")",
         "define the chart in scripts/ and run `toulmin charts`, or delete the file (a "
         "picture that is not a chart goes in docs/)"),
    Rule("CHA007", ERROR, "a chart's script times out or ends its process",
         "Scripts run in a child process with a time and a memory limit (the "
         "`script_timeout` and `script_memory_mb` options): a script that exceeds them, or "
         "kills or exits its process, renders nothing.",
         "os._exit(0)", "return alt.Chart(df).mark_bar().encode(x=\"quarter\")",
         "make the script finish (or raise) within the limits; raise the limits if it "
         "needs more"),
))
