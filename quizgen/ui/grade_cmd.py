"""`quizgen grade ...`: grade answers, calibrate on human scores, evaluate agreement.

    quizgen grade BANK ANSWERS            (= quizgen grade run BANK ANSWERS)
    quizgen grade --pairs FILE.csv        (= quizgen grade pairs FILE.csv)
    quizgen grade calibrate HUMAN.csv -o calib.yaml
    quizgen grade evaluate HUMAN.csv [--calibration F] [--cv K] [--attacks] [--json]

A click group cannot have both subcommands and a default command's positional arguments, so the
group rewrites its arguments: when the first word is not a subcommand it means `run`, and
`--pairs FILE` means `pairs FILE`. numpy, jieba and the models load inside the commands.
"""

from __future__ import annotations

import collections
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from quizgen.errors import UsageError
from quizgen.ui.console import (
    EMBEDDER_HELP,
    QuizgenGroup,
    check_embedder,
    check_not_input,
    command_group,
    err,
    info,
    out,
    warn,
    write_data,
)

if TYPE_CHECKING:
    from quizgen.grade import Grader, GradeResult
    from quizgen.grade.io import InputRow

PROGRESS_MIN_ROWS = 500
EXPLAIN_AUTO = 50  # table output explains every answer up to this many rows (else --explain)


