"""annotator: a desktop tool that suggests, corrects, reviews and exports entity and event annotations."""

__version__ = "0.1.0"
