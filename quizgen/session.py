"""Quiz sessions and the progress store: every answer is written the moment it is given.

Pure library (no terminal I/O). One SQLite file, ``progress.sqlite3``, in ``$QUIZGEN_HOME`` or
the platform's user data directory, in WAL mode with ``synchronous=FULL`` and one transaction
per answer, so killing the process (even ``kill -9``) loses nothing that was answered.

Tables (schema version 2):

- ``sessions``: one row per quiz/review run: bank path and title, seed, options (JSON), status
  (active, finished, quit, interrupted, timeout), start/end time, and the lock (``runner``) of
  the process running it. A session whose process died without saying so (``kill -9``, a
  closed terminal) still says active in its row; `Store.sessions` reports it as interrupted,
  since nobody holds its lock any more (the operating system drops a dead process's locks).
- ``session_items``: the run's item list in order (item JSON), so ``resume`` asks the same items.
- ``answers``: one row per answered or skipped item: response (JSON), the scorer's score and
  fraction, time taken, hints used, the FSRS rating given (the student's own when
  ``self_rated``), the scorer's detail (per-part marks, key points), and the item's card as it
  was before this answer, so a rating changed afterwards reschedules from the right state.
  Unique per (session, position).
- ``cards``: the spaced-repetition state of each item (an `fsrs.Card` as JSON), its due time, how
  often it was answered wrong and whether the last answer was right (the wrong-answer book).

Progress is keyed by the items' and questions' stable content-hash ids; callers pass the ids of
the questions that still exist so items of deleted questions are ignored.

A store that SQLite finds damaged raises `SessionError` with a hint to ``quizgen doctor
--repair`` (`quizgen.recovery`), from whichever query meets the damage.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from quizgen.answers import Response, format_answer
from quizgen.errors import SessionError
from quizgen.i18n import N_, _
from quizgen.items import Item, ItemType, item_from_dict, item_to_dict
from quizgen.paths import data_dir
from quizgen.scoring import PRACTICE, PartMark, ScoringPolicy
from quizgen.text import content_hash

if TYPE_CHECKING:
    from quizgen.grade.grader import KeyPointMark


SCHEMA_VERSION = 2
STORE_NAME = "progress.sqlite3"
# A short answer counts as right (for accuracy and the wrong-answer book) from this score fraction.
SHORT_PASS = 0.6


class Status(StrEnum):
    ACTIVE = "active"  # running (a live process holds its lock)
    FINISHED = "finished"
    QUIT = "quit"
    INTERRUPTED = "interrupted"  # Ctrl-C, or its process died (kill -9, terminal closed)
    TIMEOUT = "timeout"


RESUMABLE = (Status.ACTIVE, Status.QUIT, Status.INTERRUPTED)


class Outcome(StrEnum):
    ANSWERED = "answered"
    SKIPPED = "skipped"


class Rating(IntEnum):
    """FSRS's (and Anki's) four answers."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def credit(self) -> float:
        """The share of an item's points a student's own rating stands for in statistics."""
        return {Rating.AGAIN: 0.0, Rating.HARD: 0.5, Rating.GOOD: 1.0, Rating.EASY: 1.0}[self]


def store_path() -> Path:
    return data_dir() / STORE_NAME


# ---------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Judgement:
    """What a scorer says about one response: the share of the points, whether it is fully right,
    the right answer; per-part marks of objective items (`quizgen.scoring.PartMark`), the key
    points of a short answer (`quizgen.grade.KeyPointMark`) and what the grader deducted."""

    fraction: float
    correct: bool
    expected: str = ""
    detail: str = ""
    matched: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    needs_review: bool = False
    parts: tuple[PartMark, ...] = ()
    marks: tuple[KeyPointMark, ...] = ()
    deductions: tuple[str, ...] = ()


Scorer = Callable[[Item, Response], Judgement]


@dataclass(frozen=True)
class AnswerRecord:
    """One stored answer. `fraction`, `score` and `correct` are the scorer's; `rating` is the
    FSRS rating given, the student's own when `self_rated`, and then `credit` and `passed`
    (what statistics and the wrong-answer book use) follow the student's verdict."""

    session_id: int
    position: int
    item_id: str
    question_id: str
    type: ItemType
    outcome: Outcome
    response: Response | None
    raw: str
    fraction: float
    score: float
    max_score: float
    correct: bool
    hints: int
    elapsed_ms: int
    answered_at: float
    rating: Rating
    self_rated: bool = False
    expected: str = ""
    detail: str = ""
    matched: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    needs_review: bool = False
    parts: tuple[PartMark, ...] = ()
    marks: tuple[KeyPointMark, ...] = ()
    deductions: tuple[str, ...] = ()

    @property
    def hinted(self) -> bool:
        return self.hints > 0

    @property
    def credit(self) -> float:
        return self.rating.credit if self.self_rated else self.fraction

    @property
    def passed(self) -> bool:
        if self.outcome is Outcome.SKIPPED:
            return False
        return self.rating >= Rating.GOOD if self.self_rated else self.correct

    @property
    def earned(self) -> float:
        return round(self.credit * self.max_score, 4)

    @property
    def missed_points(self) -> tuple[str, ...]:
        """Key points of a short answer that were missed or contradicted."""
        if self.marks:
            return tuple(m.point for m in self.marks if m.status != "matched")
        return self.missed


