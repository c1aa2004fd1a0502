"""The document list sorted least confident first vs in import order, by project size.

    python tests/benchmarks/bench_list_confidence.py [--documents 2000 20000]

Each document gets 10 event suggestions with random confidences in a suggestions layer; the
first page (200 rows) of the list is read in import order (the raw baseline: an index walk) and
least confident first (every document's lowest pending confidence computed in SQL with
``json_extract``), alternating, median with min-max of 5 runs each.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import alternate, spread  # noqa: E402
from annotator.model.annotations import AnnotationSet, Decision, Event, Origin, Provenance, Span  # noqa: E402
from annotator.model.document import Document  # noqa: E402
from annotator.model.layer import LayerKind  # noqa: E402
from annotator.store.listing import LEAST_CONFIDENT, DocumentFilter, list_documents  # noqa: E402
from annotator.store.project import ProjectStore  # noqa: E402


def project(documents: int) -> tuple[ProjectStore, int, int]:
    store = ProjectStore.memory()
    suggestions = store.ensure_layer("trained:1", LayerKind.SUGGESTIONS)
    analyst = store.ensure_layer("alice", LayerKind.ANNOTATOR)
    provenance = Provenance(Origin.SUGGESTED, Decision.PENDING, suggester="trained:1")
    rnd = random.Random(1)
    with store.transaction():
        for n in range(documents):
            doc_id = store.add_document(Document(f"document {n} " + "word " * 60), None)
            events = tuple(
                Event(Span(5 * i + 15, 5 * i + 19, "X"), (), f"{n}-{i}", provenance, confidence=rnd.random()) for i in range(10)
            )
            store.add_annotations(suggestions.id, doc_id, AnnotationSet((), events))
    return store, suggestions.id, analyst.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, nargs="+", default=[2000, 20000])
    args = parser.parse_args()
    for documents in args.documents:
        store, suggestions, analyst = project(documents)
        plain = DocumentFilter(analyst, suggestions)
        sorted_ = DocumentFilter(analyst, suggestions, order=LEAST_CONFIDENT)
        times = alternate(
            import_order=lambda: (list_documents(store, plain, 0, 200), None)[1],
            least_confident=lambda: (list_documents(store, sorted_, 0, 200), None)[1],
        )
        print(
            f"{documents} documents x 10 scored suggestions, first page: import order {spread(times['import_order'])}; "
            f"least confident first {spread(times['least_confident'])}"
        )


if __name__ == "__main__":
    main()