class GradeGroup(QuizgenGroup):
    """`quizgen grade BANK ANSWERS` and `quizgen grade --pairs FILE` as shorthands."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            rest = list(args)
            for i, a in enumerate(rest):
                if a == "--pairs":
                    rest = ["pairs", *rest[:i], *rest[i + 1 :]]
                    break
                if a.startswith("--pairs="):
                    rest = ["pairs", *rest[:i], a.split("=", 1)[1], *rest[i + 1 :]]
                    break
            else:
                rest = ["run", *rest]
            args = rest
        return super().parse_args(ctx, args)


grade_app = command_group(
    cls=GradeGroup,
    help=(
        "Grade free-text answers (keywords + semantic similarity); calibrate and evaluate on human "
        "scores. Shorthands: `quizgen grade BANK ANSWERS` = `grade run`, "
        "`quizgen grade --pairs FILE` = `grade pairs`."
    ),
)

EmbedderOpt = Annotated[str, typer.Option("--embedder", "-e", metavar="NAME", help=EMBEDDER_HELP)]
CalibrationOpt = Annotated[
    Path | None,
    typer.Option(
        "--calibration", "-c", help="A calibration file from `quizgen grade calibrate` (default: shipped)."
    ),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", help="table, csv or jsonl (default: table on a terminal, else csv / by -o suffix)."
    ),
]
OutputOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write results here instead of stdout.")
]
EncodingOpt = Annotated[
    str | None, typer.Option("--encoding", help="Input encoding (default UTF-8, BOM detected), e.g. gb18030.")
]
InputFormatOpt = Annotated[
    str | None,
    typer.Option("--input-format", metavar="FORMAT", help="csv, jsonl or yaml (default: by file suffix)."),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the embedding cache.")]
ProgressOpt = Annotated[
    bool | None,
    typer.Option("--progress/--no-progress", help="Progress bar on stderr (default: on a terminal)."),
]
ExplainOpt = Annotated[
    bool | None,
    typer.Option(
        "--explain/--no-explain",
        help="After a table, explain every answer: each key point matched (with the answer's words), "
        f"missed or contradicted, and the points lost (default: up to {EXPLAIN_AUTO} answers).",
    ),
]
ContradictionsOpt = Annotated[
    Path | None,
    typer.Option(
        "--contradictions",
        metavar="FILE",
        help="More antonym/mirror pairs and negations (YAML, the form of quizgen/data/contradictions.yaml).",
    ),
]

ANSWER_COLUMNS = [
    "row",
    "student",
    "question_id",
    "score",
    "max_score",
    "keyword",
    "semantic",
    "confidence",
    "needs_review",
    "matched",
    "missed",
    "contradicted",
    "deductions",
    "reason",
]
# JSONL rows also carry every key point's mark (point, status, phrase, earned, possible).
JSONL_EXTRA = ["marks"]


def _grader(
    embedder: str,
    calibration: Path | None,
    bank: Any = None,
    no_cache: bool = False,
    contradictions: Path | None = None,
    scoring: str = "exam",
) -> Grader:
    from quizgen.grade import Grader
    from quizgen.scoring import policy_named

    g = Grader(
        embedder=embedder,
        calibration=calibration,
        bank=bank,
        use_cache=not no_cache,
        contradictions=contradictions,
        policy=policy_named(scoring),
    )
    msg = g.calibration_mismatch
    if msg:
        warn(msg)
    return g


def _out_format(fmt: str | None, output: Path | None) -> str:
    if fmt:
        f = fmt.lower()
        if f not in ("table", "csv", "jsonl"):
            raise UsageError(f"unknown --format {fmt!r}", hint="use table, csv or jsonl")
        return f
    if output is not None:
        return "jsonl" if output.suffix.lower() in (".jsonl", ".json", ".ndjson") else "csv"
    return "table" if sys.stdout.isatty() else "csv"


def _suggest(output: Path | None) -> str:
    """An output name for the "-o is the input" hint, keeping the suffix that was asked for."""
    return f"grades{output.suffix if output is not None and output.suffix else '.csv'}"


def _result_row(row: InputRow, res: GradeResult) -> dict[str, Any]:
    d = res.to_dict()
    d["row"] = row.record
    d["student"] = row.get("student")
    d["question_id"] = row.get("question_id")
    return d


def _may_show(progress: bool | None) -> bool:
    """Whether a progress bar may be shown (then the rows are counted first for its total)."""
    return progress is True or (progress is None and err().is_terminal)


def _count_rows(path: Path, pairs: bool, fmt: str | None, encoding: str | None) -> int | None:
    from quizgen.grade.io import read_rows

    try:
        if path.stat().st_size > 64 * 1024 * 1024:
            return None
        return sum(1 for _ in read_rows(path, pairs=pairs, fmt=fmt, encoding=encoding))
    except OSError:
        return None


def _emit(
    rows: Iterator[InputRow],
    to_request: Any,
    grader: Grader,
    columns: list[str],
    extra: Any,
    fmt: str,
    output: Path | None,
    total: int | None,
    progress: bool | None,
    title: str,
    explain_all: bool | None = None,
) -> None:
    """Stream rows through the grader to the sink; rows in = rows out. Table output is followed by
    each answer's explanation (automatically up to EXPLAIN_AUTO rows)."""
    from quizgen.grade.io import CsvSink, JsonlSink

    pending: collections.deque[InputRow] = collections.deque()

    def requests() -> Iterator[Any]:
        for r in rows:
            pending.append(r)
            yield to_request(r)

    show_progress = (
        progress if progress is not None else (err().is_terminal and (total or 0) >= PROGRESS_MIN_ROWS)
    )
    stats = collections.Counter[str]()
    started = time.perf_counter()
    table_rows: list[dict[str, Any]] = []
    tmp = None
    stream: Any = sys.stdout
    if output is not None and fmt != "table":
        import tempfile

        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed into place at the end
            "w",
            encoding="utf-8",
            newline="",
            dir=output.parent,
            prefix=f".{output.name}.",
            suffix=".tmp",
            delete=False,
        )
        stream = tmp
    sink: Any = None
    if fmt == "csv":
        sink = CsvSink(stream, columns)
    elif fmt == "jsonl":
        sink = JsonlSink(stream, columns + JSONL_EXTRA)

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    prog = Progress(
        SpinnerColumn(),
        TextColumn("grading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err(),
        transient=True,
        disable=not show_progress,
    )
    try:
        with prog:
            task = prog.add_task("grade", total=total)
            for res in grader.grade_many(requests()):
                r = pending.popleft()
                d = _result_row(r, res)
                extra(r, d)
                stats["rows"] += 1
                stats["review"] += int(res.needs_review)
                if res.reason:
                    stats[res.reason.split(":")[0].split(" '")[0]] += 1
                if sink is not None:
                    sink.write(d)
                else:
                    table_rows.append(d)
                prog.advance(task)
        if tmp is not None:
            tmp.close()
            Path(tmp.name).replace(output)  # type: ignore[arg-type]
            tmp = None
    finally:
        if tmp is not None:
            tmp.close()
            Path(tmp.name).unlink(missing_ok=True)
    if fmt == "table":
        t = _table(table_rows, columns, title)
        shown = explain_all if explain_all is not None else len(table_rows) <= EXPLAIN_AUTO
        blocks = [explain(d) for d in table_rows if d.get("marks") or d.get("deductions")] if shown else []
        if output is not None:
            from rich.console import Console

            with output.open("w", encoding="utf-8") as f:
                c = Console(file=f, width=160, no_color=True)
                c.print(t)
                for b in blocks:
                    c.print(b)
        else:
            out().print(t)
            for b in blocks:
                out().print(b)
    sys.stdout.flush()  # the data first, then the summary on stderr
    elapsed = time.perf_counter() - started
    special = ", ".join(f"{n} {k}" for k, n in stats.items() if k not in ("rows", "review"))
    info(
        f"Graded {stats['rows']} answers in {elapsed:.1f}s ({stats['review']} need review"
        + (f"; {special}" if special else "")
        + f") [embedder {grader.embedder_spec}, model {grader.combination.source}]"
        + (f" -> {output}" if output else "")
    )


MARK_SYMBOLS = {"matched": ("✓", "green"), "missed": ("✗", "red"), "contradicted": ("≠", "magenta")}
PHRASE_WIDTH = 40


def explain(d: dict[str, Any]) -> Text:
    """Where a score comes from: per key point ✓ matched ← the answer's words, ✗ missed,
    ≠ contradicted ← the answer's words; then each deduction and the reason."""
    head = Text.assemble(
        (f"#{d.get('row', '')}", "bold"),
        Text(f" {d.get('student') or ''} · {d.get('question_id') or ''} · "),
        (f"{_fmt_num(d.get('score'))}/{_fmt_num(d.get('max_score'))}", "bold"),
    )
    lines = [head]
    for m in d.get("marks") or []:
        sym, style = MARK_SYMBOLS.get(m["status"], ("?", ""))
        line = Text.assemble(("  " + sym + " ", style), Text(m["point"]))
        if m.get("phrase"):
            phrase = (
                m["phrase"] if len(m["phrase"]) <= PHRASE_WIDTH else m["phrase"][: PHRASE_WIDTH - 1] + "…"
            )
            line.append_text(Text.assemble((" ← ", "dim"), Text(phrase, style="dim")))
        lines.append(line)
    for x in d.get("deductions") or []:
        lines.append(Text.assemble(("  − ", "yellow"), Text(x)))
    if d.get("reason"):
        lines.append(Text.assemble(("  ! ", "yellow"), Text(str(d["reason"]))))
    return Text("\n").join(lines)


def _summary(d: dict[str, Any]) -> Text:
    """The key points in one cell: ``2/3`` then what was missed (✗) or contradicted (≠)."""
    marks = d.get("marks") or []
    if not marks:
        return Text("")
    ok = sum(1 for m in marks if m["status"] == "matched")
    out = Text(f"{ok}/{len(marks)}")
    bad = [m for m in marks if m["status"] != "matched"]
    for m in bad[:2]:
        sym, style = MARK_SYMBOLS[m["status"]]
        point = m["point"] if len(m["point"]) <= 12 else m["point"][:11] + "…"
        out.append_text(Text.assemble((" " + sym, style), Text(point)))
    if len(bad) > 2:
        out.append(" …")
    return out


def _table(rows: list[dict[str, Any]], columns: list[str], title: str) -> Table:
    """Compact: numbers never wrap; key points as matched/total plus what was missed or
    contradicted; points lost and the reason last."""
    t = Table(title=Text(title), show_lines=False, pad_edge=False)
    has_human = "human" in columns
    heads = [
        "#",
        "student",
        "q",
        "score",
        *(["human"] if has_human else []),
        "kw",
        "sem",
        "conf",
        "",
        "key points",
        "lost / reason",
    ]
    for h in heads:
        numeric = h in ("#", "score", "human", "kw", "sem", "conf")
        wraps = h in ("key points", "lost / reason", "student", "q")
        t.add_column(
            h,
            justify="right" if numeric else "left",
            no_wrap=not wraps,
            overflow="fold",
            min_width=4 if h in ("student", "lost / reason") else None,
            ratio=2 if h == "key points" else 1 if h == "lost / reason" else None,
        )
    for d in rows:
        sem = d.get("semantic")
        human = [Text(_fmt_num(d.get("human")))] if has_human else []
        lost = "; ".join([*(d.get("deductions") or []), *([str(d["reason"])] if d.get("reason") else [])])
        t.add_row(
            Text(str(d.get("row", ""))),
            Text(str(d.get("student") or "")),
            Text(str(d.get("question_id") or "")),
            Text(f"{_fmt_num(d.get('score'))}/{_fmt_num(d.get('max_score'))}", style="bold"),
            *human,
            Text(f"{d.get('keyword', 0):.2f}"),
            Text("-" if sem is None else f"{sem:.2f}"),
            Text(f"{d.get('confidence', 0):.2f}"),
            Text("review", style="yellow") if d.get("needs_review") else Text(""),
            _summary(d),
            Text(lost, style="yellow"),
        )
    return t


def _fmt_num(v: Any) -> str:
    if v is None:
        return "-"
    return f"{float(v):g}"


# ---------------------------------------------------------------------------- commands


@grade_app.command("run")
def run_cmd(
    bank_path: Annotated[
        Path,
        typer.Argument(
            metavar="BANK", help="Bank (YAML/JSON) or items file the answers refer to.", show_default=False
        ),
    ],
    answers: Annotated[
        Path,
        typer.Argument(
            metavar="ANSWERS",
            help="CSV, JSONL or YAML with question_id (id or number), answer[, student].",
            show_default=False,
        ),
    ],
    embedder: EmbedderOpt = "use-m3",
    calibration: CalibrationOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    encoding: EncodingOpt = None,
    input_format: InputFormatOpt = None,
    max_score: Annotated[
        float, typer.Option("--max-score", help="Points per question when the file has no max_score column.")
    ] = 1.0,
    scoring: Annotated[
        str,
        typer.Option(
            "--scoring",
            metavar="POLICY",
            help="Objective items of an items file: exam (多选、少选、错选均不得分; a wrong character is "
            "wrong) or practice (partial credit, as the quiz).",
        ),
    ] = "exam",
    contradictions: ContradictionsOpt = None,
    no_cache: NoCacheOpt = False,
    progress: ProgressOpt = None,
    explain_all: ExplainOpt = None,
) -> None:
    """Grade students' answers to the questions of a bank (or the items of an items file)."""
    from quizgen.grade.io import read_rows
    from quizgen.items import ItemType, load_bank_or_items
    from quizgen.scoring import policy_named

    embedder = check_embedder(embedder)
    policy_named(scoring)
    if max_score <= 0:
        raise UsageError("--max-score must be positive")
    fmt_ = _out_format(fmt, output)
    check_not_input(output, bank_path, answers, calibration, suggest=_suggest(output))
    loaded = load_bank_or_items(bank_path)
    items: dict[str, Any] = {}
    bank = None
    if isinstance(loaded, list):
        items = {it.id: it for it in loaded}
    else:
        bank = loaded
    grader = _grader(embedder, calibration, bank, no_cache, contradictions, scoring)
    # the other short items' references, for answers to another question (off-topic)
    grader.know_references(
        (it.stem, "\n".join(it.answer)) for it in items.values() if it.type is ItemType.SHORT
    )
    rows = read_rows(answers, pairs=False, fmt=input_format, encoding=encoding)

    def to_request(r: InputRow) -> Any:
        ms = r.get("max_score").strip()
        if r.error:
            return {"answer": "", "error": r.error}
        qid = r.get("question_id").strip()
        if not qid:
            return {"answer": "", "error": "no question_id"}
        if items:
            it = items.get(qid)
            if it is None:
                return {"answer": "", "error": f"unknown item {qid!r}"}
            return {"item": it, "answer": r.get("answer")}
        return {"question_id": qid, "answer": r.get("answer"), "max_score": ms or max_score}

    total = _count_rows(answers, False, input_format, encoding) if _may_show(progress) else None
    _emit(
        rows,
        to_request,
        grader,
        ANSWER_COLUMNS,
        lambda r, d: None,
        fmt_,
        output,
        total,
        progress,
        f"Grades: {answers.name}",
        explain_all,
    )


@grade_app.command("pairs")
def pairs_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="CSV/JSONL/YAML with question, reference_answer, student_answer[, score, max_score].",
            show_default=False,
        ),
    ],
    embedder: EmbedderOpt = "use-m3",
    calibration: CalibrationOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    encoding: EncodingOpt = None,
    input_format: InputFormatOpt = None,
    contradictions: ContradictionsOpt = None,
    no_cache: NoCacheOpt = False,
    progress: ProgressOpt = None,
    explain_all: ExplainOpt = None,
) -> None:
    """Grade standalone answer/reference pairs, no bank needed (human scores, if present, are shown)."""
    from quizgen.grade.io import read_rows

    embedder = check_embedder(embedder)
    fmt_ = _out_format(fmt, output)
    check_not_input(output, file, calibration, suggest=_suggest(output))
    grader = _grader(embedder, calibration, None, no_cache, contradictions)
    # The file's other questions (one pass over it first), for answers to another question.
    grader.know_references(
        (r.get("question"), r.get("reference_answer"))
        for r in read_rows(file, pairs=True, fmt=input_format, encoding=encoding)
        if not r.error
    )
    rows = read_rows(file, pairs=True, fmt=input_format, encoding=encoding)
    first = next(rows, None)
    has_human = first is not None and "score" in first.fields
    columns = list(ANSWER_COLUMNS)
    if has_human:
        columns.insert(columns.index("keyword"), "human")

    def chained() -> Iterator[InputRow]:
        if first is not None:
            yield first
        yield from rows

    def to_request(r: InputRow) -> Any:
        if r.error:
            return {"answer": "", "error": r.error}
        return {
            "reference": r.get("reference_answer"),
            "answer": r.get("student_answer"),
            "question": r.get("question"),
            "max_score": r.get("max_score").strip() or 1.0,
        }

    def extra(r: InputRow, d: dict[str, Any]) -> None:
        if has_human:
            try:
                d["human"] = float(r.get("score"))
            except ValueError:
                d["human"] = None

    total = _count_rows(file, True, input_format, encoding) if _may_show(progress) else None
    _emit(
        chained(),
        to_request,
        grader,
        columns,
        extra,
        fmt_,
        output,
        total,
        progress,
        f"Grades: {file.name}",
        explain_all,
    )


