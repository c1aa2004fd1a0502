"""Benchmark: ``export jsonl`` and ``export spacy`` against raw baselines on the same rows.

A gold layer over N documents (default 100,000) with 25 spans and 2 events each; ``export
spacy`` on a project of ``--spacy-documents`` (default 20,000) built the same way; ``export
jsonl`` again on a project of ``--untokenised-documents`` (default 2,000) whose documents have no
stored tokens (imported, never opened). Times, in the same run and on the same project file,
alternating app and raw, ``--runs`` rounds (median with min-max, ratio raw/app of the medians):

* jsonl raw: a bare ``sqlite3`` SELECT of the same rows and ``json.dumps`` of the same records the
  app writes (checked byte for byte on the first round): text, meta with the layer and status
  times, Prodigy's hashes, the token JSON spliced in as stored, spans and triggers with token
  indexes (a dictionary from offsets to token index per document), events, the events as Prodigy
  relations; the file synced as the app's is (goal >= 0.8). Printed beside it, the *floor* of the
  earlier figures: the stored fields only, with no token indexes, hashes, times or relations;
* untokenised jsonl: the same raw, making the tokens with spaCy's ``tokenizer.pipe``; and the
  app's time on the same documents with stored tokens;
* spacy raw: the same rows made into ``Doc`` objects from the stored tokens, with the same spans,
  entities, triggers and event structure, in one plain ``DocBin`` written with ``to_bytes`` and
  synced (goal >= 0.8);
* app: :func:`annotator.formats.exporter.export_layer` in this process.

Memory: peak resident memory (the child's ``VmHWM``) of ``annotator export`` as its own process, for each
format on a project of a tenth of the size and on the full one: flat means about the same.

    python tests/benchmarks/bench_export.py [--documents 100000] [--spacy-documents 20000]
        [--untokenised-documents 2000] [--dir /tmp/bench-13]

Projects are built once (documents made from the two seed articles, each with a different
number in it, so every text and hash differs; tokens computed once per template and patched) and
kept in ``--dir`` (give each concurrent user their own) for later runs. Each output file is
deleted after its run, so that no run pays for the write-back of the previous one's gigabytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import alternate, ratio, spread  # noqa: E402
from annotator.formats.exporter import export_layer
from annotator.model.annotations import AnnotationSet, Argument, Event, Provenance, Span, SpanAnnotation
from annotator.model.document import Document
from annotator.model.layer import DocStatus, LayerKind
from annotator.model.tokens import encode_tokens
from annotator.store.project import ProjectStore
from annotator.suggest.tokenizer import tokenize
from annotator.app.workspace import create_project

LABELS = ["PERSON", "ORG", "GPE", "DATE", "CARDINAL", "NORP"]
MARK = "000000"
SPANS = 25


def _templates() -> list[tuple[str, bytes, list[tuple[int, int, bool]]]]:
    templates = []
    for path in sorted((REPO / "seeds").glob("*.txt")):
        body = path.read_text(encoding="utf-8").split("\n", 1)[1]
        text = f"Report {MARK}: {body}"
        offsets = next(iter(tokenize([text])))
        templates.append((text, encode_tokens(text, offsets), offsets))
    return templates


def build(db: Path, documents: int, tokens: bool = True) -> None:
    """A gold layer over ``documents`` documents, 25 spans and 2 events each, in one transaction;
    without ``tokens`` no document has stored tokens (as after an import, before anyone opens them)."""
    db.unlink(missing_ok=True)
    templates = _templates()
    prepared = []
    for text, blob, offsets in templates:
        words = [(s, e) for s, e, _ in offsets if not text[s:e].isspace() and text[s:e].isalnum()]
        step = max(1, len(words) // (SPANS + 2))
        picks = [words[i * step] for i in range(SPANS + 2)]
        spans = []
        for i, (s, e) in enumerate(picks[:SPANS]):
            if i % 5 == 4:  # every fifth span runs over two words
                following = next((w for w in words if w[0] > e), (s, e))
                e = following[1]
            spans.append(Span(s, e, LABELS[i % len(LABELS)]))
        triggers = [Span(*picks[SPANS], "Conflict:Attack"), Span(*picks[SPANS + 1], "Movement:Transport")]
        prepared.append((text, zlib.decompress(blob).decode("utf-8"), spans, triggers))
    provenance = Provenance()
    with create_project(db) as store:
        with store.transaction():
            layer = store.ensure_layer("gold", LayerKind.GOLD)
            for n in range(documents):
                text, token_json, spans, triggers = prepared[n % len(prepared)]
                number = f"{n:06d}"
                document = Document(text.replace(MARK, number, 1), source=f"bench-{n % 97}.txt")
                blob = zlib.compress(token_json.replace(f'"text":"{MARK}"', f'"text":"{number}"', 1).encode("utf-8"), 1)
                document_id = store.add_document(document, blob if tokens else None)
                annotations = AnnotationSet(
                    tuple(SpanAnnotation(span, provenance=provenance) for span in spans),
                    tuple(
                        Event(
                            trigger,
                            (Argument("Attacker", spans[i]), Argument("Place", spans[i + 2])),
                            provenance=provenance,
                        )
                        for i, trigger in enumerate(triggers)
                    ),
                )
                store.add_annotations(layer.id, document_id, annotations)  # type: ignore[arg-type]
                store.set_status(layer.id, document_id, DocStatus.DONE)  # type: ignore[arg-type]
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


_TOKEN_OFFSETS = re.compile(rb'"start":(\d+),"end":(\d+),"id":')
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _token_indexes(token_json: bytes) -> tuple[dict[int, int], dict[int, int]]:
    """Token index by start and by end offset, read off the stored token JSON."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for i, (start, end) in enumerate(_TOKEN_OFFSETS.findall(token_json)):
        first[int(start)] = i
        last[int(end)] = i
    return first, last


