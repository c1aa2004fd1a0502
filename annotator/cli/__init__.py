"""The command line (``annotator``): one module per command group, each a thin click wrapper
over typed functions in the packages below (which the tests call directly).

- :mod:`~annotator.cli.projects`: the ``annotator`` group itself (``--db``, errors as one line) and
  the commands that make and fill a project: ``init``, ``import``, ``stats``, ``merge``, ``gui``.
- :mod:`~annotator.cli.suggest` (``suggest``), :mod:`~annotator.cli.accept` (``accept-above``),
  :mod:`~annotator.cli.export` (``export``), :mod:`~annotator.cli.review` (``agreement``, ``evaluate``),
  :mod:`~annotator.cli.learning` (``train``, ``models``), :mod:`~annotator.cli.hub` (``hub ...``, ``sync``),
  :mod:`~annotator.cli.safety` (``check``, ``backups``, ``restore``, ``repair-names``).
- :mod:`~annotator.cli.common`: progress bars and layer-name checks several groups share;
  :mod:`~annotator.cli.open_file`: ``annotator FILE``.

``annotator.cli:main`` is the entry point (pyproject's ``[project.scripts]``, ``python -m annotator``).
The group modules import :mod:`~annotator.cli.projects` (for ``Project``), never each other; this
package registers them all on ``main``, so no module of the command line imports in a circle.
"""

from annotator.cli import accept, export, hub, learning, review, safety, suggest
from annotator.cli.projects import main

for _group in (safety, hub, accept, learning, review, export, suggest):
    _group.register(main)

__all__ = ["main"]
