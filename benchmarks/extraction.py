"""Extraction quality of Territoria on a hand-annotated trilingual set, and SDG tagging accuracy.

    .venv/bin/python benchmarks/extraction.py [--set DIR] [--json] [--errors]

Part 1 ingests every document of the set (benchmarks/extraction_set/: fr/en/es work plans,
agendas, news and reports, each with a gold `<name>.json`) into a throw-away SQLite database
with `ingest_path` (extraction runs at ingestion), reads the facts with
`territoria.extraction.exports.records(kind)` and scores them per document against the gold:
precision, recall and F1 per fact kind and language. Matching, one prediction per gold item:
  actions        same section, same kind, predicted text starts with the gold prefix;
  organisations  a gold string (or one of its alternatives) equals the name, acronym or an alias;
  people         same name; places: same country code, and for cities the same name or alias;
  events         same start and end dates (date part only, partial dates allowed); how many
                 matched events (and people) also have the right name (role): Dice overlap of
                 their significant words >= 0.5.
Strings are compared without case or accents. Ingestion time is compared with the same
ingestion, extraction off (`_extract` patched to return [], in a second process); both first
ingest a warm-up text, so one-off loading (imports, gazetteers) is timed apart.

Part 2, SDG tagging accuracy on territoria/extraction/data/sdg_eval.jsonl ({"lang", "sdg", "text"}):
per language and goal g, the texts labelled g and as many labelled other goals (random.Random(g));
an item is right when g is tagged on a positive and not on a negative. Prints figures only.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SET_DIR = ROOT / "benchmarks" / "extraction_set"
SDG_FILE = ROOT / "territoria" / "extraction" / "data" / "sdg_eval.jsonl"
LANGS = ("fr", "en", "es")
KINDS = {"actions": "action", "organisations": "organisation", "people": "person", "places": "place", "events": "event"}
TARGETS = {"actions": 0.90, "events": 0.90, "people": 0.90, "organisations": 0.85, "places": 0.85}
LANG_GAP, SDG_TARGET = 0.05, 0.85
STOP = set("the and for with from des les une par pour sur dans del los las por con para que aux".split())
WARM_UP = b"Warm-up\n\nA short note without names, dates or organisations.\n"


# ---------------------------------------------------------------- setup and ingestion
def setup_django(data_dir: str) -> None:
    os.environ["TERRITORIA_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "territoria.settings"
    os.environ.pop("TERRITORIA_DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def documents(set_dir: Path) -> list[Path]:
    """Every document of the set that has a gold annotation beside it."""
    return sorted(p for p in set_dir.iterdir() if p.suffix != ".json" and p.with_suffix(".json").exists())


def ingest(files: list[Path], extract: bool) -> tuple[dict, dict]:
    """({path: document id}, {warm_up, ingestion} seconds)."""
    from territoria.library import services

    started = time.perf_counter()
    services.ingest_bytes("warm-up.txt", WARM_UP, "benchmark-warm-up", extract=extract)
    if extract:
        from territoria.extraction.pipeline import start

        start(wait=True)  # extraction's worker processes, started as `territoria ingest` does
    warm_up = time.perf_counter() - started
    ids, started = {}, time.perf_counter()
    for path, result in zip(files, services.ingest_paths(files, extract=extract)):  # as `territoria ingest` does: in batches
        ids[path] = result.id
        if result.failed:
            print(f"! {path.name}: {result.error}", file=sys.stderr)
    seconds = round(time.perf_counter() - started, 3)
    return ids, {"warm_up": round(warm_up, 3), "ingestion": seconds, "steps": extraction_steps() if extract else {}}


def reextraction_seconds(document_ids) -> float:
    """`territoria extract` over the same documents once more (after scoring): what an editor's
    re-run costs when nothing changed."""
    from territoria.extraction.pipeline import extract_all
    from territoria.library.models import Document

    documents = list(Document.objects.filter(pk__in=[i for i in document_ids if i]).select_related("current"))
    started = time.perf_counter()
    for _ in extract_all(documents):
        pass
    return round(time.perf_counter() - started, 3)


def extraction_steps() -> dict[str, float]:
    """Seconds per extraction step (extractors, store, the calendar and directory followers),
    summed from the runs' own timings, the warm-up document left out."""
    from territoria.extraction.models import Run

    totals: dict[str, float] = {}
    for timings in Run.objects.exclude(document__key="benchmark-warm-up").values_list("timings", flat=True):
        for step, seconds in timings.items():
            totals[step] = totals.get(step, 0.0) + seconds
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def timing_without_extraction(set_dir: Path) -> dict:
    """The same ingestion, extraction switched off, in a fresh process and database."""
    command = [sys.executable, __file__, "--set", str(set_dir), "--timing-without-extraction"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- matching
def fold(text) -> str:
    text = unicodedata.normalize("NFKD", str(text or ""))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).lower().split())


