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