@dataclass(frozen=True)
class SessionInfo:
    id: int
    kind: str
    bank_path: str
    bank_title: str
    started_at: float
    ended_at: float | None
    status: Status
    seed: int | None
    options: dict[str, Any]
    n_items: int
    answered: int = 0
    skipped: int = 0
    correct: int = 0
    score: float = 0.0
    max_score: float = 0.0
    seconds: float = 0.0
    runner_pid: int | None = None  # the live process running it, when there is one

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "bank": self.bank_path,
            "title": self.bank_title,
            "started_at": _iso(self.started_at),
            "ended_at": _iso(self.ended_at) if self.ended_at else None,
            "status": self.status.value,
            "seed": self.seed,
            "items": self.n_items,
            "answered": self.answered,
            "skipped": self.skipped,
            "correct": self.correct,
            "score": round(self.score, 2),
            "max_score": round(self.max_score, 2),
            "seconds": round(self.seconds, 1),
        }


@dataclass(frozen=True)
class CardInfo:
    item: Item
    due: datetime
    reps: int
    lapses: int
    wrong_count: int
    last_correct: bool | None


@dataclass(frozen=True)
class DueCounts:
    """Items due by the end of today, of tomorrow and of the 7th day from today (each count
    includes the earlier ones: what a review then would ask)."""

    today: int
    tomorrow: int
    week: int

    def to_dict(self) -> dict[str, int]:
        return {"today": self.today, "tomorrow": self.tomorrow, "week": self.week}


@dataclass(frozen=True)
class WeakQuestion:
    """A bank question answered less than fully right: its mean credit over its answers (skips
    count 0) and the key points missed in short answers, or the term a fill-in item wanted."""

    question_id: str
    number: int | None
    title: str
    answers: int
    credit: float
    missed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "number": self.number,
            "title": self.title,
            "answers": self.answers,
            "score": round(self.credit, 4),
            "missed": list(self.missed),
        }


Titles = Mapping[str, tuple[int | None, str]]  # question id -> (number, title)


def weak_questions(records: Iterable[AnswerRecord], titles: Titles, *, limit: int) -> list[WeakQuestion]:
    """The questions to study first: lowest mean credit, then most answers, then first asked.
    The quiz summary and `quizgen stats` both list these, so they agree."""
    by_q: dict[str, list[AnswerRecord]] = defaultdict(list)
    for r in records:
        by_q[r.question_id].append(r)
    weak = []
    for qid, rs in by_q.items():
        credit = sum(r.credit for r in rs) / len(rs)
        if credit >= 1.0:
            continue
        missed: dict[str, None] = {}
        for r in rs:
            if r.passed:
                continue
            for p in r.missed_points:
                missed.setdefault(p, None)
            if r.type is ItemType.FILL and isinstance(r.expected, str) and r.expected:
                missed.setdefault(r.expected.split("（")[0], None)
        number, title = titles.get(qid, (None, ""))
        weak.append(
            (
                credit,
                -len(rs),
                rs[0].answered_at,
                WeakQuestion(qid, number, title, len(rs), credit, tuple(missed)),
            )
        )
    weak.sort(key=lambda w: w[:3])
    return [w[3] for w in weak[:limit]]


@dataclass(frozen=True)
class TypeSummary:
    type: ItemType
    answered: int
    skipped: int
    correct: int
    score: float
    max_score: float
    seconds: float


@dataclass(frozen=True)
class Summary:
    session_id: int
    status: Status
    total: int  # items in the session (still in the bank)
    answered: int
    skipped: int
    correct: int
    score: float  # credit earned, the student's own ratings included
    max_score: float  # of the items answered or skipped
    seconds: float
    by_type: tuple[TypeSummary, ...]
    weakest: tuple[WeakQuestion, ...]
    due: DueCounts | None = None
    self_rated: int = 0

    @property
    def unanswered(self) -> int:
        return self.total - self.answered - self.skipped

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def _iso(ts: float | None) -> str:
    if ts is None:
        return ""
    return datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


# ---------------------------------------------------------------------------- scheduling


def _scheduler() -> Any:
    from fsrs import Scheduler

    # One 10-minute (re)learning step: a wrong answer comes back the same day, a first right
    # answer in about two days. No fuzz: schedules stay reproducible (randomness only via rng).
    step = (timedelta(minutes=10),)
    return Scheduler(learning_steps=step, relearning_steps=step, enable_fuzzing=False)


def rating_for(outcome: Outcome, fraction: float, correct: bool, hints: int = 0) -> Rating:
    """The rating when the student gives none: skipped or wrong -> Again; partly right -> Hard;
    right -> Good. Each hint used lowers it by one (never below Again), so an item answered with
    help comes back sooner. Easy is only ever the student's own word."""
    if outcome is Outcome.SKIPPED or fraction <= 0.0:
        return Rating.AGAIN
    if not correct:
        base = Rating.AGAIN if fraction < 0.5 else Rating.HARD
    else:
        base = Rating.GOOD if fraction >= 1.0 else Rating.HARD
    return Rating(max(int(Rating.AGAIN), int(base) - hints))


def card_id_for(item_id: str) -> int:
    return int(content_hash("card", item_id, length=12), 16)


def end_of_day(now: datetime, days: int = 0) -> datetime:
    """Local midnight ending the day `days` after `now`'s (UTC)."""
    local = now.astimezone()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1 + days)
    return midnight.astimezone(UTC)


# ---------------------------------------------------------------------------- runner locks


class RunnerLock:
    """A lock file held by the process running a session. The operating system releases it when
    the process ends however it ends, so a session whose lock is free is not running."""

    def __init__(self, folder: Path) -> None:
        self.token = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.path = folder / f"{self.token}.lock"
        folder.mkdir(parents=True, exist_ok=True)
        self._file: TextIO | None = open(self.path, "w")  # noqa: SIM115  (held until released)
        _lock(self._file, blocking=True)

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            with contextlib.suppress(OSError):
                self.path.unlink()


