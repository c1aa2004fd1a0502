"""Benchmark: ``annotator suggest`` end to end against a raw ``nlp.pipe`` of the same texts.

Run by hand (pytest does not collect it)::

    /work/venv/bin/python tests/benchmarks/bench_suggest.py [--articles 300] [--repeat 2] [--skip-long]

It derives distinct seed-sized articles from the two sample articles (paragraphs shuffled and
names, places and numbers swapped), imports them into a project (not timed), then times, as
separate processes with start-up included and alternating so that load from other programs hits
both alike:

* raw: ``python -c`` that loads the same pipeline and runs ``nlp.pipe`` over the same stored texts
  with the batch size the app uses (and once with spaCy's default batch size, for information);
* app: ``annotator suggest`` on a fresh copy of the project, with ``--processes 1`` and ``2``.

It prints every time, the best of each, and ratio = raw / app (goal: >= 0.85); and the CPU time
of each process (its workers included), which other programs on the machine disturb less. Last, unless
``--skip-long``, it suggests for one 1,000,000-character document with the real pipeline and
prints the time and the peak memory of that process.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ANNOTATOR = str(BIN / "annotator")

sys.path.insert(0, str(REPO))
from annotator.bundled import seed_files  # noqa: E402
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
for doc in (nlp.pipe(texts, batch_size=batch) if batch else nlp.pipe(texts)):
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


CPU_SECONDS: dict[str, list[float]] = {}


def timed(command: list[str], name: str = "") -> float:
    """Wall seconds of ``command``; its CPU seconds (user + system, its workers included) go to CPU_SECONDS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS.setdefault(name, []).append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return wall


def peak_memory_run(command: list[str]) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of ``command``, measured in a wrapper process."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, *command], check=True, capture_output=True, text=True).stdout
    seconds, megabytes = out.split()
    return float(seconds), float(megabytes)


def import_project(folder: Path, texts: list[str], name: str) -> Path:
    articles = folder / f"{name}-articles"
    articles.mkdir()
    for n, text in enumerate(texts):
        (articles / f"{n:05d}.txt").write_text(text, encoding="utf-8")
    db = folder / f"{name}.db"
    subprocess.run([ANNOTATOR, "--db", str(db), "import", str(articles)], check=True, stdout=subprocess.DEVNULL)
    with ProjectStore.open(db) as store:
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def stored_texts(db: Path) -> list[str]:
    with ProjectStore.open(db) as store:
        return [document.text for document in store.documents()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--skip-long", action="store_true")
    args = parser.parse_args()
    model = choose_model(None)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = import_project(folder, derive_articles(args.articles), "base")
        texts_file = folder / "texts.json"
        texts = stored_texts(base)
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        print(f"{len(texts)} articles, {sum(map(len, texts)):,} characters, model {model}, batch size {args.batch_size}")

        def app(processes: int) -> float:
            db = folder / "run.db"
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            shutil.copy(base, db)
            command = [ANNOTATOR, "--db", str(db), "suggest", "--processes", str(processes), "--batch-size", str(args.batch_size)]
            return timed(command, f"app --processes {processes}")

        def raw(batch: int) -> float:
            return timed([sys.executable, "-c", RAW, str(texts_file), model, str(batch)], "raw" if batch else "raw (spaCy's default batch size)")

        times: dict[str, list[float]] = {"raw": [], "raw (spaCy's default batch size)": [], "app --processes 1": [], "app --processes 2": []}
        for round_ in range(args.repeat):
            times["raw"].append(raw(args.batch_size))
            times["app --processes 1"].append(app(1))
            times["app --processes 2"].append(app(2))
            if round_ == 0:
                times["raw (spaCy's default batch size)"].append(raw(0))
            print(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items() if len(v) > round_), flush=True)
        best = {k: min(v) for k, v in times.items() if v}
        for name, seconds in best.items():
            cpu = min(CPU_SECONDS[name])
            print(f"best {name}: {seconds:.2f} s ({len(texts) / seconds:.1f} articles/s); CPU time {cpu:.2f} s")
        print(f"CPU time ratio raw/app (--processes 1) = {min(CPU_SECONDS['raw']) / min(CPU_SECONDS['app --processes 1']):.3f}")
        for processes in (1, 2):
            app_best = best[f"app --processes {processes}"]
            print(f"ratio raw/app (--processes {processes}) = {best['raw']:.2f} / {app_best:.2f} = {best['raw'] / app_best:.3f}")
        faster = 1 if best["app --processes 1"] <= best["app --processes 2"] else 2
        print(f"faster here: --processes {faster}; the default is {DEFAULT_PROCESSES}")

        if not args.skip_long:
            paragraphs = "\n\n".join(derive_articles(500))
            long_text = paragraphs[:1_000_000]
            db = import_project(folder, [long_text], "long")
            seconds, megabytes = peak_memory_run([ANNOTATOR, "--db", str(db), "suggest"])
            with ProjectStore.open(db) as store:
                stats = store.stats()["layers"]
            print(f"one {len(long_text):,}-character document: {seconds:.1f} s, peak memory {megabytes:,.0f} MB, {stats}")


if __name__ == "__main__":
    main()
