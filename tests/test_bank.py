"""Bank records, YAML/JSON form, validation with field paths, atomic saving."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen import bank as bank_mod
from quizgen.bank import (
    BLANK,
    Bank,
    Grading,
    ListItem,
    Question,
    QuestionKind,
    Section,
    SectionKind,
    Source,
    detect_file_kind,
    detect_kind,
    dumps,
    load,
    loads,
    question_id,
    save,
)
from quizgen.errors import BankError, InputError


def _bank(**kw: Any) -> Bank:
    kw = {"title": "什么是卷积？", "answer": "一种运算。", **kw}
    q = Question(id="a1", number=1, **kw)
    return Bank(title="t", questions=(q,), source=Source(file="n.md", sha256="0" * 64, layout="labelled"))


def _yaml(bank: Bank) -> dict[str, Any]:
    return yaml.safe_load(dumps(bank))


# ---------------------------------------------------------------------------- round trips


def test_seed_round_trips(seed_bank: Bank, tmp_path: Path) -> None:
    for name in ("b.yaml", "b.json"):
        save(seed_bank, tmp_path / name)
        assert load(tmp_path / name) == seed_bank
    assert loads(dumps(seed_bank, "json")) == seed_bank
    assert json.loads(dumps(seed_bank, "json"))["questions"][0]["number"] == 1


_text = st.text(max_size=40)
_items = st.builds(ListItem, term=st.none() | _text, text=_text)
_sections = st.builds(
    Section,
    label=_text,
    kind=st.sampled_from(list(SectionKind)),
    lead=_text,
    items=st.lists(_items, max_size=3).map(tuple),
    text=_text,
)
_names = st.lists(_text, min_size=2, max_size=3).map(tuple)


@st.composite
def _banks(draw: st.DrawFn) -> Bank:
    n = draw(st.integers(0, 4))
    questions: list[Question] = []
    for i in range(n):
        earlier = [q.id for q in questions]
        title = draw(_text.filter(lambda t: t.strip() != ""))
        questions.append(
            Question(
                id=f"q{i}",
                number=i + 1,
                title=title,
                prompt=draw(_text),
                answer=draw(_text),
                sections=tuple(draw(st.lists(_sections, max_size=3))),
                aliases=tuple(draw(st.lists(_names, max_size=2))),
                duplicate_of=draw(st.sampled_from([None, *earlier])),
                line=draw(st.integers(0, 10**6)),
                group=draw(st.none() | _text),
                flags=tuple(draw(st.lists(st.sampled_from(["no_answer", "answer_unmarked"]), max_size=2))),
                grading=draw(
                    st.none()
                    | st.builds(
                        Grading, required=st.lists(_text).map(tuple), forbidden=st.lists(_text).map(tuple)
                    )
                ),
                ref=draw(st.none() | _text),
                kind=draw(st.sampled_from([QuestionKind.OPEN, QuestionKind.CHOICE, QuestionKind.TF])),
                alternatives=tuple(draw(st.lists(_text, max_size=2))),
                context=draw(_text),
            )
        )
    source = draw(st.none() | st.builds(Source, file=_text, sha256=_text, layout=_text))
    return Bank(title=draw(_text), questions=tuple(questions), source=source)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_banks())
def test_any_bank_round_trips(bank: Bank) -> None:
    assert loads(dumps(bank)) == bank
    assert loads(dumps(bank, "json")) == bank


def test_authored_fill_round_trips_and_checks_its_blanks() -> None:
    b = _bank(title=f"免疫器官主要由{BLANK}组织构成", kind=QuestionKind.FILL, blanks=("淋巴",))
    assert loads(dumps(b)) == b
    bad = dumps(b).replace("blanks:\n  - 淋巴", "blanks:\n  - 淋巴\n  - 脾脏")
    with pytest.raises(BankError, match=r"questions\[0\]\.blanks: 2 blanks given but the title has 1 ＿＿＿"):
        loads(bad)


def test_load_of_save_on_disk(tmp_path: Path) -> None:
    b = _bank(
        prompt="多行\n文本\n\n```py\nx = 1\n```",
        aliases=(("卷积", "convolution"),),
        grading=Grading(("运算",), ()),
    )
    save(b, tmp_path / "x.yaml")
    assert load(tmp_path / "x.yaml") == b


# ---------------------------------------------------------------------------- readability


def test_yaml_is_pleasant_to_read(seed_bank: Bank) -> None:
    text = dumps(seed_bank)
    assert text.startswith("schema_version: 1\ntitle: ")
    assert "\\u" not in text and "卷积神经网络" in text  # unicode as is
    assert "  - [卷积神经网络, CNN]\n" in text  # alias groups inline
    assert (
        "      text: |-\n        在损失函数中添加 L1 范数惩罚项" in text
    )  # block scalars for multi-line text
    assert "!!" not in text and "&id" not in text  # no tags, no anchors


def test_optional_fields_only_when_set() -> None:
    d = _yaml(_bank())["questions"][0]
    assert list(d) == [
        "id",
        "number",
        "title",
        "prompt",
        "answer",
        "sections",
        "aliases",
        "duplicate_of",
        "line",
    ]
    d = _yaml(_bank(group="基础", flags=("no_answer",), ref="Q1.1", grading=Grading(("a",), ("b",))))[
        "questions"
    ][0]
    assert (d["group"], d["flags"], d["ref"], d["grading"]) == (
        "基础",
        ["no_answer"],
        "Q1.1",
        {"required": ["a"], "forbidden": ["b"]},
    )


# ---------------------------------------------------------------------------- validation

GOOD = """\
schema_version: 1
title: t
source: null
questions:
- id: a1
  number: 1
  title: 题一
  answer: 答
  sections:
  - label: 解析
    kind: explanation
    items:
    - term: null
      text: x
