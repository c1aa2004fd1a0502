"""Row-level security in the hub itself: a hand-made client with an analyst's credentials."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.types.json import Jsonb

from helpers import lead_project

from annotator.hub.admin import connect_project, push_corpus


@pytest.fixture
def seeded(hub, tmp_path):
    with lead_project(tmp_path / "lead.db") as lead:
        connect_project(lead, hub.url("lead1"))
        push_corpus(lead, hub.url("lead1"))
    with psycopg.connect(hub.url("ann2"), autocommit=True) as conn:
        document = conn.execute("SELECT content_hash FROM documents LIMIT 1").fetchone()[0]
        conn.execute(
            "INSERT INTO spans (uid, layer, document, payload) VALUES ('ann2-span', 'ann2', %s, %s)",
            (document, Jsonb({"uid": "ann2-span", "start_char": 0, "end_char": 7, "label": "ORG"})),
        )
    return hub, document


def _refused(url: str, statement: str, params: tuple = ()) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
            conn.execute(statement, params)
    return str(caught.value)


def test_an_analyst_cannot_change_another_analysts_layer(seeded) -> None:
    hub, document = seeded
    payload = Jsonb({"uid": "forged", "start_char": 0, "end_char": 7, "label": "PERSON"})
    assert "row-level security" in _refused(
        hub.url("ann1"), "INSERT INTO spans (uid, layer, document, payload) VALUES ('forged', 'ann2', %s, %s)", (document, payload)
    )
    with psycopg.connect(hub.url("ann1"), autocommit=True) as conn:
        # An update of ann2's row matches nothing ann1 may update: no row changes.
        assert conn.execute("UPDATE spans SET payload = %s WHERE uid = 'ann2-span'", (payload,)).rowcount == 0
        # Upserting over ann2's row by its uid is refused outright.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO spans (uid, layer, document, payload) VALUES ('ann2-span', 'ann1', %s, %s) "
                "ON CONFLICT (uid) DO UPDATE SET payload = EXCLUDED.payload, layer = EXCLUDED.layer",
                (document, payload),
            )
    assert "permission denied" in _refused(hub.url("ann1"), "DELETE FROM spans WHERE uid = 'ann2-span'")
    with hub.admin() as conn:
        assert conn.execute("SELECT layer, payload->>'label', version FROM spans WHERE uid = 'ann2-span'").fetchone() == ("ann2", "ORG", 1)


def test_gold_is_for_reviewers_and_statuses_for_their_owner(seeded) -> None:
    hub, document = seeded
    payload = Jsonb({"uid": "g", "start_char": 0, "end_char": 7, "label": "ORG"})
    gold = "INSERT INTO spans (uid, layer, document, payload) VALUES ('g', 'gold', %s, %s)"
    _refused(hub.url("ann1"), gold, (document, payload))
    with psycopg.connect(hub.url("rev1"), autocommit=True) as conn:
        conn.execute(gold, (document, payload))
    _refused(
        hub.url("ann1"),
        "INSERT INTO statuses (layer, document, status, created_at, updated_at) VALUES ('ann2', %s, 'done', 'x', 'x')",
        (document,),
    )


def test_only_leads_write_assignments_schema_and_documents(seeded) -> None:
    hub, document = seeded
    for user in ("ann1", "rev1"):
        _refused(hub.url(user), "INSERT INTO assignments (document, analyst) VALUES (%s, %s)", (document, user))
        _refused(hub.url(user), "UPDATE settings SET value = '{}'::jsonb")
        _refused(hub.url(user), "INSERT INTO documents (content_hash, text) VALUES ('x', 'forged')")
        # The change numbers are the server's: a client cannot move the sequence back.
        _refused(hub.url(user), "SELECT setval('change_seq', 1)")
    with psycopg.connect(hub.url("lead1"), autocommit=True) as conn:
        conn.execute("INSERT INTO assignments (document, analyst) VALUES (%s, 'ann1')", (document,))
