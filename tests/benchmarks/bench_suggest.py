"""Benchmark: ``annotator suggest`` end to end against a raw ``nlp.pipe`` of the same texts.

Run by hand (pytest does not collect it)::

    python tests/benchmarks/bench_suggest.py [--articles 300] [--runs 5] [--sizes 50 200] [--skip-long] [--skip-processes] [--dir /tmp/bench-13/suggest]

It derives distinct seed-sized articles from the two sample articles (paragraphs shuffled and
names, places and numbers swapped), imports them into a project (not timed; kept in ``--dir``
and reused by later runs), then times, as
separate processes with start-up included, alternating so that load from other programs hits
both alike, ``--runs`` rounds (median with min-max):

* 1 process: ``annotator suggest --processes 1`` against a raw ``python -c`` that loads the same
  pipeline and runs ``nlp.pipe`` over the same stored texts with the batch size the app uses;
* 2 processes: ``annotator suggest --processes 2`` against the same raw script with spaCy's own
  ``n_process=2``.

Ratios are raw/app of the medians (goal >= 0.9 for both). Each process's CPU, system time and
minor page faults (its workers included, from ``getrusage``) are printed per document, and the
ratio of the CPU times (user + system of all processes, raw/app), which load from other programs
disturbs far less than wall time; the load average is printed before and after. Then, for
each of ``--sizes`` (a project of that many articles), system time and page faults per document of
``--processes 1`` and raw, which should stay flat as the project grows. Last, unless
``--skip-long``, one 1,000,000-character document with the real pipeline: time and peak memory.

``--long N`` instead times only the 1,000,000-character document, ``N`` rounds alternating:
``annotator suggest --processes 2`` (its chunks shared by the two processes) and ``--processes 1``
against a raw ``nlp.pipe`` over the same chunks with ``n_process`` 1 and 2; each run's wall time,
CPU time (every process), the largest process's peak resident memory and the peak of the sum
of all its processes' proportional memory (PSS, sampled every 0.1 s: pages a forked helper
shares with its parent count once in the sum).

``--scoring N`` instead times, in this process, what entity confidences cost: the suggester over
N articles with its entity scorer (:mod:`annotator.suggest.entity_scores`) against the same
suggester without it (spaCy's greedy ``ner`` in C) and a raw ``nlp.pipe``, alternating, and
checks that both give the same entities.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ANNOTATOR = str(BIN / "annotator")

sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import alternate, ratio, spread  # noqa: E402
from annotator.app.bundled import seed_files  # noqa: E402
from annotator.formats.text_files import read_plain_text  # noqa: E402
from annotator.store.project import ProjectStore  # noqa: E402
from annotator.suggest.pipeline import choose_model  # noqa: E402
from annotator.suggest.runner import DEFAULT_PROCESSES  # noqa: E402

PLACES = ["Kabul", "Qatar", "Kandahar", "Herat", "Islamabad", "Doha", "Tashkent", "Kunduz", "Mazar-i-Sharif", "Jalalabad"]
PEOPLE = ["Biden", "Kirby", "Blinken", "Austin", "Ghani", "Milley", "Sullivan", "Psaki", "Khalilzad", "Karzai"]

RAW = """
import json, sys, time
import spacy
texts = json.load(open(sys.argv[1], encoding="utf-8"))
nlp = spacy.load(sys.argv[2])
batch = int(sys.argv[3])
processes = int(sys.argv[4])
for doc in nlp.pipe(texts, batch_size=batch, n_process=processes):
    pass
