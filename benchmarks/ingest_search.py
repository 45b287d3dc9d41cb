"""Ingestion throughput and search latency of Territoria, beside a bare full-text engine.

    .venv/bin/python benchmarks/ingest_search.py [--backend sqlite|postgres|both]
        [--documents 1000] [--passages 100000] [--queries 200] [--singles 100]

Ingestion is timed without fact extraction (issue #2's throughput target), then the
extraction of the same documents on its own (issue #3: extraction should add no more time
than ingestion). Ingestion is reported per wall-clock second and per CPU-second (this
process plus, on PostgreSQL, the server process doing the indexing). Search is timed beside a bare engine doing the same work, with and without
Territoria's bound on matches per query. Prints figures only (no assertions). Each backend runs in its own process on a throw-away
database: a temporary TERRITORIA_DATA_DIR (SQLite) or a freshly created PostgreSQL
database (TERRITORIA_BENCH_DB, default territoria_bench). All data is synthetic and deterministic (random.Random(42)).
"""

import argparse
import heapq
import json
import math
import os
import platform
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

PG_ADMIN_URL = os.environ.get("TERRITORIA_BENCH_PG", "postgresql://127.0.0.1/postgres")
PG_BENCH_DB = os.environ.get("TERRITORIA_BENCH_DB", "territoria_bench")  # another name lets two runs share a server
MB = 1_000_000
BATCH = 5_000
FILLER_PER_DOC = 250
WORD_RE = re.compile(r"[^\W_]+")

