"""What the user's relation actions do, as undoable :class:`~annotator.model.changes.Edit` values.

Relations name their span ends by value (offsets and label), like event arguments, so an edit
that moves, relabels or deletes a span must carry its relations along: :func:`follow_relations`
adds those changes to the edit, and undo takes them back with it.
"""

from __future__ import annotations

from dataclasses import replace

from annotator.model.annotations import AnnotationSet, Decision, Provenance, Span, SpanAnnotation, now_iso
from annotator.model.changes import Change, Edit
from annotator.model.relations import Relation, RelationEnd


def create_relation(relation_type: str, head: RelationEnd, child: RelationEnd, author: str) -> Edit:
    relation = Relation(relation_type, (head, child), provenance=Provenance(author=author))
    return Edit(f"Add {relation_type} relation", (Change(None, relation),))


def decide_relation(relation: Relation, decision: Decision, author: str) -> Edit:
    """Accept or reject a relation (one made here, imported, or suggested)."""
    if relation.provenance.decision is decision:
        return Edit("Decide relation", ())
    updated = replace(relation.provenance, decision=decision, author=author, updated_at=now_iso())
    title = "Accept relation" if decision is Decision.ACCEPTED else "Reject relation"
    return Edit(title, (Change(relation, replace(relation, provenance=updated)),))


def delete_relation(relation: Relation) -> Edit:
    return Edit(f"Delete {relation.type} relation", (Change(relation, None),))


def follow_relations(edit: Edit, own: AnnotationSet) -> Edit:
    """``edit`` plus the changes that keep relations on the spans and events it changes.

    A span moved or relabelled takes its relations with it; a span or event deleted takes away
    the relations that end at it (an equivalence group loses the member, and goes when fewer
    than two are left).
    """
    if not own.relations:
        return edit
    moved: dict[Span, Span | None] = {}
    gone_events: set[str] = set()
    for change in edit.changes:
        before, after = change.before, change.after
        if isinstance(before, SpanAnnotation):
            target = after.span if isinstance(after, SpanAnnotation) else None
            if target != before.span:
                moved[before.span] = target
        elif before is not None and after is None and not isinstance(before, Relation):
            gone_events.add(before.uid)
    if not moved and not gone_events:
        return edit
    touched = {c.uid for c in edit.changes}
    extra = []
    for relation in own.relations:
        if relation.uid in touched:
            continue
        ends = []
        changed = False
        for end in relation.ends:
            if end.span is not None and end.span in moved:
                changed = True
                if moved[end.span] is not None:
                    ends.append(RelationEnd(moved[end.span]))
            elif end.event_uid in gone_events:
                changed = True
            else:
                ends.append(end)
        if not changed:
            continue
        if (relation.symmetric and len(set(ends)) >= 2) or (not relation.symmetric and len(ends) == 2):
            extra.append(Change(relation, replace(relation, ends=tuple(ends))))
        else:
            extra.append(Change(relation, None))
    return Edit(edit.title, edit.changes + tuple(extra)) if extra else edit
