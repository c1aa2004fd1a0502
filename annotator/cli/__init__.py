"""The command line (``annotator``): one module per command group, each a thin click wrapper.

``annotator.cli:main`` is the entry point (pyproject's ``[project.scripts]``, ``python -m annotator``).
"""

from annotator.cli.projects import main

__all__ = ["main"]
