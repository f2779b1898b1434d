"""A site's definitions in ``scripts/``: the data package, statistics, effects and charts.

Owns loading the Frictionless Data Package (``datapackage``) and checking it
(``datavalidation``), the engine that imports the definitions scripts, runs them and
caches their results (``scripts``), what a statistic (``statistics``, ``estimate``) and a
chart (``charts``) add to it, and the effect-size arithmetic scripts use (``effects``).
May import only the core modules; pandas, altair, scipy and frictionless are imported
here, and only when a cache is cold.
"""
