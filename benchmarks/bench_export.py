"""Export timings: 20 and 60 items from the bundled bank in every format (median of 3 runs).

    .venv/bin/python benchmarks/bench_export.py

Prints one line per format: milliseconds for the paper (or LMS file) alone, for the paper
plus answer key, and for two variants with keys; and the output size. Generation is done once
up front and not timed. The PDF route needs a CJK font (apt-get install fonts-noto-cjk).

Then the loader's guard against YAML alias bombs: loading the bundled bank, a 20x bank and the
same with an `&anchor` in it (which makes the loader measure what aliases expand to), and
refusing the issue's bomb (one 100 KB string referenced 2,000 times).
"""

from __future__ import annotations

import contextlib
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizgen.bank import BankError, dumps, load, loads  # noqa: E402
from quizgen.errors import ExportError  # noqa: E402
from quizgen.export import FORMATS, LMS_FORMATS, export  # noqa: E402
from quizgen.generate import generate  # noqa: E402
from quizgen.items import Item  # noqa: E402


def _ms(items: list[Item], fmt: str, title: str, runs: int = 3, **kw: Any) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        outs = export(items, fmt, title=title, rng=random.Random(1), **kw)
        times.append((time.perf_counter() - t) * 1000)
        size = sum(len(o.data) for o in outs)
    return statistics.median(times), size


def main() -> None:
    bank = load(ROOT / "bank" / "deep_learning.yaml")
    for n in (20, 60):
        items = generate(bank, n=n, rng=random.Random(7)).items
        print(f"== {len(items)} items from {bank.title} ({len(bank)} questions)")
        print(f"{'format':<8}{'file ms':>10}{'+key ms':>10}{'A/B+keys ms':>13}{'bytes':>10}")
        for fmt in FORMATS:
            try:
                base, size = _ms(items, fmt, bank.title)
                if fmt in LMS_FORMATS:
                    print(f"{fmt:<8}{base:>10.1f}{'':>10}{'':>13}{size:>10}")
                    continue
                key, _ = _ms(items, fmt, bank.title, answer_key=True)
                var, _ = _ms(items, fmt, bank.title, answer_key=True, variants=2)
                print(f"{fmt:<8}{base:>10.1f}{key:>10.1f}{var:>13.1f}{size:>10}")
            except ExportError as e:
                print(f"{fmt:<8} skipped: {e.message}")


def _load_ms(text: str, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        with contextlib.suppress(BankError):  # the bomb is refused: that is what is timed
            loads(text)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def bench_loader() -> None:
    import dataclasses

    bank = load(ROOT / "bank" / "deep_learning.yaml")
    qs = [
        dataclasses.replace(q, id=f"{q.id}-{k}", number=k * len(bank) + q.number, duplicate_of=None)
        for k in range(20)
        for q in bank.questions
    ]
    big = dumps(dataclasses.replace(bank, questions=tuple(qs)))
    anchored = big.replace("title: ", "title: &t ", 1)  # an anchor: the expansion check runs
    bomb = f"title: &big {'长' * 100_000}\nquestions:\n" + "".join(
        f"- id: q{i}\n  title: *big\n  number: {i + 1}\n" for i in range(2000)
    )
    print("== loading banks (median of 5)")
    for name, text in (
        ("bundled", dumps(bank)),
        ("20x", big),
        ("20x + anchor", anchored),
        ("alias bomb", bomb),
    ):
        print(f"{name:<14}{len(text):>10} chars{_load_ms(text):>10.1f} ms")


if __name__ == "__main__":
    main()
    bench_loader()