"""


def seed_texts() -> list[str]:
    texts = []
    for file in seed_files():
        path = Path(str(file))
        texts.append(read_plain_text(path, path.name, []).document.text)
    return texts


def derive_articles(count: int) -> list[str]:
    """``count`` distinct texts the size of the seeds, made of their paragraphs."""
    rng = random.Random(20210816)
    seeds = [text.split("\n\n") for text in seed_texts()]
    articles = []
    for n in range(count):
        paragraphs = list(seeds[n % len(seeds)])
        head, body = paragraphs[0], paragraphs[1:]
        rng.shuffle(body)
        text = "\n\n".join([head] + body)
        text = re.sub(r"\b(" + "|".join(PLACES) + r")\b", lambda _m: rng.choice(PLACES), text)
        text = re.sub(r"\b(" + "|".join(PEOPLE) + r")\b", lambda _m: rng.choice(PEOPLE), text)
        text = re.sub(r"\d[\d,]*", lambda _m: f"{rng.randint(2, 40) * 100:,}", text)
        articles.append(f"{text}\n\n(Report {n + 1}.)")
    assert len(set(articles)) == count
    return articles


USAGE: dict[str, list[tuple[float, float, float]]] = {}
"""By run name: (CPU seconds, system seconds, minor page faults) of each run, its workers included."""


def timed(command: list[str], name: str) -> float:
    """Wall seconds of ``command``; its CPU and system seconds and page faults go to USAGE."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    USAGE.setdefault(name, []).append((
        after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
        after.ru_stime - before.ru_stime,
        float(after.ru_minflt - before.ru_minflt),
    ))
    return wall


def cpu_ratio(raw_name: str, app_name: str) -> float:
    """raw/app of the median CPU seconds (user + system, every process of the run)."""
    return statistics.median(r[0] for r in USAGE[raw_name]) / statistics.median(r[0] for r in USAGE[app_name])


def load_average() -> str:
    return "load average " + ", ".join(f"{n:.2f}" for n in os.getloadavg())


def usage_line(name: str, documents: int) -> str:
    runs = USAGE[name]
    cpu, system, faults = (statistics.median(r[k] for r in runs) for k in range(3))
    return (f"CPU {cpu:.2f} s, system {system:.2f} s ({system / documents * 1000:.1f} ms/document), "
            f"minor page faults {faults:,.0f} ({faults / documents:,.0f}/document)")


def peak_memory_run(command: list[str]) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of ``command``, measured in a wrapper process
    (bench_train uses it)."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, *command], check=True, capture_output=True, text=True).stdout
    seconds, megabytes = out.split()
    return float(seconds), float(megabytes)


PEAK_WRAPPER = r"""
import os, resource, subprocess, sys, threading, time

def tree_rss(root):
    # The resident memory (MB) of ``root`` and every process below it.
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(name))
            except (OSError, ValueError, IndexError):
                pass
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            # Proportional set size: a page shared by two processes (a forked helper's copy of
            # the loaded model) counts half in each, so the sum is the memory the tree uses.
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:")) * 1024
        except (OSError, StopIteration):
            pass
    return total / 2**20

t = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
peak = 0.0
while process.poll() is None:
    peak = max(peak, tree_rss(process.pid))
    time.sleep(0.1)
seconds = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(seconds, usage.ru_maxrss / 1024, peak, usage.ru_utime + usage.ru_stime, process.returncode)
"""


def tree_peak_run(command: list[str]) -> tuple[float, float, float, float]:
    """Wall seconds, the largest process's peak memory (MB), the sampled peak of the sum of all
    its processes' resident memory (MB) and the CPU seconds of ``command``."""
    out = subprocess.run([sys.executable, "-c", PEAK_WRAPPER, *command], check=True, capture_output=True, text=True).stdout
    seconds, largest, summed, cpu, code = out.split()
    if code != "0":
        raise SystemExit(f"{command} failed ({code})")
    return float(seconds), float(largest), float(summed), float(cpu)


def long_text() -> str:
    return "\n\n".join(derive_articles(500))[:1_000_000]


