"""`quizgen generate`: bank -> quiz items (YAML or JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from quizgen.errors import ItemsError, UsageError
from quizgen.ui.console import err, info, warn, write_data

TYPE_NAMES = ("choice", "multi", "fill", "order", "match", "tf", "short")
NOTES_SUFFIXES = (".md", ".markdown", ".txt")


def generate_cmd(
    bank_path: Annotated[
        Path,
        typer.Argument(
            metavar="BANK", help="Bank file (YAML/JSON) from `quizgen parse`.", show_default=False
        ),
    ],
    n: Annotated[int, typer.Option("-n", "--number", help="How many items to make.")] = 20,
    types: Annotated[
        str | None,
        typer.Option("--types", help=f"Comma-separated item types: {','.join(TYPE_NAMES)} (default: all)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same items.")] = 7,
    per_question: Annotated[
        int | None,
        typer.Option("--per-question", help="At most this many items per question.", show_default=False),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the items here (atomic) instead of stdout.")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="yaml or json (default: from the -o suffix, else yaml).", show_default=False
        ),
    ] = None,
    report: Annotated[
        bool,
        typer.Option(
            "--report", help="Print what was made per type and why candidates were rejected (stderr)."
        ),
    ] = False,
) -> None:
    """Generate quiz items (choice, multi, fill, order, match, tf, short) from a question bank."""
    import random

    from quizgen import __version__
    from quizgen.bank import load
    from quizgen.generate import generate, parse_types
    from quizgen.items import dumps_items, save_items

    if n < 1:
        raise UsageError(f"-n must be at least 1, got {n}")
    if per_question is not None and per_question < 1:
        raise UsageError(f"--per-question must be at least 1, got {per_question}")
    if fmt is None:
        fmt = "json" if output is not None and output.suffix.lower() == ".json" else "yaml"
    if fmt not in ("yaml", "json"):
        raise UsageError(f"unknown --format {fmt!r}", hint="use yaml or json")
    try:
        wanted = parse_types(types)
    except ValueError as e:
        raise UsageError(
            f"unknown item type {str(e)!r} in --types", hint=f"valid types: {', '.join(TYPE_NAMES)}"
        ) from None
    if bank_path.suffix.lower() in NOTES_SUFFIXES:
        raise UsageError(
            "expected a bank file (YAML/JSON), got notes",
            where=str(bank_path),
            hint=f"parse the notes first: quizgen parse {bank_path} -o bank.yaml",
        )
    bank = load(bank_path)
    result = generate(bank, n=n, types=wanted, rng=random.Random(seed), per_question=per_question)
    if report:
        for line in result.report.lines():
            err().print(Text(line))
    items = result.items
    if not items:
        raise ItemsError(
            f"no items could be generated of type(s) {', '.join(t.value for t in wanted)}",
            where=str(bank_path),
            hint="try other --types, or run with --report to see why candidates were rejected",
        )
    if len(items) < n:
        warn(f"made {len(items)} items, fewer than the {n} asked for (the bank has no more good candidates)")
    header = {"generator": f"quizgen {__version__}", "bank": bank.title, "seed": seed}
    if output is None:
        write_data(dumps_items(items, fmt, **header))
    else:
        save_items(items, output, fmt, **header)
        info(f"Wrote {len(items)} items to {output}")


def register(app: typer.Typer) -> None:
    app.command("generate")(generate_cmd)
