"""Quiz figures: progress-store write latency per answer, and wall time from `quizgen quiz`
launch to the first item (in a real pseudo-terminal) on a machine's first run and after it,
plus the first short answer's wait.

Usage: .venv/bin/python benchmarks/bench_quiz.py [--answers 500] [--runs 5] [--bank bank/deep_learning.yaml]
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


def _spawn(args: list[str], env: dict[str, str]) -> Any:
    import pexpect

    qg = str(Path(sys.executable).parent / "quizgen")
    return pexpect.spawn(qg, args, env=env, encoding="utf-8", timeout=120, dimensions=(40, 100))


def _first_item(args: list[str], env: dict[str, str]) -> float:
    """Wall time from launch to the first item's prompt."""
    import pexpect

    t0 = time.perf_counter()
    c = _spawn(args, env)
    c.expect_exact("> ")
    elapsed = time.perf_counter() - t0
    c.sendline("q")
    c.expect(pexpect.EOF)
    c.close()
    return elapsed


def start_time(bank: str, runs: int) -> None:
    """Launch -> first item, on a machine's first run (fresh QUIZGEN_HOME and cache folders: no
    progress store, no jieba dictionary cache) and on the run after it."""
    import pexpect

    args = ["quiz", bank, "-n", "10", "--seed", "3"]
    # Compile quizgen's bytecode once (pip does at install; PYTHONDONTWRITEBYTECODE=1 would make
    # every run compile every module), into a folder of its own.
    base = dict(os.environ, NO_COLOR="1")
    base.pop("PYTHONDONTWRITEBYTECODE", None)
    base["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="quizgen-pyc-")
    warm = tempfile.mkdtemp()
    _first_item(args, dict(base, QUIZGEN_HOME=f"{warm}/home", XDG_CACHE_HOME=f"{warm}/cache"))
    firsts, seconds = [], []
    for _run in range(runs):
        d = tempfile.mkdtemp()
        env = dict(base, QUIZGEN_HOME=f"{d}/home", XDG_CACHE_HOME=f"{d}/cache", XDG_DATA_HOME=f"{d}/data")
        firsts.append(_first_item(args, env))
        seconds.append(_first_item(args, env))
    for name, times in (("first run (fresh home and caches)", firsts), ("second run", seconds)):
        print(
            f"quiz start, launch -> first item (-n 10 from {bank}), {name}: "
            f"median {statistics.median(times):.2f} s, max {max(times):.2f} s over {runs} runs"
        )
    for emb in ("none", "use-m3"):
        waits = []
        for _run in range(3):
            d = tempfile.mkdtemp()
            c = _spawn(
                ["quiz", bank, "-n", "1", "--types", "short", "--seed", "1", "--embedder", emb, "--no-pause"],
                dict(base, QUIZGEN_HOME=d),
            )
            c.expect_exact("> ")
            t1 = time.perf_counter()
            c.sendline("卷积提取局部特征，参数共享")
            c.expect_exact("Reference answer")
            waits.append(time.perf_counter() - t1)
            c.expect(pexpect.EOF)
            c.close()
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
