"""The grader against attacks (issue 11): the attack suite, and every guard in both directions (the
attack is caught, an honest answer of the same shape is not).

Keyword-only unless marked slow; the dev-set suite needs ../shared/eval and use-m3."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from quizgen.bank import Bank, load
from quizgen.grade import Grader
from quizgen.grade.attacks import LIMITS, Source, build_attacks, reversed_fact, run_attacks, shuffled
from quizgen.grade.keywords import FUNCTION_WORDS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load(ROOT / "bank" / "deep_learning.yaml")


@pytest.fixture(scope="module")
def kw() -> Grader:
    return Grader(embedder="none")


def _contradicts(r: object) -> bool:
    return getattr(r, "needs_review", False) and "contradicts the reference" in getattr(r, "reason", "")


# ---------------------------------------------------------------------------- the suite


def test_shuffled_words_are_the_reference_words_out_of_order() -> None:
    ref = "栈是一种后进先出的数据结构"
    got = shuffled(ref, random.Random(0))
    assert got is not None
    words = got.split()
    assert len(words) >= 3 and all(w in ref for w in words)
    assert words != sorted(words, key=ref.find)  # not in the reference's order
    assert not set(words) & FUNCTION_WORDS


@pytest.mark.parametrize(
    ("reference", "question", "expected"),
    [
        ("栈是一种后进先出的数据结构", "", ("栈是一种先进先出的数据结构", "后进先出 -> 先进先出")),
        ("由于 p 值 > 0.05，无法推广", "", ("由于 p 值 < 0.05，无法推广", "> -> <")),
        ("TCP面向流，UDP面向报文", "TCP和UDP有什么区别？", ("UDP面向流，TCP面向报文", "TCP <-> UDP")),
        ("样本之间没有显著差异", "", ("样本之间有显著差异", "没有 -> 有")),
        # a word under a negation is not reversed into a double negative (不正确 -> 不错误)
        ("如果定义不正确，就会出错", "", ("如果定义正确，就会出错", "不正确 -> 正确")),
        # 是否 is no 是 to negate
        ("运输方式按是否换载分类", "", None),
    ],
)
def test_reversed_facts(reference: str, question: str, expected: tuple[str, str] | None) -> None:
    got = reversed_fact(reference, question, random.Random(0))
    assert got == expected


def test_other_questions_are_never_the_same_answer() -> None:
    sources = [
        Source("1", "问一", "由于 p 值 > 0.05，样本之间没有显著差异"),
        Source("2", "问二", "由于 p 值 > 0.05，样本之间没有显著的差异"),
        Source("3", "问三", "卷积神经网络用卷积提取局部特征"),
    ]
    attacks = build_attacks(sources, random.Random(0))
    others = {a.question_id: a.answer for a in attacks if a.kind == "other"}
    assert others["1"] == sources[2].reference and others["2"] == sources[2].reference
    assert {a.kind for a in attacks} >= {"reference", "shuffled", "reversed", "question", "other"}


def _bank_sources(g: Grader, bank: Bank) -> list[Source]:
    return [Source(q.id, q.stem, g._reference_of(q)) for q in bank.questions if q.has_answer]


def test_the_bundled_bank_withstands_the_attack_suite(bank: Bank) -> None:
    """Every limit of issue 11 on the attack suite built from the bundled bank (keywords only)."""
    g = Grader(embedder="none", bank=bank)
    _attacks, _results, summary = run_attacks(g, _bank_sources(g, bank))
    by_kind = {k.kind: k for k in summary}
    assert set(by_kind) == {"reference", "shuffled", "reversed", "question", "other", "padded"}
    assert by_kind["reference"].mean == pytest.approx(1.0)
    for kind, (said, ok) in LIMITS.items():
        assert ok(by_kind[kind]), (kind, said, by_kind[kind].to_dict())


@pytest.mark.slow
def test_the_dev_sets_withstand_the_attack_suite(eval_dir: Path, tmp_path: Path) -> None:
    """Issue 11 'Done when', on the suite built from the human-scored sets, with the default
    embedder: shuffled words <= 0.35, copied questions <= 0.1, other questions' references <= 0.2,
    >= 80% of reversed facts caught, padding never above the reference alone."""
    from quizgen.grade.attacks import sources_of, summarise
    from quizgen.grade.devsets import DEV_SETS
    from quizgen.grade.evaluate import load_human

    attacks, results = [], []
    for name in DEV_SETS.values():
        hs = load_human(eval_dir / name)
        g = Grader(cache_dir=tmp_path)
        sources = sources_of(hs.rows)
        g.know_references((s.question, s.reference) for s in sources)
        a, r, _summary = run_attacks(g, sources)
        attacks += a
        results += r
    by_kind = {k.kind: k for k in summarise(attacks, results)}
    for kind, (said, ok) in LIMITS.items():
        assert ok(by_kind[kind]), (kind, said, by_kind[kind].to_dict())


# ---------------------------------------------------------------------------- contradictions


STACK = ("栈是一种后进先出的数据结构", "什么是栈？")


@pytest.mark.parametrize(
    ("reference", "question", "answer", "words"),
    [
        (*STACK, "栈是先进先出的数据结构", ("先进先出", "后进先出")),
        (
            "由于 p 值 > 0.05，因此两组之间没有统计学上显著的差异",
            "",
            "由于 p 值 > 0.05，因此两组之间有统计学上显著的差异",
            ("统计学", "没有统计学"),
        ),
        (
            "由于 p 值 > 0.05，我无法将样本中观察到的结果概括为总体",
            "",
            "由于 p 值 > 0.05，我可以将样本中观察到的结果概括为总体",
            ("样本中", "无法将样本中"),
        ),
        (
            "水路运输的优点：运量大、运费低",
            "水路运输的优点有哪些？",
            "水路运输运量小、运费低",
            ("运量小", "运量大"),
        ),
        ("访问数组元素的时间复杂度是 O(1)", "", "访问数组元素的时间复杂度是 O(n)", ("O(n)", "O(1)")),
        ("一般取显著性水平 0.05", "", "一般取显著性水平 0.01", ("水平0.01", "水平0.05")),
        (
            "物品损耗标准包括：标准损耗率、保管损耗率",
            "物品损耗标准包括哪些？",
            "非标准损耗率",
            ("非标准损耗率", "标准损耗率"),
        ),
        (
            "5S：是指整理、整顿、清扫、清洁、素养",
            "5S是指什么？",
            "5S不是指整理、整顿、清扫、清洁、素养",
            None,
        ),
        ("TCP是面向连接的，UDP是无连接的", "TCP和UDP有什么区别？", "UDP是面向连接的，TCP是无连接的", None),
    ],
)
def test_contradictions_earn_nothing_and_are_flagged(
    kw: Grader, reference: str, question: str, answer: str, words: tuple[str, str] | None
) -> None:
    r = kw.grade_text(reference, answer, question=question)
    right = kw.grade_text(reference, reference, question=question)
    assert _contradicts(r), r
    assert any(m.status == "contradicted" for m in r.marks)
    assert all(m.earned == 0 for m in r.marks if m.status == "contradicted")
    assert r.score < right.score
    assert any(d.startswith("contradicts the reference") for d in r.deductions)
    if words is not None:
        said, expected = words
        assert f"({said.lower()} / {expected.lower()})" in r.reason.lower()
    # the reason shows both phrases: the answer's and the reference's
    m = next(m for m in r.marks if m.status == "contradicted")
    assert f"answer “{m.phrase}”" in r.reason and "reference “" in r.reason


@pytest.mark.parametrize(
    ("reference", "question", "answer"),
    [
        (*STACK, "栈的特点是后进先出，它是一种常用的数据结构"),
        (*STACK, "栈不是先进先出，而是后进先出的数据结构"),
        ("由于 p 值 > 0.05，因此两组之间没有统计学上显著的差异", "", "p 值大于 0.05，所以两组的差异并不显著"),
        ("由于 p 值 > 0.05，我无法将样本中观察到的结果概括为总体", "", "样本量太小，不能推广到总体"),
        ("TCP是面向连接的，UDP是无连接的", "TCP和UDP有什么区别？", "TCP面向连接，UDP无连接"),
        (
            "运输市场按时间要求可分为定期运输市场、不定期运输市场",
            "运输市场按时间要求可分为哪些？",
            "不定期运输市场",
        ),
        (
            "信息的特征：客观性、传递性、不对称性、共享性",
            "信息的特征有哪些？",
            "信息具有传递性、不对称性和共享性",
        ),
        (
            "变量可以在函数内（局部变量）或函数外（全局变量）声明",
            "",
            "局部变量在函数内声明，全局变量在函数外声明",
        ),
    ],
)
def test_honest_answers_are_not_called_contradictions(
    kw: Grader, reference: str, question: str, answer: str
) -> None:
    r = kw.grade_text(reference, answer, question=question)
    assert not any(m.status == "contradicted" for m in r.marks), r.marks
    assert "contradicts" not in r.reason


def test_a_typo_never_turns_an_opposite_into_a_match(kw: Grader) -> None:
    r = kw.grade_text("栈的特点：后进先出", "先进先出", question="栈有什么特点？")
    assert [m.status for m in r.marks] == ["contradicted"] and r.score == 0


# ---------------------------------------------------------------------------- guards


def test_a_copied_question_earns_only_what_it_adds(kw: Grader) -> None:
    q = "配送的种类按配送专业化程度分类，可分为哪些类型？"
    ref = "配送的种类按配送专业化程度分类，分为综合配送、专业配送。"
    copy = kw.grade_text(ref, q, question=q)
    adds = kw.grade_text(ref, "配送的种类按配送专业化程度分类，分为综合配送。", question=q)
    assert copy.score <= 0.1
    assert adds.score > 0.3 and [m.status for m in adds.marks] == ["matched", "missed"]


def test_keyword_salad_is_capped_and_flagged_but_a_terse_answer_is_not(kw: Grader) -> None:
    salad = kw.grade_text(*STACK[:1], "数据结构 后进先出 栈 线性", question=STACK[1])
    terse = kw.grade_text(*STACK[:1], "栈：后进先出，一种数据结构", question=STACK[1])
    assert salad.score <= 0.35 and salad.needs_review
    assert any(d.startswith("no sentence structure") for d in salad.deductions)
    assert not any(d.startswith("no sentence structure") for d in terse.deductions)
    assert terse.score > salad.score


def test_a_list_for_a_list_is_no_salad_but_torn_items_are(kw: Grader) -> None:
    ref, q = (
        "决定分拣策略的四个主要因素：分区、订单分割、订单分批、分类。",
        "决定分拣策略的主要因素有哪几个？",
    )
    listed = kw.grade_text(ref, "订单分批、分区、分类、订单分割", question=q)
    torn = kw.grade_text(ref, "订单 分批 分拣 策略 分区 四个 分割 因素 决定 分类 订单", question=q)
    assert listed.score >= 0.9 and not listed.deductions and not listed.needs_review
    assert torn.score <= 0.3 and torn.needs_review


def test_an_answer_to_another_question_is_off_topic(bank: Bank) -> None:
    g = Grader(embedder="none", bank=bank)
    gan = bank.get("15")
    assert gan is not None
    res = list(
        g.grade_many(
            [
                {"question_id": "2", "answer": gan.answer},
                {
                    "question_id": "2",
                    "answer": "CNN 用卷积操作提取图像特征，有局部感知、平移不变性和共享权重的特点",
                },
            ]
        )
    )
    assert res[0].needs_review and res[0].score <= 0.2
    assert res[0].reason == f"off-topic: closer to the reference of question {gan.id}"
    assert not res[1].needs_review or "off-topic" not in res[1].reason


def test_padding_never_adds(kw: Grader, bank: Bank) -> None:
    g = Grader(embedder="none", bank=bank)
    q = bank.get("6")
    assert q is not None
    ref = g._reference_of(q)
    alone = g.grade_text(ref, ref, question=q.stem)
    padded = g.grade_text(
        ref, ref + "这个问题很重要，需要认真学习。" * 50 + bank.questions[0].answer, question=q.stem
    )
    assert padded.score <= alone.score


def test_the_best_of_several_references_counts(kw: Grader) -> None:
    ref = "过拟合可以用正则化缓解"
    alt = "过拟合可以用更多的训练数据缓解"
    answer = "收集更多的训练数据，过拟合就会缓解"
    one = kw.grade_text(ref, answer)
    both = kw.grade_text(ref, answer, alternatives=[alt])
    assert both.score > one.score
    assert both.matched == ("过拟合可以用更多的训练数据缓解",)


def test_bank_alternatives_are_used(bank: Bank) -> None:
    from dataclasses import replace

    q = bank.get("6")
    assert q is not None
    alt = "池化就是下采样：取一个区域的最大值或平均值，特征图变小，计算变少。"
    b2 = Bank(
        bank.title, tuple(replace(x, alternatives=(alt,)) if x.id == q.id else x for x in bank.questions)
    )
    plain, with_alt = Grader(embedder="none", bank=bank), Grader(embedder="none", bank=b2)
    req = [{"question_id": "6", "answer": alt}]
    assert next(with_alt.grade_many(req)).score > next(plain.grade_many(req)).score


# ---------------------------------------------------------------------------- explanations


def test_every_score_is_explained(kw: Grader) -> None:
    ref = "TCP是面向连接的，UDP是无连接的。TCP可靠，UDP不可靠。"
    r = kw.grade_text(ref, "TCP是面向连接的，UDP是面向连接的", question="TCP和UDP有什么区别？", max_score=4)
    statuses = {m.point: m.status for m in r.marks}
    assert statuses["TCP是面向连接的"] == "matched"
    assert statuses["UDP是无连接的"] == "contradicted"
    assert {m.possible for m in r.marks} == {1.0}
    for m in r.marks:
        assert (m.phrase == "") == (m.status == "missed")
        assert 0 <= m.earned <= m.possible
    assert r.summary().startswith("1/4 key points; contradicts the reference")
    d = r.to_dict()
    assert d["contradicted"] == ["UDP是无连接的 ≠ UDP是面向连接的"]
    assert [x["status"] for x in d["marks"]] == [m.status for m in r.marks]