def _made_tokens(texts: list[str]) -> list[bytes]:
    """Token JSON made with spaCy's blank English tokenizer, in batches (no stored tokens)."""
    from annotator.suggest.tokenizer import blank_english

    made = []
    for doc in blank_english().tokenizer.pipe(texts, batch_size=64):
        made.append(
            _encode(
                [
                    {"text": t.text, "start": t.idx, "end": t.idx + len(t), "id": t.i, "ws": bool(t.whitespace_)}
                    for t in doc
                ]
            ).encode("utf-8")
        )
    return made


def raw_export(db: Path, out: Path) -> int:
    """The baseline: SELECT the same rows and write the same records with ``json.dumps``.

    It writes what the app writes for this project, byte for byte (checked on the first round):
    the text, the meta with the layer and status times, Prodigy's two hashes, the token JSON
    spliced in as stored (made with spaCy's tokenizer when none is stored), spans and triggers
    with their token indexes (one dictionary from offsets to token index per document), the
    events' arguments, the events as Prodigy relations; then the file is synced, as the app's is.
    """
    from murmurhash.mrmr import hash as murmur

    conn = sqlite3.connect(str(db))
    layer_id, layer = conn.execute("SELECT id, name FROM layers WHERE name = 'gold'").fetchone()
    written = 0
    last = 0
    with out.open("wb") as handle:
        while True:
            documents = conn.execute(
                "SELECT d.id, d.text, d.title, d.date, d.source, d.meta, d.tokens, s.created_at, s.updated_at "
                "FROM document_status s JOIN documents d ON d.id = s.document_id "
                "WHERE s.layer_id = ? AND s.document_id > ? ORDER BY s.document_id LIMIT 256",
                (layer_id, last),
            ).fetchall()
            if not documents:
                break
            first, last = documents[0][0], documents[-1][0]
            spans: dict[int, list] = {}
            for document_id, start, end, label in conn.execute(
                "SELECT document_id, start_char, end_char, label FROM spans WHERE layer_id = ? "
                "AND document_id BETWEEN ? AND ? AND decision != 'rejected' "
                "ORDER BY document_id, start_char, end_char DESC, label",
                (layer_id, first, last),
            ):
                spans.setdefault(document_id, []).append((start, end, label))
            events: dict[int, list] = {}
            by_id: dict[int, list] = {}
            for event_id, document_id, type_, start, end in conn.execute(
                "SELECT id, document_id, type, trigger_start, trigger_end FROM events WHERE layer_id = ? "
                "AND document_id BETWEEN ? AND ? AND decision != 'rejected' "
                "ORDER BY document_id, trigger_start, trigger_end, type",
                (layer_id, first, last),
            ):
                event = (type_, start, end, by_id.setdefault(event_id, []))
                events.setdefault(document_id, []).append(event)
            for event_id, role, start, end, label in conn.execute(
                "SELECT a.event_id, a.role, a.start_char, a.end_char, a.label FROM arguments a JOIN events e "
                "ON e.id = a.event_id WHERE e.layer_id = ? AND e.document_id BETWEEN ? AND ? "
                "ORDER BY a.event_id, a.position",
                (layer_id, first, last),
            ):
                by_id[event_id].append((role, start, end, label))
            missing = [row[1] for row in documents if not row[6]]
            made = iter(_made_tokens(missing) if missing else ())
            for document_id, text, title, date, source, meta, tokens, created, updated in documents:
                token_json = zlib.decompress(tokens) if tokens else next(made)
                first_token, last_token = _token_indexes(token_json)
                span_items = [
                    {"start": s, "end": e, "token_start": first_token[s], "token_end": last_token[e], "label": l}
                    for s, e, l in spans.get(document_id, [])
                ]
                event_items = []
                relations = []
                for type_, start, end, arguments in events.get(document_id, []):
                    trigger = {"start": start, "end": end, "token_start": first_token[start], "token_end": last_token[end]}
                    event_items.append(
                        {
                            "type": type_,
                            "trigger": trigger,
                            "arguments": [{"role": r, "start": s, "end": e, "label": l} for r, s, e, l in arguments],
                        }
                    )
                    for role, s, e, label in arguments:
                        relations.append(
                            {
                                "head": last_token[end],
                                "child": last_token[e],
                                "head_span": {**trigger, "label": type_},
                                "child_span": {
                                    "start": s, "end": e, "token_start": first_token[s], "token_end": last_token[e],
                                    "label": label,
                                },
                                "label": role,
                            }
                        )
                record_meta = {"title": title}
                if date:
                    record_meta["date"] = date
                if source:
                    record_meta["source"] = source
                record_meta.update(json.loads(meta) if meta else {})
                record_meta.update({"annotator": layer, "created_at": created, "updated_at": updated})
                spans_json = _encode(span_items)
                hashed = murmur(json.dumps(text))
                head = _encode(
                    {
                        "text": text,
                        "meta": record_meta,
                        "_input_hash": hashed,
                        "_task_hash": murmur(f'{hashed}{{"spans":{spans_json}}}'),
                    }
                )
                tail = _encode({"events": event_items, "relations": relations, "answer": "accept"})
                handle.write(f'{head[:-1]},"tokens":'.encode("utf-8"))
                handle.write(token_json)
                handle.write(f',"spans":{spans_json},{tail[1:]}\n'.encode("utf-8"))
                written += 1
        handle.flush()
        os.fsync(handle.fileno())
    conn.close()
    return written


