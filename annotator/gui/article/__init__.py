"""The article view: the text widget, its highlighted marks and tags, the relation arcs drawn over it, the find bar, and the code-point/UTF-16 offset conversion.

Qt only; the rules these widgets apply live below the window (annotator/app, annotator/model, annotator/store)."""
