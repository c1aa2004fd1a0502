"""Agreement and the disagreement ranking, counted from plain rows, against the straightforward
computation over annotation objects (what both did before): real sample files in three layers
that differ at random (seeded), with relations, nested events, rejected and pending annotations,
non-BMP text, and gold decisions. The figures must be the same, to the last bit."""

from __future__ import annotations

import random
import shutil
from collections import Counter
from dataclasses import replace
from itertools import combinations
from pathlib import Path

import pytest

from annotator.formats.importer import import_paths
from annotator.model.annotations import AnnotationSet, Argument, Decision, Event, Provenance, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import GOLD, LayerKind
from annotator.model.relations import Relation, RelationEnd
from annotator.model.tokens import Tokens, encode_tokens
from annotator.review.agreement import project_agreement
from annotator.review.compare import compare_document, disagreements
from annotator.review.metrics import Confusion, NominalAlpha, OverlapCounts, SetCounts
from annotator.review.workflow import disagreements_by_document
from annotator.store.project import ProjectStore
from annotator.suggest.tokenizer import tokenize, tokens_of
from annotator.app.workspace import create_project

LAYERS = ["alice", "bob", "carol"]
EMOJI_TEXT = "Zoë 🙂 met Ann 𝔸 in Paris 🇫🇷 on Monday.\nThen 🙂 left Paris for Rome 🏛 by train."


# -- the straightforward computation -----------------------------------------------------------

def _counted(annotations: AnnotationSet) -> AnnotationSet:
    return AnnotationSet(*(tuple(a for a in pool if not a.provenance.is_rejected) for pool in (
        annotations.spans, annotations.events, annotations.relations)))


def _keys(annotations: AnnotationSet) -> dict:
    kept = _counted(annotations)
    triggers = {e.uid: e.trigger for e in kept.events}
    arguments = set()
    for e in kept.events:
        for a in e.arguments:
            filler = a.span if a.span is not None else triggers.get(a.event_uid)
            if filler is not None:
                arguments.add((e.trigger.start, e.trigger.end, e.type, a.role, filler.start, filler.end))
    relations = set()
    for r in kept.relations:
        places = [(e.span.start, e.span.end) if e.span else (triggers[e.event_uid].start, triggers[e.event_uid].end)
                  for e in r.ends if e.span or e.event_uid in triggers]
        if len(places) < len(r.ends):
            continue
        pairs = combinations(sorted(set(places)), 2) if r.symmetric else [places]
        relations |= {(r.type, *a, *b) for a, b in pairs}
    return {
        "spans": {(a.start, a.end, a.label) for a in kept.spans},
        "triggers": {(e.trigger.start, e.trigger.end, e.type) for e in kept.events},
        "arguments": arguments,
        "relations": relations,
    }


def _labels(annotations: AnnotationSet, tokens: Tokens) -> list[str]:
    spans = [(a.start, a.end, a.label) for a in _counted(annotations).spans]
    labels = []
    for start, end in zip(tokens.starts, tokens.ends):
        inside = [s for s in spans if s[0] <= start and end <= s[1]]
        labels.append(min(inside, key=lambda s: (s[0], -s[1], s[2]))[2] if inside else "O")
    return labels


