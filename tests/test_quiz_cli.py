"""Transcript tests of `quizgen quiz / review / resume / history / stats` (answers piped in)."""

from __future__ import annotations

import io
import json
import random
import re
import sqlite3
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner, Result

from quizgen.cli import app
from quizgen.items import LETTERS, Item, ItemSource, ItemType, loads_items, save_items
from quizgen.session import store_path
from quizgen.ui.quiz_cmd import _review_items

runner = CliRunner()

ITEMS = [
    Item(
        id="c1",
        type=ItemType.CHOICE,
        question_id="q1",
        stem="[red]x[/red] 卷积神经网络的主要特点不包括？",
        options=("局部感知", "平移不变性", "[b]全连接[/b]", "共享权重"),
        answer=("C",),
        explanation="CNN 使用局部连接，[i]不是[/i]全连接。",
        source=ItemSource(1, "解析"),
    ),
    Item(
        id="m1",
        type=ItemType.MULTI,
        question_id="q1",
        stem="以下哪些是 CNN 的层？",
        options=("卷积层", "池化层", "注意力层", "全连接层"),
        answer=("A", "B", "D"),
        source=ItemSource(1),
    ),
    Item(
        id="o1",
        type=ItemType.ORDER,
        question_id="q2",
        stem="排列图像识别的步骤",
        options=("特征提取", "数据预处理", "分类", "特征融合"),
        answer=("B", "A", "D", "C"),
        source=ItemSource(2),
    ),
    Item(
        id="x1",
        type=ItemType.MATCH,
        question_id="q2",
        stem="将术语与描述配对",
        left=("卷积层", "池化层", "全连接层"),
        options=("分类", "降维", "提取局部特征"),
        answer=("C", "B", "A"),
        source=ItemSource(2),
    ),
    Item(
        id="t1",
        type=ItemType.TF,
        question_id="q3",
        stem="池化层会增加特征维度。",
        answer=("错",),
        explanation="池化降低特征维度。",
        source=ItemSource(3, "解析"),
    ),
    Item(
        id="f1",
        type=ItemType.FILL,
        question_id="q3",
        stem="____ 是一种专门处理网格结构数据的深度学习模型。",
        answer=("卷积神经网络",),
        accept=("卷积神经网络", "CNN"),
        source=ItemSource(3),
    ),
]


@pytest.fixture
def items_file(tmp_path: Path) -> Path:
    p = tmp_path / "cnn.items.yaml"
    save_items(ITEMS, p)
    return p


def quiz(*args: str, input: str = "", env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, list(args), input=input, env=env)


def answers_in_store() -> list[tuple[str, str, int]]:
    db = sqlite3.connect(store_path())
    return db.execute("SELECT item_id, outcome, correct FROM answers ORDER BY id").fetchall()


def test_full_transcript_feedback_partial_credit_and_summary(items_file: Path) -> None:
    r = quiz("quiz", str(items_file), "--embedder", "none", input="c\nA B\n2 1 4 3\n1C 2B 3A\nf\nCNN\n")
    assert r.exit_code == 0, r.output
    out = r.output
    assert "Quiz: 6 items from cnn.items · session 1" in out
    assert "1/6 · single choice" in out and "6/6 · fill in the blank" in out
    # bank text is never markup
    assert "[red]x[/red] 卷积神经网络的主要特点不包括？" in out
    assert "C. [b]全连接[/b]" in out
    assert "Explanation: CNN 使用局部连接，[i]不是[/i]全连接。" in out
    # multi: two of three right is partial credit, marked per option
    assert (
        "◐ Partly right: 0.67/1 (67%)\n✓ A. 卷积层\n✓ B. 池化层\n○ D. 全连接层  (missed)\nAnswer: A B D\n"
        in out
    )
    # match: per pair
    assert "✗ 2. 池化层 → C. 提取局部特征  should be B. 降维" not in out
    assert "✓ Right" in out
    assert "Answer: 卷积神经网络  (also: CNN)" in out
    assert "Summary · session 1" in out
    assert re.search(r"Total\s+│\s+6 │\s+5 │\s+0 │", out), out
    assert "6 answered, 0 skipped" in out
    assert "Study these first:\n1. question 1" in out
    assert len(answers_in_store()) == 6