def words(text) -> set[str]:
    return {w for w in re.findall(r"\w+", fold(text)) if len(w) > 2 and w not in STOP}


def overlap(a, b) -> float:
    """Dice coefficient of the significant words of two names."""
    wa, wb = words(a), words(b)
    return 2 * len(wa & wb) / (len(wa) + len(wb)) if wa and wb else 0.0


def names(record: dict) -> set[str]:
    return {fold(n) for n in [record.get("name"), record.get("acronym"), *(record.get("aliases") or [])] if n}


def match_action(pred, gold) -> bool:
    return (pred.get("section") or "") == gold["section"] and pred.get("kind") == gold["kind"] \
        and fold(pred.get("text")).startswith(fold(gold["text"]).strip())


def match_organisation(pred, gold) -> bool:
    return any(fold(g) in names(pred) for g in ([gold] if isinstance(gold, str) else gold))


def match_person(pred, gold) -> bool:
    return fold(pred.get("name")) == fold(gold["name"])


def match_event(pred, gold) -> bool:
    return str(pred.get("start") or "")[:10] == gold["start"] and str(pred.get("end") or "")[:10] == gold["end"]


def match_place(pred, gold) -> bool:
    """A gold country matches the country by its code; a city (or a place of unknown kind) by name too."""
    if pred.get("country_code") != gold["country_code"] or gold.get("kind", pred.get("kind")) != pred.get("kind"):
        return False
    return gold.get("kind") == "country" or fold(gold["name"]) in names(pred)


MATCHERS = {"actions": match_action, "organisations": match_organisation, "people": match_person,
            "places": match_place, "events": match_event}
# Among the predictions that match, the one with the closest name (events) or role (people).
PREFER = {"events": lambda p, g: overlap(p.get("name"), g["name"]),
          "people": lambda p, g: overlap(p.get("role"), g.get("role"))}


def align(kind: str, preds: list, golds: list) -> tuple[list, list, list]:
    """([(pred, gold)], unmatched preds, unmatched golds), each item used at most once."""
    free, pairs, missed = list(preds), [], []
    prefer = PREFER.get(kind, lambda p, g: 0)
    for gold in golds:
        candidates = [p for p in free if MATCHERS[kind](p, gold)]
        if candidates:
            best = max(candidates, key=lambda p: prefer(p, gold))
            free.remove(best)
            pairs.append((best, gold))
        else:
            missed.append(gold)
    return pairs, free, missed


# ---------------------------------------------------------------- scoring
def facts_by_document() -> dict:
    """{kind: {document id: [records with a source in that document]}}."""
    from territoria.extraction.exports import records

    grouped = {kind: defaultdict(list) for kind in KINDS}
    for kind, fact_kind in KINDS.items():
        for record in records(fact_kind):
            for document_id in {s["document_id"] for s in record["sources"]}:
                if kind != "actions" or record.get("document_id") in (None, document_id):
                    grouped[kind][document_id].append(record)
    return grouped


