"""Progressive hints (quizgen.hints): each more specific, none gives the answer away."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen import i18n
from quizgen.hints import hints_for
from quizgen.items import LETTERS, Item, ItemSource, ItemType


def _item(typ: ItemType, **kw: object) -> Item:
    base: dict[str, object] = {"id": "i1", "type": typ, "question_id": "q", "stem": "s"}
    base.update(kw)
    return Item(**base)  # type: ignore[arg-type]


CHOICE = _item(ItemType.CHOICE, options=("甲", "乙", "丙", "丁"), answer=("B",), source=ItemSource(4, "解析"))
MULTI = _item(ItemType.MULTI, options=("甲", "乙", "丙", "丁"), answer=("A", "C"))
ORDER = _item(ItemType.ORDER, options=tuple("abcde"), answer=("C", "A", "E", "B", "D"))
MATCH = _item(ItemType.MATCH, left=("x", "y", "z", "w"), options=tuple("pqrs"), answer=("C", "A", "D", "B"))
FILL = _item(ItemType.FILL, answer=("池化操作",), accept=("池化操作", "池化"))
SHORT = _item(ItemType.SHORT, answer=("参考",), key_points=("局部感知", "平移不变性", "共享权重"))


def test_each_hint_is_more_specific() -> None:
    assert hints_for(CHOICE) == ["It is not A.", "It is none of A, C."]
    assert hints_for(MULTI) == ["2 of the 4 options are right.", "A is one of them.", "B is not one of them."]
    assert hints_for(ORDER) == [
        "The first step is C.",
        "The first step is C; the last is D.",
        "The first steps are C then A; the last is D.",
    ]
    assert hints_for(MATCH) == ["Pair given: 1C.", "Pairs given: 1C 2A."]
    # the first half of 池化操作 is an accepted answer (池化): that hint is left out
    assert hints_for(FILL) == ["It starts with “池”.", "4 characters: 池＿＿＿"]
    assert hints_for(_item(ItemType.FILL, answer=("Sigmoid",)))[1:] == [
        "7 letters: S＿＿＿＿＿＿",
        "It begins “Sig”: Sig＿＿＿＿",
    ]
    assert hints_for(SHORT) == [
        "A full answer covers 3 key points.",
        "The key points start with: “局…”, “平…”, “共…”",
        "One of them is “局部感知”.",
    ]


def test_in_chinese() -> None:
    i18n.set_language("zh")
    assert hints_for(CHOICE) == ["不是 A。", "不是 A、C。"]
    assert hints_for(FILL) == ["第一个字是「池」。", "共 4 个字：池＿＿＿"]
    assert hints_for(SHORT)[1] == "各要点的第一个字：「局…」、「平…」、「共…」"


def test_true_false_hints_are_the_same_for_true_and_swapped_statements() -> None:
    """A tf hint must not tell a swapped (false) statement from a true one: it does not depend on
    the item's source, its answer or its form."""
    true = _item(ItemType.TF, answer=("对",), source=ItemSource(3, "答案"), meta={"form": "statement"})
    swapped = _item(
        ItemType.TF, id="i2", answer=("错",), source=ItemSource(7, "答案"), meta={"form": "swapped"}
    )
    assert hints_for(true) == hints_for(swapped) and len(hints_for(true)) == 1
    for hint in hints_for(true):
        assert "3" not in hint and "答案" not in hint


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 8), st.data())
def test_choice_hints_never_rule_out_the_answer_or_leave_one_option(n: int, data: st.DataObject) -> None:
    key = data.draw(st.sampled_from(LETTERS[:n]))
    item = _item(
        ItemType.CHOICE, id=data.draw(st.text(min_size=1, max_size=5)), options=tuple("x" * n), answer=(key,)
    )
    hints = hints_for(item)
    assert len(hints) == n - 2
    for h in hints:
        ruled_out = set(h.removeprefix("It is not ").removeprefix("It is none of ").rstrip(".").split(", "))
        assert key not in ruled_out
    if hints:
        assert len(ruled_out) == n - 2  # two options are always left


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="卷积神经网络池化层AbcReLU", min_size=1, max_size=12))
def test_fill_hints_never_spell_out_an_accepted_answer(word: str) -> None:
    item = _item(ItemType.FILL, answer=(word,), accept=(word,))
    for h in hints_for(item):
        shown = h.replace("＿", "")
        assert word not in shown or (len(word) == 1 and h.startswith("It starts with"))


def test_the_authors_own_hint_comes_first() -> None:
    own = _item(ItemType.TF, answer=("对",), meta={"hint": "想想池化的作用"})
    assert hints_for(own)[0] == "想想池化的作用"


@pytest.mark.parametrize("typ", [ItemType.ORDER, ItemType.MATCH])
def test_small_items_give_fewer_hints(typ: ItemType) -> None:
    small = _item(
        typ, left=("x", "y") if typ is ItemType.MATCH else (), options=("p", "q"), answer=("B", "A")
    )
    assert len(hints_for(small)) <= 1
