"""The stored "least confident first" order: tables, index and the triggers that keep it current.

The document list used to compute each document's confidence from every pending suggestion for
every page (4.7 s a page at 100,000 documents). Now each document's uncertainty is a row of
``document_uncertainty``, one per (suggestions layer, analyst layer, document), with the lowest,
the sum and the number of the scores of its *undecided* suggestions: pending in the suggestions
layer, with no copy in the analyst's layer by ``source_uid`` and nothing there with the same place
and label (for events: trigger and type), exactly as
:func:`annotator.model.editing.pending_suggestions` decides. ``layer_id`` 0 stands for "no analyst
layer" (every pending suggestion is undecided). An index on the sort columns serves the order.

The rows are kept current by SQLite triggers on ``spans``, ``events``, ``documents`` and
``layers``, so every write path (a suggestion batch, accept, reject, undo, a merge, a hub pull, an
import) updates the order in its own transaction with nothing to remember. Writing a suggestion
updates the rows incrementally (min, sum, count); a decision, an undo or an update recomputes the
document's row from its own suggestions (an index lookup, one document's worth); deleting a
suggestion subtracts it unless it was the lowest, then recomputes.

The sort key is ``(band, spread, rank, document_id)``:

* ``rank`` is the lowest undecided score (2.0 when none is scored: after every probability).
* ``band`` groups close uncertainties (steps of 0.05) and moves a near-copy one band later for each
  earlier document with the same fingerprint (its title's first 40 characters, lowercased, without a
  leading ``date YYYY-MM-DD``); inside a band ``spread`` (that number of earlier copies) sorts first
  copies before second copies. So the copies of one story of close uncertainty are not handed out
  in a row (batch diversity): other documents come between them, each copy a little later.
* About 1 document in 10 (chosen from its text's SHA-256, so the same in every copy of the project
  and for every team member) is a *control*: its place in the order is a random draw (from the
  hash too), not its uncertainty, so ``annotator models`` can compare the work on documents the
  model chose with documents picked at random.
"""

from __future__ import annotations

_HEX = "'0123456789abcdef'"


def _hex_value(column: str, first: int, digits: int) -> str:
    """SQL for the integer value of ``digits`` hex characters of ``column`` from position ``first``."""
    parts = [
        f"(instr({_HEX}, substr({column}, {first + i}, 1)) - 1) * {16 ** (digits - 1 - i)}" for i in range(digits)
    ]
    return "(" + " + ".join(parts) + ")"


CONTROL_BELOW = 410
"""Control documents: those whose hash's first three hex digits are below this (410/4096, 10.0%)."""


def control_sql(content_hash: str) -> str:
    return f"({_hex_value(content_hash, 1, 3)} < {CONTROL_BELOW})"


def draw_sql(content_hash: str) -> str:
    return f"({_hex_value(content_hash, 4, 4)} / 65536.0)"


def fingerprint_sql(title: str) -> str:
    """A cheap near-duplicate key: the title's first 40 characters, lowercased, without a date prefix."""
    bare = f"(CASE WHEN {title} LIKE 'date ____-__-__ %' THEN substr({title}, 17) ELSE {title} END)"
    return f"lower(trim(substr(trim({bare}), 1, 40)))"


BAND_WIDTH = 0.05
"""Uncertainties closer than this count as close: diversity reorders documents inside a band."""

MAX_SHIFT = 1000
"""A copy is moved at most this many bands later (far below every scored document without copies)."""

UNSCORED_BAND = 1_000_000
"""The band of documents without a scored undecided suggestion: after every scored one, in import order."""

_TABLES = f"""
CREATE TABLE document_traits (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    repeat INTEGER NOT NULL,
    control INTEGER NOT NULL,
    draw REAL NOT NULL
);
CREATE INDEX document_traits_fingerprint ON document_traits(fingerprint);

CREATE TABLE document_uncertainty (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    suggestion_layer_id INTEGER NOT NULL,
    layer_id INTEGER NOT NULL,
    lowest REAL,
    total REAL NOT NULL DEFAULT 0,
    scored INTEGER NOT NULL DEFAULT 0,
    repeat INTEGER NOT NULL DEFAULT 0,
    control INTEGER NOT NULL DEFAULT 0,
    draw REAL NOT NULL DEFAULT 0,
    rank REAL GENERATED ALWAYS AS (CASE WHEN lowest IS NULL THEN 2.0 WHEN control THEN draw ELSE lowest END) VIRTUAL,
    band INTEGER GENERATED ALWAYS AS (CASE WHEN lowest IS NULL THEN {UNSCORED_BAND}
        ELSE CAST(min(max(CASE WHEN control THEN draw ELSE lowest END, 0.0), 1.0) * {round(1 / BAND_WIDTH)} AS INTEGER)
            + min(repeat, {MAX_SHIFT}) END) VIRTUAL,
    spread INTEGER GENERATED ALWAYS AS (CASE WHEN lowest IS NULL THEN 0 ELSE repeat END) VIRTUAL,
    PRIMARY KEY (document_id, suggestion_layer_id, layer_id)
) WITHOUT ROWID;
CREATE INDEX document_uncertainty_order
    ON document_uncertainty(suggestion_layer_id, layer_id, band, spread, rank, document_id);
"""


