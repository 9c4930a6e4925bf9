"""Typed input -> canonical responses (quizgen.answers)."""

from __future__ import annotations

import pytest

from quizgen.answers import (
    AnswerFormatError,
    Command,
    example_for,
    format_answer,
    format_help,
    format_response,
    parse_input,
)
from quizgen.items import Item, ItemType


def _item(t: ItemType, **kw: object) -> Item:
    base: dict[str, object] = {"id": f"i-{t.value}", "type": t, "question_id": "q", "stem": "stem"}
    base.update(kw)
    return Item(**base)  # type: ignore[arg-type]


CHOICE = _item(ItemType.CHOICE, options=("甲", "乙", "丙", "丁"), answer=("B",))
MULTI = _item(ItemType.MULTI, options=("甲", "乙", "丙", "丁"), answer=("A", "C"))
ORDER = _item(ItemType.ORDER, options=("一", "二", "三", "四"), answer=("B", "A", "D", "C"))
MATCH = _item(ItemType.MATCH, left=("x", "y", "z"), options=("p", "q", "r", "s"), answer=("C", "A", "B"))
TF = _item(ItemType.TF, answer=("对",))
FILL = _item(ItemType.FILL, answer=("卷积神经网络",), accept=("卷积神经网络", "CNN"))
SHORT = _item(ItemType.SHORT, answer=("参考答案",), key_points=("要点",))
EIGHT = _item(ItemType.CHOICE, options=tuple("一二三四五六七八"), answer=("H",))


@pytest.mark.parametrize("text", ["B", "b", "Ｂ", "ｂ", " b ", "2", "(B)", "B."])
def test_choice_letters_any_case_and_width(text: str) -> None:
    assert parse_input(CHOICE, text).response == ("B",)


@pytest.mark.parametrize("text", ["AC", "A C", "a,c", "c a", "A、C", "ａｃ", "1 3", "13", "A,C,A", "a;c"])
def test_multi_forms(text: str) -> None:
    assert parse_input(MULTI, text).response == ("A", "C")


@pytest.mark.parametrize("text", ["2 1 4 3", "2143", "BADC", "b a d c", "b,a,d,c", "２１４３"])
def test_order_forms(text: str) -> None:
    assert parse_input(ORDER, text).response == ("B", "A", "D", "C")


@pytest.mark.parametrize(
    "text", ["1C 2A 3B", "1c2a3b", "1-C, 2-A, 3-B", "3B 1C 2A", "1=C 2:A 3>B", "CAB", "c a b"]
)
def test_match_pairs_or_sequence(text: str) -> None:
    assert parse_input(MATCH, text).response == ("C", "A", "B")


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("对", "对"),
        ("错", "错"),
        ("t", "对"),
        ("F", "错"),
        ("y", "对"),
        ("n", "错"),
        ("true", "对"),
        ("False", "错"),
        ("√", "对"),
        ("×", "错"),
        ("正确", "对"),
        ("错误", "错"),
    ],
)
def test_true_false_words(text: str, want: str) -> None:
    assert parse_input(TF, text).response == want


def test_fill_and_short_keep_the_text() -> None:
    assert parse_input(FILL, "  CNN \n").response == "CNN"
    assert parse_input(SHORT, "卷积 [b]核[/b]").response == "卷积 [b]核[/b]"


@pytest.mark.parametrize(
    ("text", "cmd"),
    [
        ("?", Command.HELP),
        ("？", Command.HELP),
        ("h", Command.HINT),
        ("H", Command.HINT),
        ("s", Command.SKIP),
        ("q", Command.QUIT),
        ("quit", Command.QUIT),
        ("hint", Command.HINT),
        ("skip", Command.SKIP),
        ("提示", Command.HINT),
        ("跳过", Command.SKIP),
        ("退出", Command.QUIT),
        ("帮助", Command.HELP),
    ],
)
def test_commands_on_every_type(text: str, cmd: Command) -> None:
    for item in (CHOICE, MULTI, ORDER, MATCH, TF, FILL, SHORT):
        p = parse_input(item, text)
        assert p.command is cmd and p.response is None


def test_option_letter_h_answers_instead_of_hint_long_form_still_works() -> None:
    assert parse_input(EIGHT, "h").response == ("H",)
    assert parse_input(EIGHT, "hint").command is Command.HINT


@pytest.mark.parametrize(
    ("item", "text", "msg"),
    [
        (CHOICE, "E", "'E' is not one of the options A-D"),
        (CHOICE, "AB", "this question has one right answer: give one letter"),
        (CHOICE, "", "empty answer (type s to skip, ? for help)"),
        (MULTI, "AZ", "'Z' is not one of the options A-D"),
        (ORDER, "2 1 3", "give each of the 4 options exactly once (missing D)"),
        (ORDER, "AABC", "give each of the 4 options exactly once (missing D; repeated A)"),
        (MATCH, "1C 2A", "pair every term: 3 has no letter"),
        (MATCH, "1C 2A 4B", "there is no term 4: the terms are 1-3"),
        (MATCH, "CA", "give one letter for each of the 3 terms, as pairs (1B 2A) or in order (BA…)"),
        (TF, "maybe", "'maybe' is neither true nor false"),
        (FILL, "   ", "empty answer (type s to skip, ? for help)"),
    ],
)
def test_unreadable_input_says_why_and_gives_an_example(item: Item, text: str, msg: str) -> None:
    with pytest.raises(AnswerFormatError) as ei:
        parse_input(item, text)
    assert ei.value.message == msg
    assert ei.value.example == example_for(item)
    # the example itself is always readable input
    parse_input(item, ei.value.example.split(" (")[0].split(" / ")[0])


def test_examples_and_help() -> None:
    assert example_for(CHOICE) == "B"
    assert example_for(MULTI) == "AC"
    assert example_for(ORDER) == "2 1 3 4"
    assert example_for(MATCH) == "1B 2C 3D"
    # the compact form offered is a valid answer too (it used to say BAC whatever the terms)
    assert (
        format_help(MATCH).splitlines()[0]
        == f"Answer with a letter for each of 1-{len(MATCH.left)}: 1B 2C 3D, or just BCD."
    )
    assert parse_input(MATCH, "BCD").response == ("B", "C", "D")
    assert "2 1 3 4, 2134 or BACD" in format_help(ORDER)
    assert format_help(TF).splitlines() == [
        "Answer 对 or 错 (t/f, y/n, true/false, √/× work too).",
        "Commands: ? help, h hint, s skip, q quit (or help, hint, skip, quit).",
    ]


def test_format_response_and_answer() -> None:
    assert format_response(MATCH, ("C", "A", "B")) == "1C 2A 3B"
    assert format_response(ORDER, ("B", "A", "D", "C")) == "BADC"
    assert format_response(MULTI, ("A", "C")) == "A C"
    assert format_response(FILL, None) == "—"
    assert format_answer(MATCH) == "1C 2A 3B"
    assert format_answer(TF) == "对"
    assert format_answer(FILL) == "卷积神经网络"