# The field's vocabulary, per language: subjects | verbs | objects | tails | headings | agenda | titles.
V = {
    "fr": """Les collectivités territoriales|La coopération décentralisée|Les gouvernements locaux et régionaux|L'association nationale des communes|Le réseau des villes intermédiaires|La municipalité de {city}|Le conseil régional|Les élues locales|Le secrétariat mondial|Le groupe de travail sur la finance locale
renforcent|soutiennent|contribuent à|mettent en œuvre|évaluent|financent|accompagnent|promeuvent|documentent|coordonnent
la localisation des Objectifs de développement durable|l'égalité de genre dans les conseils municipaux|la finance locale et l'accès à l'emprunt|l'adaptation au changement climatique|la transition énergétique des territoires|le plan de travail annuel|l'agenda d'apprentissage|la participation citoyenne|les services publics de base|la gouvernance multiniveau|le renforcement des capacités des élus|la gestion des déchets|l'accès à l'eau potable|la mobilité urbaine durable|l'accueil des migrants|la décentralisation fiscale|le budget participatif|la résilience face aux catastrophes
dans le cadre du programme {year}|avec l'appui des partenaires techniques|lors de la réunion annuelle de {city}|selon le rapport de suivi {year}|en lien avec l'Agenda 2030|aux niveaux national et régional|malgré des ressources fiscales limitées|pour {n} % des budgets municipaux|dans les villes intermédiaires|grâce à l'échange entre pairs
Contexte et justification|Objectifs spécifiques|Résultats attendus|Méthodologie|Budget prévisionnel|Suivi et évaluation|Partenaires|Calendrier des activités|Leçons apprises|Recommandations
Ouverture officielle|Pause café|Table ronde sur la finance locale|Présentation du rapport annuel|Atelier sur l'égalité de genre|Déjeuner|Session plénière|Clôture et prochaines étapes
Rapport annuel|Plan de travail|Ordre du jour de la réunion|Note d'orientation|Appel à candidatures|Compte-rendu de l'atelier""",
    "en": """Local and regional governments|Decentralised cooperation|The national association of municipalities|The network of intermediary cities|The city of {city}|The regional council|Women mayors|The world secretariat|The local finance working group|Peer learning exchanges
strengthen|support|contribute to|implement|assess|finance|promote|document|coordinate|monitor
the localisation of the Sustainable Development Goals|gender equality in municipal councils|local finance and access to borrowing|adaptation to climate change|the energy transition of territories|the annual work plan|the learning agenda|citizen participation|basic public services|multilevel governance|capacity building for elected officials|solid waste management|access to drinking water|sustainable urban mobility|the inclusion of migrants|fiscal decentralisation|participatory budgeting|disaster risk resilience
under the {year} programme|with the support of technical partners|at the annual meeting in {city}|according to the {year} monitoring report|in line with the 2030 Agenda|at national and regional level|despite limited fiscal resources|for {n}% of municipal budgets|in intermediary cities|through peer-to-peer exchange
Background and rationale|Specific objectives|Expected results|Methodology|Indicative budget|Monitoring and evaluation|Partners|Timeline of activities|Lessons learned|Recommendations
Official opening|Coffee break|Panel on local finance|Presentation of the annual report|Workshop on gender equality|Lunch|Plenary session|Closing and next steps
Annual report|Work plan|Meeting agenda|Policy paper|Call for applications|Workshop report""",
    "es": """Los gobiernos locales y regionales|La cooperación descentralizada|La asociación nacional de municipios|La red de ciudades intermedias|El municipio de {city}|El consejo regional|Las alcaldesas|El secretariado mundial|El grupo de trabajo sobre finanzas locales|Los intercambios entre pares
fortalecen|apoyan|contribuyen a|implementan|evalúan|financian|promueven|documentan|coordinan|monitorean
la localización de los Objetivos de Desarrollo Sostenible|la igualdad de género en los concejos municipales|las finanzas locales y el acceso al crédito|la adaptación al cambio climático|la transición energética de los territorios|el plan de trabajo anual|la agenda de aprendizaje|la participación ciudadana|los servicios públicos básicos|la gobernanza multinivel|el fortalecimiento de capacidades de los electos|la gestión de residuos sólidos|el acceso al agua potable|la movilidad urbana sostenible|la inclusión de las personas migrantes|la descentralización fiscal|el presupuesto participativo|la resiliencia ante desastres
en el marco del programa {year}|con el apoyo de los socios técnicos|durante la reunión anual de {city}|según el informe de seguimiento {year}|en línea con la Agenda 2030|a nivel nacional y regional|a pesar de recursos fiscales limitados|para el {n} % de los presupuestos municipales|en las ciudades intermedias|mediante el intercambio entre pares
Contexto y justificación|Objetivos específicos|Resultados esperados|Metodología|Presupuesto indicativo|Seguimiento y evaluación|Socios|Calendario de actividades|Lecciones aprendidas|Recomendaciones
Apertura oficial|Pausa café|Panel sobre finanzas locales|Presentación del informe anual|Taller sobre igualdad de género|Almuerzo|Sesión plenaria|Clausura y próximos pasos
Informe anual|Plan de trabajo|Orden del día de la reunión|Documento de orientación|Convocatoria|Informe del taller""",
}
SLOTS = ("subjects", "verbs", "objects", "tails", "headings", "agenda", "titles")
VOCAB = {lang: dict(zip(SLOTS, (line.split("|") for line in text.splitlines()))) for lang, text in V.items()}
CITIES = "Dakar Lyon Medellín Rabat Quito Montréal Barcelona Durban Bogotá Tunis Abidjan Cotonou Montevideo Bilbao Kigali Nantes Ouagadougou Valparaíso Yaoundé Strasbourg".split()
LANGS, LANG_WEIGHTS = ("fr", "en", "es"), (0.45, 0.35, 0.20)
QUERIES = [
    "annual meeting", "igualdad de género", "coopération décentralisée", "local finance", "learning agenda",
    "réunion annuelle", "changement climatique", "climate adaptation", "finanzas locales", "gobiernos locales",
    "gender equality", "plan de travail", "work plan 2024", "cooperación descentralizada", "participation citoyenne",
    "citizen participation", "eau potable", "agua potable", "mobilité urbaine", "Dakar", "Medellín",
    "transition énergétique", "multilevel governance", "gouvernance multiniveau", "presupuesto participativo",
    "capacity building", "renforcement des capacités", "migrants", "Sustainable Development Goals", "budget",
]


