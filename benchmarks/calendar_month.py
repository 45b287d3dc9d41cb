"""Month view latency of the calendar with many events, on PostgreSQL (or SQLite).

    .venv/bin/python benchmarks/calendar_month.py [--events 20000] [--requests 200]
        [--database-url postgresql://127.0.0.1/cal_bench | sqlite]

Creates a throw-away database (dropped afterwards), generates events spread over five years
(mixed kinds, countries, time zones, all-day and timed, public and members-only), then times
the month page (HTML, as a visitor and as a member, with and without filters) and its JSON
twin through Django's test client. Prints figures only. Synthetic data: random.Random(42).
"""

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KINDS = ["statutory", "annual", "webinar", "conference", "un_process", "donor", "deadline", "other"]
PLACES = [("Marrakech", "MA", "Africa/Casablanca"), ("The Hague", "NL", "Europe/Amsterdam"), ("Barcelona", "ES", "Europe/Madrid"),
          ("Paris", "FR", "Europe/Paris"), ("Daejeon", "KR", "Asia/Seoul"), ("New York", "US", "America/New_York"),
          ("Quito", "EC", "America/Guayaquil"), ("Nairobi", "KE", "Africa/Nairobi"), ("", "", "")]
WORDS = ["Annual meeting", "Webinar on local finance", "Réunion du Bureau exécutif", "Foro de gobiernos locales", "HLPF side event",
         "Peer-learning exchange", "Donor round table", "Deadline for applications", "Conférence sur le climat", "Taller de género"]


def prepare(url: str) -> str:
    """Create a fresh PostgreSQL database next to the one in the URL; return its URL."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return url


def drop(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def generate(count: int, rng: random.Random) -> float:
    from territoria.events.models import Event

    first = date(2026, 1, 1)
    events, started = [], time.perf_counter()
    for i in range(count):
        city, country, zone = rng.choice(PLACES)
        start = first + timedelta(days=rng.randrange(5 * 365))
        timed = rng.random() < 0.4
        event = Event(name=f"{rng.choice(WORDS)} {i}", kind=rng.choice(KINDS), start_date=start,
                      end_date=start + timedelta(days=0 if timed else rng.choice([0, 0, 1, 2, 3])),
                      start_time=dtime(rng.randrange(8, 18), rng.choice([0, 15, 30])) if timed else None, timezone=zone if timed else "",
                      city=city, country=country, sdgs=rng.sample(range(1, 18), 2), themes=[rng.choice(["gender", "climate", "local_finance"])],
                      visibility="public" if rng.random() < 0.8 else "members", origin="editor")
        event.end_time = dtime(event.start_time.hour + 1, event.start_time.minute) if timed else None
        event.compute_instants()
        event.compute_tags()
        events.append(event)
    Event.objects.bulk_create(events, batch_size=2000)
    return time.perf_counter() - started


def measure(client, paths: list[str], requests: int, rng: random.Random) -> dict:
    timings = []
    for _ in range(requests):
        path = rng.choice(paths)
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    timings.sort()
    return {"p50": statistics.median(timings), "p95": timings[int(0.95 * (len(timings) - 1))], "max": timings[-1]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default=os.environ.get("TERRITORIA_BENCH_CAL_PG", "postgresql://127.0.0.1/cal_bench"))
    args = parser.parse_args()
    postgres = args.database_url != "sqlite"
    os.environ["TERRITORIA_DATA_DIR"] = tempfile.mkdtemp(prefix="territoria-bench-cal-")
    if postgres:
        os.environ["TERRITORIA_DATABASE_URL"] = prepare(args.database_url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoria.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    try:
        call_command("migrate", verbosity=0)
        rng = random.Random(42)
        seconds = generate(args.events, rng)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        months = [f"{y}-{m:02d}-01" for y in range(2026, 2031) for m in range(1, 13)]
        visitor, member = Client(), Client()
        member.force_login(User.objects.create_user("bench-member"))
        from territoria.events.models import Event

        per_month = Event.objects.overlapping(date(2028, 5, 1), date(2028, 5, 31)).count()
        print(f"calendar month view — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.python_version()}, "
              f"{connection.vendor} {connection.pg_version if postgres else ''}".rstrip())
        print(f"{args.events} events generated in {seconds:.1f} s; a month holds ~{per_month} events")
        for label, client, paths in (
            ("month, visitor", visitor, [f"/calendar/?date={m}" for m in months]),
            ("month, member", member, [f"/calendar/?date={m}" for m in months]),
            ("month, filtered (kind + SDG)", visitor, [f"/calendar/?date={m}&kind=webinar&sdg=5" for m in months]),
            ("month, JSON twin", visitor, [f"/api/calendar/?date={m}" for m in months]),
        ):
            client.get(paths[0])  # warm-up: templates, translations
            figures = measure(client, paths, args.requests, rng)
            print(f"  {label:<30} p50 {figures['p50']:6.1f} ms   p95 {figures['p95']:6.1f} ms   max {figures['max']:6.1f} ms   ({args.requests} requests)")
    finally:
        connection.close()
        if postgres:
            drop(os.environ["TERRITORIA_DATABASE_URL"])


if __name__ == "__main__":
    main()
