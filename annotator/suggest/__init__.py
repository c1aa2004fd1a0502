"""Suggestions: the only code that loads spaCy pipelines. It returns domain objects, never spaCy's."""
