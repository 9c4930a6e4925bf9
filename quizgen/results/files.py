"""Results files: what students hand back, read into `Submission`s.

A results file (``results-<学号>.json``, from the web quiz or `quizgen results export`)::

    {"format": "quizgen-results", "version": 1,
     "quiz": {"id": "…", "title": "…", "mode": "exam", "items": 20},
     "student": {"name": "张三", "id": "2023001"},
     "source": "web",                       (or "terminal"; absent means web)
     "started_at": "2025-…Z", "submitted_at": "2025-…Z", "timed_out": false,
     "responses": [{"item_id": "…", "seen": "…", "response": ["B"], "ms": 5300, "checked": true}, …],
     "checksum": "…"}

`response` is the canonical response of `quizgen.scoring` (``["B"]``, ``["A", "C"]``, the order
of letters, one letter or ``""`` per match term, ``"对"``, the typed text) or null; `seen` is the
item's `quizgen.export.web.fingerprint`; `ms` the time spent on the item. `checksum` is the SHA-256
of ``"quizgen-results/1\\n"`` + the canonical JSON of everything else (sorted keys, no spaces, only
integers as numbers): it catches hand edits and damage in transit, not a forger who reads the page.

The chat code is ``QZR1D.<base64url of deflate-raw(file)>.`` (``QZR1J.`` when the browser could
not compress); any text holding such codes (a chat export, a file of pasted codes) is read.

A long CSV is also read: one row per response with `student`, `item_id`, `response` and optionally
`name`, `seconds` (an LMS per-response export, or results typed by hand). It has no checksum.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizgen.errors import InputError
from quizgen.items import LETTERS

FORMAT = "quizgen-results"
VERSION = 1
CHECKSUM_PREFIX = "quizgen-results/1\n"
CODE_RE = re.compile(r"QZR1([DJ])\.([A-Za-z0-9_\-\s]+?)\.")
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "student": ("student", "student_id", "学号", "id_number"),
    "item_id": ("item_id", "item", "question_id", "题目"),
    "response": ("response", "answer", "回答", "答案", "学生答案"),
    "name": ("name", "student_name", "姓名"),
    "seconds": ("seconds", "time", "用时"),
}
CSV_REQUIRED = ("student", "item_id", "response")


@dataclass(frozen=True)
class Response:
    item_id: str
    response: Any  # canonical response (see the module doc), None when not answered
    seconds: float | None = None
    seen: str | None = None  # fingerprint of the item as shown; None when unknown (CSV)


@dataclass(frozen=True)
class Submission:
    """One student's answers to one quiz, as read from `source`."""

    source: str  # file (and code number) it came from
    student: str  # 学号, or whatever identifies the student
    name: str
    quiz_id: str | None
    mode: str  # practice | exam | terminal | csv
    responses: tuple[Response, ...]
    submitted_at: str = ""
    checksum: str | None = None
    verified: bool | None = None  # checksum ok / tampered / None: the format has none
    title: str = ""
    timed_out: bool = False


def canonical(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def checksum(data: Mapping[str, Any]) -> str:
    """The checksum of a results document (its "checksum" field left out)."""
    body = {k: v for k, v in data.items() if k != "checksum"}
    return hashlib.sha256((CHECKSUM_PREFIX + canonical(body)).encode("utf-8", "surrogatepass")).hexdigest()


def with_checksum(data: Mapping[str, Any]) -> dict[str, Any]:
    return {**data, "checksum": checksum(data)}


def encode_code(data: Mapping[str, Any]) -> str:
    """The chat code of a results document (deflate-raw, base64url), as the page makes it."""
    raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = comp.compress(raw) + comp.flush()
    return "QZR1D." + base64.urlsafe_b64encode(packed).decode().rstrip("=") + "."


def decode_code(kind: str, payload: str, where: str) -> Any:
    b64 = re.sub(r"\s+", "", payload)
    try:
        raw = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
        if kind == "D":
            raw = zlib.decompress(raw, -15)
        return json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError):
        raise InputError(
            "a results code that cannot be read (cut off or changed when copied?)",
            where=where,
            hint="ask the student to copy the whole code again, or to send the results file",
        ) from None


def _str(v: Any) -> str:
    return "" if v is None else str(v).strip()


def _seconds(ms: Any) -> float | None:
    if isinstance(ms, bool) or not isinstance(ms, int | float) or ms < 0:
        return None
    return round(ms / 1000.0, 1)


