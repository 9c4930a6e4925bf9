"""Answer files in and graded rows out: CSV/JSONL/YAML, malformed rows, encodings, neutralising."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from quizgen.errors import InputError
from quizgen.grade.evaluate import load_human
from quizgen.grade.io import CsvSink, InputRow, JsonlSink, read_rows, safe_cell


def _w(tmp_path: Path, name: str, data: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(data, str):
        p.write_text(data, encoding="utf-8")
    else:
        p.write_bytes(data)
    return p


def test_csv_rows_keep_their_record_and_line_numbers(tmp_path: Path) -> None:
    p = _w(
        tmp_path,
        "a.csv",
        'student,question_id,answer\n张三,1,"两行\n的回答"\n\n李四,2,\n王五,3,a,extra\n赵六\n',
    )
    rows = list(read_rows(p))
    assert [(r.record, r.line) for r in rows] == [(1, 2), (2, 5), (3, 6), (4, 7)]
    assert rows[0].fields == {"question_id": "1", "answer": "两行\n的回答", "student": "张三"}
    assert rows[1].get("answer") == "" and rows[1].error == ""
    assert rows[2].error == "malformed row: 4 fields, the header has 3"
    assert rows[3].error == "malformed row: 1 fields, the header has 3"


def test_header_synonyms_bom_and_case(tmp_path: Path) -> None:
    p = _w(tmp_path, "a.csv", "\ufeffQID,Student_Answer\n1,卷积\n")
    assert next(iter(read_rows(p))).fields == {"question_id": "1", "answer": "卷积"}


def test_missing_columns_are_named(tmp_path: Path) -> None:
    p = _w(tmp_path, "a.csv", "qid,text\n1,x\n")
    with pytest.raises(InputError) as e:
        list(read_rows(p))
    assert e.value.render() == (
        f"{p}:1: missing column: answer (the header has: qid, text)\n"
        "  Hint: the first line must name the columns, at least: question_id, answer"
    )
    p2 = _w(tmp_path, "b.csv", "question,score\nq,1\n")
    with pytest.raises(InputError) as e2:
        list(read_rows(p2, pairs=True))
    assert (
        e2.value.message
        == "missing columns: reference_answer, student_answer (the header has: question, score)"
    )


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="the file is empty"):
        list(read_rows(_w(tmp_path, "e.csv", "")))


def test_bad_encoding_names_byte_offset_and_line(tmp_path: Path) -> None:
    data = "question_id,answer\n1,好\n".encode() + "2,卷积\n".encode("gbk")
    p = _w(tmp_path, "g.csv", data)
    with pytest.raises(InputError) as e:
        list(read_rows(p))
    offset = len("question_id,answer\n1,好\n2,".encode())
    assert e.value.render() == (
        f"{p}:3: not UTF-8: undecodable byte 0x{'卷'.encode('gbk')[0]:02x} at byte offset {offset} (line 3)\n"
        "  Hint: save the file as UTF-8, or pass its encoding, e.g. --encoding gb18030"
    )


def test_forced_encoding_and_utf16(tmp_path: Path) -> None:
    p = _w(tmp_path, "g.csv", "question_id,answer\n1,卷积\n".encode("gbk"))
    assert next(iter(read_rows(p, encoding="gb18030"))).get("answer") == "卷积"
    p16 = _w(tmp_path, "u.csv", "question_id,answer\n1,池化\n".encode("utf-16"))
    assert next(iter(read_rows(p16))).get("answer") == "池化"
    with pytest.raises(Exception, match="unknown encoding 'klingon'"):
        list(read_rows(p, encoding="klingon"))


def test_nul_byte_is_a_clear_error(tmp_path: Path) -> None:
    p = _w(tmp_path, "n.csv", b"question_id,answer\n1,a\x00b\n")
    rows = list(read_rows(p))  # the csv module copes with NUL since 3.11
    assert len(rows) == 1


def test_jsonl_keeps_bad_lines_as_rows(tmp_path: Path) -> None:
    p = _w(
        tmp_path,
        "a.jsonl",
        '{"question_id": 1, "answer": "卷积"}\n\n{"question_id": 2, "answer": \n[1, 2]\n{"answer": "x"}\n',
    )
    rows = list(read_rows(p))
    assert [r.record for r in rows] == [1, 2, 3, 4]
    assert rows[0].fields == {"question_id": "1", "answer": "卷积"}
    assert rows[1].error.startswith("malformed JSON: Expecting value")
    assert rows[2].error == "malformed row: expected a mapping, got list"
    assert rows[3].error == "malformed row: missing question_id"


def test_yaml_list_or_mapping(tmp_path: Path) -> None:
    p = _w(tmp_path, "a.yaml", "answers:\n- {question_id: 1, answer: 卷积, student: 张三}\n- oops\n")
    rows = list(read_rows(p))
    assert rows[0].fields == {"question_id": "1", "answer": "卷积", "student": "张三"}
    assert rows[1].error == "malformed row: expected a mapping, got str"
    with pytest.raises(InputError, match="expected a list of answers"):
        list(read_rows(_w(tmp_path, "b.yaml", "answer: 1\n")))


@pytest.mark.parametrize("cell", ["=1+1", "+86 123", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell
    buf = io.StringIO()
    CsvSink(buf, ["answer", "score"]).write({"answer": cell, "score": -0.5})
    rows = list(csv.reader(io.StringIO(buf.getvalue(), newline="")))
    assert rows[1] == ["'" + cell.replace("\r", "\n"), "-0.5"]


def test_plain_cells_untouched_and_lists_joined() -> None:
    assert safe_cell("卷积") == "卷积"
    buf = io.StringIO()
    CsvSink(buf, ["matched", "ok"]).write({"matched": ("局部感知", "共享权重"), "ok": True})
    assert buf.getvalue() == "matched,ok\n局部感知；共享权重,true\n"
    buf2 = io.StringIO()
    JsonlSink(buf2, ["matched"]).write({"matched": ("a",)})
    assert buf2.getvalue() == '{"matched": ["a"]}\n'


def test_load_human_skips_unscored_rows(tmp_path: Path) -> None:
    p = _w(
        tmp_path,
        "h.csv",
        "question_id,question,reference_answer,student_answer,score,max_score\n"
        "Q1,问,参考,答,4,5\nQ1,问,参考,答,,5\nQ2,问,参考,答,7,5\nQ2,问,参考,答,1,\n",
    )
    hs = load_human(p)
    assert [(r.question_id, r.fraction) for r in hs.rows] == [("Q1", 0.8), ("Q2", 1.0)]
    assert hs.skipped == ["line 3: no score", "line 4: score 7.0 outside 0..5.0"]
    with pytest.raises(InputError, match="missing column: score"):
        load_human(_w(tmp_path, "n.csv", "question,reference_answer,student_answer\nq,r,a\n"))


def test_input_row_get_default() -> None:
    assert InputRow(1, 2, {}).get("student") == ""


# ---------------------------------------------------------------------------- issue 12.1: open quotes


def _rows_of(tmp_path: Path, name: str, text: str) -> list[InputRow]:
    return list(read_rows(_w(tmp_path, name, text)))


UNCLOSED = (
    "student,question_id,answer\n"
    "张三,1,ok\n"
    '李四,2,"卷积神经网络用于图像\n'
    "王五,3,池化\n"
    "赵六,4,激活\n"
    "钱七,5,反向\n"
)


def test_an_unclosed_quote_never_swallows_the_rows_after_it(tmp_path: Path) -> None:
    """Issue 12.1: 5 rows in, 5 rows out; the row with the open quote says so with its line and is
    not graded on the other students' answers."""
    rows = _rows_of(tmp_path, "a.csv", UNCLOSED)
    assert [(r.line, r.get("student"), r.get("answer")) for r in rows] == [
        (2, "张三", "ok"),
        (3, "李四", "卷积神经网络用于图像"),
        (4, "王五", "池化"),
        (5, "赵六", "激活"),
        (6, "钱七", "反向"),
    ]
    assert rows[1].error == (
        "unterminated quote: the quoted field opened on line 3 is not closed "
        "(it would have swallowed the next 3 lines); not graded"
    )
    assert [r.error for r in rows if r is not rows[1]] == ["", "", "", ""]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # closed later by another row's quotes: the reader would merge lines 3-5
        (
            'student,question_id,answer\n李四,2,"卷积\n王五,3,池化\n赵六,4,"激活函数"\n钱七,5,反向\n',
            [("李四", 2, True), ("王五", 3, False), ("赵六", 4, False), ("钱七", 5, False)],
        ),
        # closed at the end of another row: a well-formed merge, caught by its row-like lines
        (
            'student,question_id,answer\n李四,2,"卷积\n王五,3,池化"\n钱七,5,反向\n',
            [("李四", 2, True), ("王五", 3, False), ("钱七", 4, False)],
        ),
        # a real multi-line answer right after the broken row is still one row
        (
            'student,question_id,answer\n李四,2,"卷积\n王五,3,"两行\n回答"\n钱七,5,反向\n',
            [("李四", 2, True), ("王五", 3, False), ("钱七", 5, False)],
        ),
    ],
)
def test_open_quotes_mid_file(tmp_path: Path, text: str, expected: list[tuple[str, int, bool]]) -> None:
    rows = _rows_of(tmp_path, "a.csv", text)
    assert [(r.get("student"), r.line, bool(r.error)) for r in rows] == expected


