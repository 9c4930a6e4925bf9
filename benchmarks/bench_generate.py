"""Item generation timings on the bundled bank (median of 3 runs where repeated).

    .venv/bin/python benchmarks/bench_generate.py

Prints: jieba's one-time start-up; planning every candidate item of the bank (the cached
analysis: subjects, distractor ranking, cloze gaps), done once per bank and process; 1,000
items as 50 quizzes of 20 with seeds 0-49 once planned; the same 1,000 items from a cold start
(start-up + planning + building); and the candidates per type. The target is 1,000 items in
under 1 s.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizgen.bank import load  # noqa: E402
from quizgen.generate import ALL_TYPES, _planned, generate  # noqa: E402
from quizgen.generate.common import analyze  # noqa: E402
from quizgen.text import segmenter  # noqa: E402


def clear_caches() -> None:
    """Forget every per-bank cache so the next call plans from scratch (jieba stays loaded)."""
    import quizgen.generate.choice as choice
    import quizgen.generate.common as common
    import quizgen.generate.fill as fill

    _planned.cache_clear()
    analyze.cache_clear()
    for f in (
        choice._foreign_members,
        choice._bank_sentences,
        fill.alias_map,
        fill.generic_terms,
        fill.concepts,
        common.similarity,
        common.near_duplicate,
        common._vec,
        common.loose,
        common.term_words,
    ):
        f.cache_clear()


def thousand(bank: object) -> int:
    made = 0
    for seed in range(50):
        made += len(generate(bank, n=20, rng=random.Random(seed)).items)  # type: ignore[arg-type]
    return made


def main() -> None:
    bank = load(ROOT / "bank" / "deep_learning.yaml")
    t = time.perf_counter()
    segmenter()
    jieba_s = time.perf_counter() - t

    plan_runs = []
    for _ in range(3):
        clear_caches()
        t = time.perf_counter()
        generate(bank, n=20, rng=random.Random(0))
        plan_runs.append(time.perf_counter() - t)
    plan_s = statistics.median(plan_runs)

    warm_runs, made = [], 0
    for _ in range(3):
        t = time.perf_counter()
        made = thousand(bank)
        warm_runs.append(time.perf_counter() - t)
    warm_s = statistics.median(warm_runs)

    cold_runs = []
    for _ in range(3):
        clear_caches()
        t = time.perf_counter()
        thousand(bank)
        cold_runs.append(time.perf_counter() - t)
    cold_s = statistics.median(cold_runs)

    print(f"bank: {bank.title}, {len(bank.questions)} questions ({len(bank.unique())} unique)")
    print(f"jieba start-up (once per process):        {jieba_s * 1000:7.0f} ms")
    print(f"planning all candidates (once per bank):  {plan_s * 1000:7.0f} ms")
    print(
        f"{made} items, 50 quizzes of 20, planned:   {warm_s * 1000:7.0f} ms  ({made / warm_s:,.0f} items/s)"
    )
    print(f"{made} items from cold (plan + build):     {cold_s * 1000:7.0f} ms")
    print(f"{made} items incl. jieba start-up:         {(cold_s + jieba_s) * 1000:7.0f} ms")
    counts = ", ".join(f"{t.value} {len(_planned(bank, t).plans)}" for t in ALL_TYPES)
    print(f"candidates per type: {counts}")


if __name__ == "__main__":
    main()
