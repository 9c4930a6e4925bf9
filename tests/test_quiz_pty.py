"""`quizgen quiz` in a real pseudo-terminal: kill -9 loses nothing answered, Ctrl-C exits 130
with the summary, a time limit stops the quiz, NO_COLOR is honoured."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import sys
from pathlib import Path

import pexpect
import pytest

from quizgen.items import save_items
from quizgen.session import store_path
from tests.test_quiz_cli import ITEMS

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")]

COLOR_CODE = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-8]|9[0-7]|4[0-8])(?:;\d+)*m")


@pytest.fixture
def items_file(tmp_path: Path) -> Path:
    p = tmp_path / "cnn.items.yaml"
    save_items(ITEMS, p)
    return p


def spawn(*args: str) -> pexpect.spawn:
    env = dict(os.environ)
    env.update({"NO_COLOR": "1", "COLUMNS": "80", "LINES": "40", "TERM": "xterm-256color"})
    child = pexpect.spawn(
        sys.executable,
        ["-m", "quizgen", *args],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 80),
    )
    return child


def answer(child: pexpect.spawn, text: str, feedback: str) -> None:
    child.expect_exact("> ")
    child.sendline(text)
    child.expect_exact(feedback)


def rows(sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(store_path())
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_kill_9_mid_quiz_loses_nothing_answered(items_file: Path) -> None:
    child = spawn("quiz", str(items_file), "--embedder", "none")
    child.expect_exact("1/6 · 单选 choice")
    answer(child, "c", "✓ Right")
    child.expect_exact("2/6 · 多选 multi")
    answer(child, "A B", "Partly right")
    child.expect_exact("3/6 · 排序 order")
    child.expect_exact("> ")
    child.kill(signal.SIGKILL)
    child.wait()
    assert child.signalstatus == signal.SIGKILL
    assert rows("SELECT item_id, response, correct FROM answers ORDER BY id") == [
        ("c1", '["C"]', 1),
        ("m1", '["A", "B"]', 0),
    ]
    assert rows("SELECT status, ended_at FROM sessions") == [("active", None)]
    # the killed session is the one `quizgen resume` picks up
    child = spawn("resume")
    child.expect_exact("4 items from")  # "Resuming: 4 items from cnn.items …", styled in parts
    child.expect_exact(" · session 1 · 2 done")
    child.expect_exact("3/6 · 排序 order")
    child.expect_exact("> ")
    child.sendline("q")
    child.expect_exact("2 answered, 0 skipped, 4 not reached")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_ctrl_c_prints_the_summary_and_exits_130(items_file: Path) -> None:
    child = spawn("quiz", str(items_file))
    child.expect_exact("1/6 · 单选 choice")
    answer(child, "C", "✓ Right")
    child.expect_exact("2/6 · 多选 multi")
    child.expect_exact("> ")
    child.sendintr()
    child.expect_exact("Summary · session 1")
    child.expect_exact("1 answered, 0 skipped, 5 not reached")
    child.expect_exact("Interrupted: answers are saved.")
    child.expect(pexpect.EOF)
    transcript = child.before or ""
    child.close()
    assert child.exitstatus == 130
    assert rows("SELECT item_id FROM answers") == [("c1",)]
    assert rows("SELECT status FROM sessions") == [("interrupted",)]
    assert not COLOR_CODE.search(transcript)


def test_time_limit_stops_a_waiting_quiz(items_file: Path) -> None:
    child = spawn("quiz", str(items_file), "--time-limit", "0.02")
    child.expect_exact("1/6 · 单选 choice")
    child.expect_exact("0:01 left")
    child.expect_exact("Time is up.")
    child.expect_exact("Summary · session 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert rows("SELECT status FROM sessions") == [("timeout",)]
