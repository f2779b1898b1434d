"""Checks: one module per family of rules; each returns a list of Findings."""
