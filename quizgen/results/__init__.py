"""Students' results back into quizgen: read, check, merge, score; the long results table.

    from quizgen.results import collect, write_table, load_table
    c = collect(["answers/"], items, grader=lambda: Grader(embedder="none"))
    write_table(c.rows, "results.csv")          # student, item_id, response, score, max_score, seconds, ...
    rows = load_table("results.csv")            # what `quizgen analyze` reads

File formats: `quizgen.results.files`. Library code: no terminal output; problems with single
files are returned as `Problem`s, problems with the whole run raise QuizgenError.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizgen.errors import InputError
from quizgen.grade.io import FORMULA_START
from quizgen.results.collect import COLUMNS, Collected, Problem, ProblemKind, ResultRow, collect
from quizgen.results.files import Submission, read_results

__all__ = [
    "COLUMNS",
    "Collected",
    "Problem",
    "ProblemKind",
    "ResultRow",
    "Submission",
    "TableRow",
    "collect",
    "dumps_table",
    "load_table",
    "read_results",
    "write_table",
]

TABLE_REQUIRED = ("student", "item_id", "score", "max_score")


def dumps_table(rows: Iterable[ResultRow], fmt: str = "csv") -> str:
    """The long table as CSV (formula-like cells neutralised), JSON or JSON lines."""
    dicts = [r.to_dict() for r in rows]
    if fmt == "json":
        return json.dumps(dicts, ensure_ascii=False, indent=1) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in dicts)
    from quizgen.grade.io import CsvSink

    buf = io.StringIO()
    sink = CsvSink(buf, COLUMNS)
    for d in dicts:
        sink.write({k: ("" if v is None else v) for k, v in d.items()})
    return buf.getvalue()


def table_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    return {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(suffix, "csv")


def write_table(rows: Iterable[ResultRow], path: str | Path, fmt: str | None = None) -> None:
    from quizgen.bank import atomic_write_text

    text = dumps_table(rows, fmt or table_format(path))
    # Excel opens a UTF-8 CSV as UTF-8 only with a BOM; load_table reads it either way.
    atomic_write_text(Path(path), ("\ufeff" + text) if (fmt or table_format(path)) == "csv" else text)


@dataclass(frozen=True)
class TableRow:
    """One row of a results table as `quizgen analyze` needs it."""

    student: str
    item_id: str
    response: str
    score: float
    max_score: float
    seconds: float | None = None


def _float(v: Any, where: str, column: str, *, optional: bool = False) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        if optional:
            return None
        raise InputError(f"{column} is empty", where=where, hint="every row needs a score and max_score")
    try:
        return float(v)
    except (TypeError, ValueError):
        raise InputError(f"{column}: not a number: {v!r}", where=where) from None


def _row(d: dict[str, Any], where: str) -> TableRow:
    missing = [c for c in TABLE_REQUIRED if c not in d]
    if missing:
        raise InputError(
            f"missing column(s): {', '.join(missing)}",
            where=where,
            hint="a results table from `quizgen results collect` (student, item_id, response, score, "
            "max_score, seconds)",
        )
    response = d.get("response")
    score = _float(d["score"], where, "score")
    max_score = _float(d["max_score"], where, "max_score")
    assert score is not None and max_score is not None
    if max_score <= 0 or not 0 <= score <= max_score + 1e-9:
        raise InputError(f"score {score:g} is not within 0..{max_score:g}", where=where)
    text = response
    # CsvSink's guard against spreadsheet formulas (a CR it guarded was then written as LF).
    if isinstance(text, str) and text.startswith("'") and text[1:].startswith((*FORMULA_START, "\n")):
        text = text[1:]
    return TableRow(
        student=str(d["student"]).strip(),
        item_id=str(d["item_id"]).strip(),
        response="" if text is None else str(text),
        score=score,
        max_score=max_score,
        seconds=_float(d.get("seconds"), where, "seconds", optional=True),
    )


def load_table(path: str | Path) -> list[TableRow]:
    """A results table (CSV with a header, JSON list or JSON lines), checked row by row."""
    from quizgen.bank import read_text_file

    p = Path(path)
    text = read_text_file(p)
    fmt = table_format(p)
    if fmt == "csv" and text.lstrip().startswith(("[", "{")):
        fmt = "json" if text.lstrip().startswith("[") else "jsonl"
    rows: list[TableRow] = []
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=False)
        if reader.fieldnames is None:
            raise InputError("the file is empty", where=str(p), hint="expected a header line")
        reader.fieldnames = [f.strip().lower() for f in reader.fieldnames]
        for d in reader:
            rows.append(_row(d, f"{p}:{reader.line_num}"))
        return rows
    try:
        data = json.loads(text) if fmt == "json" else [json.loads(x) for x in text.split("\n") if x.strip()]
    except ValueError as e:
        raise InputError(f"not valid JSON: {e}", where=str(p)) from None
    if not isinstance(data, list):
        raise InputError("expected a list of rows", where=str(p))
    for i, d in enumerate(data):
        if not isinstance(d, dict):
            raise InputError(f"row {i + 1}: expected an object", where=str(p))
        rows.append(_row(d, f"{p}[{i}]"))
    return rows
