"""quizgen.generate.authored: the notes' own choice / true-false / fill questions, as written."""

from __future__ import annotations

import random

from quizgen.bank import BLANK, Bank, ListItem, Question, QuestionKind, Section, SectionKind
from quizgen.generate import generate
from quizgen.items import FALSE, TRUE, ItemType, dumps_items, loads_items
from quizgen.scoring import score_response

OPTS = Section(
    "选项", SectionKind.OPTIONS, items=(ListItem("A", "1"), ListItem("B", "2"), ListItem("C", "3"))
)


def _bank(*qs: Question) -> Bank:
    return Bank(title="authored", questions=qs)


def test_choice_questions_keep_their_options_and_key() -> None:
    q1 = Question(id="a", number=1, title="1+1=?", answer="B", sections=(OPTS,), kind=QuestionKind.CHOICE)
    q2 = Question(
        id="b", number=2, title="哪些是奇数？", answer="A, C", sections=(OPTS,), kind=QuestionKind.CHOICE
    )
    res = generate(_bank(q1, q2), n=5, rng=random.Random(1))
    by_q = {i.question_id: i for i in res.items}
    assert (by_q["a"].type, by_q["a"].answer, by_q["a"].options) == (ItemType.CHOICE, ("B",), ("1", "2", "3"))
    assert (by_q["b"].type, by_q["b"].answer) == (ItemType.MULTI, ("A", "C"))
    assert all(i.source and i.source.authored for i in res.items)
    assert not [i for i in res.items if i.type is ItemType.SHORT]
    assert res.report.rejected[ItemType.SHORT] == {"the notes' own objective question (asked as written)": 2}


def test_true_false_statements_with_the_authors_key() -> None:
    qs = (
        Question(id="t", number=1, title="抗体的化学本质是蛋白质。", answer="对", kind=QuestionKind.TF),
        Question(id="f", number=2, title="淋巴结是 T 细胞成熟的场所。", answer="×", kind=QuestionKind.TF),
    )
    res = generate(_bank(*qs), n=5, types=[ItemType.TF], rng=random.Random(1))
    by_q = {i.question_id: i for i in res.items}
    assert by_q["t"].stem == "判断正误：抗体的化学本质是蛋白质。" and by_q["t"].answer == (TRUE,)
    assert by_q["f"].answer == (FALSE,)
    assert score_response(by_q["f"], "错").correct


def test_fill_in_one_item_per_blank_the_others_filled_in() -> None:
    title = f"免疫器官主要由{BLANK}组织构成，并借助于{BLANK}循环相互联系。"
    q = Question(id="f", number=1, title=title, answer="", blanks=("淋巴", "血液"), kind=QuestionKind.FILL)
    res = generate(_bank(q), n=5, types=[ItemType.FILL], rng=random.Random(3))
    assert len(res.items) == 2  # only when nothing else is left is the second blank asked too
    item = res.items[0]
    assert item.source is not None and item.source.authored
    stems = {
        f"免疫器官主要由{BLANK}组织构成，并借助于血液循环相互联系。": "淋巴",
        f"免疫器官主要由淋巴组织构成，并借助于{BLANK}循环相互联系。": "血液",
    }
    assert stems[item.stem] == item.answer[0]
    # both blanks are candidates: other seeds ask the other one
    seen = {
        generate(_bank(q), n=1, types=[ItemType.FILL], rng=random.Random(s)).items[0].answer for s in range(8)
    }
    assert seen == {("淋巴",), ("血液",)}


def test_authored_items_come_before_generated_ones() -> None:
    own = Question(id="own", number=1, title="1+1=?", answer="B", sections=(OPTS,), kind=QuestionKind.CHOICE)
    prose = tuple(
        Question(id=f"p{i}", number=i + 2, title=f"什么是{name}？", answer=f"{name}是一种{what}的方法。")
        for i, (name, what) in enumerate(
            [
                ("梯度裁剪", "防止梯度爆炸"),
                ("标签平滑", "缓解过拟合"),
                ("知识蒸馏", "压缩模型"),
                ("早停", "提前结束训练"),
            ]
        )
    )
    for seed in range(5):
        res = generate(_bank(*prose, own), n=1, types=[ItemType.CHOICE], rng=random.Random(seed))
        assert [i.question_id for i in res.items] == ["own"]


def test_authored_source_round_trips_and_old_items_files_still_load() -> None:
    q = Question(id="t", number=1, title="抗体是蛋白质。", answer="对", kind=QuestionKind.TF)
    items = generate(_bank(q), n=1, rng=random.Random(1)).items
    text = dumps_items(items)
    assert "authored: true" in text
    assert loads_items(text) == items
    old = text.replace("    authored: true\n", "")
    (loaded,) = loads_items(old)
    assert loaded.source is not None and not loaded.source.authored