def test_unreadable_input_is_asked_again_not_counted(items_file: Path) -> None:
    r = quiz("quiz", str(items_file), "-n", "1", input="zz\nE\n\nC\n")
    assert r.exit_code == 0, r.output
    assert "Cannot read that: 'z' is not one of the options A-D. Example: B" in r.output
    assert "Cannot read that: 'E' is not one of the options A-D. Example: B" in r.output
    assert "Cannot read that: empty answer (type s to skip, ? for help). Example: B" in r.output
    assert answers_in_store() == [("c1", "answered", 1)]


def test_help_hint_skip_and_quit(items_file: Path) -> None:
    r = quiz("quiz", str(items_file), input="?\nh\nC\ns\nq\n")
    assert r.exit_code == 0, r.output
    assert (
        "Answer with one letter A-D (a and Ａ work too).\nCommands: ? help, h hint, s skip, q quit"
        in r.output
    )
    assert "Hint 1/2: It is not A." in r.output
    assert "✓ Right  (1 hint used)" in r.output
    assert "→ Skipped" in r.output
    assert "1 answered, 1 skipped, 4 not reached" in r.output
    assert "Continue later with `quizgen resume 1`." in r.output
    assert answers_in_store() == [("c1", "answered", 1), ("m1", "skipped", 0)]
    db = sqlite3.connect(store_path())
    assert db.execute("SELECT hinted FROM answers WHERE item_id='c1'").fetchone() == (1,)
    assert db.execute("SELECT status FROM sessions").fetchone() == ("quit",)


def test_end_of_input_quits_with_the_summary(items_file: Path) -> None:
    r = quiz("quiz", str(items_file), input="C\n")
    assert r.exit_code == 0, r.output
    assert "Summary · session 1" in r.output and "5 not reached" in r.output


def test_ctrl_c_keeps_answers_prints_summary_exits_130(
    items_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizgen.ui import quiz_cmd

    lines = iter(["C\n", "A B D\n"])

    def read(self: object, deadline: float | None) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(quiz_cmd._Input, "read", read)
    r = quiz("quiz", str(items_file))
    assert r.exit_code == 130, r.output
    assert "Summary · session 1" in r.output
    assert "2 answered, 0 skipped, 4 not reached" in r.output
    assert "Interrupted: answers are saved. Continue with `quizgen resume 1`." in r.output
    assert len(answers_in_store()) == 2
    db = sqlite3.connect(store_path())
    assert db.execute("SELECT status FROM sessions").fetchone() == ("interrupted",)


def test_resume_continues_where_it_stopped(items_file: Path) -> None:
    quiz("quiz", str(items_file), input="C\nq\n")
    r = quiz("resume", input="A B D\nq\n")
    assert r.exit_code == 0, r.output
    assert "Resuming: 5 items from cnn.items · session 1 · 1 done" in r.output
    assert "2/6 · multiple choice" in r.output and "1/6" not in r.output
    r = quiz("resume", "1", input="BADC\nCBA\n错\n卷积神经网络\n")
    assert r.exit_code == 0, r.output
    assert "6 answered, 0 skipped" in r.output
    assert len(answers_in_store()) == 6
    r = quiz("resume")
    assert r.exit_code == 2
    assert "Error: no unfinished session to resume" in r.output


def test_resume_skips_items_of_questions_deleted_from_the_bank(items_file: Path) -> None:
    quiz("quiz", str(items_file), input="C\nq\n")
    save_items([i for i in ITEMS if i.question_id != "q2"], items_file)
    r = quiz("resume", input="s\ns\ns\n")
    assert r.exit_code == 0, r.output
    assert "排列图像识别的步骤" not in r.output and "将术语与描述配对" not in r.output
    assert "1 answered, 3 skipped" in r.output


def test_types_and_count(items_file: Path) -> None:
    r = quiz("quiz", str(items_file), "--types", "tf,fill", "-n", "1", input="错\n")
    assert r.exit_code == 0, r.output
    assert "Quiz: 1 item from cnn.items" in r.output and "1/1 · true/false" in r.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--types", "essay"], "Error: unknown item type 'essay' in --types"),
        (
            ["-n", "0"],
            "Error: Invalid value for '-n' / '--number' / '--count': "
            "Input should be greater than or equal to 1",
        ),
        (["--time-limit", "-1"], "Error: --time-limit must be a positive number of minutes, got -1"),
        (["--types", ""], "Error: --types is empty\n  Hint: give one or more of: choice, multi, fill,"),
        (["-t", " , "], "Error: --types is empty\n"),
        (
            ["-t", "short", "--embedder", "bogus"],
            "Error: unknown --embedder 'bogus'\n  Hint: use one of: use-m3 (default), none (grade by key "
            "points only), st:NAME_OR_PATH (a sentence-transformers model, e.g. st:/path/to/model)\n",
        ),
        (["--embedder", "st:"], "Error: unknown --embedder 'st:'"),
    ],
)
def test_bad_options(items_file: Path, args: list[str], message: str) -> None:
    r = quiz("quiz", str(items_file), *args, input="C\n")
    assert r.exit_code == 2
    assert message in r.stderr
    assert r.stdout == ""  # nothing asked, no session started
    assert not store_path().exists() or sqlite3.connect(store_path()).execute(
        "SELECT COUNT(*) FROM sessions"
    ).fetchone() == (0,)


