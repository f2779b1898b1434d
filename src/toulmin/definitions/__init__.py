"""A site's definitions in ``scripts/``: the data package, statistics, effects and charts.

Owns loading the Frictionless Data Package, running the statistic and chart definitions,
their results and caches, and the effect-size arithmetic they use. May import only the
core modules; pandas, altair, scipy and frictionless are imported here, and only when a
cache is cold.
"""
