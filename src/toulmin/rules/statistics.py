"""Rules STA001-STA009: statistics quoted in posts and the scripts defining them."""

from toulmin.findings import ERROR, WARNING
from toulmin.rules import Family, Rule

FAMILY = Family("STA", "statistics", "Statistics", "", (
    Rule("STA001", ERROR, "an unknown statistic",
         "A quoted figure tied to no statistic is not recomputed, so nothing checks it.",
         "[50.5%]{stat=nhstt.recovery_rate_2024}", "[50.5%]{stat=nhstt.recovery_rate_2024_25}",
         "use the name it suggests (see the statistics page)"),
    Rule("STA002", ERROR, "the stated value differs from the recomputed one",
         "The figure in the post must be what the data say, at the precision written.",
         "[50.4%]{stat=nhstt.recovery_rate_2024_25}",
         "[50.5%]{stat=nhstt.recovery_rate_2024_25}",
         "write the recomputed value, or fix the script or the data"),
    Rule("STA003", ERROR, "a statistic's script or function raises",
         "A statistic that cannot be computed cannot check the figures that quote it.",
         "return row.recoverd / row.finished_course",
         "return row.recovered / row.finished_course",
         "fix the script: the finding points at its file and line"),
    Rule("STA004", ERROR, "a statistic cites a source not in the reference base",
         "A statistic's page cites its sources; an unknown key cites nothing.",
         "@toulmin.statistic(\"x\", sources=[\"nosuchkey\"])",
         "@toulmin.statistic(\"x\", sources=[\"nhstt2025\"])",
         "add the work to `references.bib` or correct the key"),
    Rule("STA005", WARNING, "a figure neither checked nor in a sentence with a citation",
         "A number with no source and no recomputation is an unsupported claim.",
         "about 40% of appointments are missed.",
         "about 40% of appointments are missed [@nhstt2025].",
         "quote it as a checked statistic, or cite its source in the sentence"),
    Rule("STA006", ERROR, "the brackets of a statistic hold no number",
         "Only a number can be compared with the recomputed value.",
         "[about half]{stat=nhstt.recovery_rate_2024_25}",
         "[]{stat=nhstt.recovery_rate_2024_25}",
         "write the number, or leave the brackets empty to fill it in"),
    Rule("STA007", ERROR, "a statistic's name is defined by two scripts",
         "Posts quote statistics by name: two definitions make the name ambiguous (the "
         "first stands).",
         "@toulmin.statistic(\"nhstt.recovery_rate_2024_25\") (in a second script)",
         "@toulmin.statistic(\"nhstt.recovery_rate_2024_25_reliable\")",
         "rename one: a name defined twice in one script is an `STA003` at the second"),
    Rule("STA008", ERROR, "a statistic's name is not a name",
         "The name is the path of the statistic's page: `../index` would replace the home "
         "page, a line break or markup would put live markup in a page. Such a statistic is "
         "not defined.",
         "@toulmin.statistic(\"../index\")", "@toulmin.statistic(\"nhstt.referrals_2024_25\")",
         "use letters, digits, '_' and '-', in parts separated by single dots"),
    Rule("STA009", ERROR, "a statistic's script times out or ends its process",
         "Scripts run in a child process with a time and a memory limit (the "
         "`script_timeout` and `script_memory_mb` options): a script that exceeds them, or "
         "kills or exits its process, has checked nothing.",
         "while True: pass", "return row.recovered / row.finished_course",
         "make the script finish (or raise) within the limits; raise the limits if it "
         "needs more"),
))
