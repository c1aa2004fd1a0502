"""Agreement figures against an independent computation: random layers (hypothesis) and two
annotators' layers imported from JSONL files; the JSON and text reports; the command."""

from __future__ import annotations

import json
import math
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from annotator.cli import main
from annotator.formats.importer import import_paths
from annotator.model.annotations import AnnotationSet, Argument, Decision, Event, Provenance, Span, SpanAnnotation
from annotator.model.document import content_hash
from annotator.model.tokens import Tokens, token_json
from annotator.review.agreement import AgreementCounter, format_agreement, layers_to_compare, project_agreement
from annotator.store.project import ProjectStore

LAYERS = ("alice", "bob", "carol")


# -- an independent computation, straight from the definitions ------------------------------

def naive_token_labels(spans: list[tuple[int, int, str]], tokens: list[tuple[int, int]]) -> list[str]:
    labels = []
    for start, end in tokens:
        containing = [s for s in spans if s[0] <= start and end <= s[1]]
        labels.append(min(containing, key=lambda s: (s[0], -s[1], s[2]))[2] if containing else "O")
    return labels


def naive_f1(a: set, b: set) -> float:
    return 1.0 if not a and not b else 2 * len(a & b) / (len(a) + len(b))


def naive_overlap_f1(a: set, b: set) -> float:
    if not a and not b:
        return 1.0
    def share(x: set, y: set) -> float:
        return sum(any(s[0] == t[0] and s[3] == t[3] and s[1] < t[2] and t[1] < s[2] for t in y) for s in x) / len(x) if x else 0.0
    p, r = share(a, b), share(b, a)
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def independent(layers: dict[str, dict[int, dict]], tokens: dict[int, list[tuple[int, int]]]) -> dict:
    """Figures from plain dictionaries: ``layers[name][doc] = {"spans": [(s, e, label)], "events": [...]}``,
    events as ``(trigger_start, trigger_end, type, [(role, start, end)])`` with fillers already placed."""
    names = list(layers)
    common = sorted(set.intersection(*(set(layers[n]) for n in names)))
    pairs = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            spans = {n: {(d, *s) for d in common for s in layers[n][d]["spans"]} for n in (a, b)}
            triggers = {n: {(d, *e[:3]) for d in common for e in layers[n][d]["events"]} for n in (a, b)}
            arguments = {
                n: {(d, *e[:3], *arg) for d in common for e in layers[n][d]["events"] for arg in e[3]} for n in (a, b)
            }
            labels_a = [l for d in common for l in naive_token_labels(layers[a][d]["spans"], tokens[d])]
            labels_b = [l for d in common for l in naive_token_labels(layers[b][d]["spans"], tokens[d])]
            kappa = cohen_kappa_score(labels_a, labels_b) if labels_a else math.nan
            per_label = {
                label: naive_f1({s for s in spans[a] if s[3] == label}, {s for s in spans[b] if s[3] == label})
                for label in {s[3] for s in spans[a] | spans[b]}
            }
            pairs.append(
                {
                    "a": a,
                    "b": b,
                    "span_f1_exact": naive_f1(spans[a], spans[b]),
                    "span_f1_overlap": naive_overlap_f1(spans[a], spans[b]),
                    "token_kappa": 1.0 if math.isnan(kappa) else kappa,
                    "event_trigger_f1": naive_f1(triggers[a], triggers[b]),
                    "event_argument_f1": naive_f1(arguments[a], arguments[b]),
                    "per_label": per_label,
                }
            )
    rows = []
    codes: dict[str, int] = {}
    for n in names:
        row = []
        for d in sorted(tokens):
            if d in layers[n]:
                row += [codes.setdefault(l, len(codes)) for l in naive_token_labels(layers[n][d]["spans"], tokens[d])]
            else:
                row += [np.nan] * len(tokens[d])
        rows.append(row)
    data = np.array(rows, dtype=float)
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    values = set(pairable[~np.isnan(pairable)].tolist())
    alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal") if len(values) > 1 else 1.0
    return {"documents": len(common), "pairs": pairs, "krippendorff_alpha_tokens": alpha}


def assert_matches(report: dict, expected: dict) -> None:
    assert report["documents"] == expected["documents"]
    assert report["krippendorff_alpha_tokens"] == pytest.approx(expected["krippendorff_alpha_tokens"], abs=1e-6)
    for ours, theirs in zip(report["pairs"], expected["pairs"], strict=True):
        assert (ours["a"], ours["b"]) == (theirs["a"], theirs["b"])
        for key in ("span_f1_exact", "span_f1_overlap", "token_kappa", "event_trigger_f1", "event_argument_f1"):
            assert ours[key] == pytest.approx(theirs[key], abs=1e-6), key
        assert {k: v["span_f1_exact"] for k, v in ours["per_label"].items()} == pytest.approx(theirs["per_label"], abs=1e-6)