def floor_export(db: Path, out: Path) -> int:
    """The floor: SELECT the rows and ``json.dumps`` them, token JSON spliced in as stored, with
    no token indexes, hashes, status times or relations (the baseline of the earlier figures)."""
    conn = sqlite3.connect(str(db))
    layer_id = conn.execute("SELECT id FROM layers WHERE name = 'gold'").fetchone()[0]
    written = 0
    last = 0
    with out.open("wb") as handle:
        while True:
            documents = conn.execute(
                "SELECT id, text, title, date, source, meta, tokens FROM documents WHERE id > ? ORDER BY id LIMIT 256",
                (last,),
            ).fetchall()
            if not documents:
                break
            first, last = documents[0][0], documents[-1][0]
            spans: dict[int, list] = {}
            for document_id, start, end, label in conn.execute(
                "SELECT document_id, start_char, end_char, label FROM spans "
                "WHERE layer_id = ? AND document_id BETWEEN ? AND ? ORDER BY document_id, start_char",
                (layer_id, first, last),
            ):
                spans.setdefault(document_id, []).append({"start": start, "end": end, "label": label})
            events: dict[int, list] = {}
            by_id: dict[int, dict] = {}
            for event_id, document_id, type_, start, end in conn.execute(
                "SELECT id, document_id, type, trigger_start, trigger_end FROM events "
                "WHERE layer_id = ? AND document_id BETWEEN ? AND ?",
                (layer_id, first, last),
            ):
                event = by_id[event_id] = {"type": type_, "trigger": {"start": start, "end": end}, "arguments": []}
                events.setdefault(document_id, []).append(event)
            for event_id, role, start, end, label in conn.execute(
                "SELECT a.event_id, a.role, a.start_char, a.end_char, a.label FROM arguments a JOIN events e "
                "ON e.id = a.event_id WHERE e.layer_id = ? AND e.document_id BETWEEN ? AND ?",
                (layer_id, first, last),
            ):
                by_id[event_id]["arguments"].append({"role": role, "start": start, "end": end, "label": label})
            for document_id, text, title, date, source, meta, tokens in documents:
                record = {
                    "text": text,
                    "meta": {"title": title, "source": source},
                    "spans": spans.get(document_id, []),
                    "events": events.get(document_id, []),
                }
                line = json.dumps(record, ensure_ascii=False).encode("utf-8")
                handle.write(line[:-1] + b', "tokens": ' + zlib.decompress(tokens) + b"}\n")
                written += 1
        handle.flush()
        os.fsync(handle.fileno())
    conn.close()
    return written


