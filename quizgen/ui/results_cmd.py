"""`quizgen results collect` (students' results files -> one scored table) and `quizgen results
export` (a terminal quiz session -> a results file for the teacher)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from quizgen.errors import EXIT_DATA, UsageError
from quizgen.ui.console import (
    EMBEDDER_HELP,
    check_embedder,
    check_not_input,
    command_group,
    embedder_is_none,
    info,
    out,
    warn,
    write_data,
)

if TYPE_CHECKING:
    from quizgen.results import Collected

results_app = command_group(
    help="Students' results back into quizgen: collect and score the web quiz's results files; "
    "export a terminal quiz session as one."
)


def _grader_factory(embedder: str, bank: Any, no_cache: bool) -> Any:
    def build() -> Any:
        from quizgen.grade import Grader

        if not embedder_is_none(embedder):
            info(f"loading the grader ({embedder}) for short answers…")
        g = Grader(embedder=embedder, bank=bank, use_cache=not no_cache)
        if g.calibration_mismatch:
            warn(g.calibration_mismatch)
        return g

    return build


def _policy(name: str | None) -> Any:
    if name is None:
        return None
    from quizgen.scoring import policy_named

    return policy_named(name.strip().lower())


def _students_table(c: Collected) -> Table:
    t = Table(title=Text(f"{c.students} students"), pad_edge=False)
    for h in ("student", "name", "score", "max", "answered", "review", "source"):
        t.add_column(
            h, justify="right" if h in ("score", "max", "answered", "review") else "left", overflow="fold"
        )
    per: dict[str, dict[str, Any]] = {}
    for r in c.rows:
        d = per.setdefault(
            r.student,
            {"name": r.name, "score": 0.0, "max": 0.0, "n": 0, "answered": 0, "review": 0, "src": r.source},
        )
        d["score"] += r.score
        d["max"] += r.max_score
        d["n"] += 1
        d["answered"] += bool(r.response)
        d["review"] += r.needs_review
    for s, d in per.items():
        t.add_row(
            Text(s),
            Text(d["name"]),
            f"{round(d['score'], 2):g}",
            f"{d['max']:g}",
            f"{d['answered']}/{d['n']}",
            str(d["review"]) if d["review"] else "",
            Text(Path(d["src"].split(" (")[0]).name),
        )
    return t


@results_app.command("collect")
def collect_cmd(
    sources: Annotated[
        list[Path],
        typer.Argument(
            metavar="DIR_OR_FILES",
            help="results-*.json files, text with QZR1 codes (pasted from chats), long CSV tables "
            "(student, item_id, response), or folders holding them.",
            show_default=False,
        ),
    ],
    items_path: Annotated[
        Path,
        typer.Option(
            "--items", "-i", metavar="ITEMS", help="The items file the quiz was made from (quiz.items.yaml)."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write the table here (.csv, .json or .jsonl). Default: stdout (CSV)."
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", metavar="FORMAT", help="csv, json or jsonl (default: by -o suffix)."),
    ] = None,
    embedder: Annotated[str, typer.Option("--embedder", "-e", metavar="NAME", help=EMBEDDER_HELP)] = "use-m3",
    bank_path: Annotated[
        Path | None,
        typer.Option(
            "--bank", metavar="BANK", help="The bank, for short answers' aliases and grading rules."
        ),
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option(
            "--policy",
            metavar="POLICY",
            help="Score objective items as practice or exam. Default: as the page said (exam pages exam, "
            "practice pages and terminal sessions practice, CSV exam).",
        ),
    ] = None,
    accept_tampered: Annotated[
        bool,
        typer.Option("--accept-tampered", help="Merge files whose checksum does not match (reported still)."),
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any file had a problem.")] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not read or write the embedding cache.")
    ] = False,
) -> None:
    """Merge students' results files into one scored table (student, item_id, response, score, ...)."""
    from quizgen import bank as banks
    from quizgen.results import collect, dumps_table, table_format, write_table
    from quizgen.ui.console import load_quiz_items

    embedder = check_embedder(embedder)
    pol = _policy(policy)
    f = (fmt or (table_format(output) if output is not None else "csv")).strip().lower()
    if f not in ("csv", "json", "jsonl"):
        raise UsageError(f"unknown --format {fmt!r}", hint="use csv, json or jsonl")
    check_not_input(output, items_path, bank_path, *sources, suggest="results.csv")
    loaded = load_quiz_items(items_path)
    bank = banks.load(bank_path) if bank_path is not None else None
    c = collect(
        sources,
        loaded,
        grader=_grader_factory(embedder, bank, no_cache),
        policy=pol,
        accept_tampered=accept_tampered,
    )
    for p in c.problems:
        warn(p.render())
    for n in c.notes:
        info(n)
    if output is None:
        write_data(dumps_table(c.rows, f))
    else:
        write_table(c.rows, output, f)
        out().print(_students_table(c))
    review = sum(r.needs_review for r in c.rows)
    info(
        f"Collected {c.students} students, {len(c.rows)} responses"
        + (f" ({review} short answers need review)" if review else "")
        + (f"; {len(c.problems)} problem(s) above" if c.problems else "")
        + (f" -> {output}" if output else "")
    )
    if not c.rows:
        raise typer.Exit(EXIT_DATA)
    if strict and c.problems:
        raise typer.Exit(EXIT_DATA)


@results_app.command("export")
def export_cmd(
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="Your name (姓名).")],
    student_id: Annotated[
        str, typer.Option("--student-id", metavar="ID", help="Your student number (学号).")
    ],
    session: Annotated[
        int | None,
        typer.Argument(
            metavar="[SESSION]",
            help="Session number (`quizgen history`); default: the latest.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Default: results-<学号>.json in this folder.")
    ] = None,
    code: Annotated[
        bool, typer.Option("--code", help="Print the results as a code to paste into a chat instead.")
    ] = False,
) -> None:
    """Export a terminal quiz session as a results file (results-<学号>.json) to hand in."""
    import json

    from quizgen.bank import atomic_write_text
    from quizgen.results.files import encode_code
    from quizgen.results.store import pick_session, session_results
    from quizgen.session import Store

    if not name.strip() or not student_id.strip():
        raise UsageError("--name and --student-id must not be empty")
    with Store() as store:
        s = pick_session(store, session)
        doc = session_results(store, s, name=name.strip(), student=student_id.strip())
    answered = sum(r["response"] is not None for r in doc["responses"])
    what = f"session {s.id} ({s.bank_title or s.bank_path}, {answered}/{len(doc['responses'])} answered)"
    if code:
        write_data(encode_code(doc) + "\n")
        info(f"{what}: paste the code above into the chat with your teacher")
        return
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in student_id.strip())
    path = output or Path(f"results-{safe}.json")
    atomic_write_text(path, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    info(f"{what} -> {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(results_app, name="results")
