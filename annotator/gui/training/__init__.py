"""Training from the window: the train dialog, its setup, the model-savings figures and the gold-set prompt.

Qt only; the rules these widgets apply live below the window (annotator/app, annotator/model, annotator/store)."""