def _undecided_scores(kind: str, document: str) -> str:
    """SQL: the scores of the undecided suggestions of ``kind`` (spans or events) in ``document``
    for the row of ``document_uncertainty`` being computed (its suggestions and analyst layers)."""
    start, end, label = ("start_char", "end_char", "label") if kind == "spans" else ("trigger_start", "trigger_end", "type")
    return (
        f"SELECT json_extract(s.data, '$.confidence') AS c FROM {kind} s "
        f"WHERE s.layer_id = document_uncertainty.suggestion_layer_id AND s.document_id = {document} "
        f"AND s.data IS NOT NULL AND s.decision = 'pending' AND NOT EXISTS (SELECT 1 FROM {kind} o "
        f"WHERE o.layer_id = document_uncertainty.layer_id AND o.document_id = {document} AND (o.source_uid = s.uid "
        f"OR (o.{start} = s.{start} AND o.{end} = s.{end} AND o.{label} = s.{label})))"
    )


def recompute_sql(document: str) -> str:
    """SQL: the ``SET`` of an ``UPDATE document_uncertainty`` recomputing its rows of ``document``."""
    scores = f"{_undecided_scores('spans', document)} UNION ALL {_undecided_scores('events', document)}"
    return f"(lowest, total, scored) = (SELECT min(c), coalesce(sum(c), 0), count(c) FROM ({scores}))"


def _decided_in_row_layer(kind: str, row: str) -> str:
    """SQL: the analyst layer of the ``document_uncertainty`` row holds a decision on suggestion ``row``."""
    start, end, label = ("start_char", "end_char", "label") if kind == "spans" else ("trigger_start", "trigger_end", "type")
    return (
        f"EXISTS (SELECT 1 FROM {kind} o WHERE o.layer_id = document_uncertainty.layer_id "
        f"AND o.document_id = {row}.document_id AND (o.source_uid = {row}.uid "
        f"OR (o.{start} = {row}.{start} AND o.{end} = {row}.{end} AND o.{label} = {row}.{label})))"
    )


def _decides_a_scored_suggestion(kind: str, row: str) -> str:
    """SQL: annotation ``row`` of the row's analyst layer decides a scored suggestion of the row's suggestions layer."""
    start, end, label = ("start_char", "end_char", "label") if kind == "spans" else ("trigger_start", "trigger_end", "type")
    return (
        f"EXISTS (SELECT 1 FROM {kind} s WHERE s.layer_id = document_uncertainty.suggestion_layer_id "
        f"AND s.document_id = {row}.document_id AND s.decision = 'pending' "
        f"AND json_extract(s.data, '$.confidence') IS NOT NULL AND (s.uid = {row}.source_uid "
        f"OR (s.{start} = {row}.{start} AND s.{end} = {row}.{end} AND s.{label} = {row}.{label})))"
    )


def _annotation_triggers(kind: str) -> str:
    start, end, label = ("start_char", "end_char", "label") if kind == "spans" else ("trigger_start", "trigger_end", "type")
    new_c, old_c = "json_extract(new.data, '$.confidence')", "json_extract(old.data, '$.confidence')"
    return f"""
CREATE TRIGGER {kind}_uncertainty_suggested AFTER INSERT ON {kind}
WHEN new.decision = 'pending' AND {new_c} IS NOT NULL BEGIN
    UPDATE document_uncertainty SET
        lowest = CASE WHEN lowest IS NULL OR {new_c} < lowest THEN {new_c} ELSE lowest END,
        total = total + {new_c}, scored = scored + 1
    WHERE document_id = new.document_id AND suggestion_layer_id = new.layer_id
        AND NOT {_decided_in_row_layer(kind, 'new')};
END;
CREATE TRIGGER {kind}_uncertainty_decided AFTER INSERT ON {kind} BEGIN
    UPDATE document_uncertainty SET {recompute_sql('new.document_id')}
    WHERE document_id = new.document_id AND layer_id = new.layer_id
        AND {_decides_a_scored_suggestion(kind, 'new')};
END;
CREATE TRIGGER {kind}_uncertainty_unsuggested AFTER DELETE ON {kind}
WHEN old.decision = 'pending' AND {old_c} IS NOT NULL BEGIN
    UPDATE document_uncertainty SET total = total - {old_c}, scored = scored - 1
    WHERE document_id = old.document_id AND suggestion_layer_id = old.layer_id
        AND lowest < {old_c} AND scored > 1 AND NOT {_decided_in_row_layer(kind, 'old')};
    UPDATE document_uncertainty SET {recompute_sql('old.document_id')}
    WHERE document_id = old.document_id AND suggestion_layer_id = old.layer_id
        AND (lowest >= {old_c} OR scored <= 1) AND NOT {_decided_in_row_layer(kind, 'old')};
END;
CREATE TRIGGER {kind}_uncertainty_undecided AFTER DELETE ON {kind} BEGIN
    UPDATE document_uncertainty SET {recompute_sql('old.document_id')}
    WHERE document_id = old.document_id AND layer_id = old.layer_id
        AND {_decides_a_scored_suggestion(kind, 'old')};
END;
CREATE TRIGGER {kind}_uncertainty_changed
AFTER UPDATE OF uid, layer_id, document_id, {start}, {end}, {label}, decision, source_uid, data ON {kind} BEGIN
    UPDATE document_uncertainty SET {recompute_sql('document_uncertainty.document_id')}
    WHERE document_id IN (old.document_id, new.document_id)
        AND (suggestion_layer_id IN (old.layer_id, new.layer_id) OR layer_id IN (old.layer_id, new.layer_id));
END;
"""