@grade_app.command("calibrate")
def calibrate_cmd(
    human: Annotated[
        Path,
        typer.Argument(
            metavar="HUMAN",
            help="Scored answers: question, reference_answer, student_answer, score, max_score.",
            show_default=False,
        ),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Write the calibration (YAML) here.")],
    embedder: EmbedderOpt = "use-m3",
    cv: Annotated[
        int, typer.Option("--cv", help="Also report K-fold CV grouped by question (0: off).", min=0)
    ] = 5,
    encoding: EncodingOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Fit the grading model to a teacher's own scored answers (monotone, few weights)."""
    from quizgen.bank import atomic_write_text
    from quizgen.grade.calibrate import calibrate
    from quizgen.grade.combine import dumps_combination
    from quizgen.grade.evaluate import compute_features, cross_validate, load_human, metrics, predict

    embedder = check_embedder(embedder)
    check_not_input(output, human, suggest="calib.yaml")
    hs = load_human(human, encoding=encoding)
    _warn_skipped(hs.skipped)
    grader = _grader(embedder, None, None, no_cache)
    feats = compute_features(grader, hs.rows)
    y = [r.fraction for r in hs.rows]
    base = grader.combination
    spec = grader.embedder_spec

    def fit(f: Any, yy: Any) -> Any:
        return calibrate(f, yy, base, embedder=spec)

    comb = fit(feats, y)
    fitted = metrics([predict(comb, f) for f in feats], y)
    default = metrics([predict(base, f) for f in feats], y)
    cv_m = None
    if cv and hs.questions >= max(2, cv):
        cv_m = metrics(cross_validate(hs.rows, feats, cv, fit), y)
    from dataclasses import replace

    comb = replace(
        comb,
        info={
            "fitted_on": {"file": human.name, "rows": len(hs.rows), "questions": hs.questions},
            "pearson_in_sample": fitted["pearson"],
            "pearson_default": default["pearson"],
            **({"pearson_cv": cv_m["pearson"], "cv_folds": cv} if cv_m else {}),
        },
    )
    header = (
        f"quizgen grader calibration, fitted by `quizgen grade calibrate {human.name}`\n"
        "fraction = clip(intercept + sum(weight * feature ** power), 0, 1); weights >= 0 (monotone)."
    )
    atomic_write_text(output, dumps_combination(comb, header))
    t = Table(title=Text(f"Calibration on {human.name} ({len(hs.rows)} answers, {hs.questions} questions)"))
    for c in ("model", "n", "pearson", "spearman", "qwk", "rmse"):
        t.add_column(c, justify="left" if c == "model" else "right")
    rows = [("shipped default", default), ("calibrated (in-sample)", fitted)]
    if cv_m:
        rows.append((f"calibrated, {cv}-fold CV by question", cv_m))
    for name, m in rows:
        t.add_row(name, *(_fmt(m[k]) for k in ("n", "pearson", "spearman", "qwk", "rmse")))
    out().print(t)
    w = Table(title=Text("weights (fraction = intercept + sum weight * feature^power)"), box=None)
    w.add_column("model")
    w.add_column("term")
    w.add_column("weight", justify="right")
    for label, model in (("semantic", comb.semantic), ("keyword", comb.keyword)):
        w.add_row(label, "intercept", f"{model.intercept:.3f}")
        for term in model.terms:
            p = f"^{term.power:g}" if term.power != 1 else ""
            w.add_row("", f"{term.feature}{p}", f"{term.weight:.3f}")
    out().print(w)
    info(f"Wrote {output}; use it with --calibration {output}")


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _warn_skipped(skipped: list[str]) -> None:
    if skipped:
        shown = "; ".join(skipped[:3]) + (f"; ... ({len(skipped)} in all)" if len(skipped) > 3 else "")
        warn(f"skipped {len(skipped)} rows without a usable score: {shown}")


@grade_app.command("evaluate")
def evaluate_cmd(
    human: Annotated[
        Path,
        typer.Argument(
            metavar="HUMAN",
            help="Scored answers: question, reference_answer, student_answer, score, max_score.",
            show_default=False,
        ),
    ],
    embedder: EmbedderOpt = "use-m3",
    calibration: CalibrationOpt = None,
    cv: Annotated[
        int | None,
        typer.Option(
            "--cv",
            help="Calibrate on K-1 folds of questions and score the held-out fold (grouped CV).",
            min=2,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON: n, pearson, spearman, qwk, rmse, per_question.")
    ] = False,
    attacks: Annotated[
        bool,
        typer.Option(
            "--attacks",
            help="Also grade attacks built from the file's references (shuffled words, reversed facts, "
            "copied questions, other questions' references, padded answers): mean score per kind.",
        ),
    ] = False,
    encoding: EncodingOpt = None,
    contradictions: ContradictionsOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Agreement with human scores: Pearson, Spearman, QWK, RMSE, flag rate, per question; and how
    the grader stands up to attacks."""
    from quizgen.grade.attacks import sources_of
    from quizgen.grade.calibrate import calibrate
    from quizgen.grade.evaluate import compute_features, cross_validate, load_human, make_report, predict

    embedder = check_embedder(embedder)
    hs = load_human(human, encoding=encoding)
    _warn_skipped(hs.skipped)
    grader = _grader(embedder, calibration, None, no_cache, contradictions)
    sources = sources_of(hs.rows)
    grader.know_references((x.question, x.reference) for x in sources)
    feats = compute_features(grader, hs.rows)
    comb = grader.combination
    if cv:
        spec = grader.embedder_spec
        preds = cross_validate(hs.rows, feats, cv, lambda f, y: calibrate(f, y, comb, embedder=spec))
        model = f"calibrated from {comb.source}, {cv}-fold CV grouped by question"
    else:
        preds = [predict(comb, f) for f in feats]
        model = comb.source
    rep = make_report(hs.rows, feats, preds, model, comb, cv)
    rep.info = {"embedder": grader.embedder_spec, "file": str(human), "skipped": len(hs.skipped)}
    summary = _attacks(grader, sources) if attacks else None
    if as_json:
        d = rep.to_dict()
        if summary is not None:
            d["attacks"] = [k.to_dict() for k in summary]
        write_data(json.dumps(d, ensure_ascii=False, indent=2) + "\n")
        return
    m = rep.metrics
    t = Table(title=Text(f"Agreement with human scores: {human.name}"), show_header=True)
    for c in (
        "n",
        "pearson",
        "spearman",
        "qwk",
        "rmse",
        "mean",
        "teachers",
        "needs review",
        "mae flagged/rest",
    ):
        t.add_column(c, justify="right")
    mae = "/".join("-" if x is None else f"{x:.2f}" for x in rep.review_mae)
    t.add_row(
        *(_fmt(m[k]) for k in ("n", "pearson", "spearman", "qwk", "rmse")),
        f"{rep.mean:.2f}",
        f"{rep.human_mean:.2f}",
        _pct(rep.review_rate),
        mae,
    )
    out().print(t)
    out().print(
        Text(f"model: {model} · embedder: {grader.embedder_spec} · scores as fraction of max", style="dim")
    )
    q = Table(title=Text("Per question"), show_lines=False)
    for c in ("question", "n", "human mean", "auto mean", "pearson", "mae"):
        q.add_column(c, justify="left" if c == "question" else "right", overflow="fold")
    for s in sorted(rep.per_question, key=lambda s: _natural(s.question_id)):
        q.add_row(
            Text(s.question_id),
            str(s.n),
            f"{s.human_mean:.2f}",
            f"{s.auto_mean:.2f}",
            _fmt(s.pearson),
            f"{s.mae:.2f}",
        )
    out().print(q)
    if summary is not None:
        _print_attacks(summary)


def _attacks(grader: Grader, sources: Any) -> Any:
    from quizgen.grade.attacks import run_attacks

    return run_attacks(grader, sources)[2]


def _print_attacks(summary: Any) -> None:
    from quizgen.grade.attacks import LIMITS

    t = Table(title=Text("Attacks built from the references (scores as a fraction of full marks)"))
    for c in ("attack", "n", "mean", "max", "flagged", "limit", "ok"):
        t.add_column(c, justify="left" if c in ("attack", "limit") else "right")
    for k in summary:
        limit, ok = LIMITS.get(k.kind, ("", None))
        if k.kind == "reversed":
            shown = f"caught {_pct(k.caught)}"
        elif k.kind == "padded":
            shown = f"{k.above_reference} above the reference"
        else:
            shown = f"{k.mean:.2f}"
        verdict = "" if ok is None else ("yes" if ok(k) else "NO")
        t.add_row(Text(k.kind), str(k.n), shown, f"{k.max:.2f}", _pct(k.flagged), Text(limit), verdict)
    out().print(t)


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.0f}%"


def _natural(s: str) -> list[Any]:
    import re

    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", s)]


def register(app: typer.Typer) -> None:
    app.add_typer(grade_app, name="grade")