def test_embedder_is_checked_before_the_first_item(tmp_path: Path) -> None:
    p = tmp_path / "short.yaml"
    save_items([SHORT], p)
    for cmd in ("quiz", "review"):
        r = quiz(cmd, str(p), "--embedder", "bogus", input="局部感知\n")
        assert r.exit_code == 2, r.output
        assert "Error: unknown --embedder 'bogus'" in r.stderr and r.stdout == ""
    r = quiz("quiz", "--help")
    assert "--embedder NAME" in r.stdout
    assert (
        "use-m3 (multilingual sentence encoder, the default), none (key points only) or st:NAME_OR_PATH"
        in " ".join(r.stdout.split())
    )


def test_no_items_of_the_asked_type_is_a_data_error(items_file: Path) -> None:
    r = quiz("quiz", str(items_file), "--types", "short")
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {items_file}: no items of type(s) short in this items file\n"
        "  Hint: it has: choice, multi, fill, order, match, tf; use --types with those, "
        "or make more items: quizgen generate BANK --types short -o ITEMS\n"
    )


def test_an_empty_items_file_is_a_data_error(tmp_path: Path) -> None:
    p = tmp_path / "empty.yaml"
    save_items([], p, bank="深度学习基础")
    r = quiz("quiz", str(p))
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {p}: the items file holds no items\n"
        "  Hint: make items from a bank: quizgen generate BANK -o ITEMS\n"
    )


def test_no_items_from_a_bank_is_a_data_error(tmp_path: Path) -> None:
    bank = tmp_path / "b.yaml"
    bank.write_text("title: t\nquestions:\n- title: 如何安装？\n  answer: 用 pip 安装。\n", encoding="utf-8")
    r = quiz("quiz", str(bank), "-t", "order")
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {bank}: no items could be generated of type(s) order\n"
        f"  Hint: try other --types, or see why candidates were rejected: quizgen generate {bank} "
        "--types order --report\n"
    )


def test_fewer_items_than_asked_are_announced(items_file: Path) -> None:
    bank = Path(__file__).resolve().parent.parent / "bank" / "deep_learning.yaml"
    r = quiz("quiz", str(bank), "-n", "50", "-t", "order", "--seed", "2", input="q\n")
    assert r.exit_code == 0, r.output
    assert (
        "Warning: made 3 items, fewer than the 50 asked for "
        "(the bank has no more good candidates of type(s) order)\n" in r.stderr
    )
    assert "Quiz: 3 items from 深度学习基础" in r.stdout
    r = quiz("quiz", str(items_file), "-n", "9", input="q\n")
    assert "Warning: made 6 items, fewer than the 9 asked for (the items file holds no more)" in r.stderr
    r = quiz("quiz", str(items_file), input="q\n")  # the default count is no promise
    assert "Warning" not in r.stderr


