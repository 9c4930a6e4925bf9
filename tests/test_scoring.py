"""quizgen.scoring.score_response: every type but short answers, edge cases included."""

from __future__ import annotations

import pytest

from quizgen.errors import GradeError
from quizgen.items import Item, ItemType
from quizgen.scoring import (
    EXAM,
    PRACTICE,
    MultiRule,
    PartMark,
    allowed_edits,
    fill_match,
    score_response,
    tf_value,
)


def item(typ: ItemType, answer: tuple[str, ...], options: tuple[str, ...] = (), **kw: object) -> Item:
    return Item(id="x", type=typ, question_id="q", stem="?", answer=answer, options=options, **kw)  # type: ignore[arg-type]


CHOICE = item(ItemType.CHOICE, ("B",), ("池化", "卷积", "全连接", "激活"))
MULTI = item(
    ItemType.MULTI, ("A", "C", "D"), ("图像生成", "语音识别", "图像修复", "数据增强", "时间序列预测")
)
ORDER = item(ItemType.ORDER, ("B", "D", "C", "A"), ("分类", "数据预处理", "特征融合", "特征提取"))
MATCH = item(
    ItemType.MATCH, ("C", "A", "B"), ("降维", "分类", "提取局部特征"), left=("卷积层", "池化层", "全连接层")
)
TF_TRUE = item(ItemType.TF, ("对",))
TF_FALSE = item(ItemType.TF, ("错",))
FILL = item(ItemType.FILL, ("卷积神经网络",), accept=("卷积神经网络", "CNN", "卷积神经网络（CNN）"))


def test_choice() -> None:
    s = score_response(CHOICE, ("B",))
    assert (s.fraction, s.correct, s.expected) == (1.0, True, "B. 卷积")
    assert score_response(CHOICE, ("A",)).fraction == 0.0
    assert score_response(CHOICE, "b").correct  # lenient: a string, any case
    assert not score_response(CHOICE, ("A", "B")).correct  # two letters for one answer
    assert score_response(CHOICE, ("A", "B")).detail == "2 options chosen; one is right"
    assert score_response(CHOICE, ()).detail == "no answer"
    assert score_response(CHOICE, None).fraction == 0.0
    assert score_response(CHOICE, ("Z",)).detail == "Z is not an option"


def test_multi_partial_credit() -> None:
    assert score_response(MULTI, ("A", "C", "D")).correct
    assert score_response(MULTI, ("D", "A", "C")).fraction == 1.0  # order does not matter
    s = score_response(MULTI, ("A", "C"))
    assert s.fraction == pytest.approx(2 / 3) and not s.correct
    assert score_response(MULTI, ("A", "C", "B")).fraction == pytest.approx(1 / 3)  # (2 - 1) / 3
    assert score_response(MULTI, ("A", "B", "E")).fraction == 0.0  # floored at 0
    assert score_response(MULTI, ("A", "B", "C", "D", "E")).fraction == pytest.approx(1 / 3)
    assert not score_response(MULTI, ("A", "B", "C", "D", "E")).correct
    assert score_response(MULTI, ("A", "A", "C", "D")).correct  # repeats ignored
    assert score_response(MULTI, "a,c,d").correct
    assert score_response(MULTI, ()).fraction == 0.0
    assert score_response(MULTI, ("A", "C")).detail == "2 of 3 right options chosen, 0 wrong"


def test_order_kendall_pairs() -> None:
    s = score_response(ORDER, ("B", "D", "C", "A"))
    assert (s.fraction, s.correct) == (1.0, True)
    assert s.expected == "B → D → C → A（数据预处理 → 特征提取 → 特征融合 → 分类）"
    assert score_response(ORDER, ("A", "C", "D", "B")).fraction == 0.0  # fully reversed
    one_swap = score_response(ORDER, ("D", "B", "C", "A"))  # neighbours swapped: 5 of 6 pairs
    assert one_swap.fraction == pytest.approx(5 / 6) and not one_swap.correct
    assert one_swap.detail == "5 of 6 pairs in the right order"
    missing = score_response(ORDER, ("B", "D", "C"))  # A left out: its 3 pairs are wrong
    assert missing.fraction == pytest.approx(3 / 6) and "1 step(s) left out" in missing.detail
    assert score_response(ORDER, ("B", "B", "D", "C", "A")).correct  # a repeat is ignored
    assert score_response(ORDER, ("X", "B", "D", "C", "A")).correct  # so is an unknown letter
    assert score_response(ORDER, "bdca").correct
    assert score_response(ORDER, ()).fraction == 0.0


def test_match() -> None:
    assert score_response(MATCH, ("C", "A", "B")).correct
    s = score_response(MATCH, ("C", "B", "A"))
    assert s.fraction == pytest.approx(1 / 3) and s.detail == "1 of 3 matched"
    assert score_response(MATCH, ("C",)).fraction == pytest.approx(1 / 3)  # missing entries are wrong
    assert score_response(MATCH, ()).fraction == 0.0
    assert score_response(MATCH, ("C", "A", "B")).expected == "卷积层 → C；池化层 → A；全连接层 → B"
    # A term left unmatched ('' from the web quiz) keeps the others in place.
    gap = score_response(MATCH, ("", "A", "B"))
    assert gap.fraction == pytest.approx(2 / 3) and [p.given for p in gap.parts] == ["", "A", "B"]
    assert score_response(MATCH, ("", "", "")).detail == "no answer"