def raw_docbin(db: Path, out: Path) -> int:
    """The spaCy baseline: the same rows as Doc objects (stored tokens, spans, entities, triggers,
    event structure) in one plain DocBin, written with ``to_bytes``."""
    from spacy.tokens import Doc, DocBin
    from spacy.util import filter_spans

    from annotator.suggest.tokenizer import blank_english

    vocab = blank_english().vocab
    conn = sqlite3.connect(str(db))
    layer_id = conn.execute("SELECT id FROM layers WHERE name = 'gold'").fetchone()[0]
    docbin = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=True)
    last = 0
    while True:
        documents = conn.execute(
            "SELECT id, title, source, tokens FROM documents WHERE id > ? ORDER BY id LIMIT 256", (last,)
        ).fetchall()
        if not documents:
            break
        first, last = documents[0][0], documents[-1][0]
        spans: dict[int, list] = {}
        for document_id, start, end, label in conn.execute(
            "SELECT document_id, start_char, end_char, label FROM spans "
            "WHERE layer_id = ? AND document_id BETWEEN ? AND ? ORDER BY document_id, start_char",
            (layer_id, first, last),
        ):
            spans.setdefault(document_id, []).append((start, end, label))
        events: dict[int, list] = {}
        by_id: dict[int, dict] = {}
        for event_id, document_id, type_, start, end in conn.execute(
            "SELECT id, document_id, type, trigger_start, trigger_end FROM events "
            "WHERE layer_id = ? AND document_id BETWEEN ? AND ?",
            (layer_id, first, last),
        ):
            event = by_id[event_id] = {"type": type_, "trigger": {"start": start, "end": end}, "arguments": []}
            events.setdefault(document_id, []).append(event)
        for event_id, role, start, end, label in conn.execute(
            "SELECT a.event_id, a.role, a.start_char, a.end_char, a.label FROM arguments a JOIN events e "
            "ON e.id = a.event_id WHERE e.layer_id = ? AND e.document_id BETWEEN ? AND ?",
            (layer_id, first, last),
        ):
            by_id[event_id]["arguments"].append({"role": role, "start": start, "end": end, "label": label})
        for document_id, title, source, tokens in documents:
            words = json.loads(zlib.decompress(tokens))
            doc = Doc(vocab, words=[t["text"] for t in words], spaces=[t["ws"] for t in words])
            group = [doc.char_span(s, e, label=l, alignment_mode="expand") for s, e, l in spans.get(document_id, [])]
            group = [span for span in group if span is not None]
            doc.spans["sc"] = group
            doc.ents = filter_spans(group)
            structure = events.get(document_id, [])
            triggers = [
                doc.char_span(e["trigger"]["start"], e["trigger"]["end"], label=e["type"], alignment_mode="expand")
                for e in structure
            ]
            doc.spans["events"] = [t for t in triggers if t is not None]
            doc.user_data["events"] = structure
            doc.user_data["meta"] = {"title": title, "source": source, "annotator": "gold"}
            docbin.add(doc)
    conn.close()
    with out.open("wb") as handle:
        handle.write(docbin.to_bytes())
        handle.flush()
        os.fsync(handle.fileno())  # as the app's export does before it renames its file
    return len(docbin)


