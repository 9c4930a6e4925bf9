"""Parse speed: the bundled seed, files of 1-10 MB made from it (linear scaling), where the time
of a 10 MB file goes (parser stages, bank YAML written and read), and the user's whole path:
`quizgen parse notes.md -o bank.yaml` and `quizgen bank stats bank.yaml` in fresh processes.

    .venv/bin/python benchmarks/bench_parse.py [--sizes 1,2.5,5,10] [--repeat 3] [--mode mixed]

Big files are copies of the seed's questions. In the default "mixed" mode every copy's Chinese
text goes through its own character substitution, so each copy is a new set of questions, and
one question in five is a lightly edited repeat of an earlier one (real notes repeat
themselves, and those repeats are what the near-duplicate pass has to find); "--mode distinct"
has no repeats (the worst case for the near-duplicate pass: nothing is similar), "--mode
repeat" makes plain copies (almost everything is a duplicate). Labels (题目, 答案, …), numbering,
code and Latin text are kept, so the cues are unchanged. With ../shared/eval present, the
real notes there (lists, block quotes, admonitions, Q&A markers, free-form prose, choice
questions) are also timed, each grown to about 1 MB the same way, to show the time per MB of
each way of writing notes.

Goals: seed < 50 ms; 10 MB notes -> bank file < 2 s end to end, `bank stats` < 1.5 s;
time/MB flat across sizes. Times are best-of-N (the run least disturbed by other processes on
a shared machine) with the median beside it; CPU is process time.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from quizgen import bank as bank_mod  # noqa: E402
from quizgen import fastyaml  # noqa: E402
from quizgen.parse import blocks as blocks_mod  # noqa: E402
from quizgen.parse import parse_bytes, parse_text  # noqa: E402
from quizgen.parse.decode import clean_text, decode  # noqa: E402

SEED = ROOT / "bank" / "deep_learning.md"
EVAL = ROOT.parent / "shared" / "eval"
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


def grown(text: str, size: int) -> str:
    """`text` repeated to about `size` bytes, each copy with its own substitution of the Chinese
    characters (so copies are new questions, not duplicates)."""
    cjk = sorted({ch for ch in text if "\u4e00" <= ch <= "\u9fff"})
    parts = [text]
    copy = 1
    while sum(len(p.encode("utf-8")) for p in parts) < size:
        shuffled = cjk[:]
        random.Random(copy).shuffle(shuffled)
        parts.append(text.translate({ord(a): b for a, b in zip(cjk, shuffled, strict=True)}))
        copy += 1
    return "\n\n".join(parts)


def _clear_caches() -> None:
    """Start a run as a fresh process would: quizgen's memo caches (question shapes, ...) empty."""
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("quizgen."):
            for v in list(vars(mod).values()):
                clear = getattr(v, "cache_clear", None)
                if callable(clear):
                    clear()


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """(median wall, best wall, best CPU) seconds over `repeat` runs, caches cleared before
    each. The best run is the least disturbed by other processes on a shared machine."""
    wall, cpu = [], []
    for _ in range(repeat):
        _clear_caches()
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(wall), min(wall), min(cpu)


def _row(label: str, fn: Callable[[], object], repeat: int) -> float:
    med, best, cpu = timed(fn, repeat)
    print(f"  {label:44s} best {best:6.3f}s  median {med:6.3f}s  cpu {cpu:6.3f}s")
    return best