# ---------------------------------------------------------------- synthetic data
def sentence(rng, lang):
    v, zipf = VOCAB[lang], [1 / (i + 1) for i in range(len(VOCAB[lang]["objects"]))]
    parts = [rng.choice(v["subjects"]), rng.choice(v["verbs"]), rng.choices(v["objects"], zipf)[0], rng.choice(v["tails"])]
    text = " ".join(parts).format(city=rng.choice(CITIES), year=rng.randint(2015, 2026), n=rng.randint(2, 60))
    return text + "."


def paragraph(rng, lang, sentences=(2, 6)):
    other = rng.choice(LANGS) if rng.random() < 0.1 else lang  # some passages quote another language
    return " ".join(sentence(rng, other) for _ in range(rng.randint(*sentences)))


def agenda_table(rng, lang):
    rows, hour = ["| Heure / Time | Session |", "|---|---|"], 9
    for _ in range(rng.randint(4, 8)):
        start, hour = hour, hour + 1
        rows.append(f"| {start:02d}h00-{start:02d}h45 | {rng.choice(VOCAB[lang]['agenda'])} – {rng.choice(CITIES)} |")
    return "\n".join(rows)


def make_document(rng, i) -> tuple[str, bytes]:
    lang = rng.choices(LANGS, LANG_WEIGHTS)[0]
    v, target = VOCAB[lang], rng.randint(5_000, 48_000)
    parts, numbers = [f"# {rng.choice(v['titles'])} {rng.randint(2015, 2026)} – {rng.choice(CITIES)}"], [0, 0, 0]
    while sum(len(p) for p in parts) < target:
        roll = rng.random()
        if roll < 0.15:
            level = rng.choice((1, 2, 3) if numbers[0] else (1,))
            numbers[level - 1] += 1
            numbers[level:] = [0] * (3 - level)
            number = ".".join(str(max(n, 1)) for n in numbers[:level]) + ("." if level == 1 else "")
            parts.append(f"{number} {rng.choice(v['headings'])}")
        elif roll < 0.25:
            parts.append("\n".join(f"- {sentence(rng, lang)}" for _ in range(rng.randint(3, 6))))
        elif roll < 0.30:
            parts.append(agenda_table(rng, lang))
        else:
            parts.append(paragraph(rng, lang))
    return f"doc{i:04d}.md", "\n\n".join(parts).encode()


def filler_passage(rng) -> tuple[str, str, str]:
    lang, roll = rng.choices(LANGS, LANG_WEIGHTS)[0], rng.random()
    if roll < 0.1:
        return lang, "heading", rng.choice(VOCAB[lang]["headings"])
    if roll < 0.3:
        return lang, "list_item", sentence(rng, lang)
    return lang, "paragraph", paragraph(rng, lang, (1, 4))


def make_queries(n, seed=7, curated=QUERIES) -> list[str]:
    """The curated queries, then 1-4 random words of the vocabulary (deterministic)."""
    rng = random.Random(seed)
    pool = sorted({w for lang in LANGS for o in VOCAB[lang]["objects"] for w in WORD_RE.findall(o) if len(w) > 4})
    generated = [" ".join(rng.sample(pool, rng.randint(1, 4))) for _ in range(max(0, n - len(curated)))]
    return (curated + generated)[:n]


# ---------------------------------------------------------------- machine and setup
def machine() -> dict:
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    ram = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    return {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "cpu": cpu, "cores": os.cpu_count(),
            "ram_gb": round(ram / 1024 / 1024, 1), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "postgresql": pg_version()}


def pg_version() -> str:
    try:
        return pg_admin(["SHOW server_version"])[0]
    except Exception as problem:
        return f"unavailable ({type(problem).__name__})"


def pg_bench_url() -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_BENCH_DB


def pg_admin(statements) -> list:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
        return [conn.execute(sql).fetchone()[0] if sql.startswith("SHOW") else conn.execute(sql) for sql in statements]