def test_items_file_title_is_its_banks(tmp_path: Path) -> None:
    p = tmp_path / "items.yaml"
    save_items(ITEMS, p, generator="quizgen test", bank="深度学习基础", seed=7)
    r = quiz("quiz", str(p), "-n", "1", input="C\n")
    assert r.exit_code == 0, r.output
    assert "Quiz: 1 item from 深度学习基础 · session 1" in r.stdout
    st = json.loads(quiz("stats", str(p), "--json").stdout)
    assert st["title"] == "深度学习基础"
    assert json.loads(quiz("history", "--json").stdout)[0]["title"] == "深度学习基础"


def test_quitting_at_the_first_item_is_not_history_but_can_resume(items_file: Path) -> None:
    quiz("quiz", str(items_file), input="C\nq\n")
    r = quiz("quiz", str(items_file), input="q\n")
    assert "Continue later with `quizgen resume 2`." in r.stdout
    r = quiz("history", env={"COLUMNS": "100"})
    assert r.exit_code == 0
    rows = [ln for ln in r.stdout.splitlines() if "cnn.items" in ln]
    assert len(rows) == 1 and "1/6" in rows[0]
    assert "1 session without answers not listed; --all shows it" in r.stdout
    assert [s["id"] for s in json.loads(quiz("history", "--json").stdout)] == [1]
    assert [s["id"] for s in json.loads(quiz("history", "--json", "--all").stdout)] == [2, 1]
    r = quiz("history", "--all", env={"COLUMNS": "100"})
    assert "0/6" in r.stdout and "not listed" not in r.stdout
    r = quiz("resume", input="C\nq\n")
    assert "Resuming: 6 items from cnn.items · session 2 · 0 done" in r.stdout
    assert [s["id"] for s in json.loads(quiz("history", "--json").stdout)] == [2, 1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["history", "-n", "0"],
            "Error: Invalid value for '-n' / '--limit': Input should be greater than or equal to 1",
        ),
        (
            ["stats", "B", "--top", "0"],
            "Error: Invalid value for '--top': Input should be greater than or equal to 1",
        ),
        (
            ["review", "B", "-n", "0"],
            "Error: Invalid value for '-n' / '--number' / '--count': Input should be greater than",
        ),
    ],
)
def test_counts_below_one_are_usage_errors(items_file: Path, args: list[str], message: str) -> None:
    r = quiz(*[str(items_file) if a == "B" else a for a in args])
    assert r.exit_code == 2
    assert message in r.stderr


def test_hints_with_commands_are_not_broken_across_lines(tmp_path: Path) -> None:
    long_dir = tmp_path / ("很长的目录名" * 4)
    long_dir.mkdir()
    p = long_dir / "cnn.items.yaml"
    save_items(ITEMS, p)
    r = quiz("stats", str(p), env={"COLUMNS": "40"})
    assert f"No answers yet for cnn.items: start with `quizgen quiz {p}`.\n" in r.stdout


def test_clipped_names_end_in_an_ellipsis_without_a_gap() -> None:
    from rich.text import Text

    from quizgen.ui.console import clip

    assert [clip(Text("深度学习基础"), w).plain for w in (12, 11, 8, 7, 4, 1)] == [
        "深度学习基础",
        "深度学习基…",
        "深度学…",
        "深度学…",
        "深…",
        "…",
    ]
    assert clip(Text("a b  c"), 5).plain == "a b…"


def test_history_in_a_narrow_terminal_keeps_bank_names_tidy(tmp_path: Path) -> None:
    p = tmp_path / "items.yaml"
    save_items(ITEMS, p, bank="深度学习基础")
    quiz("quiz", str(p), "-n", "1", input="C\n")
    for cols in ("50", "60", "70"):
        r = quiz("history", env={"COLUMNS": cols})
        assert r.exit_code == 0
        lines = r.stdout.splitlines()
        assert max(cell_len(ln) for ln in lines) <= int(cols), r.stdout
        row = next(ln for ln in lines if ln.lstrip().startswith("1 "))
        assert "深度学" in row and " …" not in row and "1/1" in row
    assert "深度学习基础" in quiz("history", env={"COLUMNS": "70"}).stdout


