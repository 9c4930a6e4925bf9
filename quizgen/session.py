"""Quiz sessions and the progress store: every answer is written the moment it is given.

Pure library (no terminal I/O). One SQLite file, ``progress.sqlite3``, in ``$QUIZGEN_HOME`` or
the platform's user data directory, in WAL mode with ``synchronous=FULL`` and one transaction
per answer, so killing the process (even ``kill -9``) loses nothing that was answered.

Tables (schema version 1):

- ``sessions``: one row per quiz/review run: bank path and title, seed, options (JSON), status
  (active, finished, quit, interrupted, timeout), start/end time.
- ``session_items``: the run's item list in order (item JSON), so ``resume`` asks the same items.
- ``answers``: one row per answered or skipped item: response (JSON), score, fraction, time taken,
  hint used, grader detail. Unique per (session, position).
- ``cards``: the spaced-repetition state of each item (an `fsrs.Card` as JSON), its due time, how
  often it was answered wrong and whether the last answer was right (the wrong-answer book).

Progress is keyed by the items' and questions' stable content-hash ids; callers pass the ids of
the questions that still exist so items of deleted questions are ignored.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from quizgen.answers import Response, format_answer
from quizgen.errors import SessionError
from quizgen.items import LETTERS, Item, ItemType, item_from_dict, item_to_dict
from quizgen.text import content_hash

SCHEMA_VERSION = 1
STORE_NAME = "progress.sqlite3"
# A short answer counts as right (for accuracy and the wrong-answer book) from this score fraction.
SHORT_PASS = 0.6


class Status(StrEnum):
    ACTIVE = "active"  # running, or killed before it could say otherwise
    FINISHED = "finished"
    QUIT = "quit"
    INTERRUPTED = "interrupted"
    TIMEOUT = "timeout"


RESUMABLE = (Status.ACTIVE, Status.QUIT, Status.INTERRUPTED)


class Outcome(StrEnum):
    ANSWERED = "answered"
    SKIPPED = "skipped"


def data_dir() -> Path:
    home = os.environ.get("QUIZGEN_HOME")
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("quizgen", appauthor=False))


def store_path() -> Path:
    return data_dir() / STORE_NAME


# ---------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Judgement:
    """What a scorer says about one response."""

    fraction: float
    correct: bool
    expected: str = ""
    detail: str = ""
    matched: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    needs_review: bool = False


Scorer = Callable[[Item, Response], Judgement]


@dataclass(frozen=True)
class AnswerRecord:
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
    hinted: bool
    elapsed_ms: int
    answered_at: float
    expected: str = ""
    detail: str = ""
    matched: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    needs_review: bool = False


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
class TypeSummary:
    type: ItemType
    items: int
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
    total: int
    answered: int
    skipped: int
    correct: int
    score: float
    max_score: float  # of the items answered or skipped
    seconds: float
    by_type: tuple[TypeSummary, ...]
    weakest: tuple[AnswerRecord, ...]

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


def rating_for(outcome: Outcome, fraction: float, correct: bool, hinted: bool) -> int:
    """FSRS rating (1 Again, 2 Hard, 3 Good): skipped or wrong -> Again; partial or hinted -> Hard."""
    if outcome is Outcome.SKIPPED or fraction <= 0.0:
        return 1
    if not correct:
        return 1 if fraction < 0.5 else 2
    if hinted or fraction < 1.0:
        return 2
    return 3


def card_id_for(item_id: str) -> int:
    return int(content_hash("card", item_id, length=12), 16)


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
    n_items INTEGER NOT NULL
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


class Store:
    """The progress database. Open one per process; every write commits before returning."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else store_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), timeout=10.0, isolation_level=None)
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except (sqlite3.Error, OSError) as e:
            raise SessionError(
                f"cannot open the progress store: {e}",
                where=str(self.path),
                hint="set QUIZGEN_HOME to a writable folder, or move a damaged file aside",
            ) from None
        self._scheduler: Any = None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        self._db.executescript(_SCHEMA)
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) > SCHEMA_VERSION:
            raise SessionError(
                f"the progress store has schema version {row[0]}, newer than this quizgen ({SCHEMA_VERSION})",
                where=str(self.path),
                hint="upgrade quizgen",
            )

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise SessionError(f"cannot write the progress store: {e}", where=str(self.path)) from None
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")

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
        started = time.time() if now is None else now
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO sessions (kind, bank_path, bank_title, started_at, status, seed, options,"
                " n_items) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    kind,
                    bank_path,
                    bank_title,
                    started,
                    Status.ACTIVE.value,
                    seed,
                    json.dumps(options or {}, ensure_ascii=False),
                    len(items),
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

    def set_status(self, session_id: int, status: Status, now: float | None = None) -> None:
        ended = None if status is Status.ACTIVE else (time.time() if now is None else now)
        with self._tx() as db:
            db.execute(
                "UPDATE sessions SET status = ?, ended_at = ? WHERE id = ?", (status.value, ended, session_id)
            )

    def session_items(self, session_id: int) -> list[Item]:
        rows = self._db.execute(
            "SELECT item_json FROM session_items WHERE session_id = ? ORDER BY position", (session_id,)
        ).fetchall()
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
        one answer or skip; False: only those without (left at the first item); None: all."""
        sql = (
            "SELECT s.id, s.kind, s.bank_path, s.bank_title, s.started_at, s.ended_at, s.status, s.seed,"
            " s.options, s.n_items,"
            " COALESCE(SUM(a.outcome = 'answered'), 0), COALESCE(SUM(a.outcome = 'skipped'), 0),"
            " COALESCE(SUM(a.correct), 0), COALESCE(SUM(a.score), 0), COALESCE(SUM(a.max_score), 0),"
            " COALESCE(SUM(a.elapsed_ms), 0)"
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
        return [
            SessionInfo(
                id=r[0],
                kind=r[1],
                bank_path=r[2],
                bank_title=r[3],
                started_at=r[4],
                ended_at=r[5],
                status=Status(r[6]),
                seed=r[7],
                options=json.loads(r[8]),
                n_items=r[9],
                answered=int(r[10]),
                skipped=int(r[11]),
                correct=int(r[12]),
                score=float(r[13]),
                max_score=float(r[14]),
                seconds=r[15] / 1000.0,
            )
            for r in self._db.execute(sql, args).fetchall()
        ]

    def count_sessions(self, *, with_answers: bool | None = None) -> int:
        """How many sessions there are (`with_answers` as in `sessions`)."""
        having = ""
        if with_answers is not None:
            having = f" HAVING COUNT(a.session_id) {'>' if with_answers else '='} 0"
        row = self._db.execute(
            "SELECT COUNT(*) FROM (SELECT s.id FROM sessions s LEFT JOIN answers a ON a.session_id = s.id"
            f" GROUP BY s.id{having})"
        ).fetchone()
        return int(row[0])

    def latest_resumable(self) -> SessionInfo | None:
        """The newest session that was not finished and still has items to answer."""
        for s in self.sessions(limit=50):
            if s.status in RESUMABLE and s.answered + s.skipped < s.n_items:
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
        hinted: bool = False,
        elapsed_ms: int = 0,
        now: float | None = None,
    ) -> AnswerRecord:
        """Store one answer (or skip) and reschedule its item, in one committed transaction."""
        when = time.time() if now is None else now
        j = judgement or Judgement(fraction=0.0, correct=False, expected=format_answer(item))
        fraction = max(0.0, min(1.0, float(j.fraction)))
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
            correct=bool(j.correct) and outcome is Outcome.ANSWERED,
            hinted=hinted,
            elapsed_ms=int(elapsed_ms),
            answered_at=when,
            expected=j.expected,
            detail=j.detail,
            matched=tuple(j.matched),
            missed=tuple(j.missed),
            needs_review=j.needs_review,
        )
        detail = {
            "expected": rec.expected,
            "detail": rec.detail,
            "matched": list(rec.matched),
            "missed": list(rec.missed),
            "needs_review": rec.needs_review,
        }
        try:
            with self._tx() as db:
                db.execute(
                    "INSERT INTO answers (session_id, position, item_id, question_id, type, outcome,"
                    " response, raw, fraction, score, max_score, correct, hinted, elapsed_ms, answered_at,"
                    " detail)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                        int(hinted),
                        rec.elapsed_ms,
                        when,
                        json.dumps(detail, ensure_ascii=False),
                    ),
                )
                self._reschedule(db, item, rec)
        except sqlite3.IntegrityError:
            raise SessionError(
                f"item {position + 1} of session {session_id} is already answered", where=str(self.path)
            ) from None
        return rec

    def _reschedule(self, db: sqlite3.Connection, item: Item, rec: AnswerRecord) -> None:
        from fsrs import Card, Rating

        if self._scheduler is None:
            self._scheduler = _scheduler()
        row = db.execute(
            "SELECT card_json, reps, lapses, wrong_count FROM cards WHERE item_id = ?", (item.id,)
        ).fetchone()
        card = Card.from_json(row[0]) if row else Card(card_id=card_id_for(item.id))
        reps, lapses, wrong = (row[1], row[2], row[3]) if row else (0, 0, 0)
        rating = Rating(rating_for(rec.outcome, rec.fraction, rec.correct, rec.hinted))
        was_review = row is not None and int(card.state) == 2
        when = datetime.fromtimestamp(rec.answered_at, tz=UTC)
        card, _log = self._scheduler.review_card(
            card, rating, review_datetime=when, review_duration=rec.elapsed_ms
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
                lapses + int(was_review and rating == Rating.Again),
                wrong + int(not rec.correct),
                int(rec.correct),
                rec.answered_at,
            ),
        )

    def answers(self, session_id: int | None = None) -> list[AnswerRecord]:
        sql = (
            "SELECT session_id, position, item_id, question_id, type, outcome, response, raw, fraction,"
            " score, max_score, correct, hinted, elapsed_ms, answered_at, detail FROM answers"
        )
        args: tuple[Any, ...] = ()
        if session_id is not None:
            sql += " WHERE session_id = ?"
            args = (session_id,)
        sql += " ORDER BY answered_at, id"
        out = []
        for r in self._db.execute(sql, args).fetchall():
            d = json.loads(r[15])
            resp = json.loads(r[6]) if r[6] is not None else None
            out.append(
                AnswerRecord(
                    session_id=r[0],
                    position=r[1],
                    item_id=r[2],
                    question_id=r[3],
                    type=ItemType(r[4]),
                    outcome=Outcome(r[5]),
                    response=tuple(resp) if isinstance(resp, list) else resp,
                    raw=r[7],
                    fraction=r[8],
                    score=r[9],
                    max_score=r[10],
                    correct=bool(r[11]),
                    hinted=bool(r[12]),
                    elapsed_ms=r[13],
                    answered_at=r[14],
                    expected=d.get("expected", ""),
                    detail=d.get("detail", ""),
                    matched=tuple(d.get("matched", ())),
                    missed=tuple(d.get("missed", ())),
                    needs_review=bool(d.get("needs_review", False)),
                )
            )
        return out

    # ------------------------------------------------------------------ review and statistics

    def cards(self, question_ids: Collection[str] | None = None) -> list[CardInfo]:
        rows = self._db.execute(
            "SELECT item_json, due, reps, lapses, wrong_count, last_correct, question_id FROM cards"
        ).fetchall()
        wanted = set(question_ids) if question_ids is not None else None
        out = []
        for r in rows:
            if wanted is not None and r[6] not in wanted:
                continue
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
        local = now.astimezone()
        end_of_day = (
            local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        ).astimezone(UTC)
        cards = self.cards(question_ids)
        if wrong_only:
            picked = [c for c in cards if c.last_correct is False]
        else:
            picked = [c for c in cards if c.due < end_of_day]
        picked.sort(key=lambda c: (c.last_correct is not False, -c.wrong_count, c.due, c.item.id))
        return picked

    def next_due(self, question_ids: Collection[str] | None = None) -> datetime | None:
        cards = self.cards(question_ids)
        return min((c.due for c in cards), default=None)

    def stats(
        self, question_ids: Collection[str] | None = None, *, today: date | None = None
    ) -> dict[str, Any]:
        """Accuracy overall, per type and per question; day and answer streaks; due counts."""
        wanted = set(question_ids) if question_ids is not None else None
        recs = [r for r in self.answers() if wanted is None or r.question_id in wanted]
        answered = [r for r in recs if r.outcome is Outcome.ANSWERED]

        def acc(rs: list[AnswerRecord]) -> dict[str, Any]:
            ans = [r for r in rs if r.outcome is Outcome.ANSWERED]
            return {
                "answers": len(ans),
                "skipped": len(rs) - len(ans),
                "correct": sum(r.correct for r in ans),
                "accuracy": round(sum(r.correct for r in ans) / len(ans), 4) if ans else None,
                "mean_score": round(sum(r.fraction for r in ans) / len(ans), 4) if ans else None,
            }

        by_type: dict[str, list[AnswerRecord]] = defaultdict(list)
        by_q: dict[str, list[AnswerRecord]] = defaultdict(list)
        for r in recs:
            by_type[r.type.value].append(r)
            by_q[r.question_id].append(r)
        questions = []
        for qid, rs in by_q.items():
            last = rs[-1]
            questions.append(
                {
                    "question_id": qid,
                    **acc(rs),
                    "last_correct": last.correct,
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
            cur = cur + 1 if r.correct else 0
            best_right = max(best_right, cur)
        cards = self.cards(wanted)
        now = datetime.now(UTC)
        return {
            "sessions": len({r.session_id for r in recs}),
            **acc(recs),
            "by_type": {t.value: acc(by_type[t.value]) for t in ItemType if t.value in by_type},
            "questions": questions,
            "streak": {
                "days_current": current_days,
                "days_best": best_days,
                "correct_current": cur,
                "correct_best": best_right,
            },
            "due_now": sum(c.due <= now for c in cards),
            "due_today": len(self.due(wanted, now=now)),
            "wrong_book": sum(c.last_correct is False for c in cards),
        }


# ---------------------------------------------------------------------------- a running quiz


def hint_for(item: Item, topic: str | None = None) -> str | None:
    """A hint that helps without giving the answer away, or None. `topic` is the title of the
    item's question in the bank, where known."""
    given = item.meta.get("hint") if item.meta else None
    if isinstance(given, str) and given.strip():
        return given.strip()
    n = len(item.options)
    if item.type is ItemType.CHOICE and n > 2:
        wrong = [c for c in LETTERS[:n] if c not in item.answer]
        return f"It is not {wrong[-1]}."
    if item.type is ItemType.MULTI:
        k = len(item.answer)
        return f"{k} of the {n} options {'is' if k == 1 else 'are'} right."
    if item.type is ItemType.ORDER and item.answer:
        return f"The first one is {item.answer[0]}."
    if item.type is ItemType.MATCH and item.answer and item.left:
        return f"1 goes with {item.answer[0]}."
    if item.type is ItemType.FILL and item.answer:
        word = item.answer[0]
        return f"Starts with 「{word[0]}」, {len(word)} characters."
    if item.type is ItemType.SHORT and item.key_points:
        first = item.key_points[0]
        return f"Cover {len(item.key_points)} key points; one starts with 「{first[:4]}」…"
    where = f"「{item.source.section}」 of " if item.source is not None and item.source.section else ""
    if topic:
        return f"It comes from {where}「{topic}」: check every detail against it."
    if item.source is not None:
        return (
            f"It comes from {where}question {item.source.number} of the notes: check every detail against it."
        )
    return None


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
        alive = set(alive_questions) if alive_questions is not None else None
        # Items whose question left the bank are not asked (and not counted) any more.
        self.dropped = {
            pos for pos, it in enumerate(self.items) if alive is not None and it.question_id not in alive
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
        self, position: int, response: Response, *, raw: str = "", hinted: bool = False, elapsed_ms: int = 0
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
            hinted=hinted,
            elapsed_ms=elapsed_ms,
            now=self.clock(),
        )
        self.records[position] = rec
        return rec

    def skip(
        self, position: int, *, raw: str = "", hinted: bool = False, elapsed_ms: int = 0
    ) -> AnswerRecord:
        rec = self.store.record_answer(
            self.session_id,
            position,
            self.items[position],
            outcome=Outcome.SKIPPED,
            raw=raw,
            hinted=hinted,
            elapsed_ms=elapsed_ms,
            now=self.clock(),
        )
        self.records[position] = rec
        return rec

    def finish(self, status: Status) -> None:
        self.store.set_status(self.session_id, status, now=self.clock())

    def summary(self, status: Status, *, weakest: int = 3) -> Summary:
        recs = [r for p, r in sorted(self.records.items()) if p not in self.dropped]
        by_type = []
        for t in ItemType:
            n = sum(1 for p, it in enumerate(self.items) if it.type is t and p not in self.dropped)
            rs = [r for r in recs if r.type is t]
            if not n:
                continue
            by_type.append(
                TypeSummary(
                    type=t,
                    items=n,
                    answered=sum(r.outcome is Outcome.ANSWERED for r in rs),
                    skipped=sum(r.outcome is Outcome.SKIPPED for r in rs),
                    correct=sum(r.correct for r in rs),
                    score=sum(r.score for r in rs),
                    max_score=sum(r.max_score for r in rs),
                    seconds=sum(r.elapsed_ms for r in rs) / 1000.0,
                )
            )
        # The weakest questions: each question once, by its worst item here.
        weak: list[AnswerRecord] = []
        for r in sorted(recs, key=lambda r: (r.fraction, -r.elapsed_ms, r.position)):
            if r.fraction < 1.0 and all(w.question_id != r.question_id for w in weak):
                weak.append(r)
        return Summary(
            session_id=self.session_id,
            status=status,
            total=self.total,
            answered=sum(r.outcome is Outcome.ANSWERED for r in recs),
            skipped=sum(r.outcome is Outcome.SKIPPED for r in recs),
            correct=sum(r.correct for r in recs),
            score=sum(r.score for r in recs),
            max_score=sum(r.max_score for r in recs),
            seconds=sum(r.elapsed_ms for r in recs) / 1000.0,
            by_type=tuple(by_type),
            weakest=tuple(weak[:weakest]),
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


def make_scorer(grader: GraderSlot | None = None) -> Scorer:
    """Scores every type with `quizgen.scoring.score_response`, short answers with the grader."""

    def score(item: Item, response: Response) -> Judgement:
        if item.type is ItemType.SHORT:
            g = grader.get() if grader is not None else None
            if g is None:
                raise SessionError("no grader for short answers", hint="run the quiz with a grader")
            r = g.grade_item(item, str(response))
            frac = float(r.score) / float(r.max_score) if r.max_score else 0.0
            return Judgement(
                fraction=frac,
                correct=frac >= SHORT_PASS,
                expected=format_answer(item),
                detail=str(getattr(r, "reason", "") or ""),
                matched=tuple(str(m) for m in getattr(r, "matched", ()) or ()),
                missed=tuple(str(m) for m in getattr(r, "missed", ()) or ()),
                needs_review=bool(getattr(r, "needs_review", False)),
            )
        from quizgen.scoring import score_response

        s = score_response(item, response)
        expected = s.expected if isinstance(s.expected, str) and s.expected else format_answer(item)
        return Judgement(
            fraction=float(s.fraction), correct=bool(s.correct), expected=expected, detail=str(s.detail or "")
        )

    return score
