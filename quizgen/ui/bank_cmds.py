"""`quizgen parse` and `quizgen bank ...`: notes -> bank, and looking at a bank.

rich's table module and the parser are imported inside the commands so that
`quizgen --help` stays fast.
"""

from __future__ import annotations

import json
import shlex
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from quizgen.errors import InputError, UsageError
from quizgen.ui.console import check_not_input, command_group, info, out, warn, write_data

if TYPE_CHECKING:
    from quizgen.bank import Bank

bank_app = command_group(help="Look at a question bank: statistics and questions.")

FORMATS = ("yaml", "json")


def parse_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="Notes file (Markdown Q&A; UTF-8, UTF-16 or GB18030).", show_default=False
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write the bank to this file (atomically) instead of stdout."),
    ] = None,
    dedup: Annotated[bool, typer.Option("--dedup", help="Leave near-duplicate questions out.")] = False,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Force the input encoding (e.g. gbk); default: detect.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="Output format: yaml or json.")] = "yaml",
    layout: Annotated[
        str,
        typer.Option(
            "--layout",
            help="Read questions only from this cue: heading, list, quote, bold, marker, details, "
            "admonition, flashcard, table, paragraph, card, heading-term (default auto: every cue, "
            "combined; see README).",
        ),
    ] = "auto",
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules",
            help="YAML rules that override detection: cues, question_level, question (regex), "
            "answer (regex), free_form. The notes' front matter may carry them under `quizgen:`.",
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Print, line range by line range, what was read as what (no bank)."),
    ] = False,
    title: Annotated[str | None, typer.Option("--title", help="Bank title (default: the file name).")] = None,
) -> None:
    """Parse Chinese Q&A notes into a question bank (YAML or JSON).

    Questions are found from general cues, combined: question headings at any level,
    numbered items that ask, block-quoted questions, `Q:`/`问：` markers, `<details>`
    questions, admonitions, flashcards, Q&A tables, and in free-form notes paragraphs that
    ask and `*术语*：定义` lines. Problems that do not stop the parse (a question without an
    answer, a removed control character, text that belongs to no question) are printed as
    `Warning: FILE:LINE: ...` on stderr.
    """
    from quizgen import bank as bank_mod
    from quizgen.parse import load_rules, parse_file

    if fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}", hint="use yaml or json")
    if file.is_dir():
        raise InputError("is a directory, expected a notes file", where=str(file), hint=_notes_in(file))
    if not explain:
        check_not_input(output, file, suggest=f"bank.{fmt}")
    given = load_rules(rules) if rules is not None else None
    result = parse_file(file, encoding=encoding, layout=layout, title=title, dedup=dedup, rules=given)
    if explain:
        from quizgen.parse.explain import explain_lines

        write_data("\n".join(explain_lines(result)) + "\n")
        return
    for w in result.warnings:
        warn(str(w))
    b = result.bank
    if output is None:
        write_data(bank_mod.dumps(b, fmt))
    else:
        bank_mod.save(b, output, fmt)
    dups = sum(1 for q in b.questions if q.duplicate_of)
    missing = sum(1 for q in b.questions if not q.has_answer)
    summary = f"Parsed {len(b.questions)} questions"
    details = [] if dedup else [f"{dups} near-duplicates"]
    if missing:
        details.append(f"{missing} without answer")
    if details:
        summary += f" ({', '.join(details)})"
    summary += f" from {file} [cues: {result.layout}]"
    if output is not None:
        summary += f" -> {output}"
    info(summary)


def _notes_in(folder: Path) -> str:
    """The hint for `quizgen parse FOLDER`: the notes files it holds, if any."""
    from quizgen.bank import NOTES_SUFFIXES

    try:
        names = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in NOTES_SUFFIXES and p.is_file())
    except OSError:
        names = []
    if not names:
        return f"give a notes file ({', '.join(NOTES_SUFFIXES)}); there is none in this folder"
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"give one notes file, e.g. quizgen parse {shlex.quote(str(folder / names[0]))} (here: {shown})"


def bank_stats(bank: Bank) -> dict[str, Any]:
    """The numbers `quizgen bank stats` shows (also its --json output)."""
    kinds: Counter[str] = Counter()
    items = 0
    for q in bank.questions:
        for s in q.sections:
            kinds[s.kind.value] += 1
            items += len(s.items)
    return {
        "title": bank.title,
        "questions": len(bank.questions),
        "unique": len(bank.unique()),
        "duplicates": sum(1 for q in bank.questions if q.duplicate_of),
        "without_answer": sum(1 for q in bank.questions if not q.has_answer),
        "sections": sum(kinds.values()),
        "sections_by_kind": dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        "list_items": items,
        "aliases": sum(len(q.aliases) for q in bank.questions),
    }


@bank_app.command("stats")
def stats_cmd(
    bank_path: Annotated[
        Path, typer.Argument(metavar="BANK", help="Bank file (YAML/JSON).", show_default=False)
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts: questions, duplicates, questions without answer, sections by kind, list items."""
    from rich.table import Table
    from rich.text import Text

    from quizgen.bank import load

    st = bank_stats(load(bank_path))
    if as_json:
        write_data(json.dumps(st, ensure_ascii=False, indent=2) + "\n")
        return
    out().print(Text(f"Bank: {st['title']}", style="bold"))
    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold")
    t.add_column(justify="right")
    for label, key in [
        ("questions", "questions"),
        ("unique", "unique"),
        ("near-duplicates", "duplicates"),
        ("without answer", "without_answer"),
        ("sections", "sections"),
        ("list items", "list_items"),
        ("alias groups", "aliases"),
    ]:
        t.add_row(label, str(st[key]))
    for kind, n in st["sections_by_kind"].items():
        t.add_row(Text(f"  {kind}"), str(n))
    out().print(t)


@bank_app.command("show")
def show_cmd(
    bank_path: Annotated[
        Path, typer.Argument(metavar="BANK", help="Bank file (YAML/JSON).", show_default=False)
    ],
    ref: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID|NUMBER]",
            help="One question: its number, id (or a 4+ character id prefix) or written number (Q1.1.1).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Show the bank's questions, or one question in full."""
    from quizgen.bank import load
    from quizgen.ui.render import render_question, render_question_list

    b = load(bank_path)
    if ref is None:
        out().print(render_question_list(b))
        return
    q = b.get(ref)
    if q is None:
        raise UsageError(
            f"no question {ref!r} in {bank_path}",
            hint=f"give a number 1-{len(b.questions)} or an id; `quizgen bank show {bank_path}` lists them",
        )
    out().print(render_question(q, b))
