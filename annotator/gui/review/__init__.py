"""The review desk: comparing analysts' layers, the review details table, the agreement view and the layer picker.

Qt only; the rules these widgets apply live below the window (annotator/app, annotator/model, annotator/store)."""
