"""Answer files in (CSV, JSONL, YAML) and graded rows out (CSV, JSONL), streaming.

Rows in = rows out: every data record of the input gives exactly one output row. A record that
cannot be used (too few/many fields, bad JSON, no answer) is kept and graded 0 with a reason.
Problems with the file as a whole (missing columns, undecodable bytes, not CSV) are errors that
name the file, the line or byte offset, and what was expected.

A quote that is opened and never closed (``李四,2,"卷积神经网络用于图像`` followed by more rows) would
make a CSV reader swallow the rows after it into one answer. Here such a row is kept as a row of
its own with the reason ``unterminated quote`` (not graded), and the lines after it are read as
the rows they are. A multi-line quoted answer is fine as long as its lines do not look like rows
of their own. In YAML, a quoted value that runs over lines that look like entries is an error
naming its line.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

from quizgen.errors import InputError, UsageError

csv.field_size_limit(16 * 1024 * 1024)

# Accepted header names (lower-cased, spaces -> _), first is the canonical one.
ANSWER_COLUMNS: dict[str, tuple[str, ...]] = {
    "question_id": ("question_id", "qid", "id", "number", "question_number", "题号"),
    "answer": ("answer", "student_answer", "response", "回答", "学生答案"),
    "student": ("student", "student_id", "name", "学生", "姓名"),
    "max_score": ("max_score", "points", "满分"),
}
PAIR_COLUMNS: dict[str, tuple[str, ...]] = {
    "question_id": ("question_id", "qid", "id"),
    "question": ("question", "prompt", "题目"),
    "reference_answer": ("reference_answer", "reference", "参考答案"),
    "student_answer": ("student_answer", "answer", "学生答案"),
    "score": ("score", "human_score", "得分"),
    "max_score": ("max_score", "points", "满分"),
    "student": ("student", "student_id", "name", "学生"),
}
ANSWERS_REQUIRED = ("question_id", "answer")
PAIRS_REQUIRED = ("reference_answer", "student_answer")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class InputRow:
    """One data record: its number (1-based), the line it starts on, its fields by canonical name."""

    record: int
    line: int
    fields: Mapping[str, str] = field(default_factory=dict)
    error: str = ""

    def get(self, name: str, default: str = "") -> str:
        v = self.fields.get(name)
        return default if v is None else v


def detect_format(path: Path, fmt: str | None = None) -> str:
    if fmt:
        f = fmt.lower()
        if f not in ("csv", "jsonl", "yaml"):
            raise UsageError(f"unknown input format {fmt!r}", hint="use csv, jsonl or yaml")
        return f
    suf = path.suffix.lower()
    if suf in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suf in (".yaml", ".yml"):
        return "yaml"
    return "csv"


# ---------------------------------------------------------------------------- decoding


def _check_encoding(enc: str) -> str:
    try:
        return codecs.lookup(enc).name
    except LookupError:
        raise UsageError(f"unknown encoding {enc!r}", hint="use e.g. utf-8, gb18030, gbk, utf-16") from None


def _open_bytes(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise InputError("no such file", where=str(path), hint="check the path") from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a file", where=str(path)) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", where=str(path)) from None


def _bom(path: Path, encoding: str | None) -> tuple[str, int]:
    """(codec, bytes to skip): a BOM wins over the default; a forced encoding wins over both."""
    with _open_bytes(path) as f:
        head = f.read(4)
    if encoding:
        name = _check_encoding(encoding)
        if name == "utf-8" and head.startswith(codecs.BOM_UTF8):
            return "utf-8", 3
        return name, 0
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    return "utf-8", 0


def decoded_lines(path: Path, encoding: str | None = None) -> Iterator[str]:
    """The file's lines as text, streamed. Undecodable bytes stop with the byte offset and line."""
    codec, skip = _bom(path, encoding)
    if codec.startswith(("utf-16", "utf-32")):
        # Not splittable on b"\n"; these files are small in practice.
        try:
            text = path.read_bytes().decode(codec)
        except UnicodeDecodeError as e:
            raise InputError(
                f"not {codec} (undecodable bytes at byte offset {e.start})",
                where=str(path),
                hint="save the file as UTF-8",
            ) from None
        yield from text.splitlines(keepends=True)
        return
    with _open_bytes(path) as f:
        f.seek(skip)
        offset = skip
        for lineno, raw in enumerate(f, 1):
            try:
                yield raw.decode(codec)
            except UnicodeDecodeError as e:
                bad = raw[e.start : e.start + 1].hex()
                label = "UTF-8" if codec == "utf-8" else codec
                at = offset + e.start
                raise InputError(
                    f"not {label}: undecodable byte 0x{bad} at byte offset {at} (line {lineno})",
                    where=f"{path}:{lineno}",
                    hint="save the file as UTF-8, or pass its encoding, e.g. --encoding gb18030",
                ) from None
            offset += len(raw)


