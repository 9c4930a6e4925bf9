"""A damaged progress store: a clean error from every command that meets the damage, `quizgen
doctor` says so, `quizgen doctor --repair` moves it aside and recovers every readable row
(quizgen.recovery, quizgen/ui/doctor_cmd.py). Also: killed sessions read as interrupted, and a
schema-1 store is upgraded in place."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizgen.cli import app
from quizgen.items import save_items
from quizgen.recovery import check_store, repair_store
from quizgen.session import Judgement, Outcome, QuizRun, Rating, Status, Store, store_path
from tests.test_quiz_cli import ITEMS

runner = CliRunner()
DAMAGED = (
    "the progress store is damaged (database disk image is malformed)\n"
    "  Hint: `quizgen doctor --repair` copies the file aside and recovers what it can\n"
)


def _fill_store(sessions: int = 3) -> None:
    """Sessions of all six items answered, each answer's raw text a findable marker."""
    with Store() as store:
        for _s in range(sessions):
            sid = store.create_session(ITEMS, bank_path="cnn.yaml", bank_title="卷积")
            for pos, it in enumerate(ITEMS):
                store.record_answer(
                    sid,
                    pos,
                    it,
                    outcome=Outcome.ANSWERED,
                    judgement=Judgement(1.0, True, "x", detail="d" * 300),
                    response="x",
                    raw=f"marker-{sid}-{pos}",
                )
            store.set_status(sid, Status.FINISHED)


def _page_size(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[16:18], "big")


def _smash_page(path: Path, page: int) -> None:
    """Overwrite page `page` (1-based) with garbage, as a bad disk sector would."""
    size = _page_size(path)
    with open(path, "r+b") as f:
        f.seek((page - 1) * size)
        f.write(b"\xa5" * size)


def _root_page(path: Path, table: str) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0])
    finally:
        db.close()


def _page_holding(path: Path, marker: str) -> int:
    data, size = path.read_bytes(), _page_size(path)
    return data.index(marker.encode()) // size + 1


@pytest.fixture
def items_file(tmp_path: Path) -> Path:
    p = tmp_path / "cnn.items.yaml"
    save_items(ITEMS, p)
    return p


@pytest.mark.parametrize(
    ("table", "args"),
    [
        ("sessions", ["history"]),
        ("sessions", ["resume"]),
        ("sessions", ["quiz", "ITEMS"]),
        ("cards", ["review", "ITEMS"]),
        ("answers", ["stats", "ITEMS"]),
        ("answers", ["history", "--json"]),
    ],
)
def test_each_command_meeting_a_damaged_page_gives_a_clean_error(
    items_file: Path, table: str, args: list[str]
) -> None:
    _fill_store()
    _smash_page(store_path(), _root_page(store_path(), table))
    args = [str(items_file) if a == "ITEMS" else a for a in args]
    r = runner.invoke(app, args, input="q\n")
    assert r.exit_code == 1, r.output
    assert r.stderr == f"Error: {store_path()}: {DAMAGED}"
    assert "Traceback" not in r.output


def test_a_truncated_store_gives_the_same_error(items_file: Path) -> None:
    _fill_store()
    data = store_path().read_bytes()
    store_path().write_bytes(data[:60])
    for args in (["history"], ["stats", str(items_file)], ["quiz", str(items_file)]):
        r = runner.invoke(app, args, input="q\n")
        assert r.exit_code == 1
        assert r.stderr.startswith(f"Error: {store_path()}: the progress store is damaged (")
        assert "`quizgen doctor --repair`" in r.stderr


