"""What fact extraction adds to ingestion, on the realistic documents the project has.

    .venv/bin/python benchmarks/extraction_cost.py [--backend sqlite|postgres|both] [--runs 3] [--synthetic 1000]

The corpus: the annotated set (benchmarks/extraction_set/), the demo corpus (rendered from
territoria/demo/sources, PDF and DOCX included) and, when ../shared/seeds is present, the
seeds; or, with --synthetic N, the first N synthetic documents of ingest_search.py (dense
text in the field's vocabulary, 27 KB each on average). Each run ingests it as `territoria ingest` does (`ingest_paths`, in batches) into a
fresh database twice, in two processes: extraction off, then on (with the calendar and the
directory it feeds). Both first ingest a warm-up text, so one-off loading (the language model,
gazetteers, keyword tries) is left out. Prints seconds, the time extraction adds, its ratio to
ingestion, and the extraction's time by step. Issue #3's target: a ratio of 1 or less.
`ingest_search.py` measures the same on its dense synthetic corpus (`extraction ratio`).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
WARM_UP = "Réunion annuelle du CIB à Marrakech le 15 mai 2023 avec CGLU et ONU-Habitat (ODD 5). Jessie Post, coordinatrice."


def corpus(folder: Path, synthetic: int = 0) -> list[Path]:
    from territoria.demo.build import build_demo

    if synthetic:
        import random

        from ingest_search import make_document

        rng, folder = random.Random(42), folder.parent / "synthetic"
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(synthetic):
            name, data = make_document(rng, i)
            (folder / name).write_bytes(data)
        return sorted(folder.iterdir())

    files = sorted(p for p in (ROOT / "benchmarks" / "extraction_set").iterdir() if p.suffix != ".json")
    seeds = ROOT.parent / "shared" / "seeds"
    files += sorted(seeds.iterdir()) if seeds.is_dir() else []
    return files + sorted(build_demo(folder))


def child(backend: str, extract: bool, synthetic: int) -> dict:
    from ingest_search import setup_django

    with tempfile.TemporaryDirectory(prefix="territoria-cost-") as tmp:
        setup_django(backend, tmp)
        from django.db import connections

        from territoria.extraction.models import Run
        from territoria.library import services

        files = corpus(Path(tmp) / "demo", synthetic)
        services.ingest_bytes("warm-up.txt", WARM_UP.encode(), "warm-up", visibility="public")
        if extract:
            from territoria.extraction.pipeline import start

            start(wait=True)  # extraction's worker processes, started (as `territoria ingest` does) and ready
        started = time.perf_counter()
        results = list(services.ingest_paths(files, extract=extract))
        seconds = time.perf_counter() - started
        steps: dict[str, float] = {}
        for timings in Run.objects.exclude(document__key="warm-up").values_list("timings", flat=True):
            for step, value in timings.items():
                steps[step] = steps.get(step, 0.0) + value
        connections.close_all()
        if backend == "postgres":
            from ingest_search import PG_BENCH_DB, pg_admin

            pg_admin([f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)"])
        return {"seconds": seconds, "files": len(files), "failed": sum(r.failed for r in results),
                "mb": sum(f.stat().st_size for f in files) / 1e6, "steps": steps}


def run(backend: str, extract: bool, synthetic: int) -> dict:
    command = [sys.executable, __file__, "--child", backend, "--extract" if extract else "--no-extract", "--synthetic", str(synthetic)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--synthetic", type=int, default=0, metavar="N", help="the first N synthetic documents of ingest_search.py instead")
    parser.add_argument("--child", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--extract", action=argparse.BooleanOptionalAction, default=True, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.extract, args.synthetic)))
        return
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        for i in range(args.runs):
            off, on = run(backend, False, args.synthetic), run(backend, True, args.synthetic)
            added = on["seconds"] - off["seconds"]
            steps = ", ".join(f"{k} {v:.3f}" for k, v in sorted(on["steps"].items(), key=lambda kv: -kv[1]))
            print(f"{backend} run {i + 1}: {on['files']} files ({on['mb']:.2f} MB, {on['failed']} failed): ingestion {off['seconds']:.3f} s "
                  f"without extraction, {on['seconds']:.3f} s with; extraction adds {added:.3f} s = {added / off['seconds']:.2f}x the ingestion")
            print(f"  extraction by step (s): {steps}", flush=True)


if __name__ == "__main__":
    main()
