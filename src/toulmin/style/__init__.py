"""Citation styles: how references and in-text citations are written (APA 7, ``style.apa``).

May import ``toulmin.bibliography`` and ``toulmin.scan.model``; knows nothing of HTML pages,
checks or MkDocs.
"""