- id: b2
  number: 2
  title: 题二
  duplicate_of: a1
"""


def _err(text: str) -> str:
    with pytest.raises(BankError) as e:
        loads(text, "b.yaml")
    return e.value.render()


def test_good_bank_loads() -> None:
    b = loads(GOOD)
    assert [q.id for q in b.questions] == ["a1", "b2"]
    assert b.questions[1].duplicate_of == "a1"
    assert b.questions[0].sections[0].items == (ListItem(None, "x"),)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "kind: explanation",
            "kind: explanatoin",
            "b.yaml:11: questions[0].sections[0].kind: unknown kind 'explanatoin'; "
            "expected one of answer, example,",
        ),
        ("  title: 题一\n", "", "b.yaml:5: questions[0].title: is required"),
        ("id: b2", "id: a1", "b.yaml:15: questions[1].id: duplicate id 'a1' (also at questions[0])"),
        (
            "number: 2",
            "number: 1",
            "b.yaml:16: questions[1].number: duplicate number 1 (also at questions[0])",
        ),
        ("number: 2", "number: two", "b.yaml:16: questions[1].number: expected an integer, got 'two'"),
        (
            "duplicate_of: a1",
            "duplicate_of: zz",
            "b.yaml:18: questions[1].duplicate_of: refers to unknown id 'zz'",
        ),
        (
            "  answer: 答",
            "  answr: 答",
            "b.yaml:8: questions[0].answr: unknown field 'answr'; expected one of id,",
        ),
        (
            "    - term: null",
            "    - term: [1, 2]",
            "b.yaml:13: questions[0].sections[0].items[0].term: expected text, got a list",
        ),
        (
            "  sections:\n  - label: 解析\n    kind: explanation\n"
            "    items:\n    - term: null\n      text: x\n",
            "  sections: 3\n",
            "b.yaml:9: questions[0].sections: expected a list, got int",
        ),
        (
            "schema_version: 1",
            "schema_version: 9",
            "b.yaml: schema_version 9 is newer than this quizgen understands (1)",
        ),
        (
            "title: t\n",
            "titel: t\n",
            "b.yaml:2: titel: unknown field 'titel'; expected one of schema_version, title",
        ),
    ],
)
def test_validation_names_the_field(old: str, new: str, message: str) -> None:
    assert old in GOOD
    assert _err(GOOD.replace(old, new, 1)).startswith(message)


def test_validation_hint() -> None:
    assert _err(GOOD.replace("kind: explanation", "kind: x")).endswith(
        "\n  Hint: fix that field in the bank file, or re-create it with `quizgen parse`"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "b.yaml: the file is empty"),
        ("# only a comment\n", "b.yaml: the file is empty"),
        ("- 1\n- 2\n", "b.yaml: (top level): expected a mapping, got a list"),
        ("title: t\n", "b.yaml: questions: is required (use [] for none)"),
        ("title: [unclosed\n", "b.yaml:2: not valid YAML:"),
        ("questions:\n- 3\n", "b.yaml:2: questions[0]: expected a mapping, got int"),
        ("questions:\n- id: x\n  title: '  '\n", "b.yaml:3: questions[0].title: is empty"),
        (
            "questions:\n- title: t\n  aliases: [[only]]\n",
            "b.yaml:3: questions[0].aliases[0]: an alias group needs at least two names",
        ),
    ],
)
def test_invalid_documents(text: str, message: str) -> None:
    assert _err(text).startswith(message)


def test_safe_load_only() -> None:
    evil = "title: t\nquestions:\n- !!python/object/apply:os.system ['echo pwned']\n"
    assert _err(evil) == (
        "b.yaml:3: the tag !!python/object/apply:os.system is not allowed: a bank holds plain text, "
        "numbers, lists and mappings\n"
        "  Hint: remove the tag (quizgen never creates objects from YAML tags)"
    )
    assert _err("title: !local x\nquestions: []\n").startswith("b.yaml:1: the tag !local is not allowed")


# ---------------------------------------------------------------------------- YAML aliases


def _alias_bomb(refs: int = 2000, size: int = 100_000) -> str:
    """One 100 KB string referenced 2,000 times: 200 MB once expanded (the issue's bomb)."""
    qs = "".join(f"- title: *big\n  number: {i + 1}\n" for i in range(refs))
    return f"title: &big {'长' * size}\nquestions:\n{qs}"


def test_alias_bomb_is_refused_before_it_expands() -> None:
    text = _alias_bomb()
    assert _err(text) == (
        f"b.yaml:1: YAML aliases would expand this file from {len(text) / 1e6:.1f} to 200.1 million "
        "characters "
        "(the node anchored at line 1 is referenced 2000 times by aliases); refused\n"
        "  Hint: write the text out where it is used instead of &anchor / *alias references "
        "(quizgen never writes aliases)"
    )
    assert detect_kind(text) == "bank"  # still told apart as a bank, without expanding it


def test_nested_alias_bomb_is_refused() -> None:
    # "billion laughs": each level references the one above ten times
    lines = ["a0: &a0 [lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    text = "\n".join(lines) + "\nquestions: []\n"
    assert "YAML aliases would expand this file" in _err(text)


def test_recursive_alias_is_refused() -> None:
    msg = _err("title: t\nquestions: &q\n- title: x\n  sections: *q\n")
    assert msg.startswith("b.yaml:2: a YAML alias refers to a node that contains it (anchored at line 2)")


def test_small_aliases_still_load() -> None:
    text = "title: &t 卷积\nquestions:\n- title: *t\n  answer: &a 一种运算。\n- title: 池化\n  answer: *a\n"
    b = loads(text)
    assert [q.title for q in b.questions] == ["卷积", "池化"] and b.questions[1].answer == "一种运算。"


def test_hand_written_alias_strings_are_accepted() -> None:
    b = loads("questions:\n- title: t\n  aliases: ['卷积神经网络 = CNN']\n")
    assert b.questions[0].aliases == (("卷积神经网络", "CNN"),)
    assert b.questions[0].id == question_id("t")  # a missing id is the title's hash


# ---------------------------------------------------------------------------- the kind of file

_ITEMS = (
    "schema_version: 1\ngenerator: quizgen 0.1\nbank: t\nseed: 1\nitems:\n"
    "- id: i1\n  type: tf\n  question_id: a1\n  stem: 对吗？\n  answer:\n  - 对\n"
)
_LABELLED_NOTES = "### 1. 什么是梯度\n\n**题目：** 解释梯度。\n\n**答案：** 梯度是增长最快的方向。\n"
_QA_NOTES = "Q: 什么是张量？\nA: 张量是多维数组。\n"  # valid YAML: a mapping {Q: ..., A: ...}
_HEADINGS_NOTES = "# 笔记\n\n## 一、基础\n\n### 1. 什么是梯度\n"  # YAML: only comments


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        (GOOD, None, "bank"),
        (GOOD, "b.md", "bank"),  # the content decides: a bank saved as .md is still a bank
        (dumps(_bank(), "json"), None, "bank"),
        ("title: t\n", None, "bank"),  # a bank with a mistake (no questions)
        ("questions:\n- title: [x\n", None, "bank"),  # a bank with a YAML mistake
        (_ITEMS, None, "items"),
        (json.dumps(yaml.safe_load(_ITEMS), ensure_ascii=False), None, "items"),
        (_LABELLED_NOTES, None, "notes"),
        (_QA_NOTES, None, "notes"),
        (_HEADINGS_NOTES, None, "notes"),
        ("今天学了卷积。\n", "n.md", "notes"),
        ("今天学了卷积。\n", "n.TXT", "notes"),
        ("title: t\n", "n.markdown", "notes"),
        ("", None, "unknown"),
        ("- 1\n- 2\n", None, "unknown"),
        ("# only a comment\n", "b.yaml", "unknown"),
        ("titel: t\n", None, "unknown"),
    ],
)
def test_detect_kind(text: str, name: str | None, kind: str) -> None:
    assert detect_kind(text, name=name) == kind


