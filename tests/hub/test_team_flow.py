"""The whole team flow on one hub: a lead, two analysts and a reviewer, three project files.

Assignment, annotation, sync, review (adjudication into gold, synced to the hub) and gold
export, through the command line wherever a command exists.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from helpers import annotate, hub_spans

from annotator.cli import main
from annotator.model.layer import DocStatus
from annotator.review.adjudicate import accept_agreed, take_version
from annotator.review.workflow import gold_annotations, apply_decision, review_items
from annotator.store import hub_pull
from annotator.store.project import ProjectStore

ARTICLES = [
    "Reuters reported that Acme Corp opened a plant in Lyon on Tuesday.",
    "Maria Lopez met officials in Nairobi to discuss the new water project.",
    "The United Nations sent aid convoys to Aleppo after the earthquake.",
    "Shares of Globex fell in Tokyo as investors awaited the central bank.",
]


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_lead_two_analysts_and_a_reviewer(hub, tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    for i, article in enumerate(ARTICLES):
        (texts / f"a{i}.txt").write_text(article, encoding="utf-8")
    lead, ann1, ann2, rev = (str(tmp_path / f"{n}.db") for n in ("lead", "ann1", "ann2", "rev1"))

    # The lead: a hub (already initialised by the administrator: init again is an upgrade check), corpus, assignment.
    assert "up to date" in _run("hub", "init", hub.url())
    _run("--db", lead, "init")
    _run("--db", lead, "import", str(texts))
    _run("--db", lead, "hub", "connect", hub.url("lead1"))
    assert "Uploaded 4 new document(s)" in _run("--db", lead, "hub", "push-corpus")
    assert "Assigned 8 " in _run("--db", lead, "hub", "assign", "--per-document", "2", "--annotators", "ann1,ann2")

    # The analysts: connect (their queue fills), annotate, mark done, sync.
    for path, user, label in ((ann1, "ann1", "ORG"), (ann2, "ann2", "GPE")):
        assert f"as {user} (analyst)" in _run("--db", path, "hub", "connect", hub.url(user))
        with ProjectStore.open(path) as store:
            assert len(hub_pull.my_queue(store, user)) == 4
            first = next(d for d in store.documents() if d.text.startswith("Reuters"))
            annotate(store, user, first.id, 0, 7, "ORG")  # both agree: Reuters is an ORG
            annotate(store, user, first.id, 22, 31, label)  # they disagree on Acme Corp
            store.set_status(store.layer(user).id, first.id, DocStatus.DONE)  # type: ignore[union-attr]
        assert "pushed 3 change(s)" in _run("--db", path, "sync")
        with ProjectStore.open(path) as store:
            assert len(hub_pull.my_queue(store, user)) == 3

    # The reviewer: sees both layers, adjudicates into gold, syncs gold to the hub.
    _run("--db", rev, "hub", "connect", hub.url("rev1"))
    with ProjectStore.open(rev) as store:
        document = next(d for d in store.documents() if d.text.startswith("Reuters"))
        items = review_items(store, document.id, ["ann1", "ann2"])  # type: ignore[arg-type]
        apply_decision(store, document.id, accept_agreed(items, gold_annotations(store, document.id), "rev1"))  # type: ignore[arg-type]
        items = review_items(store, document.id, ["ann1", "ann2"])  # type: ignore[arg-type]
        open_item = next(item for item in items if not item.agreed)
        apply_decision(store, document.id, take_version(open_item, "ann1", gold_annotations(store, document.id), "rev1"))  # type: ignore[arg-type]
    _run("--db", rev, "sync")
    with hub.admin() as conn:
        gold = sorted((s, e, label) for _, s, e, label in hub_spans(conn, "gold").values())
    assert gold == [(0, 7, "ORG"), (22, 31, "ORG")]

    # The lead pulls gold and exports it.
    _run("--db", lead, "sync")
    out = tmp_path / "gold.jsonl"
    _run("--db", lead, "export", "jsonl", str(out), "--layer", "gold")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    exported = [r for r in records if r["text"].startswith("Reuters")]
    assert len(exported) == 1
    assert sorted((s["start"], s["end"], s["label"]) for s in exported[0]["spans"]) == gold
