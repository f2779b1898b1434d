"""Adapters to site builders. Only this package imports a builder (mkdocs).
"""
