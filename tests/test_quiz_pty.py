"""`quizgen quiz` in a real pseudo-terminal (80x24): every item type in English and Chinese with
hints, the pause after feedback, folding, the student's own verdict and the summary; kill -9
loses nothing answered and shows as interrupted; Ctrl-C exits 130 with the summary; Ctrl-D
ends on a fresh line; a time limit stops the quiz; NO_COLOR is honoured."""

from __future__ import annotations

import io
import os
import re
import signal
import sqlite3
import sys
from pathlib import Path

import pexpect
import pytest

from quizgen.items import Item, ItemSource, ItemType, save_items
from quizgen.session import store_path
from tests.test_i18n import english_words
from tests.test_quiz_cli import ITEMS

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")]

COLOR_CODE = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-8]|9[0-7]|4[0-8])(?:;\d+)*m")
ESCAPES = re.compile(r"\x1b(?:\[[0-9;?]*[A-Za-z]|[=>])")
LONG_EXPLANATION = "\n".join(f"{k}. 卷积神经网络的第 {k} 个要点说明，逐条列出。" for k in range(1, 31))
LONG_SHORT = Item(
    id="s2",
    type=ItemType.SHORT,
    question_id="q5",
    stem="简述卷积神经网络的组成。",
    answer=("卷积层提取特征，池化层降维，全连接层分类。",),
    key_points=("卷积层", "池化层", "全连接层"),
    explanation=LONG_EXPLANATION,
    points=5,
    source=ItemSource(5),
)


@pytest.fixture
def items_file(tmp_path: Path) -> Path:
    p = tmp_path / "cnn.items.yaml"
    save_items(ITEMS, p)
    return p


def spawn(*args: str, rows: int = 24, cols: int = 80) -> pexpect.spawn:
    env = dict(os.environ)
    env.update({"NO_COLOR": "1", "COLUMNS": str(cols), "LINES": str(rows), "TERM": "xterm-256color"})
    child = pexpect.spawn(
        sys.executable,
        ["-m", "quizgen", *args],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(rows, cols),
    )
    child.logfile_read = io.StringIO()
    return child


def transcript(child: pexpect.spawn) -> str:
    return ESCAPES.sub("", child.logfile_read.getvalue()).replace("\r", "")


def see(child: pexpect.spawn, text: str) -> None:
    """Wait for `text` on screen, styles (bold, dim: NO_COLOR keeps them) in between allowed."""
    style = r"(?:\x1b\[[0-9;]*m)*"
    child.expect(style.join(re.escape(ch) for ch in text))


def answer(child: pexpect.spawn, text: str, feedback: str) -> None:
    child.expect_exact("> ")
    child.sendline(text)
    see(child, feedback)