def test_detect_kind_quick_reads_only_the_top_level_keys() -> None:
    assert detect_kind(dumps(_bank()), quick=True) == "bank"
    assert detect_kind("# 题库\n---\ntitle: t\nquestions: []\n", quick=True) == "bank"
    assert detect_kind(_ITEMS, quick=True) == "items"
    assert detect_kind(_LABELLED_NOTES, quick=True) == "unknown"
    assert detect_kind(_LABELLED_NOTES, name="n.md", quick=True) == "notes"
    # a key named `questions` inside a block scalar or a nested mapping is not a top-level key
    assert detect_kind("title: t\nnote: |\n  questions: 3\n", quick=True) == "unknown"


def test_detect_file_kind(tmp_path: Path, seed_notes: Path) -> None:
    (tmp_path / "items.yaml").write_text(_ITEMS, encoding="utf-8")
    assert detect_file_kind(tmp_path / "items.yaml") == "items"
    assert detect_file_kind(seed_notes) == "notes"
    assert detect_file_kind(seed_notes.with_suffix(".yaml")) == "bank"
    with pytest.raises(InputError, match="no such file"):
        detect_file_kind(tmp_path / "missing.yaml")


_NOTES_ERROR = (
    "looks like notes, not a bank\n  Hint: make a bank from the notes first: quizgen parse {} -o bank.yaml"
)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (_LABELLED_NOTES, "n.md", "n.md: " + _NOTES_ERROR.format("n.md")),
        (_LABELLED_NOTES, "n.yaml", "n.yaml: " + _NOTES_ERROR.format("n.yaml")),
        (_LABELLED_NOTES, "<bank>", "<bank>: " + _NOTES_ERROR.format("NOTES")),
        (_QA_NOTES, "qa.yaml", "qa.yaml: " + _NOTES_ERROR.format("qa.yaml")),
        (_HEADINGS_NOTES, "h.yaml", "h.yaml: " + _NOTES_ERROR.format("h.yaml")),
        ("今天学了卷积。\n", "my notes.txt", "my notes.txt: " + _NOTES_ERROR.format("'my notes.txt'")),
        (
            _ITEMS,
            "items.yaml",
            "items.yaml: is an items file (from quizgen generate), not a bank\n"
            "  Hint: this needs a bank (from `quizgen parse`); an items file goes to `quizgen quiz` or "
            "`quizgen export`",
        ),
    ],
)
def test_loads_says_what_the_file_is(text: str, where: str, message: str) -> None:
    with pytest.raises(BankError) as e:
        loads(text, where)
    assert e.value.render() == message


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "missing.yaml")
    (tmp_path / "latin1.yaml").write_bytes(b"title: caf\xe9\n")
    with pytest.raises(InputError, match=r"not UTF-8 \(undecodable byte 0xe9 at byte offset 10, line 1\)"):
        load(tmp_path / "latin1.yaml")


