"""Parse speed: the bundled seed, files of 1-10 MB made from it (linear scaling), and the
user's whole path on 10 MB: `quizgen parse notes.md -o bank.yaml` and `quizgen bank stats`.

    .venv/bin/python benchmarks/bench_parse.py [--sizes 1,2.5,5,10] [--repeat 5] [--mode mixed]

Big files are copies of the seed's questions. In the default "distinct" mode every copy's
Chinese text goes through its own character substitution, so each copy is a new set of
distinct questions (the worst case for the near-duplicate pass: nothing is an exact repeat
and nothing is similar); "--mode repeat" makes plain copies (almost everything is a
duplicate); "--mode mixed" (the default) makes distinct copies in which one question in
five is a lightly edited repeat of an earlier one (real notes repeat themselves, and those
repeats are what the near-duplicate pass has to find). Labels (题目, 答案, …), numbering,
code and Latin text are kept, so the cues are unchanged. Goals: seed < 50 ms; 10 MB notes ->
bank file < 2 s end to end, `bank stats` < 1.5 s; time/MB flat across sizes.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizgen.parse import parse_bytes, parse_text  # noqa: E402

SEED = ROOT / "bank" / "deep_learning.md"
MB = 1024 * 1024


def _blocks(seed: str) -> list[str]:
    """The seed's question blocks (from one `### N.` heading to the next)."""
    parts = re.split(r"(?m)^(?=### \d+\. )", seed)
    return [p for p in parts if p.startswith("### ")]


def make_notes(seed: str, size: int, mode: str) -> str:
    blocks = _blocks(seed)
    protected = set("".join(re.findall(r"(?m)^\*\*\s*([^*：:]+?)\s*[：:]", seed)))
    cjk = sorted({ch for ch in seed if "\u4e00" <= ch <= "\u9fff"} - protected)
    out: list[str] = []
    total = 0
    n = 0
    copy = 0
    while total < size:
        table: dict[int, str] = {}
        if mode in ("distinct", "mixed"):
            shuffled = cjk[:]
            random.Random(copy).shuffle(shuffled)
            table = {ord(a): b for a, b in zip(cjk, shuffled, strict=True)}
        rng = random.Random(1000 + copy)
        for block in blocks:
            n += 1
            body = re.sub(r"^### \d+\. ", f"### {n}. ", block, count=1)
            if table:
                body = body.translate(table)
            if mode == "mixed" and out and rng.random() < 0.2:
                # a lightly edited repeat of an earlier question
                prev = rng.choice(out[-40:])
                chars = list(re.sub(r"^### \d+\. ", f"### {n}. ", prev, count=1))
                for _ in range(3):
                    k = rng.randrange(len(chars))
                    if "\u4e00" <= chars[k] <= "\u9fff":
                        chars[k] = rng.choice("的了是在和有")
                body = "".join(chars)
            out.append(body)
            total += len(body.encode("utf-8"))
            if total >= size:
                break
        copy += 1
    return "".join(out)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """(median wall, best wall, best CPU) seconds over `repeat` runs. The best run is the
    least disturbed by other processes on a shared machine."""
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(wall), min(wall), min(cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,2.5,5,10", help="file sizes in MB (default 1,2.5,5,10)")
    ap.add_argument("--mode", choices=["mixed", "distinct", "repeat"], default="mixed")
    ap.add_argument("--repeat", type=int, default=3, help="runs per size (median and best are shown)")
    args = ap.parse_args()

    seed = SEED.read_text(encoding="utf-8")
    parse_text(seed, source_name=SEED.name)  # warm up imports (rapidfuzz) and regex caches
    med, best, _cpu = timed(lambda: parse_text(seed, source_name=SEED.name), 21)
    r = parse_text(seed, source_name=SEED.name)
    dups = sum(1 for q in r.bank.questions if q.duplicate_of)
    print(
        f"seed {len(seed.encode()) / 1024:.1f} KB, {len(r.bank.questions)} questions, {dups} duplicates: "
        f"median {med * 1000:.1f} ms, best {best * 1000:.1f} ms (21 runs; goal < 50 ms)"
    )
    print(f"\nfiles made from the seed, mode={args.mode}, {args.repeat} runs each:")
    print(f"{'size':>8} {'questions':>10} {'dups':>7} {'median':>8} {'best':>8} {'best cpu':>9} {'ms/MB':>7}")
    for s in [float(x) for x in args.sizes.split(",")]:
        text = make_notes(seed, int(s * MB), args.mode)
        mb = len(text.encode("utf-8")) / MB
        res = parse_text(text, source_name="big.md")
        n = len(res.bank.questions)
        d = sum(1 for q in res.bank.questions if q.duplicate_of)
        med, best, cpu = timed(lambda text=text: parse_text(text, source_name="big.md"), args.repeat)  # type: ignore[misc]
        print(f"{mb:6.2f}MB {n:10d} {d:7d} {med:7.2f}s {best:7.2f}s {cpu:8.2f}s {best * 1000 / mb:7.0f}")
    data = text.encode("utf-8")
    med, best, cpu = timed(lambda: parse_bytes(data, source_name="big.md"), args.repeat)
    print(
        f"{len(data) / MB:6.2f}MB via parse_bytes (decode, hash, parse): median {med:.2f}s, best {best:.2f}s"
    )
    print("\ngoal: 10 MB < 2 s; ms/MB (best run) flat across sizes = linear")
    end_to_end(text, args.repeat)


def end_to_end(text: str, repeat: int) -> None:
    """The user's path: the CLI in a fresh process, notes -> bank file, then bank stats."""
    qg = [sys.executable, "-m", "quizgen"]
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes.md"
        bank = Path(tmp) / "bank.yaml"
        notes.write_text(text, encoding="utf-8")

        def run(args: list[str]) -> None:
            subprocess.run(qg + args, check=True, capture_output=True)

        size = len(text.encode("utf-8")) / MB
        med, best, _ = timed(lambda: run(["parse", str(notes), "-o", str(bank)]), repeat)
        print(
            f"\nend to end, {size:.2f} MB: `quizgen parse notes.md -o bank.yaml` "
            f"median {med:.2f}s, best {best:.2f}s"
        )
        med, best, _ = timed(lambda: run(["bank", "stats", str(bank)]), repeat)
        print(
            f"`quizgen bank stats bank.yaml` ({bank.stat().st_size / MB:.1f} MB) "
            f"median {med:.2f}s, best {best:.2f}s"
        )
        print("goals: parse -o < 2 s, bank stats < 1.5 s")


if __name__ == "__main__":
    main()
