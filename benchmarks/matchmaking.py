"""Matchmaking quality and latency on a synthetic network with planted true matches.

    .venv/bin/python benchmarks/matchmaking.py [--organisations 500] [--capacities 2000] [--probes 100]
        [--backend sqlite|postgres]

Generates the network of `territoria.directory.synthetic` (deterministic, seed 7) in a
throw-away database (a temporary TERRITORIA_DATA_DIR for SQLite; for PostgreSQL a database
`territoria_bench_match` created and dropped through postgresql://127.0.0.1/postgres), then for
every probe need asks for the top 10 offers as the need page does (`Matcher()` built from the
database, then `rank`), and reports precision@5 and @10 against the rule-defined truth, and the
latency of each request (Matcher construction included) as p50/p95/max. Prints figures only.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone

PG_ADMIN_URL = os.environ.get("TERRITORIA_BENCH_PG", "postgresql://127.0.0.1/postgres")
PG_DB = "territoria_bench_match"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--organisations", type=int, default=500)
    parser.add_argument("--capacities", type=int, default=2000)
    parser.add_argument("--probes", type=int, default=100)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    os.environ["TERRITORIA_DATA_DIR"] = tempfile.mkdtemp(prefix="territoria-bench-")
    if args.backend == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            admin.execute(f"CREATE DATABASE {PG_DB}")
        os.environ["TERRITORIA_DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoria.settings")
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from territoria.directory.matching import Matcher
    from territoria.directory.models import Capacity
    from territoria.directory.synthetic import generate

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    network = generate(args.organisations, args.capacities, args.probes)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{connection.vendor}, {datetime.now(timezone.utc):%Y-%m-%d}")
    print(f"network: {network.organisations} organisations, {network.capacities} needs and offers, {len(network.probes)} probe needs "
          f"(generated in {time.perf_counter() - started:.1f} s)")
    p5, p10, timings = [], [], []
    probes = {c.pk: c for c in Capacity.objects.filter(pk__in=network.probes)}
    Matcher()  # warm-up: imports, vocabulary, stemmers
    for pk in network.probes:
        started = time.perf_counter()
        found = Matcher().rank(probes[pk], limit=10)
        timings.append((time.perf_counter() - started) * 1000)
        ids = [m.capacity_id for m in found]
        truth = network.truth[pk]
        p5.append(sum(1 for i in ids[:5] if i in truth) / 5)
        p10.append(sum(1 for i in ids[:10] if i in truth) / min(10, max(len(truth), 1)))
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
    print(f"true offers per probe: min {min(len(t) for t in network.truth.values())}, "
          f"mean {statistics.mean(len(t) for t in network.truth.values()):.1f}")
    print(f"precision@5: {statistics.mean(p5):.3f}   precision@10 (of min(10, true)): {statistics.mean(p10):.3f}")
    print(f"top-10 latency per need (ms): p50 {statistics.median(timings):.1f}  p95 {p95:.1f}  max {timings[-1]:.1f}")
    cold = []
    for pk in network.probes[:10]:  # a change to any capacity makes the next request rebuild the index
        probes[pk].save()
        started = time.perf_counter()
        Matcher().rank(probes[pk], limit=10)
        cold.append((time.perf_counter() - started) * 1000)
    print(f"top-10 latency right after a capacity changed (index rebuilt), ms: median {statistics.median(cold):.1f}  max {max(cold):.1f}")
    connection.close()
    if args.backend == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")


if __name__ == "__main__":
    main()
