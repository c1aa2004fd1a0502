"""After a review decision: when gold now calls the same characters two things, say so and offer a fix.

The rule is :mod:`annotator.review.gold_consistency`; this module only asks. The fix is its own
edit (one undo step after the decision's), so the reviewer can take it back separately.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox

from annotator.model.changes import Edit
from annotator.review.gold_consistency import label_conflicts, make_consistent

TITLE = "Gold would be inconsistent"


def offer_consistency(window: Any, edit: Edit) -> bool:
    """Check gold after ``edit`` (already applied); on a clash ask to relabel the others as just
    taken, relabel what was taken as gold had it, or keep both. Returns whether gold was changed."""
    current = window.session.current
    if current is None or not edit:
        return False
    conflicts = label_conflicts(current.own, edit)
    if not conflicts:
        return False
    box = QMessageBox(QMessageBox.Icon.Warning, TITLE, "", QMessageBox.StandardButton.NoButton, window)
    box.setObjectName("gold_conflict")
    lines = [c.describe(current.text) for c in conflicts[:8]]
    more = f"\n…and {len(conflicts) - 8} more" if len(conflicts) > 8 else ""
    box.setText("The version you took disagrees with gold:\n" + "\n".join(lines) + more)
    taken = ", ".join(sorted({c.taken for c in conflicts}))
    other = ", ".join(sorted({c.other for c in conflicts}))
    others = box.addButton(f"Relabel the rest of gold as {taken}", QMessageBox.ButtonRole.AcceptRole)
    others.setObjectName("relabel_others")
    mine = box.addButton(f"Relabel what I took as {other}", QMessageBox.ButtonRole.ActionRole)
    mine.setObjectName("relabel_taken")
    keep = box.addButton("Keep both (inconsistent)", QMessageBox.ButtonRole.RejectRole)
    keep.setObjectName("keep_both")
    box.setDefaultButton(others)
    box.setEscapeButton(keep)
    try:
        box.exec()
        clicked = box.clickedButton()
    finally:
        box.deleteLater()
    if clicked not in (others, mine):
        window.say("Gold keeps both labels: " + "; ".join(lines[:2]), error=True)
        return False
    fix = make_consistent(current.own, conflicts, keep_taken=clicked is others)
    problem = window.session.apply(fix)
    if problem:
        window.say(problem, error=True)
        return False
    window.say(f"{fix.title}: {len(fix.changes)} gold annotation(s) relabelled (Ctrl+Z undoes it).")
    return True
