"""Quiz figures: progress-store write latency per answer, and wall time from `quizgen quiz`
launch to the first item (in a real pseudo-terminal), plus the first short answer's wait.

Usage: .venv/bin/python benchmarks/bench_quiz.py [--answers 500] [--runs 5] [--bank bank/deep_learning.yaml]
Prints figures; asserts nothing. Unset PYTHONDONTWRITEBYTECODE for start-up figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from quizgen.items import Item, ItemType
from quizgen.session import Judgement, Outcome, Store


def store_latency(n: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        items = [
            Item(
                id=f"i{k}",
                type=ItemType.CHOICE,
                question_id=f"q{k % 30}",
                stem="s",
                options=("a", "b", "c", "d"),
                answer=("B",),
            )
            for k in range(n)
        ]
        t0 = time.perf_counter()
        store = Store(Path(d) / "p.sqlite3")
        t_open = time.perf_counter() - t0
        t0 = time.perf_counter()
        sid = store.create_session(items)
        t_create = time.perf_counter() - t0
        lat = []
        for k, it in enumerate(items):
            t0 = time.perf_counter()
            store.record_answer(
                sid,
                k,
                it,
                outcome=Outcome.ANSWERED,
                judgement=Judgement(float(k % 2), bool(k % 2)),
                response=("B",),
                raw="B",
            )
            lat.append((time.perf_counter() - t0) * 1000)
        lat.sort()
        print(f"open store {t_open * 1000:.1f} ms; create a session of {n} items {t_create * 1000:.1f} ms")
        print(
            "per-answer write (insert + FSRS reschedule + COMMIT, WAL, synchronous=FULL): "
            f"median {statistics.median(lat):.2f} ms, p95 {lat[int(0.95 * n)]:.2f} ms, max {lat[-1]:.2f} ms"
        )


def start_time(bank: str, runs: int) -> None:
    import pexpect

    qg = str(Path(sys.executable).parent / "quizgen")

    def run(args: list[str], answer: str | None = None, expect2: str = "") -> tuple[float, float | None]:
        env = dict(os.environ, QUIZGEN_HOME=tempfile.mkdtemp(), NO_COLOR="1")
        t0 = time.perf_counter()
        c = pexpect.spawn(qg, args, env=env, encoding="utf-8", timeout=120, dimensions=(40, 100))
        c.expect_exact("> ")
        t_first = time.perf_counter() - t0
        t_ans = None
        if answer is not None:
            t1 = time.perf_counter()
            c.sendline(answer)
            c.expect_exact(expect2)
            t_ans = time.perf_counter() - t1
        c.sendline("q")
        c.expect(pexpect.EOF)
        c.close()
        return t_first, t_ans

    firsts = [run(["quiz", bank, "-n", "10", "--seed", str(s)])[0] for s in range(1, runs + 1)]
    med = statistics.median(firsts)
    print(f"quiz start, launch -> first item (-n 10): median {med:.2f} s over {runs} runs")
    for emb in ("none", "use-m3"):
        waits = [
            run(
                ["quiz", bank, "-n", "1", "--types", "short", "--seed", "1", "--embedder", emb],
                "卷积提取局部特征，参数共享",
                "Reference answer",
            )[1]
            or 0.0
            for _ in range(3)
        ]
        med = statistics.median(waits)
        print(f"first short answer graded (--embedder {emb}, incl. model load): median {med:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--answers", type=int, default=500)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bank", default="bank/deep_learning.yaml")
    args = ap.parse_args()
    store_latency(args.answers)
    start_time(args.bank, args.runs)


if __name__ == "__main__":
    main()