def check_decodable(path: Path, encoding: str | None = None) -> None:
    """Decode the whole file once (fast) so an encoding problem stops before any output."""
    for _ in decoded_lines(path, encoding):
        pass


# ---------------------------------------------------------------------------- readers


def _canon(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


def _map_header(
    header: Sequence[str], columns: Mapping[str, tuple[str, ...]], required: Sequence[str], where: str
) -> dict[str, int]:
    seen = {_canon(h): i for i, h in reversed(list(enumerate(header)))}
    out: dict[str, int] = {}
    for canon, names in columns.items():
        for n in names:
            if n in seen:
                out[canon] = seen[n]
                break
    missing = [c for c in required if c not in out]
    if missing:
        found = ", ".join(h.strip() for h in header if h.strip()) or "(nothing)"
        expected = ", ".join(required)
        plural = "s" if len(missing) > 1 else ""
        raise InputError(
            f"missing column{plural}: {', '.join(missing)} (the header has: {found})",
            where=where,
            hint=f"the first line must name the columns, at least: {expected}",
        )
    return out


def read_csv(
    path: Path,
    columns: Mapping[str, tuple[str, ...]],
    required: Sequence[str],
    *,
    encoding: str | None = None,
) -> Iterator[InputRow]:
    """Checks the encoding and the header at once (so errors come before any output), then
    streams the records."""
    check_decodable(path, encoding)
    lines = iter(decoded_lines(path, encoding))
    # the header is one record; the reader takes exactly its lines and leaves the rest
    reader = csv.reader(lines, strict=False)
    try:
        header = next(reader, None)
        while header is not None and not any(h.strip() for h in header):
            header = next(reader, None)
    except csv.Error as e:
        raise InputError(
            f"not valid CSV: {e}", where=f"{path}:{reader.line_num}", hint="check the quoting"
        ) from None
    if header is None:
        raise InputError(
            "the file is empty", where=str(path), hint=f"expected a header line: {', '.join(required)}"
        )
    cols = _map_header(header, columns, required, f"{path}:{reader.line_num}")
    return _csv_records(lines, reader.line_num + 1, len(header), cols)


class _Tap:
    """The lines a CSV reader takes, kept until the record they make is checked."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.taken: list[str] = []

    def __iter__(self) -> _Tap:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.taken.append(line)
        return line


def _looks_like_a_row(line: str, n_header: int) -> bool:
    """A line inside a quoted field that would be a row of its own (``王五,3,池化``)."""
    fields = next(csv.reader([line], strict=False), [])
    return len(fields) == n_header and 0 < len(fields[0].strip()) <= 30


def _csv_records(
    lines: Iterator[str], first_line: int, n_header: int, cols: Mapping[str, int]
) -> Iterator[InputRow]:
    """Records, each checked for a quote that swallowed the lines after it (then the opening line
    becomes a row with an error and the reader starts again on the next line)."""
    record = 0
    line = first_line  # the physical line the next record starts on
    rest: Iterator[str] = lines
    while True:
        tap = _Tap(rest)
        strict = csv.reader(tap, strict=True)
        broken = False
        for fields in _safe(strict, tap):
            taken = tap.taken
            # a quoting error across lines, or a quoted field over lines that are rows of their own
            broken = fields is None or (
                len(taken) > 1 and any(_looks_like_a_row(x, n_header) for x in taken[1:])
            )
            if broken:
                record += 1
                yield _unclosed(taken[0], line, record, n_header, cols, len(taken))
                rest = itertools.chain(taken[1:], tap._lines)
                line += 1
                break
            tap.taken = []
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                line += len(taken)
                continue
            record += 1
            values = {c: (fields[i] if i < len(fields) else "") for c, i in cols.items()}
            error = ""
            if len(fields) != n_header:
                error = f"malformed row: {len(fields)} fields, the header has {n_header}"
            yield InputRow(record, line, values, error)
            line += len(taken)
        if not broken:
            return


def _safe(strict: Any, tap: _Tap) -> Iterator[list[str] | None]:
    """Records of a strict reader; None for a quoting error that spans lines (a single line with
    a stray quote is read leniently, as a spreadsheet would)."""
    while True:
        try:
            fields = next(strict)
        except StopIteration:
            return
        except csv.Error:
            if len(tap.taken) > 1:
                yield None
                return
            fields = next(csv.reader(tap.taken, strict=False), [])
        yield fields


def _unclosed(
    text: str, line: int, record: int, n_header: int, cols: Mapping[str, int], swallowed: int
) -> InputRow:
    fields = [f.lstrip('"') for f in next(csv.reader([text], quoting=csv.QUOTE_NONE), [])]
    values = {c: (fields[i] if i < len(fields) else "") for c, i in cols.items()}
    more = swallowed - 1
    return InputRow(
        record,
        line,
        values,
        f"unterminated quote: the quoted field opened on line {line} is not closed "
        f"(it would have swallowed the next {more} line{'s' if more != 1 else ''}); not graded",
    )


def _row_from_mapping(
    record: int, line: int, d: Any, columns: Mapping[str, tuple[str, ...]], required: Sequence[str]
) -> InputRow:
    if not isinstance(d, Mapping):
        return InputRow(record, line, {}, f"malformed row: expected a mapping, got {type(d).__name__}")
    keys = {_canon(str(k)): k for k in d}
    values: dict[str, str] = {}
    for canon, names in columns.items():
        for n in names:
            if n in keys:
                v = d[keys[n]]
                values[canon] = (
                    ""
                    if v is None
                    else (json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else str(v))
                )
                break
    missing = [c for c in required if c not in values]
    error = f"malformed row: missing {', '.join(missing)}" if missing else ""
    return InputRow(record, line, values, error)


def read_jsonl(
    path: Path,
    columns: Mapping[str, tuple[str, ...]],
    required: Sequence[str],
    *,
    encoding: str | None = None,
) -> Iterator[InputRow]:
    check_decodable(path, encoding)
    return _jsonl_records(path, columns, required, encoding)


def _jsonl_records(
    path: Path, columns: Mapping[str, tuple[str, ...]], required: Sequence[str], encoding: str | None
) -> Iterator[InputRow]:
    record = 0
    for lineno, text in enumerate(decoded_lines(path, encoding), 1):
        if not text.strip():
            continue
        record += 1
        try:
            d = json.loads(text)
        except json.JSONDecodeError as e:
            yield InputRow(record, lineno, {}, f"malformed JSON: {e.msg} (column {e.colno})")
            continue
        yield _row_from_mapping(record, lineno, d, columns, required)


def read_yaml(
    path: Path,
    columns: Mapping[str, tuple[str, ...]],
    required: Sequence[str],
    *,
    encoding: str | None = None,
) -> Iterator[InputRow]:
    text = "".join(decoded_lines(path, encoding))
    try:
        data = yaml.safe_load(text)
        _check_quotes(text, path)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        loc = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise InputError(
            f"not valid YAML: {getattr(e, 'problem', e)}", where=loc, hint="fix the YAML syntax"
        ) from None
    if isinstance(data, Mapping):
        data = data.get("answers", data.get("rows"))
    if not isinstance(data, list):
        raise InputError(
            "expected a list of answers (or a mapping with `answers:`)",
            where=str(path),
            hint=f"each entry is a mapping with {', '.join(required)}",
        )
    return iter([_row_from_mapping(i, 0, d, columns, required) for i, d in enumerate(data, 1)])


_ENTRY_RE = re.compile(r"^\s*(?:-\s+)?[\w\u4e00-\u9fff]+\s*:(?:\s|$)")


def _check_quotes(text: str, path: Path) -> None:
    """A quoted value whose lines look like entries of their own (``- question_id: 3``) is a quote
    left open that swallowed them: YAML folds them into one answer without a word."""
    lines = text.splitlines()
    for tok in yaml.scan(text, Loader=yaml.SafeLoader):
        if not isinstance(tok, yaml.ScalarToken) or tok.style not in ('"', "'"):
            continue
        first, last = tok.start_mark.line, tok.end_mark.line
        for k in range(first + 1, last + 1):
            if k < len(lines) and _ENTRY_RE.match(lines[k]):
                raise InputError(
                    f"the quoted value opened on line {first + 1} runs over line {k + 1}, which looks "
                    f"like an entry of its own ({lines[k].strip()[:40]!r}): is its quote left open?",
                    where=f"{path}:{first + 1}",
                    hint="close the quote; for an answer over several lines use a block scalar: answer: |",
                )


def read_rows(
    path: str | Path,
    *,
    pairs: bool = False,
    fmt: str | None = None,
    encoding: str | None = None,
) -> Iterator[InputRow]:
    """Rows of an answers file (question_id, answer[, student, max_score]) or, with `pairs`, of a
    pairs file (question, reference_answer, student_answer[, score, max_score])."""
    p = Path(path)
    columns = PAIR_COLUMNS if pairs else ANSWER_COLUMNS
    required = PAIRS_REQUIRED if pairs else ANSWERS_REQUIRED
    f = detect_format(p, fmt)
    if f == "jsonl":
        return read_jsonl(p, columns, required, encoding=encoding)
    if f == "yaml":
        return read_yaml(p, columns, required, encoding=encoding)
    return read_csv(p, columns, required, encoding=encoding)


# ---------------------------------------------------------------------------- writers


def safe_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (= + - @ tab CR get a leading ')."""
    s = "" if value is None else str(value)
    if s.startswith(FORMULA_START):
        return "'" + s
    return s


def join_list(values: Iterable[str]) -> str:
    return "；".join(values)


def _lf(s: str) -> str:
    # A bare CR inside a cell is not quoted by the csv module (lineterminator is LF) and would
    # split the row for readers; answers lose nothing when CR/CRLF become LF.
    return s.replace("\r\n", "\n").replace("\r", "\n") if "\r" in s else s


class CsvSink:
    """Streams rows to a CSV file or stdout, neutralising formula-like cells."""

    def __init__(self, stream: IO[str], columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self._w = csv.writer(stream, lineterminator="\n")
        self._w.writerow(self.columns)
        self._stream = stream

    def write(self, row: Mapping[str, Any]) -> None:
        out = []
        for c in self.columns:
            v = row.get(c)
            if isinstance(v, bool):
                out.append("true" if v else "false")
            elif isinstance(v, int | float):
                out.append(str(v))
            elif isinstance(v, list | tuple):
                out.append(_lf(safe_cell(join_list(str(x) for x in v))))
            else:
                out.append(_lf(safe_cell(v)))
        self._w.writerow(out)


class JsonlSink:
    def __init__(self, stream: IO[str], columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self._stream = stream

    def write(self, row: Mapping[str, Any]) -> None:
        d = {c: (list(row[c]) if isinstance(row.get(c), tuple) else row.get(c)) for c in self.columns}
        self._stream.write(json.dumps(d, ensure_ascii=False) + "\n")