def reference_agreement(store: ProjectStore, names: list[str]) -> dict:
    layers = [store.layer(n) for n in names]
    contains = {}
    for layer in layers:
        contains[layer.name] = {d for (d,) in store._db.execute(  # type: ignore[union-attr]
            "SELECT document_id FROM document_status WHERE layer_id = :l UNION SELECT document_id FROM spans "
            "WHERE layer_id = :l UNION SELECT document_id FROM events WHERE layer_id = :l", {"l": layer.id})}  # type: ignore[union-attr]
    pairs = {(a, b): {"spans": SetCounts(), "overlap": OverlapCounts(), "tokens": Confusion(), "triggers": SetCounts(),
                      "arguments": SetCounts(), "labels": {}, "relations": SetCounts(), "types": {}}
             for a, b in combinations(names, 2)}
    units: Counter = Counter()
    documents = 0
    for doc in sorted(set().union(*contains.values())):
        present = {l.name: store.annotations(l.id, doc) for l in layers if doc in contains[l.name]}  # type: ignore[union-attr, arg-type]
        if len(present) < 2:
            continue
        document = store.document(doc)
        tokens = tokens_of(document.text, store.tokens(doc))
        labels = {name: _labels(a, tokens) for name, a in present.items()}
        units.update(zip(*[labels.get(n, [None] * len(tokens)) for n in names]))
        if len(present) < len(names):
            continue
        documents += 1
        keys = {name: _keys(a) for name, a in present.items()}
        for (a, b), counts in pairs.items():
            ka, kb = keys[a], keys[b]
            for what in ("spans", "triggers", "arguments", "relations"):
                counts[what].add(ka[what], kb[what])
            counts["overlap"].add(ka["spans"], kb["spans"])
            counts["tokens"].add(labels[a], labels[b])
            for label in {s[2] for s in ka["spans"] | kb["spans"]}:
                counts["labels"].setdefault(label, SetCounts()).add(
                    {s for s in ka["spans"] if s[2] == label}, {s for s in kb["spans"] if s[2] == label})
            for kind in {r[0] for r in ka["relations"] | kb["relations"]}:
                counts["types"].setdefault(kind, SetCounts()).add(
                    {r for r in ka["relations"] if r[0] == kind}, {r for r in kb["relations"] if r[0] == kind})
    alpha = NominalAlpha()
    for unit, times in units.items():
        alpha.add_unit(unit, times)
    return {
        "annotators": names,
        "documents": documents,
        "pairs": [
            {
                "a": a, "b": b,
                "span_f1_exact": c["spans"].f1, "span_f1_overlap": c["overlap"].f1, "token_kappa": c["tokens"].kappa,
                "event_trigger_f1": c["triggers"].f1, "event_argument_f1": c["arguments"].f1,
                "per_label": {label: {"span_f1_exact": c["labels"][label].f1} for label in sorted(c["labels"])},
                "relation_f1": c["relations"].f1,
                "per_relation_type": {k: {"relation_f1": c["types"][k].f1} for k in sorted(c["types"])},
            }
            for (a, b), c in pairs.items()
        ],
        "krippendorff_alpha_tokens": alpha.alpha,
    }


def reference_ranking(store: ProjectStore, names: list[str], undecided_only: bool) -> list[tuple[int, int]]:
    layers = [store.layer(n) for n in names]
    gold = store.layer(GOLD)
    counts = []
    for doc in store.document_ids():
        if not all(doc in {d for (d,) in store._db.execute(
            "SELECT document_id FROM document_status WHERE layer_id = :l UNION SELECT document_id FROM spans "
            "WHERE layer_id = :l UNION SELECT document_id FROM events WHERE layer_id = :l", {"l": l.id})} for l in layers):  # type: ignore[union-attr]
            continue
        items = compare_document({l.name: store.annotations(l.id, doc) for l in layers},  # type: ignore[union-attr, arg-type]
                                 store.annotations(gold.id, doc) if gold else None)  # type: ignore[union-attr, arg-type]
        counts.append((doc, len(disagreements(items, undecided_only))))
    counts.sort(key=lambda pair: -pair[1])
    return counts


# -- the sample project -------------------------------------------------------------------------