def setup_django(backend: str, data_dir: str) -> None:
    os.environ["TERRITORIA_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "territoria.settings"
    os.environ.pop("TERRITORIA_DATABASE_URL", None)
    if backend == "postgres":
        pg_admin([f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)", f"CREATE DATABASE {PG_BENCH_DB}"])
        os.environ["TERRITORIA_DATABASE_URL"] = pg_bench_url()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


# ---------------------------------------------------------------- bare engines
class BareSQLite:
    def __init__(self, path):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        self.db.execute("CREATE VIRTUAL TABLE bare USING fts5(text, tokenize='unicode61 remove_diacritics 2')")

    def insert(self, texts):
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT INTO bare(text) VALUES (?)", ((t,) for t in texts))

    def search(self, words):
        match = " OR ".join(f'"{w}"' for w in words)
        hits = self.db.execute("SELECT rowid, text FROM bare WHERE bare MATCH ? ORDER BY bm25(bare) LIMIT 20", [match]).fetchall()
        return hits, self.db.execute("SELECT count(*) FROM bare WHERE bare MATCH ?", [match]).fetchone()[0]

    def bounded(self, words, rows):
        """The same bound as Territoria: at most `rows` matches, newest first, best 20 of them."""
        match = " OR ".join(f'"{w}"' for w in words)
        found = self.db.execute("SELECT rowid, bm25(bare) FROM bare WHERE bare MATCH ? ORDER BY rowid DESC LIMIT ?", [match, rows]).fetchall()
        return heapq.nsmallest(20, found, key=lambda r: r[1]), len(found)


class BarePostgres:
    def __init__(self, url):
        import psycopg

        self.db = psycopg.connect(url, autocommit=True)
        self.db.execute("CREATE TABLE bare (id bigserial PRIMARY KEY, text text NOT NULL, "
                        "tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED)")
        self.db.execute("CREATE INDEX bare_tsv ON bare USING gin (tsv)")

    def insert(self, texts):
        with self.db.transaction(), self.db.cursor() as cursor:
            cursor.executemany("INSERT INTO bare(text) VALUES (%s)", [(t,) for t in texts])

    def search(self, words):
        q = " | ".join(words)
        hits = self.db.execute("SELECT id, text, ts_rank(tsv, q) AS r FROM bare, to_tsquery('simple', %s) q "
                               "WHERE tsv @@ q ORDER BY r DESC LIMIT 20", [q]).fetchall()
        return hits, self.db.execute("SELECT count(*) FROM bare WHERE tsv @@ to_tsquery('simple', %s)", [q]).fetchone()[0]

    def bounded(self, words, rows):
        """The same bound as Territoria: at most `rows` matches, best 20 of them."""
        q = " | ".join(words)
        found = self.db.execute("SELECT id, ts_rank(tsv, to_tsquery('simple', %s)) FROM bare WHERE tsv @@ to_tsquery('simple', %s) LIMIT %s",
                                [q, q, rows]).fetchall()
        return heapq.nlargest(20, found, key=lambda r: r[1]), len(found)


# ---------------------------------------------------------------- measurements
def measure_convert(docs) -> tuple[dict, list[list[str]]]:
    from territoria.library.pipeline import convert

    started = time.perf_counter()
    conversions = [convert(name, data) for name, data in docs]
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "stages": add_up(c.timings for c in conversions), "failed": sum(c.status == "failure" for c in conversions),
            "text_chars": sum(c.text_chars for c in conversions)}, [[b.text for b in c.blocks] for c in conversions]


def add_up(timings) -> dict[str, float]:
    """{stage: seconds} dicts summed per stage, in first-seen order."""
    totals = {}
    for one in timings:
        for name, seconds in one.items():
            totals[name] = totals.get(name, 0.0) + seconds
    return totals


def time_steps(module, names) -> dict[str, float]:
    """Wrap the module's helpers that exist to add up their time (instrumentation only, code unchanged)."""
    totals = {}
    for name in [n for n in names if callable(getattr(module, n, None))]:
        def timed(*args, _function=getattr(module, name), _name=name, **kwargs):
            started = time.perf_counter()
            try:
                return _function(*args, **kwargs)
            finally:
                totals[_name] = totals.get(_name, 0.0) + time.perf_counter() - started
        setattr(module, name, timed)
    return totals


def measure_ingest(docs, singles) -> dict:
    """Ingestion without fact extraction (issue #2's figure) as `territoria ingest` does it
    (ingest_many: files stored in batches), then extraction of the same documents on its own
    (issue #3: extraction should add no more time than ingestion); then `singles`, other
    documents, one ingest_bytes() call each, as the upload page does."""
    from territoria.extraction.pipeline import extract_all, start
    from territoria.library import services
    from territoria.library.models import Document, Version

    steps = time_steps(services, ["_store"])
    started, cpu = time.perf_counter(), cpu_seconds()
    failed = sum(r.failed for r in services.ingest_many((services.Item(name, f"bench/{name}", data) for name, data in docs), extract=False))
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    stages = add_up(Version.objects.filter(document__key__startswith="bench/doc").values_list("timings", flat=True))
    steps = {"store+index": steps.get("_store", 0.0)}
    steps["other"] = seconds - sum(stages.values()) - sum(steps.values())
    documents = list(Document.objects.filter(key__startswith="bench/doc").select_related("current").order_by("id"))
    start(wait=True)  # the worker processes `territoria extract` starts, ready
    started = time.perf_counter()
    for _ in extract_all(documents):  # as `territoria extract --all` does: a transaction per batch of documents
        pass
    extraction = time.perf_counter() - started
    extractors = extractor_timings()
    single_started, single_cpu = time.perf_counter(), cpu_seconds()
    for name, data in singles:
        services.ingest_bytes(name, data, f"single/{name}", extract=False)
    single_seconds, single_cpu = time.perf_counter() - single_started, cpu_seconds() - single_cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "stages": stages, "steps": steps, "failed": failed, "extraction_seconds": extraction,
            "extractors": extractors, "singles": len(singles), "singles_mb": sum(len(d) for _, d in singles) / MB,
            "singles_seconds": single_seconds, "singles_cpu": single_cpu}