def test_narrow_terminal_fits_and_keeps_every_character(items_file: Path) -> None:
    r = quiz("quiz", str(items_file), "-n", "1", input="C\n", env={"COLUMNS": "40", "NO_COLOR": "1"})
    assert r.exit_code == 0, r.output
    # The start line wraps between its pieces; the review command is left whole for the
    # terminal to wrap (so it copies whole).
    lines = [ln for ln in r.output.splitlines() if not ln.startswith("Review:")]
    assert max(cell_len(line) for line in lines) <= 40
    flat = re.sub(r"[\s│╭╮╰╯─]", "", r.output)
    assert "[red]x[/red]卷积神经网络的主要特点不包括？" in flat
    assert "\x1b[" not in r.output


def test_review_wrong_first_then_nothing_due(items_file: Path) -> None:
    r = quiz("review", str(items_file))
    assert r.exit_code == 0
    assert f"Nothing to review yet: take a quiz first (`quizgen quiz {items_file}`)." in r.output
    quiz("quiz", str(items_file), input="C\nA\nBADC\nCBA\n对\nCNN\n")  # multi and tf wrong
    # the review shuffles the options: answer the multi item by its texts
    m1 = _review_items([ITEMS[1]], random.Random(9))[0]
    right = " ".join(LETTERS[m1.options.index(ITEMS[1].options[LETTERS.index(a)])] for a in "ABD")
    r = quiz(
        "review",
        str(items_file),
        "--seed",
        "9",
        "--embedder",
        "none",
        input=f"{right}\n错\n",
        env={"COLUMNS": "120"},
    )
    assert r.exit_code == 0, r.output
    assert "Review: 2 items from cnn.items · session 2 · seed 9 · 2 from the wrong-answer book" in r.output
    assert r.output.index("以下哪些是 CNN 的层？") < r.output.index("池化层会增加特征维度。")
    assert "2 answered, 0 skipped" in r.output and "Total" in r.output
    r = quiz("review", str(items_file), "--wrong")
    assert "No wrong answers to practise: the wrong-answer book is empty." in r.output
    r = quiz("review", str(items_file))
    assert "Nothing due today. Next review:" in r.output


def test_review_shuffles_options_and_the_key_follows() -> None:
    orders = set()
    for seed in range(12):
        for old, new in zip(ITEMS, _review_items(ITEMS, random.Random(seed)), strict=True):
            assert new.id == old.id  # progress follows the item
            if old.options:
                assert sorted(new.options) == sorted(old.options)
                if old.type.value == "order":
                    # the same steps in the same right order, never shown already in order
                    assert [new.options[LETTERS.index(a)] for a in new.answer] == [
                        old.options[LETTERS.index(a)] for a in old.answer
                    ]
                    assert "".join(new.answer) != LETTERS[: len(new.options)]
                elif old.type.value == "match":
                    got = {
                        t: new.options[LETTERS.index(a)] for t, a in zip(new.left, new.answer, strict=True)
                    }
                    want = {
                        t: old.options[LETTERS.index(a)] for t, a in zip(old.left, old.answer, strict=True)
                    }
                    assert got == want
                else:
                    assert {new.options[LETTERS.index(a)] for a in new.answer} == {
                        old.options[LETTERS.index(a)] for a in old.answer
                    }
        orders.add(_review_items(ITEMS, random.Random(seed))[0].options)
    assert len(orders) > 3


