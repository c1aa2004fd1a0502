"""Review: compare layers, measure agreement, evaluate against gold, adjudicate into gold.

Pure comparison and decisions (:mod:`compare`, :mod:`adjudicate`, :mod:`metrics`, :mod:`units`)
plus the functions that read a project for them (:mod:`agreement`, :mod:`evaluate`, :mod:`workflow`).
No Qt and no SQLite here: the store does the reading and writing.
"""
