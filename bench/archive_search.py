"""How fast the public archive answers a search over 10,000 motions.

Seeds a temporary SQLite database (migrated like any other) with 10,000 published motions, each
with a Spanish original and, for two in three, an English translation, then times what the
`searchArchive` operation does (`search_archive`: one page of results and the timeline) for a mix of
queries, and prints p50 and p95 per query and overall. The goal is well under 100 ms.

    python bench/archive_search.py [--motions 10000] [--rounds 30] [--url postgresql+psycopg://…]

With --url, the given (empty, scratch) database is used instead: it is migrated and filled.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text as sql  # noqa: E402

from governance import migrate  # noqa: E402
from governance.archive.search import ArchiveFilter, search_archive  # noqa: E402
from governance.db import Database  # noqa: E402
from governance.motions.content import refresh_search_text  # noqa: E402
from governance.motions.models import (  # noqa: E402
    Motion,
    MotionTag,
    MotionText,
    MotionTransition,
)
from governance.motions.workflow import KINDS  # noqa: E402

# A synthetic language with a Zipf-like word distribution stands for the bulk of each text;
# the topic words below are sprinkled in with the share of motions that mention them.
SYLLABLES = ("ca", "fe", "mi", "lo", "ra", "to", "na", "pe", "di", "so", "gu", "te", "ma",
             "ri", "co", "ja", "ve", "ni", "ta", "bo", "ción", "des", "tra", "que", "blo")
TOPICS_ES = [("plantaciones", 0.015), ("producción por contrato", 0.01), ("café", 0.30),
             ("comercio justo", 0.25), ("certificación", 0.15), ("clima", 0.05),
             ("miel", 0.08), ("precio mínimo", 0.06)]
TOPICS_EN = [("plantations", 0.015), ("contract production", 0.01), ("coffee", 0.30),
             ("fair trade", 0.25), ("certification", 0.15), ("climate", 0.05),
             ("honey", 0.08), ("minimum price", 0.06)]
TAGS = ["café", "cacao", "miel", "banano", "azúcar", "certificación", "precios", "clima",
        "género", "estatutos"]
STATUSES = ["adopted"] * 6 + ["rejected", "withdrawn", "referred", "published", "on_agenda"]
QUERIES = [
    ("rare word, Spanish", ArchiveFilter(q="plantaciones")),
    ("rare word, English", ArchiveFilter(q="plantations")),
    ("two words", ArchiveFilter(q="contract production")),
    ("phrase", ArchiveFilter(q='"comercio justo"')),
    ("common words (30% and 15%)", ArchiveFilter(q="certificación café")),
    ("accents and case ignored", ArchiveFilter(q="CERTIFICACION")),
    ("word and kind filter", ArchiveFilter(q="clima", kind="position")),
    ("year only", ArchiveFilter(q="", year=2015)),
    ("tag and status", ArchiveFilter(q="", tag="miel", status="adopted")),
    ("no match", ArchiveFilter(q="zzzz")),
    ("worst case: every motion matches", ArchiveFilter(q="GA")),
]


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def text(rng: random.Random, words: list[str], weights: list[float], topics: list[Any],
         n: int) -> str:
    body = rng.choices(words, weights, k=n)
    for topic, share in topics:
        if rng.random() < share:
            body.insert(rng.randrange(len(body)), topic)
    return " ".join(body)


def seed(database: Database, count: int) -> None:
    rng = random.Random(2010)  # noqa: S311 - test data, not secrets
    words = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    start = datetime(2005, 1, 1, tzinfo=UTC)
    with database.transaction() as db:
        for number in range(count):
            year = 2005 + number * 21 // count
            when = start.replace(year=year) + timedelta(days=rng.randrange(360))
            status = rng.choice(STATUSES)
            length = rng.randint(150, 450)
            motion = Motion(code=f"GA-{year}-{number:05d}", kind=rng.choice(KINDS),
                            status=status, original_language="es", submitter="Junta Directiva",
                            dated=when.date().isoformat(), year=year, historical=False,
                            created_at=when, updated_at=when, published_at=when,
                            assembly_name=f"Asamblea General {year}")
            motion.texts = [MotionText(language="es", is_original=True, search_text="",
                                       title=text(rng, words, weights, [], 8).capitalize(),
                                       body=text(rng, words, weights, TOPICS_ES, length))]
            if number % 3:
                motion.texts.append(MotionText(
                    language="en", is_original=False, search_text="",
                    title=text(rng, words, weights, [], 8).capitalize(),
                    body=text(rng, words, weights, TOPICS_EN, length)))
            motion.tags = [MotionTag(tag=t) for t in rng.sample(TAGS, 2)]
            motion.history = [MotionTransition(from_status=None, to_status=status, at=when,
                                               actor="bench")]
            refresh_search_text(motion)
            db.add(motion)
            if number % 1000 == 999:
                db.flush()
                db.expunge_all()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--motions", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--url", help="a scratch database to fill instead of a temporary SQLite")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        url = args.url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        migrate.upgrade(url)
        database = Database(url)
        began = time.perf_counter()
        seed(database, args.motions)
        if database.engine.dialect.name == "postgresql":
            # What autovacuum does soon after a bulk load: statistics, and GIN pending lists
            # merged into the indexes.
            with database.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sql("VACUUM ANALYZE"))
        print(f"seeded {args.motions} motions in {time.perf_counter() - began:.1f} s "
              f"({database.engine.dialect.name})")
        everything: list[float] = []
        print(f"{'query':<36} {'search':<26} {'hits':>6} {'p50 ms':>7} {'p95 ms':>7}")
        for name, filters in QUERIES:
            timings = []
            total = 0
            for _ in range(args.rounds):
                with database.transaction(write=False) as db:
                    began = time.perf_counter()
                    page = search_archive(db, filters, "en")  # the timeline included
                    timings.append((time.perf_counter() - began) * 1000)
                    total = page.total
            everything += timings
            label = ", ".join(f"{k}={v}" for k, v in vars(filters).items() if v)[:26]
            print(f"{name:<36} {label:<26} {total:>6} "
                  f"{statistics.median(timings):>7.1f} {percentile(timings, 0.95):>7.1f}")
        print(f"{'all queries':<36} {'':<26} {'':>6} {statistics.median(everything):>7.1f} "
              f"{percentile(everything, 0.95):>7.1f}")
        database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