def stages(text: str, repeat: int) -> None:
    """Where a parse of `text` goes, stage by stage (the steps of quizgen.parse._parse), and
    the bank's YAML written and read back, with PyYAML's own figures beside ours."""
    from quizgen.parse import _questions, _rules_for_layout, segment
    from quizgen.parse.duplicates import assign_ids, mark_duplicates

    data = text.encode("utf-8")
    print(f"\nwhere the time of {len(data) / MB:.2f} MB goes ({repeat} runs each):")
    _row("bytes -> text, sha256", lambda: (decode(data), hashlib.sha256(data).hexdigest()), repeat)
    clean, _ = clean_text(text)
    _row("clean text (controls, line ends)", lambda: clean_text(text), repeat)
    doc = blocks_mod.parse(clean)
    rules = _rules_for_layout("auto")
    with bank_mod.gc_paused():
        _row("Markdown -> blocks (pyromark + event loop)", lambda: blocks_mod.parse(clean), repeat)
        seg = segment(doc)
        _row("blocks -> question units (segment)", lambda: segment(doc), repeat)
        questions, _spans, _warnings = _questions(doc, seg, "big.md", rules)
        _row("units -> questions (body, aliases)", lambda: _questions(doc, seg, "big.md", rules), repeat)
        _row("ids and near-duplicates", lambda: mark_duplicates(assign_ids(questions)), repeat)
    result = parse_text(text, source_name="big.md")
    _row("parse_text, all of it", lambda: parse_text(text, source_name="big.md"), repeat)

    bank = result.bank
    yaml_text = bank_mod.dumps(bank)
    size = len(yaml_text.encode("utf-8")) / MB
    print(f"\nthe bank: {len(bank.questions)} questions, {size:.1f} MB of YAML")
    _row("bank.dumps (fastyaml)", lambda: bank_mod.dumps(bank), repeat)
    _row("bank.loads (fastyaml + validation)", lambda: bank_mod.loads(yaml_text), repeat)
    with bank_mod.gc_paused():
        _row("  of which: YAML read (fastyaml.load)", lambda: fastyaml.load(yaml_text), repeat)
        tree = fastyaml.load(yaml_text)
        _row("  of which: validation (bank_from_dict)", lambda: bank_mod.bank_from_dict(tree), repeat)
        as_dict = bank_mod.bank_to_dict(bank)
        dumper: Any = bank_mod._Dumper
        _row(
            "for comparison: PyYAML + libyaml dump",
            lambda: yaml.dump(
                as_dict, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10**6, indent=2
            ),
            1,
        )
        loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        _row("for comparison: PyYAML + libyaml load", lambda: yaml.load(yaml_text, Loader=loader), 1)


def real_notes(repeat: int) -> None:
    """Time per MB of each real notes file in ../shared/eval, grown to about 1 MB."""
    files = sorted((EVAL / "notes").glob("notes_*.md")) + sorted(EVAL.glob("layout_*.md"))
    if not files:
        return
    print("\nreal notes (../shared/eval), each grown to ~1 MB:")
    print(f"  {'file':44s} {'MB':>5} {'questions':>9} {'best':>7} {'ms/MB':>6}  cues")
    for f in files:
        text = grown(f.read_text(encoding="utf-8"), MB)
        res = parse_text(text, source_name=f.name)
        _med, best, _cpu = timed(lambda text=text: parse_text(text, source_name="x.md"), repeat)  # type: ignore[misc]
        mb = len(text.encode("utf-8")) / MB
        n = len(res.bank.questions)
        print(f"  {f.name:44s} {mb:5.2f} {n:9d} {best:6.2f}s {best * 1000 / mb:6.0f}  {res.layout}")


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
        print(f"\nend to end, fresh processes, {size:.2f} MB of notes:")
        parse_args = ["parse", str(notes), "-o", str(bank)]
        _row("quizgen parse notes.md -o bank.yaml", lambda: run(parse_args), repeat)
        _row(
            f"quizgen bank stats bank.yaml ({bank.stat().st_size / MB:.1f} MB)",
            lambda: run(["bank", "stats", str(bank)]),
            repeat,
        )
        _row("quizgen --version (start-up alone)", lambda: run(["--version"]), repeat)
        print("goals: parse -o < 2 s, bank stats < 1.5 s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,2.5,5,10", help="file sizes in MB (default 1,2.5,5,10)")
    ap.add_argument("--mode", choices=["mixed", "distinct", "repeat"], default="mixed")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure (best and median are shown)")
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
    text = ""
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
    print("goal: 10 MB < 2 s end to end; ms/MB (best run) flat across sizes = linear")
    stages(text, args.repeat)
    real_notes(args.repeat)
    end_to_end(text, args.repeat)


if __name__ == "__main__":
    main()
