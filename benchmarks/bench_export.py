"""Export timings: 20 and 60 items from the bundled bank in every format (median of 3 runs).

    .venv/bin/python benchmarks/bench_export.py

Prints one line per format: milliseconds for the paper (or LMS file) alone, for the paper
plus answer key, and for two variants with keys; and the output size. Generation is done once
up front and not timed. The PDF route needs a CJK font (apt-get install fonts-noto-cjk).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizgen.bank import load  # noqa: E402
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


if __name__ == "__main__":
    main()