# -- random layers -------------------------------------------------------------------------

@st.composite
def documents(draw: st.DrawFn) -> tuple[dict[int, Tokens], dict[str, dict[int, AnnotationSet]]]:
    tokens: dict[int, Tokens] = {}
    for doc in range(draw(st.integers(1, 4))):
        widths = draw(st.lists(st.integers(1, 4), min_size=1, max_size=12))
        offsets, position = [], 0
        for width in widths:
            offsets.append((position, position + width, True))
            position += width + 1
        tokens[doc] = Tokens.from_offsets(offsets)
    layers: dict[str, dict[int, AnnotationSet]] = {}
    for name in draw(st.sampled_from([LAYERS[:2], LAYERS])):
        layers[name] = {}
        for doc, toks in tokens.items():
            if draw(st.integers(0, 5)) == 0:
                continue  # this layer lacks the document
            end = toks.ends[-1]
            span_list = draw(st.lists(st.tuples(st.integers(0, end - 1), st.integers(1, 8), st.sampled_from("ABC"), st.booleans()), max_size=6))
            spans = tuple(
                SpanAnnotation(Span(s, min(s + n, end), label), provenance=Provenance(decision=Decision.REJECTED if rejected else Decision.ACCEPTED))
                for s, n, label, rejected in span_list
            )
            events: list[Event] = []
            for s, n, kind, roles in draw(st.lists(st.tuples(st.integers(0, end - 1), st.integers(1, 4), st.sampled_from(["Meet", "Attack"]), st.lists(st.tuples(st.sampled_from(["Place", "Agent", "Cause"]), st.integers(0, end - 1), st.integers(1, 5), st.booleans()), max_size=3)), max_size=3)):
                arguments = []
                for role, a, m, by_event in roles:
                    if by_event and events:
                        arguments.append(Argument(role, event_uid=events[a % len(events)].uid))
                    else:
                        arguments.append(Argument(role, Span(a, min(a + m, end), "A")))
                events.append(Event(Span(s, min(s + n, end), kind), tuple(arguments)))
            layers[name][doc] = AnnotationSet(spans, tuple(events))
    return tokens, layers


def plain(annotations: AnnotationSet) -> dict:
    by_uid = {e.uid: e for e in annotations.events}
    spans = [(a.start, a.end, a.label) for a in annotations.spans if not a.provenance.is_rejected]
    events = []
    for e in annotations.events:
        fillers = []
        for arg in e.arguments:
            filler = arg.span or by_uid[arg.event_uid].trigger  # type: ignore[index]
            fillers.append((arg.role, filler.start, filler.end))
        events.append((e.trigger.start, e.trigger.end, e.type, fillers))
    return {"spans": spans, "events": events}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_random_layers_match_an_independent_computation(drawn: tuple) -> None:
    tokens, layers = drawn
    counter = AgreementCounter(list(layers))
    for doc, toks in tokens.items():
        counter.add_document({name: layers[name].get(doc) for name in layers}, toks)
    expected = independent(
        {name: {doc: plain(a) for doc, a in docs.items()} for name, docs in layers.items()},
        {doc: list(zip(t.starts, t.ends)) for doc, t in tokens.items()},
    )
    assert_matches(counter.to_dict(), expected)


def test_identical_and_empty_layers_agree_fully() -> None:
    tokens = Tokens.from_offsets([(0, 5, True), (6, 9, False)])
    counter = AgreementCounter(["a", "b"])
    counter.add_document({"a": AnnotationSet(), "b": AnnotationSet()}, tokens)
    pair = counter.to_dict()["pairs"][0]
    # Nobody annotated anything: every figure is 1.0 (kappa's chance agreement is 1 there).
    assert [pair[k] for k in ("span_f1_exact", "span_f1_overlap", "token_kappa", "event_trigger_f1", "event_argument_f1")] == [1.0] * 5
    assert counter.to_dict()["krippendorff_alpha_tokens"] == 1.0


def test_one_empty_layer_agrees_not_at_all() -> None:
    tokens = Tokens.from_offsets([(0, 5, True), (6, 9, False)])
    counter = AgreementCounter(["a", "b"])
    counter.add_document({"a": AnnotationSet((SpanAnnotation(Span(0, 5, "ORG")),)), "b": AnnotationSet()}, tokens)
    pair = counter.to_dict()["pairs"][0]
    assert (pair["span_f1_exact"], pair["span_f1_overlap"], pair["per_label"]) == (0.0, 0.0, {"ORG": {"span_f1_exact": 0.0}})
    assert pair["token_kappa"] == 0.0  # b says O everywhere: kappa is 0 however a labels


