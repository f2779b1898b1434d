"""Checks: every rule that looks at a site, one module per family, one interface.

A check is a function of a context returning findings, registered with
``interface.check`` (scope "site" or "document", and the code families it produces); the
project runs what the registry holds (``toulmin.project``). Each finding is made through
the rule table (``toulmin.rules``). May import the core modules, ``bibliography``,
``scan``, ``definitions`` and ``style``; never ``render``, ``adapters`` or ``cli``.
"""