def test_history_and_stats_json(items_file: Path) -> None:
    r = quiz("history")
    assert "No sessions yet" in r.output
    quiz("quiz", str(items_file), "--seed", "5", input="C\nA B D\ns\n")
    r = quiz("history", "--json")
    assert r.exit_code == 0
    (s,) = json.loads(r.output)
    assert (s["id"], s["kind"], s["title"], s["status"], s["seed"]) == (1, "quiz", "cnn.items", "quit", 5)
    assert (s["items"], s["answered"], s["skipped"], s["correct"]) == (6, 2, 1, 2)
    r = quiz("history")
    assert "cnn.items" in r.output and "3/6" in r.output and "quit" in r.output
    r = quiz("stats", str(items_file), "--json")
    st = json.loads(r.output)
    assert (st["answers"], st["skipped"], st["correct"], st["accuracy"]) == (2, 1, 2, 1.0)
    assert st["by_type"]["choice"]["correct"] == 1
    assert st["wrong_book"] == 1 and st["streak"]["days_current"] == 1
    weakest = st["questions"][0]
    assert weakest["question_id"] == "q2" and weakest["number"] == 2
    r = quiz("stats", str(items_file))
    assert r.exit_code == 0
    assert "Progress: cnn.items" in r.output and "Questions, weakest first" in r.output
    # a question removed from the bank drops out of its statistics
    save_items([i for i in ITEMS if i.question_id != "q1"], items_file)
    st = json.loads(quiz("stats", str(items_file), "--json").output)
    assert (st["answers"], st["skipped"]) == (0, 1)


def test_quiz_from_a_bank_uses_the_generator(tmp_path: Path) -> None:
    try:
        from quizgen.generate import generate  # noqa: F401
    except ImportError:
        pytest.skip("quizgen.generate is not available yet")

    bank = Path(__file__).resolve().parent.parent / "bank" / "deep_learning.yaml"
    # seed 3 asks a choice item, then two true/false statements
    r = quiz("quiz", str(bank), "-n", "3", "--types", "choice,tf", "--seed", "3", input="A\n对\n错\n")
    assert r.exit_code == 0, r.output
    assert "Quiz: 3 items from 深度学习基础" in r.output and "seed 3" in r.output
    assert "3 answered, 0 skipped" in r.output
    again = quiz("quiz", str(bank), "-n", "3", "--types", "choice,tf", "--seed", "3", input="q\n")
    first_item = r.output.split("╰")[0]
    assert first_item.split("\n", 1)[1] == again.output.split("╰")[0].split("\n", 1)[1]


def test_missing_bank_is_a_clear_error(tmp_path: Path) -> None:
    r = quiz("quiz", str(tmp_path / "nope.yaml"))
    assert r.exit_code == 1
    assert f"Error: {tmp_path / 'nope.yaml'}: no such file" in r.output


SHORT = Item(
    id="s1",
    type=ItemType.SHORT,
    question_id="q4",
    stem="简述 CNN 的特点。",
    answer=("卷积神经网络具有局部感知、平移不变性和共享权重等特点。",),
    key_points=("局部感知", "平移不变性", "共享权重"),
    points=5,
    source=ItemSource(4),
)


def test_short_answer_graded_by_key_points(tmp_path: Path) -> None:
    p = tmp_path / "short.yaml"
    save_items([SHORT], p)
    r = quiz("quiz", str(p), "--embedder", "none", input="CNN 有局部感知和共享权重的特点\n")
    assert r.exit_code == 0, r.output
    assert "1/1 · short answer · 5 points" in r.output
    assert "Reference answer: 卷积神经网络具有局部感知、平移不变性和共享权重等特点。" in r.output
    # each key point with what it earned and the answer's words that matched it (the grader's marks)
    assert "✓ 局部感知  1.67/1.67  as 「CNN 有局部感知和共享权重的特点」" in r.output
    assert "○ 平移不变性  0/1.67  (not in your answer)" in r.output
    assert "✓ 共享权重  1.67/1.67" in r.output
    assert "Loading the grading model" not in r.output
    (score,) = sqlite3.connect(store_path()).execute("SELECT score FROM answers").fetchone()
    assert 0 < score < 5


def test_a_model_that_cannot_load_falls_back_to_key_points(tmp_path: Path) -> None:
    p = tmp_path / "short.yaml"
    save_items([SHORT], p)
    r = quiz("quiz", str(p), "--embedder", f"st:{tmp_path / 'no-model'}", input="局部感知\n")
    assert r.exit_code == 0, r.output
    assert f"Warning: cannot load the st:{tmp_path / 'no-model'} embedder" in r.output
    assert "grading short answers by key points" in r.output
    assert "✓ 局部感知" in r.output