def _lock(f: TextIO, *, blocking: bool) -> bool:
    try:
        import fcntl
    except ImportError:  # no flock (Windows): every recorded runner counts as alive
        return blocking
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def runner_alive(folder: Path, token: str | None) -> bool:
    """Is the process that took `token` still running?"""
    if not token:
        return False
    path = folder / f"{token}.lock"
    try:
        f = open(path)  # noqa: SIM115
    except OSError:
        return False
    with f:
        if _lock(f, blocking=False):
            # Nobody holds it: its process died. The lock goes with the file.
            with contextlib.suppress(OSError):
                path.unlink()
            return False
        return True


# ---------------------------------------------------------------------------- the store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    bank_path TEXT NOT NULL,
    bank_title TEXT NOT NULL,
    started_at REAL NOT NULL,
    ended_at REAL,
    status TEXT NOT NULL,
    seed INTEGER,
    options TEXT NOT NULL,
    n_items INTEGER NOT NULL,
    runner TEXT
);
CREATE TABLE IF NOT EXISTS session_items (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    position INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    type TEXT NOT NULL,
    item_json TEXT NOT NULL,
    PRIMARY KEY (session_id, position)
);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    position INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    type TEXT NOT NULL,
    outcome TEXT NOT NULL,
    response TEXT,
    raw TEXT NOT NULL,
    fraction REAL NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    correct INTEGER NOT NULL,
    hinted INTEGER NOT NULL,
    elapsed_ms INTEGER NOT NULL,
    answered_at REAL NOT NULL,
    detail TEXT NOT NULL,
    hints INTEGER NOT NULL DEFAULT 0,
    rating INTEGER,
    self_rated INTEGER NOT NULL DEFAULT 0,
    prev_card TEXT,
    UNIQUE (session_id, position)
);
CREATE INDEX IF NOT EXISTS answers_question ON answers(question_id);
CREATE INDEX IF NOT EXISTS answers_item ON answers(item_id);
CREATE TABLE IF NOT EXISTS cards (
    item_id TEXT PRIMARY KEY,
    question_id TEXT NOT NULL,
    type TEXT NOT NULL,
    item_json TEXT NOT NULL,
    card_json TEXT NOT NULL,
    due REAL NOT NULL,
    reps INTEGER NOT NULL,
    lapses INTEGER NOT NULL,
    wrong_count INTEGER NOT NULL,
    last_correct INTEGER,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS cards_due ON cards(due);
"""

# Columns schema version 2 added to version-1 tables.
_ADDED_COLUMNS = {
    "sessions": (("runner", "TEXT"),),
    "answers": (
        ("hints", "INTEGER NOT NULL DEFAULT 0"),
        ("rating", "INTEGER"),
        ("self_rated", "INTEGER NOT NULL DEFAULT 0"),
        ("prev_card", "TEXT"),
    ),
}

_ANSWER_COLUMNS = (
    "session_id, position, item_id, question_id, type, outcome, response, raw, fraction, score,"
    " max_score, correct, hints, elapsed_ms, answered_at, detail, rating, self_rated"
)

DAMAGE_HINT = N_("`quizgen doctor --repair` copies the file aside and recovers what it can")
_DAMAGE_WORDS = ("malformed", "not a database", "corrupt", "disk image")


def store_error(e: Exception, path: Path | str) -> SessionError:
    """The one error for a progress store SQLite (or our JSON in it) cannot read."""
    text = str(e)
    if isinstance(e, sqlite3.DatabaseError) and not any(w in text.lower() for w in _DAMAGE_WORDS):
        if "locked" in text or "busy" in text:
            hint = _("another quizgen is writing it; try again in a moment")
        elif "readonly" in text or "read-only" in text or "unable to open" in text:
            hint = _("set QUIZGEN_HOME to a writable folder")
        else:
            hint = _(DAMAGE_HINT)
        return SessionError(
            _("cannot use the progress store: {error}").format(error=text), where=str(path), hint=hint
        )
    return SessionError(
        _("the progress store is damaged ({error})").format(error=text), where=str(path), hint=_(DAMAGE_HINT)
    )


class Store:
    """The progress database. Open one per process; every write commits before returning."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else store_path()
        self.locks = self.path.parent / "running"
        self._runner: RunnerLock | None = None
        self._scheduler: Any = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise SessionError(
                _("cannot create the folder of the progress store: {error}").format(error=e.strerror),
                where=str(self.path.parent),
                hint=_("set QUIZGEN_HOME to a writable folder"),
            ) from None
        try:
            self._db = sqlite3.connect(str(self.path), timeout=10.0, isolation_level=None)
        except sqlite3.Error as e:
            raise store_error(e, self.path) from None
        with self._guard():
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()

    def close(self) -> None:
        self.release()
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """SQLite errors, and stored JSON that no longer parses, as a clean `SessionError`."""
        try:
            yield
        except (sqlite3.Error, json.JSONDecodeError, KeyError, ValueError, TypeError) as e:
            if isinstance(e, SessionError):
                raise
            raise store_error(e, self.path) from None

    def _all(self, sql: str, args: Iterable[Any] = ()) -> list[Any]:
        with self._guard():
            return self._db.execute(sql, tuple(args)).fetchall()

    def _migrate(self) -> None:
        # One transaction: a new store costs one sync to disk, not one per table.
        self._db.executescript(f"BEGIN IMMEDIATE;\n{_SCHEMA}\nCOMMIT;")
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            return
        version = int(row[0])
        if version > SCHEMA_VERSION:
            raise SessionError(
                _("the progress store has schema version {found}, newer than this quizgen ({ours})").format(
                    found=row[0], ours=SCHEMA_VERSION
                ),
                where=str(self.path),
                hint=_("upgrade quizgen"),
            )
        if version < SCHEMA_VERSION:
            with self._tx() as db:
                for table, columns in _ADDED_COLUMNS.items():
                    have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
                    for name, decl in columns:
                        if name not in have:
                            db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")
                db.execute("UPDATE answers SET hints = hinted WHERE hints = 0")
                db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._guard():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")

    # ------------------------------------------------------------------ repairs (quizgen.recovery)

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self._all(f"PRAGMA table_info({table})")]

    def copy_rows(self, table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
        """Insert (rowid, *columns) rows as they are, references unchecked: answers of a session
        whose row was lost are kept for the statistics."""
        if not columns:
            return
        with self._guard():
            self._db.execute("PRAGMA foreign_keys = OFF")
        try:
            with self._tx() as db:
                db.executemany(
                    f"INSERT OR IGNORE INTO {table} (rowid, {', '.join(columns)})"
                    f" VALUES ({', '.join('?' * (len(columns) + 1))})",
                    rows,
                )
        finally:
            with self._guard():
                self._db.execute("PRAGMA foreign_keys = ON")

    def end_active_sessions(self) -> None:
        """Sessions recorded as running are over (their store was repaired under them)."""
        with self._tx() as db:
            db.execute(
                "UPDATE sessions SET status = ?, runner = NULL WHERE status = ?",
                (Status.INTERRUPTED.value, Status.ACTIVE.value),
            )

    # ------------------------------------------------------------------ sessions

    def create_session(
        self,
        items: list[Item],
        *,
        kind: str = "quiz",
        bank_path: str = "",
        bank_title: str = "",
        seed: int | None = None,
        options: dict[str, Any] | None = None,
        now: float | None = None,
    ) -> int:
        """A new session, held by this process (see `claim`) until `set_status` ends it."""
        started = time.time() if now is None else now
        runner = self._runner_token()
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO sessions (kind, bank_path, bank_title, started_at, status, seed, options,"
                " n_items, runner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    kind,
                    bank_path,
                    bank_title,
                    started,
                    Status.ACTIVE.value,
                    seed,
                    json.dumps(options or {}, ensure_ascii=False),
                    len(items),
                    runner,
                ),
            )
            sid = int(cur.lastrowid or 0)
            db.executemany(
                "INSERT INTO session_items VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        sid,
                        pos,
                        it.id,
                        it.question_id,
                        it.type.value,
                        json.dumps(item_to_dict(it), ensure_ascii=False),
                    )
                    for pos, it in enumerate(items)
                ],
            )
        return sid

    def _runner_token(self) -> str | None:
        if self._runner is None:
            try:
                self._runner = RunnerLock(self.locks)
            except OSError:
                return None  # no lock: the session will read as interrupted once it stops
        return self._runner.token

    def claim(self, session_id: int) -> None:
        """Mark `session_id` active and run by this process (resuming it)."""
        runner = self._runner_token()
        with self._tx() as db:
            db.execute(
                "UPDATE sessions SET status = ?, ended_at = NULL, runner = ? WHERE id = ?",
                (Status.ACTIVE.value, runner, session_id),
            )

    def release(self) -> None:
        if self._runner is not None:
            self._runner.release()
            self._runner = None

    def set_status(self, session_id: int, status: Status, now: float | None = None) -> None:
        if status is Status.ACTIVE:
            self.claim(session_id)
            return
        ended = time.time() if now is None else now
        with self._tx() as db:
            db.execute(
                "UPDATE sessions SET status = ?, ended_at = ?, runner = NULL WHERE id = ?",
                (status.value, ended, session_id),
            )

    def session_items(self, session_id: int) -> list[Item]:
        rows = self._all(
            "SELECT item_json FROM session_items WHERE session_id = ? ORDER BY position", (session_id,)
        )
        with self._guard():
            return [item_from_dict(json.loads(r[0]), where=f"session {session_id}") for r in rows]

    def session(self, session_id: int) -> SessionInfo | None:
        found = self.sessions(ids=[session_id])
        return found[0] if found else None

    def sessions(
        self,
        *,
        limit: int | None = None,
        ids: Collection[int] | None = None,
        with_answers: bool | None = None,
    ) -> list[SessionInfo]:
        """Newest first, with answer counts. `with_answers` True: only sessions with at least
        one answer or skip; False: only those without (left at the first item); None: all.
        An active session whose process is gone reads as interrupted."""
        sql = (
            "SELECT s.id, s.kind, s.bank_path, s.bank_title, s.started_at, s.ended_at, s.status, s.seed,"
            " s.options, s.n_items,"
            " COALESCE(SUM(a.outcome = 'answered'), 0), COALESCE(SUM(a.outcome = 'skipped'), 0),"
            " COALESCE(SUM(CASE WHEN a.self_rated THEN a.rating >= 3 ELSE a.correct END), 0),"
            " COALESCE(SUM(CASE WHEN a.self_rated"
            "   THEN (CASE a.rating WHEN 2 THEN 0.5 WHEN 1 THEN 0 ELSE 1 END) * a.max_score"
            "   ELSE a.score END), 0),"
            " COALESCE(SUM(a.max_score), 0), COALESCE(SUM(a.elapsed_ms), 0), s.runner"
            " FROM sessions s LEFT JOIN answers a ON a.session_id = s.id"
        )
        args: list[Any] = []
        if ids is not None:
            sql += f" WHERE s.id IN ({','.join('?' * len(ids))})"
            args += list(ids)
        sql += " GROUP BY s.id"
        if with_answers is not None:
            sql += f" HAVING COUNT(a.session_id) {'>' if with_answers else '='} 0"
        sql += " ORDER BY s.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        out = []
        for r in self._all(sql, args):
            with self._guard():
                status = Status(r[6])
                options = json.loads(r[8])
            pid = None
            if status is Status.ACTIVE:
                if runner_alive(self.locks, r[16]):
                    pid = int(str(r[16]).split("-")[0])
                else:
                    status = Status.INTERRUPTED
            out.append(
                SessionInfo(
                    id=r[0],
                    kind=r[1],
                    bank_path=r[2],
                    bank_title=r[3],
                    started_at=r[4],
                    ended_at=r[5],
                    status=status,
                    seed=r[7],
                    options=options if isinstance(options, dict) else {},
                    n_items=r[9],
                    answered=int(r[10]),
                    skipped=int(r[11]),
                    correct=int(r[12]),
                    score=float(r[13]),
                    max_score=float(r[14]),
                    seconds=r[15] / 1000.0,
                    runner_pid=pid,
                )
            )
        return out

    def count_sessions(self, *, with_answers: bool | None = None) -> int:
        """How many sessions there are (`with_answers` as in `sessions`)."""
        having = ""
        if with_answers is not None:
            having = f" HAVING COUNT(a.session_id) {'>' if with_answers else '='} 0"
        (row,) = self._all(
            "SELECT COUNT(*) FROM (SELECT s.id FROM sessions s LEFT JOIN answers a ON a.session_id = s.id"
            f" GROUP BY s.id{having})"
        )
        return int(row[0])

    def latest_resumable(self) -> SessionInfo | None:
        """The newest session that was not finished, is not running elsewhere and still has items
        to answer."""
        for s in self.sessions(limit=50):
            if s.status in RESUMABLE and s.runner_pid is None and s.answered + s.skipped < s.n_items:
                return s
        return None

    # ------------------------------------------------------------------ answers

    def record_answer(
        self,
        session_id: int,
        position: int,
        item: Item,
        *,
        outcome: Outcome,
        judgement: Judgement | None = None,
        response: Response | None = None,
        raw: str = "",
        hints: int = 0,
        elapsed_ms: int = 0,
        now: float | None = None,
    ) -> AnswerRecord:
        """Store one answer (or skip) and reschedule its item, in one committed transaction."""
        when = time.time() if now is None else now
        j = judgement or Judgement(fraction=0.0, correct=False, expected=format_answer(item))
        fraction = max(0.0, min(1.0, float(j.fraction)))
        correct = bool(j.correct) and outcome is Outcome.ANSWERED
        rec = AnswerRecord(
            session_id=session_id,
            position=position,
            item_id=item.id,
            question_id=item.question_id,
            type=item.type,
            outcome=outcome,
            response=response,
            raw=raw,
            fraction=fraction,
            score=round(fraction * item.points, 4),
            max_score=item.points,
            correct=correct,
            hints=hints,
            elapsed_ms=int(elapsed_ms),
            answered_at=when,
            rating=rating_for(outcome, fraction, correct, hints),
            expected=j.expected,
            detail=j.detail,
            matched=tuple(j.matched),
            missed=tuple(j.missed),
            needs_review=j.needs_review,
            parts=tuple(j.parts),
            marks=tuple(j.marks),
            deductions=tuple(j.deductions),
        )
        with self._tx() as db:
            prev = self._card_state(db, item.id)
            try:
                db.execute(
                    "INSERT INTO answers (session_id, position, item_id, question_id, type, outcome,"
                    " response, raw, fraction, score, max_score, correct, hinted, elapsed_ms, answered_at,"
                    " detail, hints, rating, self_rated, prev_card)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                    (
                        session_id,
                        position,
                        item.id,
                        item.question_id,
                        item.type.value,
                        outcome.value,
                        None if response is None else json.dumps(response, ensure_ascii=False),
                        raw,
                        rec.fraction,
                        rec.score,
                        rec.max_score,
                        int(rec.correct),
                        int(rec.hinted),
                        rec.elapsed_ms,
                        when,
                        _detail_json(rec),
                        hints,
                        int(rec.rating),
                        None if prev is None else json.dumps(prev),
                    ),
                )
            except sqlite3.IntegrityError:
                raise SessionError(
                    _("item {n} of session {session} is already answered").format(
                        n=position + 1, session=session_id
                    ),
                    where=str(self.path),
                ) from None
            self._schedule(db, item, prev, rec.rating, rec.passed, when, rec.elapsed_ms)
        return rec

    def rate(self, session_id: int, position: int, rating: Rating) -> AnswerRecord:
        """The student's own verdict on an answer: it replaces the rating the scorer's result
        gave, reschedules the item from its state before that answer (when no later answer moved
        it on) and counts in statistics; the scorer's score stays stored beside it."""
        with self._tx() as db:
            row = db.execute(
                "SELECT prev_card, answered_at, elapsed_ms, outcome, item_id FROM answers"
                " WHERE session_id = ? AND position = ?",
                (session_id, position),
            ).fetchone()
            if row is None:
                raise SessionError(
                    _("item {n} of session {session} has no answer to rate").format(
                        n=position + 1, session=session_id
                    )
                )
            db.execute(
                "UPDATE answers SET rating = ?, self_rated = 1 WHERE session_id = ? AND position = ?",
                (int(rating), session_id, position),
            )
            card = db.execute("SELECT updated_at FROM cards WHERE item_id = ?", (row[4],)).fetchone()
            if card is not None and card[0] == row[1]:
                item_row = db.execute(
                    "SELECT item_json FROM session_items WHERE session_id = ? AND position = ?",
                    (session_id, position),
                ).fetchone()
                item = item_from_dict(json.loads(item_row[0]), where=f"session {session_id}")
                prev = json.loads(row[0]) if row[0] else None
                passed = row[3] == Outcome.ANSWERED.value and rating >= Rating.GOOD
                self._schedule(db, item, prev, rating, passed, row[1], row[2])
        (rec,) = [r for r in self.answers(session_id) if r.position == position]
        return rec

    def intervals(self, session_id: int, position: int) -> dict[Rating, timedelta]:
        """When the item would come back under each rating of its answer at `position`."""
        from fsrs import Card
        from fsrs import Rating as FsrsRating

        rows = self._all(
            "SELECT prev_card, answered_at, item_id FROM answers WHERE session_id = ? AND position = ?",
            (session_id, position),
        )
        if not rows:
            return {}
        prev_json, answered_at, item_id = rows[0]
        when = datetime.fromtimestamp(answered_at, tz=UTC)
        out = {}
        with self._guard():
            prev = json.loads(prev_json) if prev_json else None
            for rating in Rating:
                card = Card.from_json(prev["card"]) if prev else Card(card_id=card_id_for(item_id))
                card, _log = self._fsrs().review_card(card, FsrsRating(int(rating)), review_datetime=when)
                out[rating] = card.due - when
        return out

    def _fsrs(self) -> Any:
        if self._scheduler is None:
            self._scheduler = _scheduler()
        return self._scheduler

    @staticmethod
    def _card_state(db: sqlite3.Connection, item_id: str) -> dict[str, Any] | None:
        row = db.execute(
            "SELECT card_json, reps, lapses, wrong_count, last_correct FROM cards WHERE item_id = ?",
            (item_id,),
        ).fetchone()
        if row is None:
            return None
        return {"card": row[0], "reps": row[1], "lapses": row[2], "wrong": row[3], "last_correct": row[4]}

    def _schedule(
        self,
        db: sqlite3.Connection,
        item: Item,
        prev: Mapping[str, Any] | None,
        rating: Rating,
        passed: bool,
        answered_at: float,
        elapsed_ms: int,
    ) -> None:
        """The item's card after an answer rated `rating`, from its state `prev` before it."""
        from fsrs import Card
        from fsrs import Rating as FsrsRating

        card = Card.from_json(prev["card"]) if prev else Card(card_id=card_id_for(item.id))
        reps, lapses, wrong = (prev["reps"], prev["lapses"], prev["wrong"]) if prev else (0, 0, 0)
        was_review = prev is not None and int(card.state) == 2
        when = datetime.fromtimestamp(answered_at, tz=UTC)
        card, _log = self._fsrs().review_card(
            card, FsrsRating(int(rating)), review_datetime=when, review_duration=elapsed_ms
        )
        db.execute(
            "INSERT OR REPLACE INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                item.id,
                item.question_id,
                item.type.value,
                json.dumps(item_to_dict(item), ensure_ascii=False),
                card.to_json(),
                card.due.timestamp(),
                reps + 1,
                lapses + int(was_review and rating is Rating.AGAIN),
                wrong + int(not passed),
                int(passed),
                answered_at,
            ),
        )

    def answers(self, session_id: int | None = None) -> list[AnswerRecord]:
        sql = f"SELECT {_ANSWER_COLUMNS} FROM answers"
        args: tuple[Any, ...] = ()
        if session_id is not None:
            sql += " WHERE session_id = ?"
            args = (session_id,)
        sql += " ORDER BY answered_at, id"
        out = []
        for r in self._all(sql, args):
            with self._guard():
                out.append(_record_from_row(r))
        return out

    # ------------------------------------------------------------------ review and statistics

    def cards(self, question_ids: Collection[str] | None = None) -> list[CardInfo]:
        rows = self._all(
            "SELECT item_json, due, reps, lapses, wrong_count, last_correct, question_id FROM cards"
        )
        wanted = set(question_ids) if question_ids is not None else None
        out = []
        for r in rows:
            if wanted is not None and r[6] not in wanted:
                continue
            with self._guard():
                out.append(
                    CardInfo(
                        item=item_from_dict(json.loads(r[0]), where="cards"),
                        due=datetime.fromtimestamp(r[1], tz=UTC),
                        reps=r[2],
                        lapses=r[3],
                        wrong_count=r[4],
                        last_correct=None if r[5] is None else bool(r[5]),
                    )
                )
        return out

    def due(
        self,
        question_ids: Collection[str] | None = None,
        *,
        now: datetime | None = None,
        wrong_only: bool = False,
    ) -> list[CardInfo]:
        """Items due by the end of today (local time), wrong answers first (错题本), then by due time.

        With ``wrong_only``: every item whose last answer was wrong, due or not."""
        now = now or datetime.now(UTC)
        cards = self.cards(question_ids)
        if wrong_only:
            picked = [c for c in cards if c.last_correct is False]
        else:
            picked = [c for c in cards if c.due < end_of_day(now)]
        picked.sort(key=lambda c: (c.last_correct is not False, -c.wrong_count, c.due, c.item.id))
        return picked

    def due_counts(
        self, question_ids: Collection[str] | None = None, *, now: datetime | None = None
    ) -> DueCounts:
        now = now or datetime.now(UTC)
        dues = [c.due for c in self.cards(question_ids)]
        return DueCounts(*(sum(d < end_of_day(now, days) for d in dues) for days in (0, 1, 7)))

    def next_due(self, question_ids: Collection[str] | None = None) -> datetime | None:
        cards = self.cards(question_ids)
        return min((c.due for c in cards), default=None)

    def stats(
        self,
        question_ids: Collection[str] | None = None,
        *,
        titles: Titles | None = None,
        today: date | None = None,
        now: datetime | None = None,
        weakest: int = 10,
    ) -> dict[str, Any]:
        """Accuracy overall, per type and per question; the weakest questions; day and answer
        streaks; due counts. Accuracy and scores follow the student's own ratings where given."""
        wanted = set(question_ids) if question_ids is not None else None
        recs = [r for r in self.answers() if wanted is None or r.question_id in wanted]
        answered = [r for r in recs if r.outcome is Outcome.ANSWERED]

        def acc(rs: list[AnswerRecord]) -> dict[str, Any]:
            ans = [r for r in rs if r.outcome is Outcome.ANSWERED]
            right = sum(r.passed for r in ans)
            return {
                "answers": len(ans),
                "skipped": len(rs) - len(ans),
                "correct": right,
                "accuracy": round(right / len(ans), 4) if ans else None,
                "mean_score": round(sum(r.credit for r in ans) / len(ans), 4) if ans else None,
            }

        by_type: dict[str, list[AnswerRecord]] = defaultdict(list)
        by_q: dict[str, list[AnswerRecord]] = defaultdict(list)
        for r in recs:
            by_type[r.type.value].append(r)
            by_q[r.question_id].append(r)
        names = titles or {}
        questions = []
        for qid, rs in by_q.items():
            last = rs[-1]
            number, title = names.get(qid, (None, ""))
            questions.append(
                {
                    "question_id": qid,
                    "number": number,
                    "title": title,
                    **acc(rs),
                    "last_correct": last.passed,
                    "last_answered": _iso(last.answered_at),
                }
            )
        questions.sort(
            key=lambda q: (q["mean_score"] if q["mean_score"] is not None else -1, q["question_id"])
        )
        # Day streak: consecutive local days with at least one answer, ending today (or yesterday).
        days = sorted({datetime.fromtimestamp(r.answered_at).date() for r in answered})
        best_days = run = 0
        prev: date | None = None
        for d in days:
            run = run + 1 if prev is not None and (d - prev).days == 1 else 1
            best_days = max(best_days, run)
            prev = d
        today = today or date.today()
        current_days = 0
        if days and (today - days[-1]).days <= 1:
            current_days = 1
            for a, b in zip(reversed(days[:-1]), reversed(days[1:]), strict=True):
                if (b - a).days != 1:
                    break
                current_days += 1
        best_right = cur = 0
        for r in answered:
            cur = cur + 1 if r.passed else 0
            best_right = max(best_right, cur)
        cards = self.cards(wanted)
        now = now or datetime.now(UTC)
        due = self.due_counts(wanted, now=now)
        return {
            "sessions": len({r.session_id for r in recs}),
            **acc(recs),
            "by_type": {t.value: acc(by_type[t.value]) for t in ItemType if t.value in by_type},
            "questions": questions,
            "weakest": [w.to_dict() for w in weak_questions(recs, names, limit=weakest)],
            "streak": {
                "days_current": current_days,
                "days_best": best_days,
                "correct_current": cur,
                "correct_best": best_right,
            },
            "due_now": sum(c.due <= now for c in cards),
            "due_today": due.today,
            "due": due.to_dict(),
            "wrong_book": sum(c.last_correct is False for c in cards),
        }