def _vary(rng: random.Random, annotations: AnnotationSet, prefix: str) -> AnnotationSet:
    """Another annotator's version: spans missed, relabelled, widened, rejected or left pending;
    events retyped, rejected or missing an argument; relations dropped or rejected."""
    spans = []
    for a in annotations.spans:
        a = replace(a, uid=prefix + a.uid)
        roll = rng.random()
        if roll < 0.1:
            continue
        if roll < 0.2:
            a = replace(a, span=Span(a.start, a.end, rng.choice(["GPE", "ORG", "Protein", "PERSON"])))
        elif roll < 0.28:
            a = replace(a, span=Span(max(0, a.start - 2), a.end, a.label))
        elif roll < 0.36:
            a = replace(a, provenance=Provenance(decision=Decision.REJECTED))
        elif roll < 0.44:
            a = replace(a, provenance=Provenance(decision=Decision.PENDING))
        spans.append(a)
    events = []
    for e in annotations.events:
        e = replace(e, uid=prefix + e.uid, arguments=tuple(
            replace(a, event_uid=prefix + a.event_uid) if a.event_uid else a for a in e.arguments))
        roll = rng.random()
        if roll < 0.15:
            e = replace(e, trigger=Span(e.trigger.start, e.trigger.end, e.type + "-x"))
        elif roll < 0.25:
            e = replace(e, provenance=Provenance(decision=Decision.REJECTED))
        elif roll < 0.35 and e.arguments:
            e = replace(e, arguments=e.arguments[1:])
        events.append(e)
    relations = [
        replace(r, uid=prefix + r.uid, ends=tuple(replace(e, event_uid=prefix + e.event_uid) if e.event_uid else e for e in r.ends),
                **({} if rng.random() > 0.15 else {"provenance": Provenance(decision=Decision.REJECTED)}))
        for r in annotations.relations if rng.random() > 0.1
    ]
    return AnnotationSet(tuple(spans), tuple(events), tuple(relations))


def _emoji(store: ProjectStore, layer_id: int) -> None:
    doc = store.find_document(Document(EMOJI_TEXT).content_hash) or store.add_document(
        Document(EMOJI_TEXT), encode_tokens(EMOJI_TEXT, next(tokenize([EMOJI_TEXT]))))
    zoe, paris, rome = Span(0, 3, "PERSON"), Span(19, 24, "GPE"), Span(66, 70, "GPE")
    meet = Event(Span(6, 9, "Contact:Meet"), (Argument("Entity", zoe), Argument("Place", paris)))
    leave = Event(Span(46, 50, "Movement:Transport"), (Argument("Cause", event_uid=meet.uid), Argument("Destination", rome)))
    store.add_annotations(layer_id, doc, AnnotationSet(  # type: ignore[arg-type]
        tuple(SpanAnnotation(s) for s in (zoe, paris, rome, Span(11, 14, "PERSON"))), (meet, leave),
        (Relation("Located", (RelationEnd(zoe), RelationEnd(paris))),
         Relation("Same", (RelationEnd(paris), RelationEnd(event_uid=meet.uid), RelationEnd(rome)), True))))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> ProjectStore:
    data = Path(__file__).parent.parent / "data"
    folder = tmp_path_factory.mktemp("samples")
    for name in ("060-relation_annotation", "080-event-annotation", "090-event_structures", "100-attribute_annotation"):
        for suffix in (".txt", ".ann"):
            shutil.copy(data / "brat-news" / f"{name}{suffix}", folder / f"{name}{suffix}")
    for path in sorted((data / "bionlp-epi").glob("PMID-1*"))[:12]:
        shutil.copy(path, folder / path.name)
    store = create_project(tmp_path_factory.mktemp("project") / "p.db")
    assert import_paths(store, [folder], "alice").ok
    assert import_paths(store, [data / "review" / "alice.jsonl"], "alice").ok
    assert import_paths(store, [data / "prodigy" / "annotated_reddit-PRODUCT-ner.head60.jsonl"], "alice").ok
    alice = store.layer("alice")
    _emoji(store, alice.id)  # type: ignore[union-attr, arg-type]
    rng = random.Random(13)
    documents = store.document_ids()
    with store.transaction():
        for i, doc in enumerate(documents[::3]):  # tokens stored for some, made from the text for the rest
            store._db.execute("UPDATE documents SET tokens = ? WHERE id = ?", (
                encode_tokens(store.document(doc).text, next(tokenize([store.document(doc).text]))), doc))
        for name in ("bob", "carol"):
            layer = store.ensure_layer(name, LayerKind.ANNOTATOR)
            for doc in documents:
                if name == "carol" and rng.random() < 0.25:
                    continue  # carol lacks some documents: alpha sees missing values there
                store.add_annotations(layer.id, doc, _vary(rng, store.annotations(alice.id, doc), name))  # type: ignore[arg-type, union-attr]
                store.set_status(layer.id, doc, "done")  # type: ignore[arg-type]
        gold = store.ensure_layer(GOLD, LayerKind.GOLD)
        for doc in documents[::2]:  # gold decided some groups: a version taken, a refusal recorded
            taken = store.annotations(alice.id, doc)  # type: ignore[union-attr, arg-type]
            spans = tuple(replace(a, uid=f"g{a.uid}") for a in taken.spans[::4])
            refused = tuple(replace(a, uid=f"r{a.uid}", provenance=Provenance(decision=Decision.REJECTED)) for a in taken.spans[1::5])
            events = tuple(replace(e, uid=f"g{e.uid}", arguments=tuple(a for a in e.arguments if a.span)) for e in taken.events[::3])
            store.add_annotations(gold.id, doc, AnnotationSet(spans + refused, events))  # type: ignore[arg-type]
    yield store
    store.close()