_ANALYST_LAYERS = "(SELECT id FROM layers WHERE kind != 'suggestions' UNION ALL SELECT 0)"

_DOCUMENT_AND_LAYER_TRIGGERS = f"""
CREATE TRIGGER documents_order_traits AFTER INSERT ON documents BEGIN
    INSERT INTO document_traits (document_id, fingerprint, repeat, control, draw) VALUES (
        new.id, {fingerprint_sql('new.title')},
        (SELECT count(*) FROM document_traits WHERE fingerprint = {fingerprint_sql('new.title')}),
        {control_sql('new.content_hash')}, {draw_sql('new.content_hash')});
    INSERT INTO document_uncertainty (document_id, suggestion_layer_id, layer_id, repeat, control, draw)
        SELECT t.document_id, s.id, a.id, t.repeat, t.control, t.draw
        FROM document_traits t, layers s, {_ANALYST_LAYERS} a
        WHERE t.document_id = new.id AND s.kind = 'suggestions';
END;
CREATE TRIGGER layers_order_suggestions AFTER INSERT ON layers WHEN new.kind = 'suggestions' BEGIN
    INSERT INTO document_uncertainty (document_id, suggestion_layer_id, layer_id, repeat, control, draw)
        SELECT t.document_id, new.id, a.id, t.repeat, t.control, t.draw FROM document_traits t, {_ANALYST_LAYERS} a;
END;
CREATE TRIGGER layers_order_analyst AFTER INSERT ON layers WHEN new.kind != 'suggestions' BEGIN
    INSERT INTO document_uncertainty (document_id, suggestion_layer_id, layer_id, lowest, total, scored, repeat, control, draw)
        SELECT document_id, suggestion_layer_id, new.id, lowest, total, scored, repeat, control, draw
        FROM document_uncertainty WHERE layer_id = 0;
    UPDATE document_uncertainty SET {recompute_sql('document_uncertainty.document_id')}
    WHERE layer_id = new.id AND scored > 0
        AND (EXISTS (SELECT 1 FROM spans WHERE layer_id = new.id) OR EXISTS (SELECT 1 FROM events WHERE layer_id = new.id));
END;
CREATE TRIGGER layers_order_gone AFTER DELETE ON layers BEGIN
    DELETE FROM document_uncertainty WHERE suggestion_layer_id = old.id OR layer_id = old.id;
END;
"""

_FILL = f"""
INSERT INTO document_traits (document_id, fingerprint, repeat, control, draw)
    SELECT id, fp, row_number() OVER (PARTITION BY fp ORDER BY id) - 1, control, draw FROM (
        SELECT id, {fingerprint_sql('title')} AS fp, {control_sql('content_hash')} AS control,
            {draw_sql('content_hash')} AS draw FROM documents);
INSERT INTO document_uncertainty (document_id, suggestion_layer_id, layer_id, repeat, control, draw)
    SELECT t.document_id, s.id, a.id, t.repeat, t.control, t.draw
    FROM document_traits t, layers s, {_ANALYST_LAYERS} a WHERE s.kind = 'suggestions';
UPDATE document_uncertainty SET {recompute_sql('document_uncertainty.document_id')}
    WHERE EXISTS (SELECT 1 FROM spans WHERE layer_id = document_uncertainty.suggestion_layer_id
                  AND document_id = document_uncertainty.document_id AND decision = 'pending' AND data IS NOT NULL)
       OR EXISTS (SELECT 1 FROM events WHERE layer_id = document_uncertainty.suggestion_layer_id
                  AND document_id = document_uncertainty.document_id AND decision = 'pending' AND data IS NOT NULL);
"""

TRIGGERS = _annotation_triggers("spans") + _annotation_triggers("events") + _DOCUMENT_AND_LAYER_TRIGGERS
"""Every trigger of the stored order (the benchmark drops and recreates them to measure their cost)."""

V6_ORDER = _TABLES + _FILL + TRIGGERS
"""Migration 6: the tables, filled for an existing project in the migration's one transaction, then the triggers."""

TRIGGER_NAMES = tuple(
    line.split()[2] for line in TRIGGERS.splitlines() if line.startswith("CREATE TRIGGER")
)