def _detail_json(rec: AnswerRecord) -> str:
    return json.dumps(
        {
            "expected": rec.expected,
            "detail": rec.detail,
            "matched": list(rec.matched),
            "missed": list(rec.missed),
            "needs_review": rec.needs_review,
            "parts": [[p.label, p.given, p.expected, p.ok] for p in rec.parts],
            "marks": [[m.point, m.status, m.phrase, m.earned, m.possible] for m in rec.marks],
            "deductions": list(rec.deductions),
        },
        ensure_ascii=False,
    )


def _record_from_row(r: Any) -> AnswerRecord:
    d = json.loads(r[15])
    resp = json.loads(r[6]) if r[6] is not None else None
    outcome, fraction, correct, hints = Outcome(r[5]), float(r[8]), bool(r[11]), int(r[12])
    marks: tuple[KeyPointMark, ...] = ()
    if d.get("marks"):
        from quizgen.grade.grader import KeyPointMark

        marks = tuple(KeyPointMark(*m) for m in d["marks"])
    return AnswerRecord(
        session_id=r[0],
        position=r[1],
        item_id=r[2],
        question_id=r[3],
        type=ItemType(r[4]),
        outcome=outcome,
        response=tuple(resp) if isinstance(resp, list) else resp,
        raw=r[7],
        fraction=fraction,
        score=r[9],
        max_score=r[10],
        correct=correct,
        hints=hints,
        elapsed_ms=r[13],
        answered_at=r[14],
        # Answers stored before ratings were (schema 1) get the rating they were scheduled with.
        rating=Rating(r[16]) if r[16] is not None else rating_for(outcome, fraction, correct, hints),
        self_rated=bool(r[17]),
        expected=d.get("expected", ""),
        detail=d.get("detail", ""),
        matched=tuple(d.get("matched", ())),
        missed=tuple(d.get("missed", ())),
        needs_review=bool(d.get("needs_review", False)),
        parts=tuple(PartMark(*p) for p in d.get("parts", ())),
        marks=marks,
        deductions=tuple(d.get("deductions", ())),
    )