def test_the_sample_project_has_what_the_comparison_needs(project: ProjectStore) -> None:
    stats = project.stats()["layers"]
    assert all(stats[n]["relations"] > 0 and stats[n]["events"] > 0 for n in LAYERS)
    decisions = {d for (d,) in project._db.execute("SELECT DISTINCT decision FROM spans")}
    assert {"rejected", "pending", "accepted"} <= decisions
    nested = project._db.execute("SELECT count(*) FROM arguments WHERE event_uid IS NOT NULL").fetchone()[0]
    assert nested > 5 and project._db.execute("SELECT count(*) FROM documents WHERE tokens IS NULL").fetchone()[0] > 0


@pytest.mark.parametrize("names", [LAYERS, ["alice", "bob"], ["carol", "alice"]])
def test_agreement_from_rows_is_the_agreement_from_objects(project: ProjectStore, names: list[str]) -> None:
    report = project_agreement(project, names)
    expected = reference_agreement(project, names)
    assert report == expected  # every figure, floats to the last bit
    assert report["pairs"][0]["relation_f1"] < 1.0 and report["pairs"][0]["event_argument_f1"] < 1.0


@pytest.mark.parametrize("undecided_only", [False, True])
@pytest.mark.parametrize("names", [LAYERS, ["alice", "bob"]])
def test_the_ranking_from_rows_is_the_ranking_from_review_items(project: ProjectStore, names: list[str], undecided_only: bool) -> None:
    ranking = disagreements_by_document(project, names, undecided_only)
    assert ranking == reference_ranking(project, names, undecided_only)
    assert ranking[0][1] > 0


# -- random layers: the count against compare_document's items ------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from annotator.review.disagreement_counts import count_disagreements  # noqa: E402
from annotator.store.layer_rows import ReviewRows  # noqa: E402


@st.composite
def annotation_sets(draw: st.DrawFn, prefix: str) -> AnnotationSet:
    decision = st.sampled_from([Decision.ACCEPTED, Decision.REJECTED, Decision.PENDING])
    spans = tuple(
        SpanAnnotation(Span(s, s + n, label), uid=f"{prefix}s{i}", provenance=Provenance(decision=d))
        for i, (s, n, label, d) in enumerate(draw(st.lists(
            st.tuples(st.integers(0, 12), st.integers(1, 4), st.sampled_from("AB"), decision), max_size=6)))
    )
    events: list[Event] = []
    for i, (s, kind, roles, d) in enumerate(draw(st.lists(st.tuples(
        st.integers(0, 6), st.sampled_from(["Meet", "Die"]),
        st.lists(st.tuples(st.sampled_from(["Place", "Agent"]), st.integers(0, 6), st.integers(0, 2)), max_size=2), decision,
    ), max_size=3))):
        arguments = tuple(
            Argument(role, event_uid=events[target - 1].uid if target <= len(events) else f"{prefix}missing")
            if target else Argument(role, Span(a, a + 2, "A"))
            for role, a, target in roles
        )
        events.append(Event(Span(s, s + 2, kind), arguments, uid=f"{prefix}e{i}", provenance=Provenance(decision=d)))
    relations = []
    for i, (x, y, kind, symmetric, d) in enumerate(draw(st.lists(st.tuples(
        st.integers(0, 12), st.integers(0, 12), st.sampled_from(["Near", "Same"]), st.booleans(), decision), max_size=3))):
        ends = [RelationEnd(Span(x, x + 2, "A")), RelationEnd(Span(y, y + 3, "B"))]
        if events and x % 3 == 0:
            ends[1] = RelationEnd(event_uid=events[0].uid)
        if y % 2:
            ends.reverse()
        relations.append(Relation(kind, tuple(ends), symmetric, uid=f"{prefix}r{i}", provenance=Provenance(decision=d)))
    return AnnotationSet(spans, tuple(events), tuple(relations))


