"""The application layer shared by the window and the command line: no Qt here.

``session`` (one analyst's work on one project: the open document, its edits, the suggester's
results), ``workspace`` (where projects, logs and seeds live; creating and opening a project),
``open_document`` (the document on screen with its annotations and pending suggestions) and
``bundled`` (files shipped inside the package, also from a PyInstaller bundle).
"""
