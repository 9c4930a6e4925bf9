"""`quizgen generate`: bank -> quiz items (YAML or JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from quizgen.errors import UsageError
from quizgen.ui.console import (
    Source,
    check_not_input,
    err,
    fewer_items_warning,
    info,
    no_items_error,
    parse_types_option,
    write_data,
)

TYPE_NAMES = ("choice", "multi", "fill", "order", "match", "tf", "short")


def generate_cmd(
    bank_path: Annotated[
        Path,
        typer.Argument(
            metavar="BANK", help="Bank file (YAML/JSON) from `quizgen parse`.", show_default=False
        ),
    ],
    n: Annotated[
        int, typer.Option("-n", "--number", metavar="N", min=1, help="How many items to make.")
    ] = 20,
    types: Annotated[
        list[str] | None,
        typer.Option(
            "--types",
            "-t",
            metavar="TYPES",
            help=f"Comma-separated item types: {','.join(TYPE_NAMES)} (default: all).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", metavar="N", help="Random seed: the same seed gives the same items.")
    ] = 7,
    per_question: Annotated[
        int | None,
        typer.Option(
            "--per-question",
            metavar="N",
            min=1,
            help="At most this many items per question.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", metavar="FILE", help="Write the items here (atomic) instead of stdout."
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="yaml or json (default: from the -o suffix, else yaml).",
            show_default=False,
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
    from quizgen.generate import generate
    from quizgen.items import dumps_items, save_items

    if fmt is None:
        fmt = "json" if output is not None and output.suffix.lower() == ".json" else "yaml"
    if fmt not in ("yaml", "json"):
        raise UsageError(f"unknown --format {fmt!r}", hint="use yaml or json")
    wanted = parse_types_option(types)
    check_not_input(output, bank_path, suggest=f"items.{fmt}")
    if output is not None and output.is_dir():
        raise UsageError(
            f"-o {output} is a folder", hint=f"give a file name, e.g. -o {output / f'items.{fmt}'}"
        )
    bank = load(bank_path)  # notes or an items file: an error that says what the file is
    result = generate(bank, n=n, types=wanted, rng=random.Random(seed), per_question=per_question)
    if report:
        for line in result.report.lines():
            err().print(Text(line))
    items = result.items
    if not items:
        raise no_items_error(bank_path, wanted)
    if len(items) < n:
        fewer_items_warning(len(items), n, Source(bank_path, bank.title, bank=bank), wanted)
    header = {"generator": f"quizgen {__version__}", "bank": bank.title, "seed": seed}
    if output is None:
        write_data(dumps_items(items, fmt, **header))
    else:
        save_items(items, output, fmt, **header)
        info(f"Wrote {len(items)} items to {output}")


def register(app: typer.Typer) -> None:
    app.command("generate")(generate_cmd)
