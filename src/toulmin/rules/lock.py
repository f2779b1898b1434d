"""Rules REF000-REF006: entries against the registry lock (``checks.lock``; no network)."""

from toulmin.findings import ERROR, WARNING
from toulmin.rules import Family, Rule

_INTRO = ("`toulmin verify-refs` (which needs the network) records what the DOI registries "
          "say about each entry in `references.lock.json`; the check reads only that file. "
          "Warnings become errors with `toulmin check --strict-refs`, as in CI.")

FAMILY = Family("REF", "registry lock", "The registry lock", _INTRO, (
    Rule("REF000", ERROR, "the lock file cannot be read",
         "Without the lock no entry's registry verdict is known.",
         "{\"version\": 1, \"entries\": {", "{\"version\": 1, \"entries\": {}}",
         "restore it from version control, or run `toulmin verify-refs`"),
    Rule("REF001", WARNING, "an entry with a DOI has no lock record",
         "A DOI nobody has checked against the registry may name another work.",
         "doi = {10.1037/0022-0167.38.2.139} (in a new entry)",
         "(the same entry, after `toulmin verify-refs`)",
         "run `toulmin verify-refs` and commit the lock"),
    Rule("REF002", WARNING, "an entry changed since it was verified",
         "The registry's verdict was about the entry as it was; the edit may have broken it.",
         "title = {An edited title} (after verify-refs)",
         "(the same entry, after `toulmin verify-refs`)",
         "run `toulmin verify-refs` again"),
    Rule("REF003", ERROR, "the registry's metadata differs from the entry",
         "A title, year, author or journal that differs from the registry's record means the "
         "entry or its DOI is wrong.",
         "year = {2017}", "year = {2018}",
         "correct the entry (the message lists the fields)"),
    Rule("REF004", ERROR, "the DOI is not registered",
         "An unregistered DOI links readers to an error page; it is often truncated.",
         "doi = {10.1037/not-registered}", "doi = {10.1037/0022-0167.38.2.139}",
         "correct the DOI"),
    Rule("REF005", ERROR, "a retracted work cited without saying so",
         "Readers must be told when a claim rests on a retracted work.",
         "[@wakefield1998]", "[@wakefield1998, retracted]",
         "cite something else, or mark it: `[@wakefield1998, retracted]`"),
    Rule("REF006", WARNING, "the registry could not be asked when the entry was checked",
         "The entry's verdict is unknown until the registry answers.",
         "verdict: unchecked (timeout)", "verdict: verified",
         "run `toulmin verify-refs` again"),
))