def score(ids: dict) -> tuple[dict, list]:
    """Counts per (kind, language) and per-document errors."""
    facts = facts_by_document()
    counts = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "named": 0})
    errors = []
    for path, document_id in ids.items():
        gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        for kind in KINDS:
            pairs, extra, missed = align(kind, facts[kind].get(document_id, []), gold.get(kind, []))
            named = sum(1 for p, g in pairs if kind in PREFER and PREFER[kind](p, g) >= 0.5)
            for lang in (gold["language"], "all"):
                c = counts[(kind, lang)]
                c["tp"], c["fp"], c["fn"], c["named"] = c["tp"] + len(pairs), c["fp"] + len(extra), c["fn"] + len(missed), c["named"] + named
            errors.extend(describe_errors(path.name, kind, pairs, extra, missed))
    return {f"{k}|{lang}": figures(counts[(k, lang)]) for k in KINDS for lang in (*LANGS, "all")}, errors


def figures(c: dict) -> dict:
    p, r = c["tp"] / max(1, c["tp"] + c["fp"]), c["tp"] / max(1, c["tp"] + c["fn"])
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3), **c}


LABELS = {"actions": "{section} {kind}: {text:.60}", "events": "{name} [{start} .. {end}]",
          "places": "{name} ({kind}, {country_code})", "people": "{name} ({role})"}


def label(kind: str, item) -> str:
    if isinstance(item, (str, list)):
        return " / ".join([item] if isinstance(item, str) else item)
    return LABELS.get(kind, "{name}").format_map(defaultdict(str, {k: str(v) for k, v in item.items()}))


def describe_errors(document: str, kind: str, pairs, extra, missed) -> list[dict]:
    found = [{"document": document, "kind": kind, "type": "missed", "item": label(kind, g)} for g in missed]
    found += [{"document": document, "kind": kind, "type": "spurious", "item": label(kind, p)} for p in extra]
    if kind in PREFER:
        found += [{"document": document, "kind": kind, "type": "wrong name" if kind == "events" else "wrong role",
                   "item": f"expected {label(kind, g)}, got {label(kind, p)}"} for p, g in pairs if PREFER[kind](p, g) < 0.5]
    return found


# ---------------------------------------------------------------- SDG tagging
def sdg_accuracy(path: Path) -> dict | None:
    if not path.exists():
        return None
    from territoria.extraction import topics

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = {}
    for lang in LANGS:
        texts = [r for r in rows if r["lang"] == lang]
        tags = [set(topics.tagged(topics.score(r["text"], lang)[0])) for r in texts]
        per_goal = {g: goal_accuracy(g, texts, tags) for g in range(1, 18)}
        known = [a for a in per_goal.values() if a is not None]
        result[lang] = {"per_sdg": per_goal, "average": round(sum(known) / len(known), 3) if known else None}
    return result


def goal_accuracy(goal: int, texts: list, tags: list) -> float | None:
    positives = [i for i, r in enumerate(texts) if int(r["sdg"]) == goal]
    others = [i for i, r in enumerate(texts) if int(r["sdg"]) != goal]
    if not positives:
        return None
    negatives = random.Random(goal).sample(others, min(len(positives), len(others)))
    right = sum(str(goal) in tags[i] for i in positives) + sum(str(goal) not in tags[i] for i in negatives)
    return round(right / (len(positives) + len(negatives)), 3)


