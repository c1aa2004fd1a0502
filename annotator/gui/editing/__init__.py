"""Editing annotations from the window: the editor (accept, reject, relabel a selection), relation and event actions, the label choosers, accept-above, the done prompt and the schema editor.

Qt only; the rules these widgets apply live below the window (annotator/app, annotator/model, annotator/store)."""
