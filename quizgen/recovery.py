"""Checking the progress store and recovering what SQLite can read from a damaged one
(`quizgen doctor`, `quizgen doctor --repair`).

A repair never deletes anything: the damaged file (with its ``-wal`` and ``-shm``) is moved
aside as ``progress.sqlite3.damaged-YYYYmmdd-HHMMSS`` and a new store is built from every row
that can still be read. Rows are read table by table; where a whole-table read meets a damaged
page, the table is read again in rowid ranges, halving a range that fails until the damaged
rows are isolated, so one bad page costs the rows on it and no others.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quizgen.errors import SessionError
from quizgen.i18n import _
from quizgen.session import Store, runner_alive, store_path

# Tables and columns a repair carries over, in an order that keeps references valid.
TABLES = ("sessions", "session_items", "answers", "cards")
# Failed reads allowed per table before giving up on the rest of it (a damaged root page
# makes every range fail).
MAX_FAILED_READS = 5000
_NO_ROWID_BOUND = 1 << 24


@dataclass(frozen=True)
class StoreCheck:
    path: Path
    exists: bool
    size: int = 0
    ok: bool = True
    problems: tuple[str, ...] = ()
    schema_version: int | None = None
    rows: dict[str, int] = field(default_factory=dict)
    running: tuple[int, ...] = ()  # pids of quizzes running on it now


@dataclass(frozen=True)
class Recovery:
    damaged_copy: Path  # the damaged store, moved aside
    recovered: dict[str, int]  # rows carried over, per table
    unreadable: dict[str, int | None]  # rows known lost per table; None: the table was unreadable
    complete: bool  # every row was read


def _running(path: Path) -> tuple[int, ...]:
    folder = path.parent / "running"
    if not folder.is_dir():
        return ()
    pids = []
    for lock in sorted(folder.glob("*.lock")):
        token = lock.stem
        if runner_alive(folder, token):
            pids.append(int(token.split("-")[0]))
    return tuple(pids)


@contextmanager
def _open(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(str(path), timeout=10.0, isolation_level=None)) as db:
        yield db


def check_store(path: Path | None = None) -> StoreCheck:
    """What SQLite's integrity check says about the store, and how many rows it holds."""
    p = path or store_path()
    if not p.exists():
        return StoreCheck(p, exists=False)
    size = p.stat().st_size
    problems: list[str] = []
    version: int | None = None
    rows: dict[str, int] = {}
    try:
        with _open(p) as db:

            def ask(sql: str) -> list[Any] | None:
                try:
                    return db.execute(sql).fetchall()
                except sqlite3.DatabaseError as e:
                    problems.append(str(e))
                    return None

            found = ask("PRAGMA integrity_check(20)")
            if found is not None and [r[0] for r in found] != ["ok"]:
                problems.extend(r[0] for r in found)
            meta = ask("SELECT value FROM meta WHERE key = 'schema_version'")
            version = int(meta[0][0]) if meta else None
            for t in TABLES:
                counted = ask(f"SELECT COUNT(*) FROM {t}")
                if counted is not None:
                    rows[t] = int(counted[0][0])
    except (sqlite3.DatabaseError, ValueError) as e:
        problems.append(str(e))
    return StoreCheck(
        p,
        exists=True,
        size=size,
        ok=not problems,
        problems=tuple(dict.fromkeys(problems)),
        schema_version=version,
        rows=rows,
        running=_running(p),
    )


def _columns(db: sqlite3.Connection, table: str, wanted: list[str]) -> list[str]:
    """The columns of `table` in the damaged store that the new one has too."""
    try:
        have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
    except sqlite3.DatabaseError:
        return []
    return [c for c in wanted if c in have]


def _upper_rowid(db: sqlite3.Connection, table: str) -> int:
    for sql, args in (
        (f"SELECT max(rowid) FROM {table}", ()),
        ("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)),
    ):
        try:
            row = db.execute(sql, args).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row and row[0] is not None:
            return int(row[0])
    return _NO_ROWID_BOUND


def _read_rows(
    db: sqlite3.Connection, table: str, cols: list[str]
) -> tuple[list[tuple[Any, ...]], int | None]:
    """(rows, rows known unreadable) of `table`: the whole table if it reads, else by rowid
    ranges. Unreadable is None when not even the table's definition can be read."""
    select = f"SELECT rowid, {', '.join(cols)} FROM {table}"
    try:
        db.execute(select + " LIMIT 0").fetchall()
    except sqlite3.DatabaseError:
        return [], None
    try:
        return db.execute(select).fetchall(), 0
    except sqlite3.DatabaseError:
        pass
    rows: list[tuple[Any, ...]] = []
    lost = failed = 0
    ranges = [(1, _upper_rowid(db, table))]
    while ranges and failed < MAX_FAILED_READS:
        lo, hi = ranges.pop()
        try:
            rows.extend(db.execute(select + " WHERE rowid BETWEEN ? AND ?", (lo, hi)).fetchall())
        except sqlite3.DatabaseError:
            failed += 1
            if lo == hi:
                lost += 1
            else:
                mid = (lo + hi) // 2
                ranges += [(mid + 1, hi), (lo, mid)]
    lost += len(ranges)  # ranges left unread when giving up: at least a row each
    rows.sort(key=lambda r: r[0])
    return rows, lost


def _aside_name(path: Path, now: float) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    candidate = path.with_name(f"{path.name}.damaged-{stamp}")
    k = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.damaged-{stamp}-{k}")
        k += 1
    return candidate


def repair_store(path: Path | None = None, *, now: float | None = None) -> Recovery:
    """Move the store aside and build a new one from every row SQLite can read in it.

    Raises `SessionError` when a quiz is running on the store or there is no store."""
    p = path or store_path()
    if not p.exists():
        raise SessionError(_("there is no progress store to repair"), where=str(p))
    running = _running(p)
    if running:
        raise SessionError(
            _("a quiz is running on the progress store (process {pids})").format(
                pids=", ".join(map(str, running))
            ),
            where=str(p),
            hint=_("finish or quit it, then repair"),
        )
    now = time.time() if now is None else now
    fresh = p.with_name(f".{p.name}.repair-{os.getpid()}")
    for leftover in (fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm")):
        leftover.unlink(missing_ok=True)
    recovered: dict[str, int] = {}
    unreadable: dict[str, int | None] = {}
    with Store(fresh) as new:
        with _open(p) as old:
            for t in TABLES:
                cols = _columns(old, t, new.columns(t))
                rows, lost = _read_rows(old, t, cols) if cols else ([], None)
                new.copy_rows(t, cols, rows)
                recovered[t], unreadable[t] = len(rows), lost
        new.end_active_sessions()
    complete = all(v == 0 for v in unreadable.values())
    aside = _aside_name(p, now)
    for suffix in ("-wal", "-shm"):
        extra = Path(f"{p}{suffix}")
        if extra.exists():
            os.replace(extra, Path(f"{aside}{suffix}"))
    os.replace(p, aside)
    os.replace(fresh, p)
    return Recovery(aside, recovered, unreadable, complete)