def app_export(db: Path, out: Path, fmt: str = "jsonl") -> int:
    with ProjectStore.open(db) as store:
        return export_layer(store, fmt, out).documents


_PEAK = """
import atexit, runpy, sys

def _peak():
    # VmHWM is this process image's own peak; ru_maxrss would keep the peak of the (big)
    # benchmark process this child was forked from, whatever the export itself uses.
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    sys.stderr.write(f"PEAK-KB {peak}\\n")

atexit.register(_peak)
sys.argv = ["annotator", *sys.argv[1:]]
runpy.run_module("annotator", run_name="__main__", alter_sys=True)
"""


def cli_export(db: Path, out: Path, fmt: str = "jsonl") -> tuple[float, float, float]:
    """Seconds, CPU seconds and peak RSS (MB, the child's own ``VmHWM``) of ``annotator export``
    as its own process."""
    command = [sys.executable, "-c", _PEAK, "--db", str(db), "export", fmt, str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, errors = process.communicate()
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"the export command failed with status {process.returncode}: {errors.decode()[-500:]}")
    peak = next(int(line.split()[1]) for line in errors.decode().splitlines() if line.startswith("PEAK-KB"))
    return elapsed, float("nan"), peak / 1024


def timed(function, *args):
    """``(result, wall seconds, CPU seconds)``: the machine is shared, so CPU time is shown too."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _size_and_delete(path: Path) -> int:
    size = path.stat().st_size
    path.unlink()
    return size


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(str(db))
        return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.DatabaseError:
        return 0


def project(folder: Path, documents: int, tokens: bool = True) -> Path:
    """The project of ``documents`` documents in ``folder``, built on first use in a child process."""
    db = folder / (f"export-{documents}.db" if tokens else f"export-untokenised-{documents}.db")
    if _count(db) != documents:
        print(f"building {documents:,} documents in {db} ...", flush=True)
        started = time.perf_counter()
        command = [sys.executable, __file__, "--build-only", "--documents", str(documents), "--db", str(db)]
        subprocess.run(command + ([] if tokens else ["--no-tokens"]), check=True)
        print(f"built in {time.perf_counter() - started:.1f} s", flush=True)
    return db


def _digest_and_delete(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    path.unlink()
    return digest.hexdigest()


GOAL = 0.8
"""The least ratio raw/app each baseline's ratio must reach, the floor's as well."""


def compare(db: Path, fmt: str, raws: dict, runs: int, n: int, same_bytes: str = "") -> list[float]:  # type: ignore[type-arg]
    """Alternate the raw exports (``label -> function``) and the app's export of ``db`` as ``fmt``;
    print medians, CPU time and ratios (each raw over the app). The first round checks that the
    raw named ``same_bytes`` wrote exactly the app's bytes. Returns the app's wall times."""
    cpu: dict[str, list[float]] = {name: [] for name in [*raws, "app"]}
    digests: dict[str, str] = {}

    def run(name: str, function, out: Path) -> float:  # type: ignore[no-untyped-def]
        count, wall, seconds = timed(function, db, out)
        if name in (same_bytes, "app") and name not in digests:
            digests[name] = _digest_and_delete(out)
        else:
            _size_and_delete(out)
        assert count == n, (name, count, n)
        cpu[name].append(seconds)
        return wall

    measures = {
        name: (lambda name=name, function=function: run(name, function, db.with_suffix(f".raw{i}.{fmt}")))
        for i, (name, function) in enumerate(raws.items())
    }
    measures["app"] = lambda: run("app", lambda d, o: app_export(d, o, fmt), db.with_suffix(f".app.{fmt}"))
    times = alternate(runs, **measures)
    print(f"{fmt}, {n:,} documents ({db.name}):")
    for name in raws:
        print(f"  {name}: {spread(times[name], 's')}, CPU {spread(cpu[name], 's')}")
    print(f"  export_layer (in-process): {spread(times['app'], 's')}, CPU {spread(cpu['app'], 's')}")
    for name in raws:
        # Each ratio with its own verdict: two ratios under one goal read as met when one is not.
        wall = ratio(times[name], times['app'])
        print(f"  ratio {name.split(':')[0]}/app = {wall:.2f} by wall time, "
              f"{ratio(cpu[name], cpu['app']):.2f} by CPU time (goal >= {GOAL}: {'met' if wall >= GOAL else 'NOT met'})")
    if same_bytes:
        same = digests[same_bytes] == digests["app"]
        print(f"  {same_bytes.split(':')[0]} wrote the app's bytes: {'yes' if same else 'NO'}", flush=True)
        if not same:
            raise SystemExit("the raw baseline does not write what the app writes")
    return times["app"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--spacy-documents", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-13"))
    parser.add_argument("--db", type=Path, help="(with --build-only) the project file to build")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--skip-jsonl", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-spacy", action="store_true")
    parser.add_argument("--memory-only", action="store_true", help="only the peak memory (implies --skip-jsonl)")
    parser.add_argument("--untokenised-documents", type=int, default=2_000,
                        help="size of the project whose documents have no stored tokens (0: skip)")
    parser.add_argument("--no-tokens", action="store_true", help="(with --build-only) store no tokens")
    args = parser.parse_args()
    if args.build_only:
        build(args.db, args.documents, tokens=not args.no_tokens)
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    fair = "raw: sqlite3 + json.dumps of the same records (token indexes, hashes, relations, fsync)"
    floor = "floor: sqlite3 + json.dumps, stored fields only (no token indexes, hashes, times, relations)"
    if args.memory_only:
        args.skip_jsonl, args.untokenised_documents = True, 0
    if not args.skip_jsonl:
        big = project(args.dir, args.documents)
        compare(big, "jsonl", {fair: raw_export, floor: floor_export}, args.runs, args.documents, same_bytes=fair)
    if args.untokenised_documents:
        n = args.untokenised_documents
        bare, tokenised = project(args.dir, n, tokens=False), project(args.dir, n)
        made = compare(bare, "jsonl", {fair + ", tokens made by spaCy's tokenizer.pipe": raw_export}, args.runs, n,
                       same_bytes=fair + ", tokens made by spaCy's tokenizer.pipe")
        stored = alternate(args.runs, app=lambda: timed(app_export, tokenised, tokenised.with_suffix(".app.jsonl"))[1])
        tokenised.with_suffix(".app.jsonl").unlink()
        print(f"  the same export with stored tokens ({tokenised.name}): {spread(stored['app'], 's')}; "
              f"without them it takes {ratio(made, stored['app']):.1f}x as long", flush=True)
    if args.skip_spacy:
        return
    small = project(args.dir, args.spacy_documents)
    if not args.memory_only:
        compare(small, "spacy", {"raw plain DocBin of the same docs": raw_docbin}, args.runs, args.spacy_documents)
    if args.skip_memory:
        return
    for fmt, full in (("jsonl", args.documents), ("spacy", args.spacy_documents)):
        peaks = []
        for documents in (full // 10, full):
            db = project(args.dir, documents)
            out = db.with_suffix(f".cli.{fmt}")
            _, _, peak = cli_export(db, out, fmt)
            _size_and_delete(out)
            peaks.append((documents, peak))
        print(f"peak RSS of `annotator export {fmt}`: " + ", ".join(f"{peak:.0f} MB at {d:,} documents" for d, peak in peaks)
              + f" (flat: ratio {peaks[1][1] / peaks[0][1]:.2f})")


if __name__ == "__main__":
    main()
