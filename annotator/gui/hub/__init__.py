"""The team hub in the window: the hub panel (connect, sync) and the team view.

Qt only; the rules these widgets apply live below the window (annotator/app, annotator/model, annotator/store)."""
