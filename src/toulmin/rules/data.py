"""Rules DATA001-DATA004: the Data Package and its CSVs (``definitions.datapackage``)."""

from toulmin.findings import ERROR
from toulmin.rules import Family, Rule

FAMILY = Family("DATA", "data", "Data", "", (
    Rule("DATA001", ERROR, "a CSV that does not match its Table Schema",
         "Statistics are computed from these files: a cell that breaks its type or a "
         "misplaced column silently changes a result.",
         "2024-25,n/a,612", "2024-25,1203,612",
         "correct the CSV or its Table Schema in `data/datapackage.yaml`"),
    Rule("DATA002", ERROR, "a resource's file does not exist",
         "A statistic reading a missing file cannot be computed.",
         "path: nhs-talking-therapies/missing.csv",
         "path: nhs-talking-therapies/recovery.csv",
         "correct the path or add the file"),
    Rule("DATA003", ERROR, "a source citation that is not in the reference base",
         "The data's provenance is cited on the statistics pages; an unknown key cites "
         "nothing.",
         "citation: nosuchkey", "citation: nhstt2025",
         "use a key from `references.bib`"),
    Rule("DATA004", ERROR, "the data package descriptor is not valid",
         "A descriptor that is not YAML or not a valid Data Package leaves every resource "
         "unchecked.",
         "resources: {name: recovery", "resources: [{name: recovery, path: recovery.csv}]",
         "fix the descriptor (`frictionless validate data/datapackage.yaml` says more)"),
))