def submission_from(data: Any, source: str) -> Submission:
    """A results document -> Submission (checksum verified). Raises InputError when it is not one."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise InputError(
            "not a quizgen results file",
            where=source,
            hint="expected a results-<学号>.json from the quiz page",
        )
    if data.get("version") != VERSION:
        raise InputError(
            f"results format version {data.get('version')!r} is not supported (this quizgen reads {VERSION})",
            where=source,
            hint="upgrade quizgen",
        )
    quiz: Mapping[str, Any] = data["quiz"] if isinstance(data.get("quiz"), Mapping) else {}
    student: Mapping[str, Any] = data["student"] if isinstance(data.get("student"), Mapping) else {}
    raw = data.get("responses")
    if not isinstance(raw, list):
        raise InputError(
            "responses: expected a list", where=source, hint="the file is damaged; ask for it again"
        )
    responses = []
    for i, r in enumerate(raw):
        if not isinstance(r, Mapping) or not _str(r.get("item_id")):
            raise InputError(f"responses[{i}]: expected an item_id", where=source, hint="the file is damaged")
        seen = r.get("seen")
        responses.append(
            Response(
                item_id=_str(r.get("item_id")),
                response=r.get("response"),
                seconds=_seconds(r.get("ms")),
                seen=seen if isinstance(seen, str) else None,
            )
        )
    stated = data.get("checksum")
    try:
        verified = isinstance(stated, str) and stated == checksum(data)
    except (TypeError, ValueError):
        verified = False
    return Submission(
        source=source,
        student=_str(student.get("id")),
        name=_str(student.get("name")),
        quiz_id=_str(quiz.get("id")) or None,
        mode="terminal" if data.get("source") == "terminal" else _str(quiz.get("mode")) or "practice",
        responses=tuple(responses),
        submitted_at=_str(data.get("submitted_at")),
        checksum=stated if isinstance(stated, str) else None,
        verified=verified,
        title=_str(quiz.get("title")),
        timed_out=data.get("timed_out") is True,
    )


# ---------------------------------------------------------------------------- reading files


def _read_text(path: Path) -> str:
    from quizgen.bank import read_text_file

    return read_text_file(path)


def _from_json(path: Path, text: str) -> list[Submission]:
    try:
        data = json.loads(text)
    except ValueError as e:
        raise InputError(f"not valid JSON: {e}", where=str(path), hint="is the file complete?") from None
    docs = data if isinstance(data, list) else [data]
    return [submission_from(d, f"{path}" if len(docs) == 1 else f"{path}[{i}]") for i, d in enumerate(docs)]


def _from_codes(path: Path, text: str) -> Iterator[Submission | InputError]:
    for n, m in enumerate(CODE_RE.finditer(text), 1):
        where = f"{path} (code {n})"
        try:
            yield submission_from(decode_code(m.group(1), m.group(2), where), where)
        except InputError as e:
            yield e


def response_from_text(text: str, item_type: str | None) -> Any:
    """A response as a CSV cell holds it -> canonical response (letters keep their positions)."""
    t = text.strip()
    if not t:
        return None
    if item_type in ("choice", "multi", "order"):
        return [c for c in t.upper() if c in LETTERS]
    if item_type == "match":
        # "C-B" or "C,,B": one entry per term, '-' or an empty field for a term left unmatched.
        cells = re.split(r"\s*[,，;；]\s*|\s+", t) if re.search(r"[,，;；\s]", t) else list(t)
        return [c.upper() if c.upper() in LETTERS else "" for c in cells]
    return t


def _from_csv(path: Path, item_types: Mapping[str, str]) -> list[Submission]:
    from quizgen.grade.io import read_csv

    by_student: dict[str, list[Response]] = {}
    names: dict[str, str] = {}
    for row in read_csv(path, CSV_COLUMNS, CSV_REQUIRED):
        student = row.get("student").strip()
        item_id = row.get("item_id").strip()
        if row.error or not student or not item_id:
            raise InputError(
                row.error or "a row without student or item_id",
                where=f"{path}:{row.line}",
                hint="every row needs student, item_id and response",
            )
        try:
            secs: float | None = float(row.get("seconds")) if row.get("seconds").strip() else None
        except ValueError:
            secs = None
        names.setdefault(student, row.get("name").strip())
        by_student.setdefault(student, []).append(
            Response(item_id, response_from_text(row.get("response"), item_types.get(item_id)), secs)
        )
    return [
        Submission(
            source=str(path),
            student=s,
            name=names.get(s, ""),
            quiz_id=None,
            mode="csv",
            responses=tuple(rs),
        )
        for s, rs in by_student.items()
    ]


RESULT_SUFFIXES = (".json", ".csv", ".txt")


def expand(paths: Sequence[str | Path]) -> list[Path]:
    """Files named, and the results-like files inside folders named (sorted, not recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in RESULT_SUFFIXES)
            out.extend(found)
        elif p.exists():
            out.append(p)
        else:
            raise InputError("no such file or folder", where=str(p), hint="check the path")
    return out


def read_results(
    path: Path, item_types: Mapping[str, str] | None = None
) -> Iterator[Submission | InputError]:
    """Every submission in one file, or the InputError that says why one could not be read (a
    bad file does not stop the others). `item_types` (item id -> type) reads CSV responses."""
    try:
        text = _read_text(path)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            yield from _from_csv(path, item_types or {})
            return
        if suffix == ".json":
            yield from _from_json(path, text)
            return
        found = False
        for s in _from_codes(path, text):
            found = True
            yield s
        if not found and text.lstrip().startswith("{"):
            yield from _from_json(path, text)  # a results file saved under another name
        elif not found:
            raise InputError(
                "no results in this file",
                where=str(path),
                hint="expected results-<学号>.json files, their QZR1… codes, or a CSV with "
                "student, item_id, response",
            )
    except InputError as e:
        yield e
