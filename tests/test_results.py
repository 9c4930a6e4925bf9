"""quizgen.results: results files and chat codes, checks (tampered, other quiz, duplicates, changed
items), scoring with quizgen.scoring and the grader, the long table, terminal sessions;
`quizgen results collect` and `quizgen results export`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from quizgen.cli import app
from quizgen.export.web import fingerprint, quiz_id
from quizgen.grade import Grader
from quizgen.items import Item, ItemType, save_items
from quizgen.results import ProblemKind, ResultRow, collect, dumps_table, load_table, write_table
from quizgen.results.files import (
    checksum,
    decode_code,
    encode_code,
    read_results,
    response_from_text,
    submission_from,
    with_checksum,
)
from quizgen.session import Judgement, Outcome, Store

runner = CliRunner()

CHOICE = Item(
    id="c1",
    type=ItemType.CHOICE,
    question_id="q1",
    stem="池化层的作用？",
    answer=("B",),
    options=("分类", "降维", "激活"),
)
FILL = Item(
    id="f1",
    type=ItemType.FILL,
    question_id="q2",
    stem="＿＿＿用于降低特征图维度。",
    answer=("池化操作",),
    accept=("池化",),
)
MATCH = Item(
    id="m1",
    type=ItemType.MATCH,
    question_id="q3",
    stem="配对",
    answer=("B", "A", "C"),
    options=("降维", "提取特征", "分类"),
    left=("卷积层", "池化层", "全连接层"),
    points=3,
)
SHORT = Item(
    id="s1",
    type=ItemType.SHORT,
    question_id="q4",
    stem="什么是池化？",
    answer=("池化操作对特征图降采样，降低维度并保留主要特征。",),
    key_points=("降采样", "降低维度"),
    points=5,
)
ITEMS = [CHOICE, FILL, MATCH, SHORT]


def doc(
    student: str = "2023001",
    responses: dict[str, Any] | None = None,
    *,
    mode: str = "exam",
    items: list[Item] = ITEMS,
    submitted: str = "2025-03-01T08:30:00.000Z",
) -> dict[str, Any]:
    answers = (
        responses if responses is not None else {"c1": ["B"], "f1": "池化", "m1": ["B", "", "C"], "s1": None}
    )
    return with_checksum(
        {
            "format": "quizgen-results",
            "version": 1,
            "quiz": {"id": quiz_id(items), "title": "测验", "mode": mode, "items": len(items)},
            "student": {"name": "张三", "id": student},
            "started_at": "2025-03-01T08:00:00.000Z",
            "submitted_at": submitted,
            "timed_out": False,
            "responses": [
                {
                    "item_id": it.id,
                    "seen": fingerprint(it),
                    "response": answers.get(it.id),
                    "ms": 12345,
                    "checked": False,
                }
                for it in items
            ],
        }
    )


def write(path: Path, d: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return path


def none_grader() -> Grader:
    return Grader(embedder="none")


# ---------------------------------------------------------------------------- files


@settings(max_examples=50, deadline=None)
@given(text=st.text(max_size=40), ms=st.integers(0, 10**9))
def test_code_round_trip(text: str, ms: int) -> None:
    d = doc(responses={"c1": ["A"], "f1": text, "m1": None, "s1": text})
    d["responses"][0]["ms"] = ms
    d = with_checksum({k: v for k, v in d.items() if k != "checksum"})
    code = encode_code(d)
    assert decode_code("D", code[len("QZR1D.") : -1], "x") == d
    assert submission_from(decode_code("D", code[len("QZR1D.") : -1], "x"), "x").verified


def test_checksum_catches_a_changed_answer(tmp_path: Path) -> None:
    d = doc()
    d["responses"][0]["response"] = ["C"]
    (s,) = read_results(write(tmp_path / "r.json", d))
    assert not isinstance(s, Exception) and s.verified is False
    assert checksum(doc()) == doc()["checksum"]


def test_codes_in_chat_text(tmp_path: Path) -> None:
    a, b = doc("2023001"), doc("2023002")
    chat = tmp_path / "chat.txt"
    chat.write_text(
        f"[10:01] 张三: {encode_code(a)}\n[10:02] 李四:\n{encode_code(b)[:30]}\n{encode_code(b)[30:]}\n"
        "[10:03] 王五: QZR1D.broken.\n",
        encoding="utf-8",
    )
    got = list(read_results(chat))
    assert [g.student for g in got[:2]] == ["2023001", "2023002"]  # type: ignore[union-attr]
    assert isinstance(got[2], Exception) and "cannot be read" in str(got[2])


@pytest.mark.parametrize(
    ("text", "typ", "want"),
    [
        ("B", "choice", ["B"]),
        ("a,c", "multi", ["A", "C"]),
        ("C-B", "match", ["C", "", "B"]),
        ("C,,B", "match", ["C", "", "B"]),
        ("对", "tf", "对"),
        ("  ", "fill", None),
        ("BADC", "order", ["B", "A", "D", "C"]),
    ],
)
def test_csv_cells(text: str, typ: str, want: Any) -> None:
    assert response_from_text(text, typ) == want


# ---------------------------------------------------------------------------- collect


def test_collect_scores_with_quizgen_scoring(tmp_path: Path) -> None:
    write(tmp_path / "in" / "results-2023001.json", doc())
    c = collect([tmp_path / "in"], ITEMS, grader=none_grader)
    assert not c.problems
    rows = {r.item_id: r for r in c.rows}
    assert (rows["c1"].score, rows["c1"].reason, rows["c1"].policy) == (1.0, "right", "exam")
    assert rows["f1"].score == 1.0
    assert (rows["m1"].response, rows["m1"].score) == ("B-C", 2.0)  # the unmatched term keeps its place
    assert (rows["s1"].score, rows["s1"].reason) == (0.0, "no answer")
    assert rows["c1"].seconds == 12.3


def test_policy_follows_the_page(tmp_path: Path) -> None:
    typo = {"c1": ["B"], "f1": "池化操做", "m1": None, "s1": None}  # 错别字
    write(tmp_path / "exam" / "a.json", doc("1", typo, mode="exam"))
    write(tmp_path / "practice" / "b.json", doc("2", typo, mode="practice"))
    c = collect([tmp_path / "exam", tmp_path / "practice"], ITEMS, grader=none_grader)
    fill = {r.student: r for r in c.rows if r.item_id == "f1"}
    assert (fill["1"].score, fill["2"].score) == (0.0, 0.5)
    assert fill["1"].reason == "wrong character(s): 池化操作 is right"


def test_short_answers_are_graded(tmp_path: Path) -> None:
    write(tmp_path / "r.json", doc(responses={"s1": "池化就是降采样，可以降低维度。"}))
    c = collect([tmp_path / "r.json"], ITEMS, grader=none_grader)
    short = next(r for r in c.rows if r.item_id == "s1")
    assert 0 < short.score <= 5 and short.reason.startswith("key points")


def test_problems_are_reported_not_merged(tmp_path: Path) -> None:
    d = tmp_path / "in"
    write(d / "ok.json", doc("2023001"))
    write(d / "copy.json", doc("2023001"))  # the same file twice: counted once
    write(d / "again.json", doc("2023001", {"c1": ["A"]}, submitted="2025-03-01T09:00:00.000Z"))
    tampered = doc("2023002")
    tampered["responses"][0]["response"] = ["B", "C"]
    write(d / "tampered.json", tampered)
    other = Item(id="zz", type=ItemType.TF, question_id="q9", stem="?", answer=("对",))
    write(d / "other.json", doc("2023003", {"zz": "对"}, items=[other]))
    changed = doc("2023004")
    changed["responses"][0]["seen"] = "0" * 12
    write(d / "changed.json", with_checksum({k: v for k, v in changed.items() if k != "checksum"}))
    (d / "notes.txt").write_text("no codes here", encoding="utf-8")
    c = collect([d], ITEMS, grader=none_grader)
    kinds = sorted(p.kind for p in c.problems)
    assert kinds == sorted(
        [
            ProblemKind.DUPLICATE,
            ProblemKind.TAMPERED,
            ProblemKind.OTHER_QUIZ,
            ProblemKind.CHANGED_ITEM,
            ProblemKind.UNREADABLE,
        ]
    )
    assert any("the same submission from 2023001 twice" in n for n in c.notes)
    dup = next(p for p in c.problems if p.kind is ProblemKind.DUPLICATE)
    assert "kept the latest" in dup.message and str(d / "again.json") in dup.message
    assert sorted({r.student for r in c.rows}) == ["2023001", "2023004"]
    assert next(r for r in c.rows if r.student == "2023001" and r.item_id == "c1").response == "A"
    assert "c1" not in {r.item_id for r in c.rows if r.student == "2023004"}  # shown with other options
    forced = collect([d / "tampered.json"], ITEMS, grader=none_grader, accept_tampered=True)
    assert forced.rows and forced.problems[0].kind is ProblemKind.TAMPERED


def test_long_csv_input(tmp_path: Path) -> None:
    table = tmp_path / "lms.csv"
    table.write_text("学号,姓名,item_id,回答,用时\n9,李四,c1,b,4\n9,李四,m1,B-C,5.5\n", encoding="utf-8")
    c = collect([table], ITEMS, grader=none_grader)
    rows = {r.item_id: r for r in c.rows}
    assert (rows["c1"].score, rows["c1"].name, rows["c1"].seconds) == (1.0, "李四", 4.0)
    assert rows["m1"].score == 2.0 and rows["m1"].policy == "exam"


# ---------------------------------------------------------------------------- the table


def _row(**kw: Any) -> ResultRow:
    base: dict[str, Any] = dict(
        student="s",
        name="名",
        item_id="i1",
        type="fill",
        response="",
        score=0.0,
        max_score=1.0,
        seconds=None,
        correct=False,
        reason="x",
        needs_review=False,
        policy="exam",
        source="f",
    )
    return ResultRow(**{**base, **kw})


@settings(max_examples=60, deadline=None)
@given(response=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30))
def test_table_round_trip(response: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    row = _row(student="s,1", response=response, score=0.5, seconds=3.2)
    for suffix in (".csv", ".json", ".jsonl"):
        path = tmp_path_factory.mktemp("t") / f"results{suffix}"
        write_table([row], path)
        (back,) = load_table(path)
        want = response.replace("\r\n", "\n").replace("\r", "\n") if suffix == ".csv" else response
        assert (back.student, back.response, back.score, back.max_score, back.seconds) == (
            "s,1",
            want,
            0.5,
            1.0,
            3.2,
        )


def test_formula_cells_are_neutralised() -> None:
    row = _row(response='=HYPERLINK("x")')
    assert "'=HYPERLINK" in dumps_table([row])


# ---------------------------------------------------------------------------- terminal sessions


def _session(store: Store) -> int:
    sid = store.create_session([CHOICE, FILL], bank_path="items.yaml", bank_title="测验", now=1_700_000_000)
    store.record_answer(
        sid,
        0,
        CHOICE,
        outcome=Outcome.ANSWERED,
        response=("B",),
        judgement=Judgement(1.0, True),
        elapsed_ms=4000,
        now=1_700_000_010,
    )
    store.record_answer(sid, 1, FILL, outcome=Outcome.SKIPPED, elapsed_ms=1000, now=1_700_000_020)
    return sid


def test_terminal_session_to_teacher(tmp_path: Path) -> None:
    with Store() as store:
        sid = _session(store)
    out = tmp_path / "results-2023009.json"
    r = runner.invoke(app, ["results", "export", "--name", "王五", "--student-id", "2023009", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert f"session {sid} (测验, 1/2 answered) -> {out}" in r.stderr
    d = json.loads(out.read_text(encoding="utf-8"))
    assert d["source"] == "terminal" and d["checksum"] == checksum(d)
    code = runner.invoke(app, ["results", "export", "--name", "王五", "--student-id", "2023009", "--code"])
    assert code.stdout.startswith("QZR1D.")
    items = tmp_path / "items.yaml"
    save_items(ITEMS, items)
    c = runner.invoke(app, ["results", "collect", str(out), "--items", str(items), "-e", "none"])
    assert c.exit_code == 0, c.output
    lines = c.stdout.splitlines()
    assert lines[0].lstrip("\ufeff").startswith("student,item_id,response,score,max_score,seconds")
    assert lines[1].startswith("2023009,c1,B,1,1,4.0,王五,choice,true,right,false,practice,")
    assert lines[2].startswith("2023009,f1,,0,1,1.0,王五,fill,false,no answer,false,practice,")


def test_export_without_sessions() -> None:
    r = runner.invoke(app, ["results", "export", "--name", "a", "--student-id", "1"])
    assert r.exit_code == 1
    assert "no quiz session with answers in the progress store" in r.stderr


# ---------------------------------------------------------------------------- the command


def test_collect_command(tmp_path: Path) -> None:
    items = tmp_path / "quiz.items.yaml"
    save_items(ITEMS, items)
    write(tmp_path / "in" / "results-1.json", doc("1"))
    tampered = doc("2")
    tampered["student"]["name"] = "改过"
    write(tmp_path / "in" / "results-2.json", tampered)
    out = tmp_path / "results.csv"
    r = runner.invoke(
        app, ["results", "collect", str(tmp_path / "in"), "-i", str(items), "-o", str(out), "-e", "none"]
    )
    assert r.exit_code == 0, r.output
    assert (
        f"Warning: {tmp_path / 'in' / 'results-2.json'}: the checksum does not match: the file from 2 改过 "
        "was changed after the quiz; not merged"
    ) in " ".join(r.stderr.split())
    assert "Collected 1 students, 4 responses; 1 problem(s) above" in r.stderr
    assert len(load_table(out)) == 4
    strict = runner.invoke(
        app, ["results", "collect", str(tmp_path / "in"), "-i", str(items), "--strict", "-e", "none"]
    )
    assert strict.exit_code == 1


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--policy", "lenient"],
            2,
            "Error: unknown scoring policy 'lenient'\n  Hint: use one of: practice, exam\n",
        ),
        (["-f", "xlsx"], 2, "Error: unknown --format 'xlsx'\n  Hint: use csv, json or jsonl\n"),
        (["-e", "bert"], 2, None),
    ],
)
def test_collect_usage_errors(tmp_path: Path, args: list[str], code: int, message: str | None) -> None:
    items = tmp_path / "items.yaml"
    save_items(ITEMS, items)
    write(tmp_path / "r.json", doc())
    r = runner.invoke(app, ["results", "collect", str(tmp_path / "r.json"), "-i", str(items), *args])
    assert r.exit_code == code
    if message is not None:
        assert r.stderr == message


def test_collect_needs_items_not_a_bank(tmp_path: Path) -> None:
    from tests.conftest import SEED_BANK

    write(tmp_path / "r.json", doc())
    r = runner.invoke(app, ["results", "collect", str(tmp_path / "r.json"), "-i", str(SEED_BANK)])
    assert r.exit_code == 2 and r.stderr.startswith(f"Error: {SEED_BANK} is a bank, not an items file\n")


def test_nothing_collected_is_an_error(tmp_path: Path) -> None:
    items = tmp_path / "items.yaml"
    save_items(ITEMS, items)
    (tmp_path / "x.txt").write_text("hello", encoding="utf-8")
    r = runner.invoke(app, ["results", "collect", str(tmp_path / "x.txt"), "-i", str(items), "-e", "none"])
    assert r.exit_code == 1
    assert "no results in this file" in r.stderr