def long_document(folder: Path, runs: int, two_only: bool = False) -> None:
    """The 1,000,000-character document: the app with 1 and 2 processes against raw nlp.pipe."""
    from annotator.suggest.chunks import chunk_limit, split_text

    text = long_text()
    base = import_project(folder, [text], "long")
    pieces = [piece for _, piece in split_text(text, chunk_limit(1_000_000))]
    chunks_file = folder / "long-chunks.json"
    chunks_file.write_text(json.dumps(pieces), encoding="utf-8")
    model = choose_model(None)
    per_call = max(1, 100_000 // max(len(p) for p in pieces))  # the chunks the app puts in one call
    found: dict[str, list[tuple[float, float, float, float]]] = {}
    layers: dict[str, object] = {}

    def show(name: str, result: tuple[float, float, float, float]) -> None:
        print(f"    {name}: {result[0]:.1f} s, CPU {result[3]:.1f} s, largest process {result[1]:,.0f} MB, "
              f"all processes {result[2]:,.0f} MB; {load_average()}", flush=True)

    def app(processes: int) -> float:
        db = folder / "run.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        shutil.copy(base, db)
        result = tree_peak_run([ANNOTATOR, "--db", str(db), "suggest", "--processes", str(processes)])
        found.setdefault(f"app{processes}", []).append(result)
        show(f"app --processes {processes}", result)
        with ProjectStore.open(db) as store:
            layers[f"app{processes}"] = store.stats()["layers"]
        return result[0]

    def raw(processes: int) -> float:
        result = tree_peak_run([sys.executable, "-c", RAW, str(chunks_file), model, str(per_call), str(processes)])
        found.setdefault(f"raw{processes}", []).append(result)
        show(f"raw n_process={processes}", result)
        return result[0]

    print(f"one {len(text):,}-character document in {len(pieces)} chunks, model {model}, {runs} runs each, "
          f"alternating; {load_average()}", flush=True)
    measures = {"app2": lambda: app(2), "raw2": lambda: raw(2), "app1": lambda: app(1), "raw1": lambda: raw(1)}
    if two_only:
        measures = {k: v for k, v in measures.items() if k.endswith("2")}
    times = alternate(runs, **measures)
    names = {"app2": "annotator suggest --processes 2", "raw2": f"raw nlp.pipe(n_process=2, batch_size={per_call})",
             "app1": "annotator suggest --processes 1", "raw1": f"raw nlp.pipe(n_process=1, batch_size={per_call})"}
    for key, name in names.items():
        if key not in times:
            continue
        runs_of = found[key]
        print(f"  {name}: wall {spread(times[key], 's')}; CPU {spread([r[3] for r in runs_of], 's')}; "
              f"largest process {statistics.median(r[1] for r in runs_of):,.0f} MB (max {max(r[1] for r in runs_of):,.0f}); "
              f"all processes {statistics.median(r[2] for r in runs_of):,.0f} MB (max {max(r[2] for r in runs_of):,.0f})")
    print(f"  ratio raw/app of the wall medians: 2 processes {ratio(times['raw2'], times['app2']):.3f}")
    if not two_only:
        print(f"  1 process {ratio(times['raw1'], times['app1']):.3f}; app 1/2 processes {ratio(times['app1'], times['app2']):.3f}")
        print(f"  same suggestions with 1 and 2 processes: {layers['app1'] == layers['app2']}")
    print(f"  {layers['app2']}; {load_average()}")


def import_project(folder: Path, texts: list[str], name: str) -> Path:
    """A project of ``texts``, built once in ``folder`` and reused (same texts, same name)."""
    db, built = folder / f"{name}.db", folder / f"{name}.built"
    if db.exists() and built.exists():
        return db
    articles = folder / f"{name}-articles"
    shutil.rmtree(articles, ignore_errors=True)
    db.unlink(missing_ok=True)
    articles.mkdir()
    for n, text in enumerate(texts):
        (articles / f"{n:05d}.txt").write_text(text, encoding="utf-8")
    subprocess.run([ANNOTATOR, "--db", str(db), "import", str(articles)], check=True, stdout=subprocess.DEVNULL)
    with ProjectStore.open(db) as store:
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.rmtree(articles)
    built.touch()
    return db


def stored_texts(db: Path) -> list[str]:
    with ProjectStore.open(db) as store:
        return [document.text for document in store.documents()]


def scoring_cost(model: str, count: int, runs: int, batch_size: int) -> None:
    """Suggestions with and without entity confidences, and a raw nlp.pipe, over ``count`` articles."""
    from annotator.app.bundled import default_schema
    from annotator.suggest.suggester import Suggester

    texts = derive_articles(count)
    items = [(text, str(n)) for n, text in enumerate(texts)]
    suggester = Suggester.load(model, default_schema())
    scorer = suggester.entity_scorer
    made: dict[str, list] = {}

    def run(name: str, with_scores: bool) -> None:
        suggester.entity_scorer = scorer if with_scores else None
        made[name] = list(suggester.suggest_many(items, batch_size=batch_size))

    def raw() -> None:
        for _doc in suggester.nlp.pipe(texts, batch_size=batch_size):
            pass

    print(f"{count} articles, model {model}, batch size {batch_size}, {runs} runs each, alternating; {load_average()}", flush=True)
    times = alternate(runs, scored=lambda: run("scored", True), greedy=lambda: run("greedy", False), raw=raw)
    print(f"  raw nlp.pipe:                      {spread(times['raw'], 's')}")
    print(f"  suggest, greedy ner (no scores):   {spread(times['greedy'], 's')}; ratio raw/app {ratio(times['raw'], times['greedy']):.3f}")
    print(f"  suggest, entity confidences:       {spread(times['scored'], 's')}; ratio raw/app {ratio(times['raw'], times['scored']):.3f}; "
          f"scored/greedy {ratio(times['scored'], times['greedy']):.3f}")
    same = [[(a.span, a.uid) for a in s.spans] for s in made["scored"]] == [[(a.span, a.uid) for a in s.spans] for s in made["greedy"]]
    scores = [a.confidence for s in made["scored"] for a in s.spans]
    print(f"  same entities: {same}; {len(scores)} entities, {sum(c is not None for c in scores)} with a confidence; {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--sizes", type=int, nargs="*", default=[50, 200])
    parser.add_argument("--skip-long", action="store_true")
    parser.add_argument("--skip-processes", action="store_true", help="only the project sizes (and the long document)")
    parser.add_argument("--long", type=int, default=0, metavar="N", help="only: the 1,000,000-character document, N rounds")
    parser.add_argument("--two-only", action="store_true", help="with --long: only the 2-process runs (app and raw)")
    parser.add_argument("--scoring", type=int, default=0, metavar="N", help="only: entity scoring's cost over N articles")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-13/suggest"), help="where projects are built and kept")
    args = parser.parse_args()
    model = choose_model(None)
    if args.scoring:
        scoring_cost(model, args.scoring, args.runs, args.batch_size)
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    folder = args.dir
    if args.long:
        long_document(folder, args.long, args.two_only)
        return

    def app(base: Path, processes: int, name: str) -> float:
        db = folder / "run.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        shutil.copy(base, db)
        command = [ANNOTATOR, "--db", str(db), "suggest", "--processes", str(processes), "--batch-size", str(args.batch_size)]
        return timed(command, name)

    def raw(texts_file: Path, processes: int, name: str) -> float:
        return timed([sys.executable, "-c", RAW, str(texts_file), model, str(args.batch_size), str(processes)], name)

    def project(count: int) -> tuple[Path, Path, int]:
        base = import_project(folder, derive_articles(count), f"base-{count}")
        texts_file = folder / f"texts-{count}.json"
        texts = stored_texts(base)
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        return base, texts_file, len(texts)

    base, texts_file, n = project(args.articles)
    print(f"{n} articles, model {model}, batch size {args.batch_size}, {args.runs} runs each, alternating; {load_average()}", flush=True)
    for processes in () if args.skip_processes else (1, 2):
        app_name, raw_name = f"app --processes {processes}", f"raw n_process={processes}"
        times = alternate(
            args.runs,
            app=lambda: app(base, processes, app_name),
            raw=lambda: raw(texts_file, processes, raw_name),
        )
        print(f"{processes} process(es):")
        print(f"  raw nlp.pipe(n_process={processes}):       {spread(times['raw'], 's')}; {usage_line(raw_name, n)}")
        print(f"  annotator suggest --processes {processes}: {spread(times['app'], 's')}; {usage_line(app_name, n)}")
        print(f"  ratio raw/app = {ratio(times['raw'], times['app']):.3f} (goal >= 0.9); "
              f"CPU time raw/app = {cpu_ratio(raw_name, app_name):.3f}; {load_average()}", flush=True)
    if not args.skip_processes:
        print(f"the default is --processes {DEFAULT_PROCESSES}")

    for count in args.sizes:
        base, texts_file, n = project(count)
        app_name, raw_name = f"app {count}", f"raw {count}"
        times = alternate(args.runs, app=lambda: app(base, 1, app_name), raw=lambda: raw(texts_file, 1, raw_name))
        print(f"project of {n} articles, 1 process: app {spread(times['app'], 's')}, raw {spread(times['raw'], 's')}, "
              f"ratio raw/app {ratio(times['raw'], times['app']):.3f}")
        print(f"  app: {usage_line(app_name, n)}")
        print(f"  raw: {usage_line(raw_name, n)}; {load_average()}", flush=True)

    if not args.skip_long:
        long_document(folder, 1)


if __name__ == "__main__":
    main()