def test_doctor_repair_recovers_every_row_but_those_on_the_bad_page(items_file: Path) -> None:
    _fill_store(sessions=6)
    path = store_path()
    bad = _page_holding(path, "marker-4-2")
    assert bad != _root_page(path, "answers")  # a leaf of the answers table
    _smash_page(path, bad)
    assert runner.invoke(app, ["history"]).exit_code == 1

    r = runner.invoke(app, ["doctor"])
    assert r.exit_code == 1
    assert "integrity: damaged" in r.stdout
    assert r.stderr.startswith(
        f"Error: {path}: the progress store is damaged\n  Hint: `quizgen doctor --repair`"
    )

    before = path.read_bytes()
    r = runner.invoke(app, ["doctor", "--repair"])
    assert r.exit_code == 0, r.output
    (aside,) = path.parent.glob("progress.sqlite3.damaged-*")
    assert aside.read_bytes() == before  # nothing lost: the damaged file is kept as it was
    assert f"Moved the damaged store to {aside}" in r.stdout
    assert "sessions: 6 rows recovered" in r.stdout and "cards: 6 rows recovered" in r.stdout
    db = sqlite3.connect(path)
    raws = {row[0] for row in db.execute("SELECT raw FROM answers")}
    lost = {f"marker-{s}-{p}" for s in range(1, 7) for p in range(6)} - raws
    assert "marker-4-2" in lost and 0 < len(lost) <= 12  # the rows of one page, no more
    assert f"answers: {36 - len(lost)} rows recovered · {len(lost)} unreadable" in r.stdout
    assert check_store().ok
    # the store works again: history, stats and a new quiz
    r = runner.invoke(app, ["history", "--json"])
    assert r.exit_code == 0 and len(json.loads(r.stdout)) == 6
    assert runner.invoke(app, ["stats", str(items_file)]).exit_code == 0
    r = runner.invoke(app, ["quiz", str(items_file), "-n", "1"], input="C\n")
    assert r.exit_code == 0 and "session 7" in r.stdout


def test_repair_of_an_unreadable_file_keeps_it_and_starts_afresh() -> None:
    _fill_store()
    store_path().write_bytes(b"\x00garbage" * 500)
    rec = repair_store()
    assert rec.damaged_copy.read_bytes() == b"\x00garbage" * 500
    assert rec.recovered == {"sessions": 0, "session_items": 0, "answers": 0, "cards": 0}
    assert set(rec.unreadable.values()) == {None} and not rec.complete
    assert check_store().ok and check_store().rows["sessions"] == 0


def test_repair_refuses_while_a_quiz_runs() -> None:
    with Store() as store:
        store.create_session(ITEMS)  # this process now runs it
        with pytest.raises(Exception, match=r"a quiz is running on the progress store \(process \d+\)"):
            repair_store()


def test_doctor_on_a_healthy_or_missing_store() -> None:
    r = runner.invoke(app, ["doctor"])
    assert r.exit_code == 0
    assert "not created yet (the first quiz creates it)" in r.stdout
    _fill_store(1)
    r = runner.invoke(app, ["doctor", "--json"])
    report = json.loads(r.stdout)
    assert report["store"]["ok"] and report["store"]["rows"] == {
        "sessions": 1,
        "session_items": 6,
        "answers": 6,
        "cards": 6,
    }
    r = runner.invoke(app, ["doctor", "--lang", "zh"])
    assert "完整性：正常" in r.stdout and "学习记录" in r.stdout


# ---------------------------------------------------------------------------- killed sessions


def test_a_session_whose_process_died_reads_as_interrupted() -> None:
    running = Store()
    sid = running.create_session(ITEMS, bank_title="卷积")
    QuizRun(running, sid, lambda it, r: Judgement(1.0, True)).answer(0, ("C",))
    with Store() as other:  # another terminal looks at history
        (info,) = other.sessions()
        assert info.status is Status.ACTIVE and info.runner_pid is not None
        assert other.latest_resumable() is None  # not while it runs elsewhere
    running.release()  # what the OS does to a killed process's lock
    with Store() as other:
        (info,) = other.sessions()
        assert info.status is Status.INTERRUPTED and info.runner_pid is None
        assert other.latest_resumable() == info
    row = sqlite3.connect(store_path()).execute("SELECT status FROM sessions").fetchone()
    assert row == ("active",)  # reading history writes nothing
    running.close()