@pytest.mark.parametrize("said", ["对", "正确", "√", "T", "true", "Yes", " 对 ", "对。"])
def test_tf_true_spellings(said: str) -> None:
    assert score_response(TF_TRUE, said).correct
    assert not score_response(TF_FALSE, said).correct


@pytest.mark.parametrize("said", ["错", "错误", "×", "F", "false", "no", "0"])
def test_tf_false_spellings(said: str) -> None:
    assert score_response(TF_FALSE, said).correct


def test_tf_other() -> None:
    assert tf_value("也许") is None
    s = score_response(TF_TRUE, "也许")
    assert s.fraction == 0.0 and "neither" in s.detail
    assert score_response(TF_TRUE, "").detail == "no answer"
    assert score_response(TF_TRUE, ("对",)).correct


@pytest.mark.parametrize(
    "typed",
    [
        "卷积神经网络",
        "CNN",
        "cnn",
        "ＣＮＮ",
        " 卷积 神经网络 ",
        "卷积神经网络（CNN）",
        "卷积神经网络(cnn)",
    ],
)
def test_fill_accepted(typed: str) -> None:
    assert score_response(FILL, typed).correct


@pytest.mark.parametrize("typed", ["卷积网络层", "RNN", "神经网络", "", "卷积"])
def test_fill_rejected(typed: str) -> None:
    assert not score_response(FILL, typed).correct


def test_fill_typo_rules() -> None:
    assert allowed_edits(3) == 0 and allowed_edits(4) == 1 and allowed_edits(8) == 2
    assert fill_match("卷积神精网络", ["卷积神经网络"]) == ("卷积神经网络", "cjk-typo")
    assert fill_match("Sigmiod 函数", ["Sigmoid 函数"]) == ("Sigmoid 函数", "typo")
    assert fill_match("解码器", ["编码器"]) is None  # short answers must be exact
    assert fill_match("L2 正则化", ["L1 正则化"]) is None  # never a typo in digits
    assert fill_match("sigmoid", ["sigmoid 函数", "sigmoid"]) == ("sigmoid", "exact")
    # Two edits read either as moving b (Latin) or as moving 中: one Latin reading is enough.
    assert fill_match("ab中cdefgh", ["a中bcdefgh"]) == ("a中bcdefgh", "typo")
    assert fill_match("文中abcdefg", ["中文abcdefg"]) == ("中文abcdefg", "cjk-typo")
    latin = item(ItemType.FILL, ("Sigmoid 函数",))
    s = score_response(latin, "sigmiod 函数")
    assert (s.fraction, s.correct, s.detail) == (1.0, True, "accepted as a small typo of Sigmoid 函数")
    assert score_response(latin, "sigmiod 函数", EXAM).correct  # Latin typos tolerated in exams too
    assert score_response(FILL, "CNN").expected == "卷积神经网络（也可：CNN、卷积神经网络（CNN））"


def test_wrong_character_is_a_mistake() -> None:
    """池话操作 for 池化操作: half in practice (shown as a typo), nothing in an exam."""
    practice = score_response(FILL, "卷积神精网络")
    assert (practice.fraction, practice.correct) == (0.5, False)
    assert practice.detail == "wrong character(s): 卷积神经网络 is right"
    assert practice.parts == (PartMark("typo", "卷积神精网络", "卷积神经网络", False),)
    exam = score_response(FILL, "卷积神精网络", EXAM)
    assert (exam.fraction, exam.correct) == (0.0, False)


def test_multi_rules() -> None:
    # MULTI: right A, C, D of five options.
    partial, strict, half = PRACTICE, EXAM, EXAM.with_multi(MultiRule.HALF)
    assert score_response(MULTI, "AC", partial).fraction == pytest.approx(2 / 3)
    assert score_response(MULTI, "AC", strict).fraction == 0.0
    assert score_response(MULTI, "AC", half).fraction == 0.5
    assert score_response(MULTI, "ACB", half).fraction == 0.0  # 错选不得分
    for policy in (partial, strict, half):
        assert score_response(MULTI, "ACD", policy).fraction == 1.0
        assert score_response(MULTI, "", policy).fraction == 0.0


def test_parts_marks() -> None:
    multi = score_response(MULTI, "AB")
    assert multi.parts == (
        PartMark("A", "A", "A", True),
        PartMark("B", "B", "", False),
        PartMark("C", "", "C", None),
        PartMark("D", "", "D", None),
    )
    match = score_response(MATCH, "CBA")
    assert [p.ok for p in match.parts] == [True, False, False]
    assert match.parts[0] == PartMark("卷积层", "C", "C", True)
    order = score_response(ORDER, "BDAC")
    assert [(p.label, p.given, p.expected, p.ok) for p in order.parts] == [
        ("1", "B", "B", True),
        ("2", "D", "D", True),
        ("3", "A", "C", False),
        ("4", "C", "A", False),
    ]


def test_short_is_graded_elsewhere() -> None:
    with pytest.raises(GradeError, match="not scored here"):
        score_response(item(ItemType.SHORT, ("参考答案",)), "我的回答")