def test_multi_line_answers_and_stray_quotes_still_read(tmp_path: Path) -> None:
    rows = _rows_of(
        tmp_path,
        "a.csv",
        'student,question_id,answer\n张三,1,"第一点，卷积\n第二点，池化"\n李四,2,他说"你好"\n王五,3,"卷积"神经网络\n',
    )
    assert [(r.get("answer"), r.error) for r in rows] == [
        ("第一点，卷积\n第二点，池化", ""),
        ('他说"你好"', ""),
        ("卷积神经网络", ""),
    ]


def test_an_open_quote_through_the_cli_keeps_every_row(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from quizgen.cli import app

    bank = Path(__file__).resolve().parent.parent / "bank" / "deep_learning.yaml"
    p = _w(tmp_path, "a.csv", UNCLOSED)
    r = CliRunner().invoke(app, ["grade", str(bank), str(p), "-e", "none", "-f", "csv"])
    assert r.exit_code == 0, r.output
    out = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [x["student"] for x in out] == ["张三", "李四", "王五", "赵六", "钱七"]
    assert out[1]["score"] == "0.0" and out[1]["reason"].startswith(
        "unterminated quote: the quoted field opened on line 3"
    )


def test_jsonl_line_breaks_inside_a_string_are_rows_with_errors(tmp_path: Path) -> None:
    rows = _rows_of(
        tmp_path,
        "a.jsonl",
        '{"question_id": 1, "answer": "两行\n的回答"}\n{"question_id": 2, "answer": "ok"}\n',
    )
    assert [(r.line, bool(r.error)) for r in rows] == [(1, True), (2, True), (3, False)]
    assert rows[0].error.startswith("malformed JSON: Invalid control character")


def test_yaml_quote_left_open_over_entries_is_an_error_with_its_line(tmp_path: Path) -> None:
    ok = _rows_of(tmp_path, "ok.yaml", 'answers:\n- question_id: 1\n  answer: "两行\n    的回答"\n')
    assert ok[0].get("answer") == "两行 的回答"
    p = _w(
        tmp_path, "b.yaml", 'answers:\n- question_id: 1\n  answer: "卷积\n- question_id: 2\n  answer: 池化"\n'
    )
    with pytest.raises(InputError) as e:
        list(read_rows(p))
    assert e.value.render() == (
        f"{p}:3: the quoted value opened on line 3 runs over line 4, which looks like an entry of its "
        "own ('- question_id: 2'): is its quote left open?\n"
        "  Hint: close the quote; for an answer over several lines use a block scalar: answer: |"
    )