# ---------------------------------------------------------------- output
def print_table(scores: dict) -> None:
    print(f"{'kind':<14}" + "".join(f"{lang:>29}" for lang in (*LANGS, "all")) + "   target")
    print(f"{'':<14}" + f"{'P    R    F1   (tp/fp/fn)':>29}" * 4)
    for kind in KINDS:
        cells = [scores[f"{kind}|{lang}"] for lang in (*LANGS, "all")]
        row = "".join(f"{c['precision']:>9.2f}{c['recall']:5.2f}{c['f1']:5.2f} ({c['tp']:>3}/{c['fp']:>3}/{c['fn']:>3})" for c in cells)
        best = max(c["f1"] for c in cells[:3])
        gap = "" if all(best - c["f1"] <= LANG_GAP for c in cells[:3]) else f", languages {best - min(c['f1'] for c in cells[:3]):.2f} apart"
        status = "ok" if cells[3]["f1"] >= TARGETS[kind] and not gap else "MISSED"
        print(f"{kind:<14}{row}   F1 >= {TARGETS[kind]:.2f}: {status}{gap}")
    for kind, what in (("events", "name"), ("people", "role")):
        c = scores[f"{kind}|all"]
        print(f"matched {kind} with the right {what}: {c['named']}/{c['tp']}")


def print_timing(timing: dict) -> None:
    on, off = timing["with_extraction"], timing["without_extraction"]
    added = on["ingestion"] - off["ingestion"]
    ratio = added / off["ingestion"] if off["ingestion"] else float("nan")
    print(f"\ningestion of {timing['documents']} documents: {on['ingestion']:.2f} s with extraction, "
          f"{off['ingestion']:.2f} s without: extraction (and the calendar and directory it feeds) adds {added:.2f} s, "
          f"{ratio:.2f}x the ingestion time; warm-up document: {on['warm_up']:.2f} s vs {off['warm_up']:.2f} s")
    if "reextraction" in timing:
        print(f"re-extraction of the same documents, nothing changed: {timing['reextraction']:.2f} s")
    if on.get("steps"):
        print("extraction by step (s): " + ", ".join(f"{step} {seconds:.3f}" for step, seconds in on["steps"].items()))


def print_sdg(sdg: dict | None) -> None:
    if sdg is None:
        print(f"\nSDG tagging: {SDG_FILE.relative_to(ROOT)} is absent, part skipped")
        return
    print("\nSDG tagging accuracy on balanced sets (positives = texts of goal g, as many negatives)")
    print("lang " + "".join(f"{g:>5}" for g in range(1, 18)) + "  average   target")
    for lang, r in sdg.items():
        cells = "".join(f"{'-':>5}" if a is None else f"{a * 100:>5.0f}" for a in r["per_sdg"].values())
        avg = r["average"]
        status = "ok" if avg is not None and avg >= SDG_TARGET else "MISSED"
        print(f"{lang:<5}{cells}  {'-' if avg is None else f'{avg:.1%}':>7}   >= {SDG_TARGET:.0%}: {status}")


def print_errors(errors: list) -> None:
    print("\nErrors")
    for e in sorted(errors, key=lambda e: list(KINDS).index(e["kind"])):
        print(f"  {e['kind']:<13} {e['document']:<26} {e['type']:<10} {e['item']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=SET_DIR, help="folder of documents with gold .json files")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--errors", action="store_true", help="also list missed and spurious facts per document")
    parser.add_argument("--timing-without-extraction", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    files = documents(args.set)
    with tempfile.TemporaryDirectory(prefix="territoria-extraction-") as data_dir:
        setup_django(data_dir)
        if args.timing_without_extraction:
            print(json.dumps(ingest(files, extract=False)[1]))
            return
        ids, with_extraction = ingest(files, extract=True)
        scores, errors = score(ids)
        sdg = sdg_accuracy(SDG_FILE)
        again = reextraction_seconds(ids.values())
    timing = {"documents": len(files), "with_extraction": with_extraction, "without_extraction": timing_without_extraction(args.set),
              "reextraction": again}
    if args.json:
        print(json.dumps({"scores": scores, "timing": timing, "sdg": sdg, **({"errors": errors} if args.errors else {})}, ensure_ascii=False, indent=1))
        return
    print(f"Extraction on {len(files)} documents of {args.set}\n")
    print_table(scores)
    print_timing(timing)
    print_sdg(sdg)
    if args.errors:
        print_errors(errors)


if __name__ == "__main__":
    main()