def as_rows(annotations: AnnotationSet) -> ReviewRows:
    return ReviewRows(
        [(a.start, a.end, a.label, a.provenance.is_rejected) for a in annotations.spans],
        [(e.uid, e.trigger.start, e.trigger.end, e.type, e.provenance.is_rejected, [
            (a.role, a.span.start, a.span.end, a.span.label, None) if a.span else (a.role, None, None, None, a.event_uid)
            for a in e.arguments]) for e in annotations.events],
        [(r.type, r.symmetric, [[e.span.start, e.span.end, e.span.label] if e.span else e.event_uid for e in r.ends],
          r.provenance.is_rejected) for r in annotations.relations],
    )


def _copy(annotations: AnnotationSet, prefix: str, keep: list[bool], flip: bool) -> AnnotationSet:
    """Another layer's version of ``annotations``: its own uids, some items dropped, symmetric
    relations written the other way round when ``flip``."""
    def uid(old: str | None) -> str | None:
        return None if old is None else prefix + old
    items = iter(keep * 10)
    spans = tuple(replace(a, uid=uid(a.uid)) for a in annotations.spans if next(items))
    events = tuple(
        replace(e, uid=uid(e.uid), arguments=tuple(replace(x, event_uid=uid(x.event_uid)) if x.event_uid else x for x in e.arguments))
        for e in annotations.events if next(items)
    )
    relations = tuple(
        replace(r, uid=uid(r.uid), ends=tuple(reversed(ends)) if flip and r.symmetric else ends)
        for r in annotations.relations if next(items)
        for ends in [tuple(replace(e, event_uid=uid(e.event_uid)) if e.event_uid else e for e in r.ends)]
    )
    return AnnotationSet(spans, events, relations)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(annotation_sets("b"), st.lists(st.tuples(st.lists(st.booleans(), min_size=3, max_size=3), st.booleans()), min_size=2, max_size=3),
       st.one_of(st.none(), annotation_sets("g")), st.booleans())
def test_similar_layers_count_what_compare_document_shows(
    base: AnnotationSet, variants: list, gold: AnnotationSet | None, undecided_only: bool
) -> None:
    layers = [_copy(base, f"l{i}", [True] * 5 + keep, flip) for i, (keep, flip) in enumerate(variants)]
    items = compare_document({f"l{i}": a for i, a in enumerate(layers)}, gold)
    expected = len(disagreements(items, undecided_only))
    assert count_disagreements([as_rows(a) for a in layers], as_rows(gold) if gold else None, undecided_only) == expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(*(annotation_sets(f"l{i}") for i in range(n)))),
       st.one_of(st.none(), annotation_sets("g")), st.booleans())
def test_random_layers_count_what_compare_document_shows(layers: tuple, gold: AnnotationSet | None, undecided_only: bool) -> None:
    items = compare_document({f"l{i}": a for i, a in enumerate(layers)}, gold)
    expected = len(disagreements(items, undecided_only))
    assert count_disagreements([as_rows(a) for a in layers], as_rows(gold) if gold else None, undecided_only) == expected


def test_overlaps_searched_in_an_index_count_the_same(project: ProjectStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Long articles with many spans of one label search an index instead of scanning: same figures."""
    from annotator.review import agreement

    monkeypatch.setattr(agreement, "_SCAN", 0)
    assert project_agreement(project, LAYERS) == reference_agreement(project, LAYERS)
