"""The classroom loop's costs: the web page (size, build time, load and exam scoring in Chromium),
`results collect` and `analyze` on a class-sized made-up set of results.

    .venv/bin/python benchmarks/bench_classroom.py

Items come from the bundled bank (seed 7). The results of 40 students are simulated
(scripts/simulate_class.py); short answers are graded
with `--embedder none` so the figure is quizgen's own work, not a model's. The browser part
needs Chromium (/usr/bin/chromium) and Playwright; it is skipped without them.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizgen.analyze import analyze  # noqa: E402
from quizgen.bank import load  # noqa: E402
from quizgen.export.web import WebMode, WebOptions, render  # noqa: E402
from quizgen.generate import generate  # noqa: E402
from quizgen.grade import Grader  # noqa: E402
from quizgen.items import Item, ItemType  # noqa: E402
from quizgen.results import collect, load_table, write_table  # noqa: E402
from scripts.simulate_class import simulate  # noqa: E402

STUDENTS = 40


def _ms(fn: Any, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def browser(pages: dict[str, Path], items: list[Item]) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("browser: playwright not installed, skipped")
        return
    if not Path("/usr/bin/chromium").is_file():
        print("browser: no /usr/bin/chromium, skipped")
        return
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        for name, path in pages.items():
            page = b.new_page(viewport={"width": 390, "height": 844})
            t = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_selector("#start")
            load_ms = (time.perf_counter() - t) * 1000
            print(f"browser: {name} page loaded and drawn in {load_ms:.0f} ms (390x844)")
            if name == "exam":
                # Submit-time scoring from hashes alone, every fill answer wrong (the slowest case:
                # the whole deletion neighbourhood is searched), each item 20 times.
                ms = page.evaluate(
                    """() => {
                      const data = JSON.parse(document.getElementById('quiz-data').textContent);
                      const wrong = {choice: ['A'], multi: ['A','B'], order: ['B','A'], match: ['A'],
                                     tf: '对', fill: '完全不对的一个长答案文本'};
                      const t = performance.now();
                      for (let k = 0; k < 20; k++)
                        for (const it of data.items)
                          QZ.scoreExam(it, wrong[it.type] ?? null, data.policy, data.salt);
                      return (performance.now() - t) / 20;
                    }"""
                )
                fills = sum(i.type is ItemType.FILL for i in items)
                print(
                    f"browser: exam submit scores {len(items)} items ({fills} fill) from hashes "
                    f"in {ms:.1f} ms"
                )
            page.close()
        b.close()


def main() -> None:
    bank = load(ROOT / "bank" / "deep_learning.yaml")
    items = list(generate(bank, n=30, rng=random.Random(7)).items)
    print(
        f"{len(items)} items from the bundled bank: "
        + ", ".join(f"{t.value} {sum(i.type is t for i in items)}" for t in ItemType)
    )
    tmp = Path(tempfile.mkdtemp(prefix="bench-classroom-"))
    pages = {}
    for mode in WebMode:
        opts = WebOptions(mode=mode)
        html = render(items, title="bench", options=opts, rng=random.Random(1))
        ms = _ms(lambda o=opts: render(items, title="bench", options=o, rng=random.Random(1)))
        path = tmp / f"{mode.value}.html"
        path.write_text(html, encoding="utf-8")
        pages[mode.value] = path
        print(f"web {mode.value:8}: {len(html.encode()) / 1024:.0f} KiB, built in {ms:.0f} ms")
    browser(pages, items)
    folder = tmp / "answers"
    simulate(items, folder, STUDENTS, random.Random(3))
    grader = Grader(embedder="none")
    t = time.perf_counter()
    c = collect([folder], items, grader=lambda: grader)
    collect_ms = (time.perf_counter() - t) * 1000
    print(f"collect: {c.students} students, {len(c.rows)} responses in {collect_ms:.0f} ms (--embedder none)")
    table = tmp / "results.csv"
    write_table(c.rows, table)
    rows = load_table(table)
    t = time.perf_counter()
    a = analyze(items, rows)
    analyze_ms = (time.perf_counter() - t) * 1000
    print(
        f"analyze: {len(items)} items x {a.test.students} students in {analyze_ms:.0f} ms; "
        f"alpha {a.test.alpha:.3f} ({a.test.method}), {len(a.flagged)} items flagged"
    )


if __name__ == "__main__":
    main()