# ---------------------------------------------------------------------------- records


def test_get_by_id_number_prefix_and_written_number() -> None:
    qs = (
        Question(id="abcdef1234", number=1, title="a"),
        Question(id="abcdff0000", number=2, title="b", ref="Q1.1"),
    )
    b = Bank(title="t", questions=qs)
    assert b.get("abcdef1234") is qs[0]
    assert b.get(2) is qs[1] and b.get("2") is qs[1]
    assert b.get("abcde") is qs[0]
    assert b.get("abcd") is None  # ambiguous prefix
    assert b.get("q1.1") is qs[1]
    assert b.get("nope") is None and b.get(9) is None


def test_choice_helpers() -> None:
    opts = Section(label="选项", kind=SectionKind.OPTIONS, items=(ListItem("A", "甲"), ListItem("B", "乙")))
    q = Question(id="x", number=1, title="选？", answer="B", sections=(opts,))
    assert q.options == opts.items and q.correct_options == ("B",)
    assert opts.full_text() == "A. 甲\nB. 乙"
    assert Question(id="y", number=2, title="t", answer="B").correct_options == ()
    assert SectionKind.OPTIONS == "options" and str(SectionKind.OPTIONS) == "options"


def test_reference_text_and_stem(seed_bank: Bank) -> None:
    q = seed_bank.get(11)
    assert q is not None
    assert q.stem == q.prompt
    ref = q.reference_text()
    assert ref.startswith(q.answer) and "1. 概率丢弃：" in ref and "3. 反向传播更新：" in ref


# ---------------------------------------------------------------------------- atomic saving


def test_save_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "bank.yaml"
    target.write_text("old content\n", encoding="utf-8")

    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(BankError, match="cannot write: No space left on device"):
        save(_bank(), target)
    assert target.read_text(encoding="utf-8") == "old content\n"  # untouched
    assert [p.name for p in tmp_path.iterdir()] == ["bank.yaml"]  # no temp file left behind


def test_save_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "bank.yaml"
    save(_bank(), target)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600
    target.chmod(0o640)
    save(_bank(), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_save_into_a_missing_folder_and_onto_a_folder(tmp_path: Path) -> None:
    save(_bank(), tmp_path / "new" / "b.yaml")
    assert load(tmp_path / "new" / "b.yaml") == _bank()
    with pytest.raises(BankError, match="cannot write"):
        save(_bank(), tmp_path / "new")


def test_dumps_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown bank format"):
        bank_mod.dumps(_bank(), "toml")
