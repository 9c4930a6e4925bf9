"""Item generation timings on the bundled bank and on a large real bank, the OCR FAQ of
../shared/eval (247 questions, paragraph answers), median of 3 runs.

    .venv/bin/python benchmarks/bench_generate.py

Prints: jieba's one-time start-up; per bank, planning every candidate item (the cached
analysis: facts read from the answers, subjects, distractor ranking, cloze gaps), done once per
bank and process; 1,000 items as 50 quizzes of 20 with seeds 0-49 once planned; the same 1,000
items from a cold start (planning + building); the candidates per type; and how many of a quiz
of 20 are objective (not short answers). The target is 1,000 items in under 1 s once planned.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizgen.bank import Bank, load  # noqa: E402
from quizgen.generate import ALL_TYPES, _planned, generate  # noqa: E402
from quizgen.items import ItemType  # noqa: E402
from quizgen.text import segmenter  # noqa: E402


def clear_caches() -> None:
    """Forget every per-bank and per-text cache so the next call plans from scratch (jieba stays
    loaded, with the words of banks planned before)."""
    import quizgen.generate.choice as choice
    import quizgen.generate.common as common
    import quizgen.generate.facts as facts
    import quizgen.generate.fill as fill
    import quizgen.generate.prose as prose
    import quizgen.markup as markup

    _planned.cache_clear()
    for mod in (choice, common, facts, fill, prose, markup):
        for obj in vars(mod).values():
            if callable(getattr(obj, "cache_clear", None)):
                obj.cache_clear()


def thousand(bank: object) -> int:
    made = 0
    for seed in range(50):
        made += len(generate(bank, n=20, rng=random.Random(seed)).items)  # type: ignore[arg-type]
    return made


def figures(bank: Bank) -> None:
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

    objective = [
        sum(1 for i in generate(bank, n=20, rng=random.Random(seed)).items if i.type is not ItemType.SHORT)
        for seed in (1, 2, 3)
    ]
    print(f"bank: {bank.title}, {len(bank.questions)} questions ({len(bank.unique())} unique)")
    print(f"  planning all candidates (once per bank):  {plan_s * 1000:7.0f} ms")
    rate = f"{made / warm_s:,.0f} items/s"
    print(f"  {made} items, 50 quizzes of 20, planned:   {warm_s * 1000:7.0f} ms  ({rate})")
    print(f"  {made} items from cold (plan + build):     {cold_s * 1000:7.0f} ms")
    counts = ", ".join(f"{t.value} {len(_planned(bank, t).plans)}" for t in ALL_TYPES)
    print(f"  candidates per type: {counts}")
    print(f"  objective items in quizzes of 20 (seeds 1-3): {objective}")


def main() -> None:
    t = time.perf_counter()
    segmenter()
    print(f"jieba start-up (once per process): {(time.perf_counter() - t) * 1000:.0f} ms")
    figures(load(ROOT / "bank" / "deep_learning.yaml"))
    faq = ROOT.parent / "shared" / "eval" / "layout_faq_QA.md"
    if faq.exists():
        from quizgen.parse import parse_file

        figures(parse_file(faq).bank)
    else:
        print(f"(no {faq}: the FAQ figures need the evaluation data)")


if __name__ == "__main__":
    main()
