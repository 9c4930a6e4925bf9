"""`quizgen analyze ITEMS RESULTS`: item analysis in the terminal, as JSON, or as an HTML report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Group
from rich.table import Table
from rich.text import Text

from quizgen.errors import UsageError
from quizgen.ui.console import Clip, check_not_input, info, out, write_data

if TYPE_CHECKING:
    from quizgen.analyze import Analysis

HIST_WIDTH = 40


def _f(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _test_table(a: Analysis) -> Table:
    t = a.test
    tab = Table(title=Text("Test"), show_header=False, box=None, pad_edge=False)
    tab.add_column(style="dim")
    tab.add_column(justify="right")
    rows = [
        (
            "students",
            f"{t.students}" + (f" ({t.complete} with every item)" if t.complete != t.students else ""),
        ),
        ("items", str(t.items)),
        ("max score", f"{t.max_score:g}"),
        ("mean", _f(t.mean)),
        ("SD", _f(t.sd)),
        ("Cronbach's alpha" + (" (= KR-20)" if t.method == "KR-20" else ""), _f(t.alpha, 3)),
        ("SEM", _f(t.sem)),
        ("median · min · max", f"{_f(t.median, 1)} · {_f(t.minimum, 1)} · {_f(t.maximum, 1)}"),
    ]
    for k, v in rows:
        tab.add_row(k, v)
    return tab


def _histogram(a: Analysis) -> Text:
    bins = a.test.distribution
    peak = max((b.count for b in bins), default=0) or 1
    text = Text("Score distribution\n", style="bold")
    for b in bins:
        label = f"{b.low:>5.1f}–{b.high:<5.1f}"
        bar = "█" * round(HIST_WIDTH * b.count / peak)
        text.append(f"{label} ", style="dim")
        text.append(bar, style="cyan")
        text.append(f" {b.count}\n" if b.count else "\n")
    return text


def _items_table(a: Analysis) -> Table:
    from quizgen.export.common import SECTION_NAMES
    from quizgen.items import ItemType

    t = Table(title=Text("Items"), pad_edge=False)
    for h, just in (
        ("#", "right"),
        ("type", "left"),
        ("item", "left"),
        ("n", "right"),
        ("diff", "right"),
        ("disc", "right"),
        ("U-L", "right"),
        ("options (count, key *)", "left"),
        ("flags", "left"),
    ):
        t.add_column(h, justify=just, overflow="fold", ratio=2 if h in ("item", "flags") else None)  # type: ignore[arg-type]
    for it in a.items:
        opts = " ".join(f"{o.option}{'*' if o.key else ''}:{o.count}" for o in it.options)
        flags = Text("; ".join(f.message for f in it.flags), style="red")
        style = "red" if any(f.code == "negative_discrimination" for f in it.flags) else ""
        t.add_row(
            str(it.number),
            SECTION_NAMES[ItemType(it.type)],
            Clip(it.stem),
            str(it.n),
            _f(it.difficulty),
            Text(_f(it.discrimination), style=style),
            _f(it.upper_lower),
            Text(opts),
            flags,
        )
    return t


def _fix_list(a: Analysis) -> Text:
    flagged = a.flagged
    if not flagged:
        return Text("No item is flagged.", style="green")
    text = Text(f"{len(flagged)} item(s) not working as they should; fix them in the bank:\n", style="bold")
    for it in flagged:
        where = (
            f"bank question #{it.question_number}"
            if it.question_number is not None
            else f"question {it.question_id}"
        )
        title = f" {it.question_title}" if it.question_title else ""
        text.append(f"  #{it.number} ", style="bold")
        text.append(f"({where}{title}): ")
        text.append("; ".join(f.message for f in it.flags) + "\n", style="red")
    return text


def analyze_cmd(
    items_path: Annotated[
        Path,
        typer.Argument(metavar="ITEMS", help="The items file the quiz was made from.", show_default=False),
    ],
    results: Annotated[
        Path,
        typer.Argument(
            metavar="RESULTS",
            help="A results table from `quizgen results collect` (.csv, .json, .jsonl).",
            show_default=False,
        ),
    ],
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print JSON: items[].{item_id, n, difficulty, discrimination, options, ...}, test.{...}.",
        ),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", metavar="FILE", help="Write a self-contained HTML report."),
    ] = None,
    bank_path: Annotated[
        Path | None,
        typer.Option(
            "--bank", metavar="BANK", help="The bank the items came from: flagged items show its titles."
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", metavar="TITLE", help="Report title.")] = None,
) -> None:
    """Item analysis of a results table: difficulty, discrimination, distractors, Cronbach's alpha."""
    from quizgen import bank as banks
    from quizgen.analyze import analyze
    from quizgen.results import load_table
    from quizgen.ui.console import items_header_title, load_quiz_items

    if output is not None and output.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"-o {output}: the report is HTML", hint="name it report.html")
    check_not_input(output, items_path, results, bank_path, suggest="report.html")
    loaded = load_quiz_items(items_path)
    bank = banks.load(bank_path) if bank_path is not None else None
    a = analyze(loaded, load_table(results), bank=bank)
    if as_json:
        write_data(json.dumps(a.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        console = out()
        console.print(Group(_test_table(a), Text(""), _histogram(a), _items_table(a), Text(""), _fix_list(a)))
        for n in a.notes:
            info(n)
    if output is not None:
        from quizgen.analyze.report import render
        from quizgen.bank import atomic_write_text, read_text_file

        name = title or items_header_title(read_text_file(items_path)) or items_path.stem
        atomic_write_text(
            output, render(a, title=f"{name} · item analysis", source=f"{items_path.name} · {results.name}")
        )
        info(f"report -> {output}")


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze_cmd)
