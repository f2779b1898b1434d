"""Rules REF000-REF009: entries against the registry lock (``checks.lock``; no network),
and the registry answers ``add-ref`` and ``verify-refs --accept`` refuse to write
(``registries.addref``, ``registries.verify``)."""

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
    Rule("REF007", ERROR, "no registered work matches an entry without a DOI",
         "verify-refs searched the registry by title and authors and found no registered "
         "work scoring 0.9 or more: the entry may be wrong, or the work may be unregistered.",
         "@misc{nhs2024report, title = {Annual report}, ...} (no doi)",
         "@misc{nhs2024report, ..., unregistered = {grey literature: official statistics}}",
         "correct the entry or add its DOI, or declare it `unregistered = {<reason>}`"),
    Rule("REF008", WARNING, "a verdict recorded by hand looks like a registry's",
         "Only a registry's answer may say \"verified\"; metadata checked by hand is recorded "
         "as such, with who checked it against what.",
         "\"recorded\": \"offline\", \"verdict\": \"verified\"",
         "\"verdict\": \"checked_by_hand\", \"checked_by\": \"the editors\", "
         "\"checked_against\": \"the publisher's page\"",
         "record it as `checked_by_hand` with `checked_by` and `checked_against`, or run "
         "`toulmin verify-refs`"),
    Rule("REF009", ERROR, "a registry's answer cannot be written safely",
         "A DOI or field value from a registry is written into references.bib; one holding "
         "a brace, a line break or a control character could close its field and add "
         "others (or whole entries) that no registry vouched for, and the lock would still "
         "say verified.",
         "doi = {10.1000/x}, url = {https://elsewhere.example} (a DOI a registry answered)",
         "doi = {10.1000/x}",
         "nothing was written: add the entry by hand from the publisher's page, and run "
         "`toulmin verify-refs`"),
))