def rows(sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(store_path())
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


# What each language says, for the walk through every item type.
WORDS = {
    "en": {
        "choice": "single choice",
        "hint1": "Hint 1/2: It is not A.",
        "hint2": "Hint 2/2: It is none of A, D.",
        "right": "✓ Right  (2 hints used)",
        "pause": "Enter next · o your own verdict · q quit",
        "ratings": "1 Again 10m · 2 Hard 15m · 3 Good 2d · 4 Easy 8d · Enter keep Again",
        "easy": "Your verdict: Easy (right, easy) · back in 8d",
        "missed": "○ D. 全连接层  (missed)",
        "should": "✗ 2. 池化层 → A. 分类  should be B. 降维",
        "typo": "wrong character(s): 卷积神经网 → 卷积神经网络",
        "fold": "more lines: e shows them",
        "good": "Your verdict: Good (right)",
        "summary": "Summary · session 1",
        "plan": "Study these first:",
        "review": "Review: quizgen review",
    },
    "zh": {
        "choice": "单选题",
        "hint1": "提示 1/2：不是 A。",
        "hint2": "提示 2/2：不是 A、D。",
        "right": "✓ 答对  （用了 2 个提示）",
        "pause": "回车 下一题 · o 自己评价 · q 退出",
        "ratings": "1 重来 10分钟 · 2 困难 15分钟 · 3 良好 2天 · 4 简单 8天 · 回车 保持重来",
        "easy": "你的评价：简单（答对，很容易） · 8天后再复习",
        "missed": "○ D. 全连接层  （漏选）",
        "should": "✗ 2. 池化层 → A. 分类  应为 B. 降维",
        "typo": "错别字：卷积神经网 → 卷积神经网络",
        "fold": "行：按 e 展开",
        "good": "你的评价：良好（答对）",
        "summary": "小结 · 第 1 次练习",
        "plan": "优先复习：",
        "review": "复习：quizgen review",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_item_type_with_hints_pause_fold_verdict_and_summary(tmp_path: Path, lang: str) -> None:
    p = tmp_path / "cnn.items.yaml"
    save_items([*ITEMS, LONG_SHORT], p)
    w = WORDS[lang]
    child = spawn("quiz", str(p), "--embedder", "none", "--lang", lang)
    see(child, f"1/7 · {w['choice']}")
    # choice: two hints, each more specific, then the pause with the student's own verdict
    answer(child, "h", w["hint1"])
    answer(child, "h", w["hint2"])
    answer(child, "c", w["right"])
    see(child, w["pause"])
    child.send("o")
    see(child, w["ratings"])
    child.send("4")
    see(child, w["easy"])
    # multi: marks per option; the next item waits for a key
    answer(child, "A B", w["missed"])
    see(child, w["pause"])
    child.send("\r")
    # order, right
    answer(child, "BADC", "✓")
    child.send(" ")
    # match: marks per pair
    answer(child, "1C 2A 3B", w["should"])
    child.send("\r")
    # tf, wrong
    answer(child, "对", "✗")
    child.send("\r")
    # fill: a 错别字 earns half in practice scoring
    answer(child, "卷积神经网", w["typo"])
    child.send("\r")
    # short: a long explanation folded behind e; the verdict Good
    answer(child, "卷积层提取特征，池化层降维", w["fold"])
    child.send("e")
    see(child, "30. 卷积神经网络的第 30 个要点说明，逐条列出。")
    child.send("3")
    see(child, w["good"])
    see(child, w["summary"])
    see(child, w["plan"])
    see(child, w["review"])
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    screen = transcript(child)
    assert not COLOR_CODE.search(screen)
    # the folded explanation: its 30th line only after e
    assert screen.index(w["fold"]) < screen.index("30. 卷积神经网络的第 30 个要点")
    if lang == "zh":
        assert english_words(screen) == [], english_words(screen)
    assert rows("SELECT item_id, hints, rating, self_rated FROM answers WHERE self_rated = 1") == [
        ("c1", 2, 4, 1),
        ("s2", 0, 3, 1),
    ]


def test_kill_9_mid_quiz_loses_nothing_answered_and_shows_as_interrupted(items_file: Path) -> None:
    child = spawn("quiz", str(items_file), "--embedder", "none")
    see(child, "1/6 · single choice")
    answer(child, "c", "✓ Right")
    child.send("\r")
    see(child, "2/6 · multiple choice")
    answer(child, "A B", "Partly right")
    child.send("\r")
    see(child, "3/6 · ordering")
    child.expect_exact("> ")
    child.kill(signal.SIGKILL)
    child.wait()
    assert child.signalstatus == signal.SIGKILL
    assert rows("SELECT item_id, response, correct FROM answers ORDER BY id") == [
        ("c1", '["C"]', 1),
        ("m1", '["A", "B"]', 0),
    ]
    assert rows("SELECT status, ended_at FROM sessions") == [("active", None)]
    # history says what happened to it
    child = spawn("history", cols=100)
    child.expect(pexpect.EOF)
    assert re.search(r"2/6 .* interrupted", transcript(child)) and "active" not in transcript(child)
    # the killed session is the one `quizgen resume` picks up
    child = spawn("resume")
    see(child, "4 items from cnn.items · session 1 · 2 done")
    see(child, "3/6 · ordering")
    child.expect_exact("> ")
    child.sendline("q")
    see(child, "2 answered, 0 skipped, 4 not reached")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_ctrl_c_prints_the_summary_and_exits_130(items_file: Path) -> None:
    child = spawn("quiz", str(items_file))
    see(child, "1/6 · single choice")
    answer(child, "C", "✓ Right")
    child.send("\r")
    see(child, "2/6 · multiple choice")
    child.expect_exact("> ")
    child.sendintr()
    see(child, "Summary · session 1")
    see(child, "1 answered, 0 skipped, 5 not reached")
    see(child, "Interrupted: answers are saved.")
    child.expect(pexpect.EOF)
    screen = transcript(child)
    child.close()
    assert child.exitstatus == 130
    assert rows("SELECT item_id FROM answers") == [("c1",)]
    assert rows("SELECT status FROM sessions") == [("interrupted",)]
    assert not COLOR_CODE.search(screen)


def test_ctrl_c_at_the_pause_keeps_the_answer(items_file: Path) -> None:
    child = spawn("quiz", str(items_file))
    answer(child, "C", "✓ Right")
    see(child, "Enter next")
    child.sendintr()
    see(child, "1 answered, 0 skipped, 5 not reached")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    # and the terminal is back to normal: Ctrl-C did not leave it in single-key mode
    assert rows("SELECT status FROM sessions") == [("interrupted",)]


def test_ctrl_d_ends_the_quiz_on_a_fresh_line(items_file: Path) -> None:
    child = spawn("quiz", str(items_file), "--lang", "zh")
    child.expect_exact("> ")
    child.sendeof()
    see(child, "还没有作答：剩下 6 题。")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    prompt_line = next(ln for ln in transcript(child).splitlines() if ln.startswith(">"))
    assert prompt_line.strip() == ">"  # the summary starts on the next line, not after the prompt


def test_q_at_the_pause_quits_after_the_answer(items_file: Path) -> None:
    child = spawn("quiz", str(items_file))
    answer(child, "C", "✓ Right")
    see(child, "q quit")
    child.send("q")
    see(child, "1 answered, 0 skipped, 5 not reached")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert rows("SELECT status FROM sessions") == [("quit",)]


def test_a_skip_pauses_without_the_verdict_key(items_file: Path) -> None:
    child = spawn("quiz", str(items_file))
    answer(child, "s", "→ Skipped")
    see(child, "Enter next · q quit")
    child.send("q")
    child.expect(pexpect.EOF)
    assert "your own verdict" not in transcript(child)


def test_no_pause_goes_straight_on(items_file: Path) -> None:
    child = spawn("quiz", str(items_file), "--no-pause")
    answer(child, "C", "✓ Right")
    see(child, "2/6 · multiple choice")  # no key needed
    child.expect_exact("> ")
    child.sendline("q")
    child.expect(pexpect.EOF)
    assert "Enter next" not in transcript(child)


def test_time_limit_stops_a_waiting_quiz(items_file: Path) -> None:
    child = spawn("quiz", str(items_file), "--time-limit", "0.02")
    see(child, "1/6 · single choice")
    see(child, "0:01 left")
    see(child, "Time is up.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert rows("SELECT status FROM sessions") == [("timeout",)]


def test_a_narrow_terminal_breaks_no_word_in_the_header_or_footer(items_file: Path) -> None:
    child = spawn("quiz", str(items_file), "--lang", "en", cols=36)
    child.expect_exact("> ")
    child.sendline("q")
    child.expect(pexpect.EOF)
    lines = transcript(child).splitlines()
    footer = " ".join(ln.strip("│ ") for ln in lines if "·" in ln and not ln.startswith("Quiz"))
    for piece in ("? help", "h hint", "s skip", "q quit", "Answer like: B"):
        assert piece in footer, lines
    assert "1/6 · single choice" in transcript(child)