def cpu_seconds() -> float:
    """CPU time of this process plus, on PostgreSQL, of the server process serving its
    connection (read from /proc: the server is local). Throughput per CPU-second is what the
    target 'MB/s per core' asks, and it moves less than wall time when the machine is shared."""
    from django.db import connection

    used = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return used


def extractor_timings() -> dict[str, float]:
    """Seconds per fact extractor, from the extraction runs' own timings (when the code has them)."""
    try:
        from territoria.extraction.models import Run
    except ImportError:
        return {}
    return add_up(Run.objects.filter(document__key__startswith="bench/doc").values_list("timings", flat=True))


def measure_bare_ingest(bare, texts) -> float:
    started = time.perf_counter()
    for i in range(0, len(texts), 50):  # one transaction per 50 documents, as ingest_many does
        bare.insert([text for doc_texts in texts[i : i + 50] for text in doc_texts])
    return time.perf_counter() - started


def top_up(target: int, rng) -> tuple[list[str], float]:
    """Add synthetic passages (bypassing the pipeline) until the index holds `target`."""
    from django.db import transaction

    from territoria.library.models import Document, Passage, Version
    from territoria.search.backends import get_backend

    need = target - Passage.objects.count()
    if need <= 0:
        return [], 0.0
    rows = [filler_passage(rng) for _ in range(need)]
    started, backend = time.perf_counter(), get_backend()
    n_docs = math.ceil(need / FILLER_PER_DOC)
    docs = Document.objects.bulk_create(Document(key=f"bench/filler{i:05d}", title=f"Filler {i}", language=rows[i * FILLER_PER_DOC][0],
                                                 doc_type="report", year=2015 + i % 12) for i in range(n_docs))
    versions = Version.objects.bulk_create(Version(document=d, number=1, sha256=f"{i:064x}", file=f"bench/filler{i}.txt",
                                                   original_name=f"filler{i}.txt", format="text", size=0, status="success")
                                           for i, d in enumerate(docs))
    for document, version in zip(docs, versions):
        document.current = version
    Document.objects.bulk_update(docs, ["current"], batch_size=BATCH)
    for start in range(0, need, BATCH):
        with transaction.atomic():
            passages = Passage.objects.bulk_create(
                Passage(version=versions[j // FILLER_PER_DOC], document=docs[j // FILLER_PER_DOC], order=j % FILLER_PER_DOC,
                        kind=rows[j][1], language=rows[j][0], text=rows[j][2]) for j in range(start, min(start + BATCH, need)))
            for document_index in sorted({j // FILLER_PER_DOC for j in range(start, min(start + BATCH, need))}):
                backend.index([(p.pk, p.text, p.language) for p in passages if p.document_id == docs[document_index].pk], docs[document_index])
    return [text for _, _, text in rows], time.perf_counter() - started


def bare_words(query: str) -> list[str]:
    from territoria.core.text import ALL_STOP_WORDS, strip_accents

    found = [w for w in WORD_RE.findall(query.lower()) if strip_accents(w) not in ALL_STOP_WORDS]
    return list(dict.fromkeys(found))


def latencies(run, queries) -> tuple[list[float], float]:
    for query in make_queries(10, seed=8, curated=[]):  # warm-up: 10 queries outside the timed set
        run(query)
    times, totals = [], 0
    for query in queries:
        started = time.perf_counter()
        totals += run(query)
        times.append((time.perf_counter() - started) * 1000)
    return times, totals / len(queries)


def percentiles(times) -> dict:
    ordered = sorted(times)
    rank = lambda p: ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]
    return {"p50": rank(50), "p95": rank(95), "p99": rank(99), "max": ordered[-1], "mean": sum(ordered) / len(ordered)}


# ---------------------------------------------------------------- one backend
def run_backend(args) -> dict:
    rng = random.Random(42)
    docs = [make_document(rng, i) for i in range(args.documents)]
    warmup = make_document(rng, 99_999)
    singles = [make_document(rng, 200_000 + i) for i in range(args.singles)]
    in_bytes = sum(len(d) for _, d in docs)
    with tempfile.TemporaryDirectory(prefix="territoria-bench-") as tmp:
        setup_django(args.backend, tmp)
        try:
            return measure_all(args, rng, docs, warmup, in_bytes, tmp, singles)
        finally:
            from django.db import connections

            connections.close_all()
            if args.backend == "postgres":
                pg_admin([f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)"])


def measure_all(args, rng, docs, warmup, in_bytes, tmp, singles) -> dict:
    from django.conf import settings
    from django.db import connection

    from territoria.library.models import Passage
    from territoria.library.services import ingest_bytes
    from territoria.search.backends import Filters
    from territoria.search.engine import search

    ingest_bytes(warmup[0], warmup[1], "bench/warmup")  # pays the language-model load (~1 s) and connection set-up
    print(f"[{args.backend}] {len(docs)} documents, {in_bytes / MB:.1f} MB; converting…", flush=True)
    conv, texts = measure_convert(docs)
    print(f"[{args.backend}] ingesting…", flush=True)
    ingest = measure_ingest(docs, singles)
    bare = BareSQLite(os.path.join(tmp, "bare.sqlite3")) if connection.vendor == "sqlite" else BarePostgres(pg_bench_url())
    bare_s = measure_bare_ingest(bare, texts)
    print(f"[{args.backend}] topping up to {args.passages} passages…", flush=True)
    filler, filler_s = top_up(args.passages, rng)
    bare.insert(list(Passage.objects.filter(document__key="bench/warmup").values_list("text", flat=True)) + filler)
    if connection.vendor == "postgresql":  # fresh statistics, as autovacuum would give after a bulk load
        connection.cursor().execute("VACUUM ANALYZE")
    passages, queries = Passage.objects.count(), make_queries(args.queries)
    print(f"[{args.backend}] {passages} passages; {len(queries)} queries…", flush=True)
    bounded = set()

    def run_engine(query):
        results = search(query, Filters(public_only=False), 20)
        if not results.complete:
            bounded.add(query)
        return results.total

    engine_t, engine_hits = latencies(run_engine, queries)
    bare_t, bare_hits = latencies(lambda q: bare.search(bare_words(q))[1], queries)
    rows = settings.SEARCH_SCAN_LIMIT + 1
    bare_bounded_t, bare_bounded_hits = latencies(lambda q: bare.bounded(bare_words(q), rows)[1], queries)
    slowest = sorted(zip(engine_t, queries), reverse=True)[:8]
    print(f"[{args.backend}] slowest queries: " + "; ".join(f"{q!r} {t:.0f} ms" for t, q in slowest), flush=True)
    return {"backend": args.backend, "documents": len(docs), "input_mb": in_bytes / MB, "text_chars": conv["text_chars"],
            "passages": passages, "ingested_passages": sum(map(len, texts)), "convert": conv, "ingest": ingest,
            "bare_ingest_seconds": bare_s, "filler": len(filler), "filler_seconds": filler_s, "queries": len(queries),
            "engine": percentiles(engine_t), "bare": percentiles(bare_t), "engine_hits": engine_hits, "bare_hits": bare_hits,
            "bare_bounded": percentiles(bare_bounded_t), "bare_bounded_hits": bare_bounded_hits,
            "bounded_queries": len(bounded & set(queries)), "scan_limit": settings.SEARCH_SCAN_LIMIT}


# ---------------------------------------------------------------- printing
def report(r: dict) -> None:
    n, mb, c, i = r["documents"], r["input_mb"], r["convert"], r["ingest"]
    print(f"\n== {r['backend']}: ingestion of {n} documents, {mb:.1f} MB input, {r['text_chars'] / 1e6:.1f} M chars of text, "
          f"{r['ingested_passages']} passages (warm: language model loaded on one extra document first)")
    for label, s in (("convert() alone", c["seconds"]), ("ingest_many()", i["seconds"]), ("bare table insert", r["bare_ingest_seconds"]),
                     ("fact extraction", i["extraction_seconds"])):
        print(f"  {label:<18} {s:8.2f} s  {n / s:8.1f} docs/s  {mb / s:6.2f} MB/s")
    server = " + its PostgreSQL server process" if r["backend"] == "postgres" else ""
    print(f"  ingest_many() CPU  {i['cpu_seconds']:8.2f} s  {mb / i['cpu_seconds']:6.2f} MB per CPU-second (this process{server})")
    if i.get("singles"):
        ns, smb = i["singles"], i["singles_mb"]
        print(f"  ingest_bytes()     {i['singles_seconds']:8.2f} s  {ns / i['singles_seconds']:8.1f} docs/s  {smb / i['singles_seconds']:6.2f} MB/s"
              f"  {smb / i['singles_cpu']:6.2f} MB per CPU-second  ({ns} other documents, one call and one transaction each, as uploads)")
    print(f"  ratio ingest_many/bare: {i['seconds'] / r['bare_ingest_seconds']:.1f}x   failures: convert {c['failed']}, ingest {i['failed']}")
    print("  stage         convert() s   in ingest_many() s    ms/doc   share of ingest_many()")
    for stage, s in [(k, i["stages"].get(k, 0.0)) for k in c["stages"]] + list(i["steps"].items()):
        alone = f"{c['stages'][stage]:8.2f}" if stage in c["stages"] else "       -"
        print(f"  {stage:<12} {alone}     {s:14.2f}     {s / n * 1000:10.2f}   {s / i['seconds'] * 100:6.1f} %")
    print("  (ingest_many() without fact extraction, in batches of up to 50 files; stages from Version.timings; "
          "store+index = services._store; other = the rest)")
    print(f"  fact extraction of the same documents afterwards: {i['extraction_seconds'] / n * 1000:.1f} ms/doc, "
          f"extraction / ingestion = {i['extraction_seconds'] / i['seconds']:.2f}")
    if i["extractors"]:
        print("  extraction by step (s): " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(i["extractors"].items(), key=lambda kv: -kv[1])))
    print(f"  bulk top-up: {r['filler']} passages in {r['filler_seconds']:.1f} s (bulk_create + backend.index, no pipeline)")
    print(f"\n== {r['backend']}: search over {r['passages']} passages, {r['queries']} queries, limit 20 (ms)")
    print("                         p50     p95     p99     max    mean   mean total hits")
    for label, key in (("Territoria search()", "engine"), ("bare FTS, all", "bare"), ("bare FTS, bounded", "bare_bounded")):
        p = r[key]
        print(f"  {label:<19} {p['p50']:7.1f} {p['p95']:7.1f} {p['p99']:7.1f} {p['max']:7.1f} {p['mean']:7.1f}   {r[key + '_hits']:.0f}")
    print(f"  {r['bounded_queries']} of {r['queries']} queries matched more than {r['scan_limit']} passages: ranked and counted over the "
          f"first {r['scan_limit']} (bare, all = ranks and counts every match; bare, bounded = the same bound as Territoria)")
    print("  ratio Territoria/bare bounded: " + "  ".join(f"{k} {r['engine'][k] / r['bare_bounded'][k]:.1f}x" for k in ("p50", "p95", "p99")))


def print_machine() -> None:
    m = machine()
    print(f"Date {m['date']}; CPU {m['cpu']} ({m['cores']} cores), RAM {m['ram_gb']} GB; Python {m['python']}, "
          f"SQLite {m['sqlite']}, PostgreSQL {m['postgresql']}", flush=True)


def summary(results: list[dict]) -> None:
    print("\n== summary (ingestion without fact extraction; extraction ratio = extraction time / ingestion time, same documents)")
    print("| backend | ingest docs/s | ingest MB/s | MB per CPU-s | one file at a time: MB/s, per CPU-s | convert MB/s | bare MB/s | "
          "extraction ratio | search p50 | p95 | p99 | bare p95 | bare bounded p95 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        mb, e, i = r["input_mb"], r["engine"], r["ingest"]
        single = f"{i['singles_mb'] / i['singles_seconds']:.2f}, {i['singles_mb'] / i['singles_cpu']:.2f}" if i.get("singles") else "-"
        print(f"| {r['backend']} | {r['documents'] / r['ingest']['seconds']:.1f} | {mb / r['ingest']['seconds']:.2f} | "
              f"{mb / r['ingest']['cpu_seconds']:.2f} | {single} | {mb / r['convert']['seconds']:.2f} | {mb / r['bare_ingest_seconds']:.2f} | "
              f"{r['ingest']['extraction_seconds'] / r['ingest']['seconds']:.2f} | {e['p50']:.1f} ms | "
              f"{e['p95']:.1f} ms | {e['p99']:.1f} ms | {r['bare']['p95']:.1f} ms | {r['bare_bounded']['p95']:.1f} ms |")


def run_children(args) -> list[dict]:
    """One process per backend (Django settings are per process); their figures come back as JSON."""
    results = []
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        command = [sys.executable, os.path.abspath(__file__), "--backend", backend, "--child", "--documents", str(args.documents),
                   "--passages", str(args.passages), "--queries", str(args.queries), "--singles", str(args.singles)]
        with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as child:
            for line in child.stdout:
                if line.startswith("RESULT "):
                    results.append(json.loads(line[7:]))
                else:
                    print(line, end="", flush=True)
        if child.returncode:
            print(f"[{backend}] failed with exit code {child.returncode}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--singles", type=int, default=100, help="documents also ingested one ingest_bytes() call each")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = run_backend(args)
        report(result)
        print("RESULT " + json.dumps(result), flush=True)
    else:
        print_machine()
        summary(run_children(args))


if __name__ == "__main__":
    main()