def test_history_shows_a_killed_session_as_interrupted(items_file: Path) -> None:
    store = Store()
    store.create_session(ITEMS, bank_path=str(items_file), bank_title="cnn.items")
    store.record_answer(1, 0, ITEMS[0], outcome=Outcome.ANSWERED, judgement=Judgement(1.0, True))
    store.release()
    r = runner.invoke(app, ["history"], env={"COLUMNS": "100"})
    assert "interrupted" in r.stdout and "active" not in r.stdout
    assert json.loads(runner.invoke(app, ["history", "--json"]).stdout)[0]["status"] == "interrupted"
    store.close()


def test_resuming_a_session_running_in_another_terminal_is_refused(items_file: Path) -> None:
    store = Store()
    sid = store.create_session(ITEMS, bank_path=str(items_file), bank_title="cnn.items")
    r = runner.invoke(app, ["resume", str(sid)])
    assert r.exit_code == 2
    assert f"Error: session {sid} is running in another terminal (process " in r.stderr
    store.close()


# ---------------------------------------------------------------------------- schema upgrade

V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE sessions (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, bank_path TEXT NOT NULL,
    bank_title TEXT NOT NULL, started_at REAL NOT NULL, ended_at REAL, status TEXT NOT NULL, seed INTEGER,
    options TEXT NOT NULL, n_items INTEGER NOT NULL);
CREATE TABLE session_items (session_id INTEGER NOT NULL REFERENCES sessions(id), position INTEGER NOT NULL,
    item_id TEXT NOT NULL, question_id TEXT NOT NULL, type TEXT NOT NULL, item_json TEXT NOT NULL,
    PRIMARY KEY (session_id, position));
CREATE TABLE answers (id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    position INTEGER NOT NULL, item_id TEXT NOT NULL, question_id TEXT NOT NULL, type TEXT NOT NULL,
    outcome TEXT NOT NULL, response TEXT, raw TEXT NOT NULL, fraction REAL NOT NULL, score REAL NOT NULL,
    max_score REAL NOT NULL, correct INTEGER NOT NULL, hinted INTEGER NOT NULL, elapsed_ms INTEGER NOT NULL,
    answered_at REAL NOT NULL, detail TEXT NOT NULL, UNIQUE (session_id, position));
CREATE TABLE cards (item_id TEXT PRIMARY KEY, question_id TEXT NOT NULL, type TEXT NOT NULL,
    item_json TEXT NOT NULL, card_json TEXT NOT NULL, due REAL NOT NULL, reps INTEGER NOT NULL,
    lapses INTEGER NOT NULL, wrong_count INTEGER NOT NULL, last_correct INTEGER, updated_at REAL NOT NULL);
INSERT INTO sessions VALUES (1, 'quiz', 'b.yaml', '卷积', 1700000000, NULL, 'active', 7, '{}', 2);
INSERT INTO answers VALUES (1, 1, 0, 'c1', 'q1', 'choice', 'answered', '["C"]', 'c', 1.0, 1.0, 1.0, 1, 1, 900,
    1700000001, '{"expected": "C", "detail": "right", "matched": [], "missed": [], "needs_review": false}');
"""


def test_a_schema_1_store_is_upgraded_in_place() -> None:
    store_path().parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(store_path())
    db.executescript(V1_SCHEMA)
    db.close()
    with Store() as store:
        (rec,) = store.answers()
        assert (rec.hints, rec.rating, rec.self_rated, rec.parts) == (1, Rating.HARD, False, ())
        (info,) = store.sessions()
        assert info.status is Status.INTERRUPTED  # active, with nobody running it
        QuizRun(store, 1, lambda it, r: Judgement(0.0, False), items=ITEMS[:2]).rate(0, Rating.GOOD)
    db = sqlite3.connect(store_path())
    assert db.execute("SELECT value FROM meta").fetchone() == ("2",)
    assert db.execute("SELECT rating, self_rated FROM answers").fetchone() == (3, 1)
