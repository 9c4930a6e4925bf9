"""`quizgen --help` wall time beside a bare two-command typer app.

    .venv/bin/python benchmarks/bench_startup.py [--runs 15] [--importtime]

All run in fresh interpreters of the same venv, interleaved, and the median of --runs
is shown. Goal: quizgen --help <= 1.3x the bare app (typer's default rich help). quizgen
prints plain click help (rich_markup_mode=None), so the bare app with plain help is shown
too, as the like-for-like baseline. --importtime lists the slowest
imports of `quizgen --help` (python -X importtime) to see what to make lazy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE_APP = '''\
import sys

import typer

MODE = None if "--plain" in sys.argv else "rich"
if "--plain" in sys.argv:
    sys.argv.remove("--plain")

app = typer.Typer(rich_markup_mode=MODE)


@app.command()
def parse(file: str) -> None:
    """Parse a file."""


@app.command()
def show(bank: str) -> None:
    """Show a bank."""


app()
'''


def run(cmd: list[str]) -> float:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, env=env, cwd=ROOT)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{r.stderr.decode()}")
    return dt


def importtime(cmd: list[str], top: int = 12) -> None:
    r = subprocess.run([sys.executable, "-X", "importtime", *cmd], capture_output=True, text=True, cwd=ROOT)
    rows = []
    for line in r.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self, cumulative, name = (x.strip() for x in line[len("import time:") :].split("|"))
        rows.append((int(cumulative), name))
    print(f"\nslowest imports of `{' '.join(cmd)}` (cumulative, us):")
    for us, name in sorted(rows, reverse=True)[:top]:
        print(f"{us:>10}  {name}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument(
        "--importtime", action="store_true", help="also list the slowest imports of quizgen --help"
    )
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as d:
        bare = Path(d) / "bare_app.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        script = Path(sys.executable).parent / "quizgen"
        cmds = {
            "bare typer app --help": [sys.executable, str(bare), "--help"],
            "bare app, plain help": [sys.executable, str(bare), "--plain", "--help"],
            "quizgen --help": [str(script), "--help"]
            if script.exists()
            else [sys.executable, "-m", "quizgen", "--help"],
            "python -m quizgen --help": [sys.executable, "-m", "quizgen", "--help"],
        }
        for cmd in cmds.values():  # warm the file cache and .pyc files
            run(cmd)
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for _ in range(args.runs):
            for k, cmd in cmds.items():
                times[k].append(run(cmd))
    base = statistics.median(times["bare typer app --help"])
    print(f"median of {args.runs} runs:")
    for k, ts in times.items():
        med = statistics.median(ts)
        print(f"  {k:26s} {med * 1000:7.1f} ms   {med / base:4.2f}x   (min {min(ts) * 1000:.1f} ms)")
    print("goal: quizgen --help <= 1.30x the bare app")
    if args.importtime:
        importtime(["-m", "quizgen", "--help"])


if __name__ == "__main__":
    main()