def test_short_answer_explanation_keeps_its_section_labels(tmp_path: Path) -> None:
    bank = Path(__file__).resolve().parent.parent / "bank" / "deep_learning.yaml"
    r = runner.invoke(app, ["generate", str(bank), "-n", "40", "-t", "short"])
    gan = next(i for i in loads_items(r.stdout) if "生成对抗网络" in i.stem)
    p = tmp_path / "gan.yaml"
    save_items([gan], p)
    r = quiz("quiz", str(p), "--embedder", "none", input="生成器和判别器对抗训练\n", env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "Explanation: 原理：\n1. 生成器：" in r.stdout
    assert "\n应用：\n1. 图像生成：" in r.stdout


def test_exam_scoring_multi_all_or_nothing_and_a_wrong_character_is_wrong(items_file: Path) -> None:
    practice = quiz("quiz", str(items_file), "-t", "multi,fill", input="A B\n卷积神经网\n")
    exam = quiz("quiz", str(items_file), "-t", "multi,fill", "--scoring", "exam", input="A B\n卷积神经网\n")
    assert (
        "◐ Partly right: 0.67/1 (67%)" in practice.output and "◐ Partly right: 0.5/1 (50%)" in practice.output
    )
    assert "exam scoring: a multiple choice is all or nothing" in exam.output
    assert "Partly right" not in exam.output and exam.output.count("✗ Wrong") == 2
    assert "wrong character(s): 卷积神经网 → 卷积神经网络" in exam.output
    # resume keeps the session's scoring
    quiz("quiz", str(items_file), "--scoring", "exam", input="C\nq\n")
    r = quiz("resume", input="A B\n")
    assert "✗ Wrong" in r.output and "Partly right" not in r.output


def test_an_explanation_labelled_jiexi_is_not_labelled_twice(tmp_path: Path) -> None:
    p = tmp_path / "x.yaml"
    save_items(
        [
            Item(
                id="t9",
                type=ItemType.TF,
                question_id="q",
                stem="对吗？",
                answer=("对",),
                explanation="解析：因为如此。",
            )
        ],
        p,
    )
    r = quiz("quiz", str(p), "--lang", "zh", input="对\n")
    assert "解析：因为如此。" in r.output and "解析：解析：" not in r.output


def test_short_answer_feedback_shows_each_key_point_with_its_points_and_deductions(tmp_path: Path) -> None:
    """What the grader's explanation (GradeResult.marks, .deductions) looks like on screen."""
    from quizgen.grade.grader import GradeResult, KeyPointMark
    from quizgen.session import GraderSlot, QuizRun, Store, make_scorer
    from quizgen.ui.render import render_feedback

    result = GradeResult(
        score=3.34,
        max_score=5.0,
        keyword=0.7,
        semantic=0.8,
        marks=(
            KeyPointMark("局部感知", "matched", "局部连接", 1.67, 1.67),
            KeyPointMark("平移不变性", "missed", "", 0.0, 1.67),
            KeyPointMark("共享权重", "contradicted", "不共享权重", 0.0, 1.66),
        ),
        deductions=("copies the question",),
    )

    class Grader:
        def grade_item(self, item: Item, answer: str) -> GradeResult:
            return result

    with Store() as store:
        sid = store.create_session([SHORT])
        run = QuizRun(store, sid, make_scorer(GraderSlot(lambda: Grader())))
        rec = run.answer(0, "CNN 有局部连接，不共享权重")
        again = store.answers(sid)[0]  # and as read back from the store
    for r in (rec, again):
        console = Console(file=io.StringIO(), width=100, color_system=None)
        console.print(render_feedback(SHORT, r))
        text = console.file.getvalue()  # type: ignore[attr-defined]
        assert "✓ Passed: 3.34/5 (67%)\nKey points:\n" in text
        assert "✓ 局部感知  1.67/1.67  as 「局部连接」" in text
        assert "○ 平移不变性  0/1.67  (not in your answer)" in text
        assert "✗ 共享权重  0/1.66  contradicted by 「不共享权重」" in text
        assert "Deducted: copies the question" in text
        assert "Key points found" not in text  # the marks replace the plain lists
    assert again.missed_points == ("平移不变性", "共享权重")