def test_fewer_than_two_layers_is_refused() -> None:
    with pytest.raises(ValueError, match="at least two"):
        AgreementCounter(["alice"])


# -- two annotators imported from JSONL ------------------------------------------------------

def _from_jsonl(path: Path, store: ProjectStore) -> dict[int, dict]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        doc = store.find_document(content_hash(record["text"]))
        spans = [(s["start"], s["end"], s["label"]) for s in record["spans"]]
        events = [
            (e["trigger"]["start"], e["trigger"]["end"], e["type"], [(a["role"], a["start"], a["end"]) for a in e["arguments"]])
            for e in record.get("events", [])
        ]
        found[doc] = {"spans": spans, "events": events}
    return found


@pytest.fixture
def two_annotators(store: ProjectStore, data: Path) -> ProjectStore:
    assert import_paths(store, [data / "review" / "alice.jsonl"], "alice").ok
    assert import_paths(store, [data / "review" / "bob.jsonl"], "bob").ok
    return store


def test_two_annotators_from_jsonl_match_an_independent_computation(two_annotators: ProjectStore, data: Path) -> None:
    store = two_annotators
    layers = {name: _from_jsonl(data / "review" / f"{name}.jsonl", store) for name in ("alice", "bob")}
    from annotator.suggest.tokenizer import tokenize

    # Import stores no tokens: agreement makes them from the text, as spaCy's tokenizer does.
    assert all(store.tokens(doc) is None for doc in store.document_ids())
    tokens = {doc: [(s, e) for s, e, _ in next(tokenize([store.document(doc).text]))] for doc in store.document_ids()}
    report = project_agreement(store)
    expected = independent(layers, tokens)
    assert_matches(report, expected)
    # Alice alone annotated one document: the pairs leave it out, alpha sees it as missing for bob.
    assert report["documents"] == 3 == store.count_documents() - 1
    assert 0.5 < report["pairs"][0]["span_f1_exact"] < 0.9 and report["pairs"][0]["event_trigger_f1"] == 0.5


def test_the_command_prints_the_documented_json_and_a_table(two_annotators: ProjectStore, tmp_path: Path, data: Path) -> None:
    db = str(tmp_path / "p.db")
    runner = CliRunner()
    for name in ("alice", "bob"):
        assert runner.invoke(main, ["--db", db, "import", str(data / "review" / f"{name}.jsonl"), "--annotator", name]).exit_code == 0
    result = runner.invoke(main, ["--db", db, "agreement", "--annotators", "alice,bob", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert list(report) == ["annotators", "documents", "pairs", "krippendorff_alpha_tokens"]
    assert list(report["pairs"][0]) == [
        "a", "b", "span_f1_exact", "span_f1_overlap", "token_kappa", "event_trigger_f1", "event_argument_f1", "per_label",
        "relation_f1", "per_relation_type",
    ]
    assert report == project_agreement(two_annotators, ["alice", "bob"])
    text = runner.invoke(main, ["--db", db, "agreement"]).stdout
    assert text == format_agreement(report) + "\n"
    assert "alice / bob" in text and "GPE" in text


def test_the_command_explains_what_is_missing(tmp_path: Path, data: Path) -> None:
    db = str(tmp_path / "p.db")
    runner = CliRunner()
    runner.invoke(main, ["--db", db, "import", str(data / "review" / "alice.jsonl"), "--annotator", "alice"])
    result = runner.invoke(main, ["--db", db, "agreement"])
    assert result.exit_code == 1 and "at least two annotator layers; this project has 1 (alice)" in result.stderr
    result = runner.invoke(main, ["--db", db, "agreement", "--annotators", "alice,zoe"])
    assert result.exit_code == 1 and "no layer 'zoe' (its layers: alice)" in result.stderr
    assert "Traceback" not in result.output


def test_layers_to_compare_are_the_named_ones_or_every_annotator_layer(tmp_path: Path, data: Path) -> None:
    with ProjectStore.open(tmp_path / "p.db") as store:
        import_paths(store, [data / "review" / "alice.jsonl"], "alice")
        with pytest.raises(ValueError, match=r"this project has 1 \(alice\)\. Import or merge"):
            layers_to_compare(store)
        assert layers_to_compare(store, ["alice", "bob"]) == ["alice", "bob"]
        import_paths(store, [data / "review" / "bob.jsonl"], "bob")
        assert layers_to_compare(store) == ["alice", "bob"]