# ---------------------------------------------------------------------------- a running quiz


class QuizRun:
    """One session's items and answers: which are pending, score and store each answer."""

    def __init__(
        self,
        store: Store,
        session_id: int,
        scorer: Scorer,
        *,
        items: list[Item] | None = None,
        alive_questions: Collection[str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.session_id = session_id
        self.scorer = scorer
        self.clock = clock
        self.items = items if items is not None else store.session_items(session_id)
        self.records: dict[int, AnswerRecord] = {r.position: r for r in store.answers(session_id)}
        self.alive = frozenset(alive_questions) if alive_questions is not None else None
        # Items whose question left the bank are not asked (and not counted) any more.
        self.dropped = {
            pos
            for pos, it in enumerate(self.items)
            if self.alive is not None and it.question_id not in self.alive
        }

    @property
    def total(self) -> int:
        return len(self.items) - len(self.dropped)

    def pending(self) -> list[int]:
        return [p for p in range(len(self.items)) if p not in self.records and p not in self.dropped]

    def number_of(self, position: int) -> int:
        """1-based number of the item among those still asked."""
        return sum(1 for p in range(position + 1) if p not in self.dropped)

    def answer(
        self, position: int, response: Response, *, raw: str = "", hints: int = 0, elapsed_ms: int = 0
    ) -> AnswerRecord:
        item = self.items[position]
        judgement = self.scorer(item, response)
        rec = self.store.record_answer(
            self.session_id,
            position,
            item,
            outcome=Outcome.ANSWERED,
            judgement=judgement,
            response=response,
            raw=raw,
            hints=hints,
            elapsed_ms=elapsed_ms,
            now=self.clock(),
        )
        self.records[position] = rec
        return rec

    def skip(self, position: int, *, raw: str = "", hints: int = 0, elapsed_ms: int = 0) -> AnswerRecord:
        rec = self.store.record_answer(
            self.session_id,
            position,
            self.items[position],
            outcome=Outcome.SKIPPED,
            raw=raw,
            hints=hints,
            elapsed_ms=elapsed_ms,
            now=self.clock(),
        )
        self.records[position] = rec
        return rec

    def rate(self, position: int, rating: Rating) -> AnswerRecord:
        rec = self.store.rate(self.session_id, position, rating)
        self.records[position] = rec
        return rec

    def finish(self, status: Status) -> None:
        self.store.set_status(self.session_id, status, now=self.clock())
        self.store.release()

    def summary(self, status: Status, *, titles: Titles | None = None, weakest: int = 3) -> Summary:
        """Totals of the items reached (answered or skipped), per type; the weakest questions;
        what is due tomorrow and within a week."""
        recs = [r for p, r in sorted(self.records.items()) if p not in self.dropped]
        by_type = []
        for t in ItemType:
            rs = [r for r in recs if r.type is t]
            if not rs:
                continue
            by_type.append(
                TypeSummary(
                    type=t,
                    answered=sum(r.outcome is Outcome.ANSWERED for r in rs),
                    skipped=sum(r.outcome is Outcome.SKIPPED for r in rs),
                    correct=sum(r.passed for r in rs),
                    score=sum(r.earned for r in rs),
                    max_score=sum(r.max_score for r in rs),
                    seconds=sum(r.elapsed_ms for r in rs) / 1000.0,
                )
            )
        return Summary(
            session_id=self.session_id,
            status=status,
            total=self.total,
            answered=sum(r.outcome is Outcome.ANSWERED for r in recs),
            skipped=sum(r.outcome is Outcome.SKIPPED for r in recs),
            correct=sum(r.passed for r in recs),
            score=sum(r.earned for r in recs),
            max_score=sum(r.max_score for r in recs),
            seconds=sum(r.elapsed_ms for r in recs) / 1000.0,
            by_type=tuple(by_type),
            weakest=tuple(weak_questions(recs, titles or {}, limit=weakest)),
            due=self.store.due_counts(self.alive) if recs else None,
            self_rated=sum(r.self_rated for r in recs),
        )


# ---------------------------------------------------------------------------- scoring adapters


class GraderSlot:
    """Holds the short-answer grader, built once by `factory` (loading a model takes seconds).

    `prefetch()` builds it in a background thread while the student reads the first items;
    `get()` waits for that, or builds it on the spot. An error in the factory surfaces in `get()`."""

    def __init__(self, factory: Callable[[], Any] | None) -> None:
        self._factory = factory
        self._grader: Any = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def ready(self) -> bool:
        return self._grader is not None or self._factory is None

    def _build(self) -> None:
        with self._lock:
            if self._factory is None:
                return
            try:
                self._grader = self._factory()
            except BaseException as e:  # handed to get() in the main thread
                self._error = e
            finally:
                self._factory = None

    def prefetch(self) -> None:
        if self._factory is not None and self._thread is None:
            self._thread = threading.Thread(target=self._build, name="quizgen-grader", daemon=True)
            self._thread.start()

    def get(self) -> Any:
        if self._thread is not None:
            self._thread.join()
        else:
            self._build()
        if self._error is not None:
            err, self._error = self._error, None
            raise err
        return self._grader


def make_scorer(grader: GraderSlot | None = None, policy: ScoringPolicy = PRACTICE) -> Scorer:
    """Scores every type with `quizgen.scoring.score_response` under `policy`, short answers
    with the grader (its key points and deductions kept for the feedback)."""

    def score(item: Item, response: Response) -> Judgement:
        if item.type is ItemType.SHORT:
            g = grader.get() if grader is not None else None
            if g is None:
                raise SessionError(_("no grader for short answers"), hint=_("run the quiz with a grader"))
            r = g.grade_item(item, str(response))
            frac = float(r.score) / float(r.max_score) if r.max_score else 0.0
            return Judgement(
                fraction=frac,
                correct=frac >= SHORT_PASS,
                expected=format_answer(item),
                detail=str(r.reason or ""),
                matched=tuple(r.matched),
                missed=tuple(r.missed),
                needs_review=bool(r.needs_review),
                marks=tuple(r.marks),
                deductions=tuple(r.deductions),
            )
        from quizgen.scoring import score_response

        s = score_response(item, response, policy)
        expected = s.expected if isinstance(s.expected, str) and s.expected else format_answer(item)
        return Judgement(
            fraction=float(s.fraction),
            correct=bool(s.correct),
            expected=expected,
            detail=str(s.detail or ""),
            parts=s.parts,
        )

    return score
