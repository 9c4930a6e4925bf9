"""quizgen.generate: invariants over generated banks (Hypothesis) and the bundled seed bank."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.bank import Bank, ListItem, Question, Section, SectionKind, kind_for_label
from quizgen.generate import ALL_TYPES, GenerationResult, generate, parse_types
from quizgen.generate.choice import definition
from quizgen.generate.common import (
    BLANK,
    analyze,
    is_sequence,
    lead_says_sequence,
    mentions,
    same_kind,
    subject_of,
)
from quizgen.generate.distractors import Cand, pick
from quizgen.items import FALSE, LETTERS, TRUE, Item, ItemType, dumps_items, loads_items
from quizgen.text import normalize, normalize_loose

# ---------------------------------------------------------------------------- helpers


def source_section(bank: Bank, item: Item) -> Section:
    """The list an order/match item was made from: its question's section with that label
    whose terms (or lines) are exactly the item's steps / include the item's terms."""
    q = next(q for q in bank.questions if q.id == item.question_id)
    shown = set(item.left) if item.type is ItemType.MATCH else set(item.options)
    for s in q.sections:
        if s.label != (item.source.section if item.source else None) or not s.items:
            continue
        terms = {it.term for it in s.items}
        lines = {f"{it.term}：{it.text}" if it.term else it.text for it in s.items}
        if shown in (terms, lines) or (item.type is ItemType.MATCH and shown <= terms):
            return s
    raise AssertionError(f"no source list for {item.id}")


def check_invariants(bank: Bank, res: GenerationResult) -> None:
    unique_ids = {q.id for q in bank.questions if q.duplicate_of is None}
    ids = [it.id for it in res.items]
    assert len(ids) == len(set(ids)), "item ids are unique"
    for it in res.items:
        assert it.question_id in unique_ids, "near-duplicate questions are skipped"
        assert it.stem.strip()
        if it.type in (ItemType.CHOICE, ItemType.MULTI, ItemType.ORDER, ItemType.MATCH):
            norm = [normalize(o) for o in it.options]
            assert len(set(norm)) == len(norm), f"options distinct after normalisation: {it.options}"
            assert all(a in LETTERS[: len(it.options)] for a in it.answer), "key among the options"
        if it.type is ItemType.CHOICE:
            assert len(it.answer) == 1
            assert len(it.options) >= 3
        elif it.type is ItemType.MULTI:
            assert 1 <= len(it.answer) < len(it.options)
            assert len(set(it.answer)) == len(it.answer)
        elif it.type is ItemType.ORDER:
            assert sorted(it.answer) == list(LETTERS[: len(it.options)]), "answer is a permutation"
            s = source_section(bank, it)
            assert is_sequence(s), "order items only from real sequences"
            steps = [it2.term for it2 in s.items] if all(x.term for x in s.items) else None
            in_order = [it.options[LETTERS.index(a)] for a in it.answer]
            if steps is not None:
                assert in_order == steps, "the answer puts the source list back in order"
                assert list(it.options) != steps, "never shown already in the right order"
            assert len(it.options) >= 3
        elif it.type is ItemType.MATCH:
            assert len(it.left) == len(it.options) == len(it.answer)
            assert sorted(it.answer) == list(LETTERS[: len(it.options)])
            assert 3 <= len(it.left) <= 6
        elif it.type is ItemType.TF:
            assert it.answer in ((TRUE,), (FALSE,))
        elif it.type is ItemType.FILL:
            assert it.stem.count(BLANK) == 1
            assert it.answer[0] in it.accept
            rest = normalize_loose(it.stem.replace(BLANK, ""))
            for form in it.accept:
                f = normalize_loose(form)
                assert len(f) < 2 or f not in rest, f"{form!r} must not appear elsewhere in {it.stem!r}"
        elif it.type is ItemType.SHORT:
            assert it.answer and it.answer[0].strip()


# ---------------------------------------------------------------------------- random banks

WORDS = [
    "卷积核",
    "注意力机制",
    "词向量",
    "梯度裁剪",
    "学习率衰减",
    "权重衰减",
    "特征金字塔",
    "残差连接",
    "层归一化",
    "位置编码",
    "多头注意力",
    "知识蒸馏",
    "模型剪枝",
    "量化训练",
    "混合精度",
    "数据并行",
    "模型并行",
    "早停策略",
    "标签平滑",
    "对比学习",
    "自监督学习",
    "强化学习",
    "策略梯度",
    "价值函数",
    "蒙特卡洛",
    "贝叶斯优化",
    "网格搜索",
    "交叉验证",
    "主成分分析",
    "聚类分析",
]
PHRASES = [
    "在训练前处理输入数据",
    "计算损失函数的梯度",
    "更新模型的全部参数",
    "评估验证集上的表现",
    "保存效果最好的模型",
    "降低模型的计算开销",
    "提高模型的泛化能力",
    "减少训练所需的时间",
    "用于文本分类任务",
    "用于图像检测任务",
    "用于语音合成任务",
    "处理很长的序列数据",
]
LEADS = [
    ("解析", "该方法主要包括以下几个步骤："),
    ("解析", "它的作用主要体现在以下几个方面："),
    ("实现步骤", ""),
    ("应用", ""),
    ("优点", ""),
    ("原理", ""),
    ("流程", ""),
    ("说明", "常见的做法包括："),
]


@st.composite
def banks(draw: st.DrawFn) -> Bank:
    n_q = draw(st.integers(min_value=1, max_value=6))
    subjects = draw(st.lists(st.sampled_from(WORDS), min_size=n_q, max_size=n_q, unique=True))
    questions: list[Question] = []
    for k, subj in enumerate(subjects, 1):
        sections: list[Section] = []
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            label, lead = draw(st.sampled_from(LEADS))
            n_items = draw(st.integers(min_value=1, max_value=7))
            terms = draw(st.lists(st.sampled_from(WORDS), min_size=n_items, max_size=n_items, unique=True))
            marked = draw(st.booleans())  # 首先 … 然后 … 最后 in lists of every kind, ordered or not
            items = []
            for i, t in enumerate(terms):
                text = draw(st.sampled_from(PHRASES))
                if marked:
                    text = ("首先" if i == 0 else "最后" if i == len(terms) - 1 else "然后") + text
                with_term = draw(st.booleans()) or label != "说明"
                items.append(ListItem(term=t if with_term else None, text=f"{text}。"))
            sections.append(Section(label=label, kind=kind_for_label(label), lead=lead, items=tuple(items)))
        answer = draw(st.sampled_from(["", f"{subj}是一种{draw(st.sampled_from(PHRASES))}的技术。"]))
        dup = draw(st.booleans()) and questions
        questions.append(
            Question(
                id=f"q{k}",
                number=k,
                title=f"什么是{subj}？",
                prompt=f"请简要解释{subj}。",
                answer=answer,
                sections=tuple(sections),
                duplicate_of=questions[0].id if dup else None,
            )
        )
    return Bank(title="random", questions=tuple(questions))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bank=banks(), seed=st.integers(min_value=0, max_value=10_000), n=st.integers(min_value=1, max_value=30)
)
def test_invariants_on_random_banks(bank: Bank, seed: int, n: int) -> None:
    res = generate(bank, n=n, rng=random.Random(seed))
    assert len(res.items) <= n
    check_invariants(bank, res)
    again = generate(bank, n=n, rng=random.Random(seed))
    assert again.items == res.items, "same seed, same items"
    assert [i.id for i in again.items] == [i.id for i in res.items]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bank=banks(), seed=st.integers(min_value=0, max_value=10_000))
def test_no_order_item_from_unordered_lists(bank: Bank, seed: int) -> None:
    res = generate(bank, n=50, types=[ItemType.ORDER], rng=random.Random(seed))
    for it in res.items:
        s = source_section(bank, it)
        assert s.kind not in (SectionKind.APPLICATION, SectionKind.ADVANTAGE, SectionKind.PRINCIPLE)
        assert "方面" not in s.lead
        assert is_sequence(s)


# ---------------------------------------------------------------------------- the seed bank


@pytest.fixture(scope="module")
def seed_items(seed_bank: Bank) -> list[Item]:
    return generate(seed_bank, n=400, rng=random.Random(1)).items


def test_seed_invariants(seed_bank: Bank) -> None:
    for seed in (1, 2, 3):
        check_invariants(seed_bank, generate(seed_bank, n=60, rng=random.Random(seed)))


def test_seed_order_items_only_from_real_sequences(seed_bank: Bank) -> None:
    res = generate(seed_bank, n=100, types=[ItemType.ORDER], rng=random.Random(3))
    got = {(it.source.number, it.source.section) for it in res.items if it.source}
    assert got == {(1, "解析"), (11, "实现步骤"), (12, "实现步骤")}
    for it in res.items:
        check_invariants(seed_bank, GenerationResult(items=[it], report=res.report))


def test_seed_no_order_from_aspects_advantages_or_uses(seed_bank: Bank) -> None:
    res = generate(seed_bank, n=100, types=[ItemType.ORDER], rng=random.Random(9))
    for it in res.items:
        assert it.source is not None
        assert (it.source.number, it.source.section) != (2, "解析")
        assert it.source.section not in ("优点", "应用")


def test_sequence_detection() -> None:
    def sec(label: str, lead: str = "", texts: tuple[str, ...] = ("a", "b", "c")) -> Section:
        return Section(label, kind_for_label(label), lead, tuple(ListItem(None, t) for t in texts))

    assert is_sequence(sec("解析", "深度学习模型在图像识别中的应用主要包括以下几个步骤："))
    assert not is_sequence(sec("解析", "CNN 在图像识别中的作用主要体现在以下几个方面："))
    assert is_sequence(sec("实现步骤"))
    assert is_sequence(sec("流程"))
    assert not is_sequence(sec("优点"))
    assert not is_sequence(sec("应用", texts=("首先a", "然后b", "最后c")))
    assert is_sequence(sec("说明", texts=("首先a", "然后b", "最后c")))
    assert not is_sequence(sec("说明"))
    assert lead_says_sequence("训练过程如下") is True
    assert lead_says_sequence("主要优点有") is False


def test_subjects(seed_bank: Bank) -> None:
    by_number = {q.number: subject_of(q) for q in seed_bank.questions}
    assert by_number[2] is not None and {"卷积神经网络", "CNN"} <= set(by_number[2].names)
    assert by_number[8] is not None and by_number[8].display == "全连接层"
    assert by_number[9] is not None and "过拟合" in by_number[9].cores
    assert by_number[12] is not None and "Batch Normalization" in by_number[12].names
    assert subject_of(Question(id="x", number=1, title="如何安装 PaddleOCR？")) is None


def test_deterministic_and_seed_dependent(seed_bank: Bank) -> None:
    a = generate(seed_bank, n=20, rng=random.Random(7)).items
    b = generate(seed_bank, n=20, rng=random.Random(7)).items
    c = generate(seed_bank, n=20, rng=random.Random(8)).items
    assert a == b
    assert [i.id for i in a] != [i.id for i in c]


def test_ids_are_stable_content_hashes(seed_bank: Bank) -> None:
    """The same order item has the same id whatever the shuffle (progress follows it)."""
    a = {i.stem: i for i in generate(seed_bank, n=10, types=[ItemType.ORDER], rng=random.Random(1)).items}
    b = {i.stem: i for i in generate(seed_bank, n=10, types=[ItemType.ORDER], rng=random.Random(2)).items}
    for stem, it in a.items():
        assert b[stem].id == it.id


def test_coverage_spread_and_duplicates_skipped(seed_bank: Bank) -> None:
    res = generate(seed_bank, n=19, rng=random.Random(5))
    per_q = Counter(it.question_id for it in res.items)
    assert len(per_q) == 19 and max(per_q.values()) == 1, "one item per unique question first"
    dups = {q.id for q in seed_bank.questions if q.duplicate_of}
    assert not dups & set(per_q)
    assert res.report.skipped_duplicates == 11
    assert len({it.type for it in res.items}) >= 5, "types are mixed"


def test_per_question_cap_and_type_filter(seed_bank: Bank) -> None:
    res = generate(seed_bank, n=200, per_question=2, types=[ItemType.FILL, ItemType.TF], rng=random.Random(1))
    assert max(Counter(i.question_id for i in res.items).values()) <= 2
    assert {i.type for i in res.items} <= {ItemType.FILL, ItemType.TF}
    assert set(res.report.made) == {ItemType.FILL, ItemType.TF}


def test_report_counts_and_reasons(seed_bank: Bank) -> None:
    res = generate(seed_bank, n=30, rng=random.Random(1))
    rep = res.report
    assert rep.total == len(res.items) == 30
    assert sum(rep.made.values()) == 30
    assert all(rep.made[t] <= rep.candidates[t] for t in ALL_TYPES)
    assert rep.rejected[ItemType.ORDER]["list is not a sequence of steps"] > 0
    d = rep.to_dict()
    assert d["made"] == 30 and d["by_type"]["order"]["candidates"] == 3
    assert "near-duplicate questions skipped" in rep.lines()[0]


def test_fill_items_accept_aliases_and_hide_the_term(seed_bank: Bank) -> None:
    # fills only: in a quiz of all types a term is asked once, maybe by a choice item
    fills = generate(seed_bank, n=400, types=[ItemType.FILL], rng=random.Random(1)).items
    assert fills
    cnn = [i for i in fills if i.answer[0] == "卷积神经网络"]
    assert cnn and all("CNN" in i.accept for i in cnn)
    for it in fills:
        assert BLANK in it.stem
        assert "CNN" not in it.stem.replace(BLANK, "") or "CNN" not in it.accept


def test_which_describes_masks_every_subject(seed_bank: Bank, seed_items: list[Item]) -> None:
    """Each option is a question's definition with that question's own subject masked."""
    an = analyze(seed_bank)
    described = [i for i in seed_items if i.meta.get("form") == "which_describes"]
    assert described
    for it in described:
        qids = [it.question_id, *it.meta["distractors_from"]]
        assert len(qids) == len(it.options) == 4
        for qid in qids:
            qi = an.info[qid]
            opt = definition(qi)
            assert opt in it.options
            assert qi.subject is not None
            assert BLANK in opt and not mentions(opt, qi.subject.names + qi.subject.cores), opt


def test_distractors_never_from_the_keys_duplicate_group(seed_bank: Bank, seed_items: list[Item]) -> None:
    an = analyze(seed_bank)
    for it in seed_items:
        for ref in it.meta.get("distractors_from", []):
            qid = ref.split("/")[0]
            if qid != it.question_id:
                assert an.group_of[qid] != an.group_of[it.question_id]
                assert qid not in an.related[it.question_id]


def test_not_one_of_key_is_foreign(seed_bank: Bank, seed_items: list[Item]) -> None:
    items = [i for i in seed_items if i.meta.get("form") == "not_one_of"]
    assert items
    for it in items:
        q = next(q for q in seed_bank.questions if q.id == it.question_id)
        key = it.options[LETTERS.index(it.answer[0])]
        terms = {x.term for s in q.sections for x in s.items}
        assert key not in terms
        assert all(o in terms for o in it.options if o != key)


def test_items_round_trip_through_yaml(seed_items: list[Item]) -> None:
    again = loads_items(dumps_items(seed_items))
    assert again == seed_items


def test_parse_types() -> None:
    assert parse_types(None) == ALL_TYPES
    assert parse_types("choice, fill,choice") == (ItemType.CHOICE, ItemType.FILL)
    assert parse_types(["tf"]) == (ItemType.TF,)
    with pytest.raises(ValueError, match="quiz"):
        parse_types("choice,quiz")


def test_empty_and_answerless_banks() -> None:
    assert generate(Bank(title="x"), n=5, rng=random.Random(1)).items == []
    q = Question(id="a", number=1, title="什么是卷积核？", prompt="", answer="")
    res = generate(Bank(title="x", questions=(q,)), n=5, rng=random.Random(1))
    assert res.items == []
    assert res.report.skipped_no_answer == 1


# ---------------------------------------------------------------------------- short answers


def _short(res: GenerationResult) -> dict[int, Item]:
    return {i.source.number: i for i in res.items if i.type is ItemType.SHORT and i.source}


@pytest.fixture(scope="module")
def seed_short(seed_bank: Bank) -> dict[int, Item]:
    return _short(generate(seed_bank, n=400, types=[ItemType.SHORT], rng=random.Random(1)))


def test_short_reference_names_its_key_points(seed_short: dict[int, Item]) -> None:
    q5 = seed_short[5]
    assert q5.answer == (
        "卷积操作是一种数学运算，用于计算两个函数或信号之间的叠加。在卷积神经网络（CNN）中，"
        "卷积操作用于提取图像特征。\n作用：特征提取、特征融合、参数共享、平移不变性。",
    )
    assert q5.key_points == ("特征提取", "特征融合", "参数共享", "平移不变性")
    # the explanation keeps the full model answer
    assert q5.explanation.startswith("卷积操作在卷积神经网络中的作用主要体现在以下几个方面：\n1. 特征提取：")
    assert q5.explanation.endswith("实现图像识别等任务。")
    assert len(seed_short) >= 12
    for it in seed_short.values():
        ref = normalize_loose(it.answer[0])
        assert [k for k in it.key_points if normalize_loose(k) not in ref] == [], it.source


def test_short_reference_lines_are_labelled_per_section(seed_bank: Bank, seed_short: dict[int, Item]) -> None:
    def lines(n: int) -> list[str]:
        answer = seed_bank.get(str(n)).answer  # type: ignore[union-attr]
        text = seed_short[n].answer[0]
        assert text.startswith(answer + "\n")
        return text[len(answer) + 1 :].split("\n")

    assert lines(1) == ["步骤：数据预处理、特征提取、特征融合、分类。"]
    assert lines(7) == [
        "作用：引入非线性、增加模型表达能力、优化训练过程、避免梯度消失/爆炸。",
        "常见的激活函数：sigmoid 函数、tanh 函数、ReLU 函数、Leaky ReLU 函数。",
    ]
    assert lines(9) == ["解决方法：数据增强、正则化、提前停止、集成学习、减小模型复杂度。"]
    assert lines(15) == [
        "原理：生成器、判别器、对抗训练、训练过程。",
        "应用：图像生成、图像修复、风格迁移、数据增强。",
    ]
    # a question without bold terms keeps its 答案 as the reference
    assert seed_short[13].answer == (seed_bank.get("13").answer,)  # type: ignore[union-attr]


def test_short_item_id_follows_the_answer_block_not_the_reference(seed_short: dict[int, Item]) -> None:
    from quizgen.generate.common import item_id

    q5 = seed_short[5]
    block = q5.answer[0].split("\n")[0]
    assert q5.id == item_id(ItemType.SHORT, q5.question_id, q5.stem, [], [block]) == "3cd67d93086d"


def test_short_reference_with_a_teachers_required_points() -> None:
    from quizgen.bank import Grading

    sec = Section(
        "解析",
        SectionKind.EXPLANATION,
        "池化的作用主要体现在以下几个方面：",
        (ListItem("降维", "减少计算"), ListItem("平移不变性", "小的平移不改变输出")),
    )
    note = Section("注意", SectionKind.NOTE, items=(ListItem("最大池化", "常用"),))
    q = Question(
        id="p",
        number=1,
        title="池化",
        prompt="请简要解释池化的概念，并说明其作用。",
        answer="池化是对特征图的下采样。",
        sections=(sec, note),
        grading=Grading(required=("平移不变性", "下采样", "减少参数")),
    )
    (it,) = _short(
        generate(Bank(title="x", questions=(q,)), n=5, types=[ItemType.SHORT], rng=random.Random(1))
    ).values()
    assert it.key_points == ("平移不变性", "下采样", "减少参数")
    # 平移不变性 from its list, 下采样 already in the 答案, 减少参数 on its own line
    assert it.answer == ("池化是对特征图的下采样。\n作用：平移不变性。\n要点：减少参数。",)
    assert it.explanation.startswith("解析：池化的作用主要体现在以下几个方面：\n1. 降维：减少计算")


def test_grading_the_short_reference_matches_every_key_point(
    seed_bank: Bank, seed_short: dict[int, Item]
) -> None:
    """Typing the reference scores full marks with no missed key point; the 答案 alone misses the
    list's points and scores less; the key points alone score more than another question's 答案."""
    from quizgen.grade import Grader

    g = Grader(embedder="none", bank=seed_bank)
    for n in (2, 5, 9, 15):
        it = seed_short[n]
        q = seed_bank.get(str(n))
        assert q is not None
        kps = set(it.key_points)  # the grader's key points also hold the 答案's own statements
        full = g.grade_item(it, it.answer[0], q)
        assert (full.score, full.missed) == (full.max_score, ()) and kps <= set(full.matched)
        alone = g.grade_item(it, q.answer, q)
        points = g.grade_item(it, "、".join(it.key_points), q)
        wrong = g.grade_item(it, seed_bank.get("11").answer, q)  # type: ignore[union-attr]
        assert kps & set(alone.missed) and kps <= set(alone.missed) | set(alone.matched)
        # (dropout's 答案 does say 降低模型的复杂度, close to Q9's 减小模型复杂度: one point at most)
        assert kps <= set(points.matched) and len(kps & set(wrong.matched)) <= 1
        assert full.score > alone.score > wrong.score
        assert full.score > points.score > wrong.score


# ---------------------------------------------------------------------------- ambiguity (teacher review)


def _q(bank: Bank, number: int) -> Question:
    return next(q for q in bank.questions if q.number == number)


def _texts(bank: Bank, number: int, *terms: str) -> dict[str, str]:
    q = _q(bank, number)
    return {it.term or "": it.text for s in q.sections for it in s.items if it.term in terms}


def _all_items(bank: Bank, types: list[ItemType]) -> list[Item]:
    """Every candidate of these types: n is far above what the bank can give."""
    return generate(bank, n=1000, types=types, rng=random.Random(5)).items


def test_confusable_descriptions_of_the_seed_lists(seed_bank: Bank) -> None:
    """Known look-alikes: ResNet's 训练速度加快 also says 可以构建深层的网络结构 (增加网络深度);
    pooling's 减少参数数量 also says 降低了计算复杂度 (提高计算效率); the fully connected layer's
    参数数量 says 提高模型的分类性能 (优化性能), while 优化性能's own says nothing of it. Lists
    whose descriptions are told apart by their terms stay usable."""
    from quizgen.generate.common import analyze, confusable, list_context

    an = analyze(seed_bank)

    def ctx_of(number: int):  # type: ignore[no-untyped-def]
        q = _q(seed_bank, number)
        s = next(s for s in q.sections if s.items)
        return list_context([it.text for it in s.items], an.all_names_for(q.id)), _texts(
            seed_bank, number, *(it.term or "" for it in s.items)
        )

    ctx, t = ctx_of(14)
    assert confusable("增加网络深度", t["增加网络深度"], "训练速度加快", t["训练速度加快"], ctx)
    ctx, t = ctx_of(6)
    assert confusable("提高计算效率", t["提高计算效率"], "减少参数数量", t["减少参数数量"], ctx)
    ctx, t = ctx_of(8)
    assert confusable("优化性能", t["优化性能"], "参数数量", t["参数数量"], ctx)
    assert not confusable("参数数量", t["参数数量"], "优化性能", t["优化性能"], ctx)
    ctx, t = ctx_of(7)
    assert confusable("优化训练过程", t["优化训练过程"], "避免梯度消失/爆炸", t["避免梯度消失/爆炸"], ctx)
    # told apart by their own words: 计算误差 / 计算梯度, 数据降维 / 异常检测, 编码器 / 解码器
    ctx, t = ctx_of(4)
    assert not confusable("计算误差", t["计算误差"], "计算梯度", t["计算梯度"], ctx)
    ctx, t = ctx_of(16)
    assert not confusable("编码器", t["编码器"], "解码器", t["解码器"], ctx)
    assert not confusable("解码器", t["解码器"], "编码器", t["编码器"], ctx)


def test_no_match_item_pairs_look_alike_descriptions(seed_bank: Bank) -> None:
    matches = _all_items(seed_bank, [ItemType.MATCH])
    assert matches
    lefts = [set(it.left) for it in matches]
    for pair in (
        {"增加网络深度", "训练速度加快"},
        {"减少参数数量", "提高计算效率"},
        {"参数数量", "优化性能"},
    ):
        assert not any(pair <= left for left in lefts), pair
    # lists whose descriptions are told apart are still asked
    assert any({"计算误差", "计算梯度", "更新参数", "优化性能"} == left for left in lefts)
    assert any({"编码器", "解码器", "训练过程"} == left for left in lefts)


def test_term_to_description_has_no_second_defensible_option(seed_bank: Bank) -> None:
    t7 = _texts(seed_bank, 7, "避免梯度消失/爆炸")
    t6 = _texts(seed_bank, 6, "减少参数数量")
    t8 = _texts(seed_bank, 8, "参数数量")
    t14 = _texts(seed_bank, 14, "训练速度加快")
    bad = {
        "「优化训练过程」": t7["避免梯度消失/爆炸"],
        "「提高计算效率」": t6["减少参数数量"],
        "「优化性能」": t8["参数数量"],
        "「增加网络深度」": t14["训练速度加快"],
    }
    items = [
        it for it in _all_items(seed_bank, [ItemType.CHOICE]) if it.meta.get("form") == "term_to_description"
    ]
    assert items
    for it in items:
        for stem_term, text in bad.items():
            if stem_term in it.stem:
                assert text not in it.options, it.stem


def test_description_to_term_has_one_fitting_term(seed_bank: Bank) -> None:
    items = [
        it for it in _all_items(seed_bank, [ItemType.CHOICE]) if it.meta.get("form") == "description_to_term"
    ]
    assert items
    for it in items:
        # 参数数量's description (…提高模型的分类性能) also fits 优化性能
        if "提高模型的分类性能" in it.stem:
            assert "优化性能" not in it.options
        # 「…实现对输入数据的＿＿＿任务」: 特征提取 fits the gap as well as 分类和回归
        assert f"{BLANK}任务」" not in it.stem, it.stem


def test_fill_accepts_the_term_without_a_generic_suffix(seed_bank: Bank) -> None:
    from quizgen.generate.fill import cores_of

    an = analyze(seed_bank)
    generate(seed_bank, n=1, types=[ItemType.FILL], rng=random.Random(0))  # teaches jieba the terms
    assert "非线性" in cores_of(an, "非线性变换")
    assert "池化" in cores_of(an, "池化操作")
    assert "sigmoid" in cores_of(an, "sigmoid 函数")
    assert "反向传播算法" in cores_of(an, "反向传播")  # the one bank name that is the term + 算法
    assert cores_of(an, "激活函数") == []  # 激活 is no name for 激活函数
    fills = _all_items(seed_bank, [ItemType.FILL])
    nonlinear = [it for it in fills if it.answer[0] == "非线性变换"]
    assert nonlinear and all("非线性" in it.accept for it in nonlinear)
    # and the shorter form is never left visible in the stem (神经网络通过激活函数引入＿＿＿，
    # 使得模型能够处理非线性问题 is no longer asked)
    for it in nonlinear:
        assert "非线性" not in it.stem.replace(BLANK, "")


def test_fill_short_form_shared_by_two_names_is_not_accepted() -> None:
    from quizgen.generate.fill import cores_of

    def q(k: int, subj: str, answer: str) -> Question:
        return Question(id=f"q{k}", number=k, title=f"什么是{subj}？", prompt="", answer=answer)

    bank = Bank(
        title="t",
        questions=(
            q(1, "非线性变换", "非线性变换是一种对输入做弯曲映射的运算。"),
            q(2, "非线性操作", "非线性操作是一种逐元素施加非线性的操作。"),
        ),
    )
    an = analyze(bank)
    assert "非线性" not in cores_of(an, "非线性变换")


def test_tf_never_swaps_an_umbrella_subject_into_a_definition(seed_bank: Bank) -> None:
    an = analyze(seed_bank)
    umbrella = [an.info[qid].subject for qid in an.umbrella]
    names = [s.short for s in umbrella if s]
    assert names  # 神经网络, 深度学习
    tfs = [it for it in _all_items(seed_bank, [ItemType.TF]) if it.meta.get("form") == "swapped"]
    assert tfs
    for it in tfs:
        own = an.info[it.question_id].subject
        for n in names:
            if own is None or n not in own.names:
                assert not it.stem.removeprefix("判断正误：").startswith(n), it.stem


# ---------------------------------------------------------------------------- one term once, quiz-wide


def _asked_term(it: Item) -> str | None:
    """The term an item asks for, whichever form: the gap's answer, the term a term->description
    item quotes, the key of a description->term or which-concept item."""
    form = it.meta.get("form")
    if it.type is ItemType.FILL and form != "authored":
        return normalize_loose(it.answer[0])
    if form == "term_to_description":
        return normalize_loose(it.stem.rsplit("「", 1)[1].split("」")[0])
    if form in ("description_to_term", "which_concept"):
        return normalize_loose(it.options[LETTERS.index(it.answer[0])])
    return None


def test_a_quiz_asks_a_term_once_whatever_the_type(seed_bank: Bank) -> None:
    """A fill on 卷积操作 and a which-concept choice on 卷积操作 are one fact: a quiz of every
    candidate (n far above the bank) still asks each term once."""
    for seed in (1, 2):
        terms = Counter(
            t for it in generate(seed_bank, n=400, rng=random.Random(seed)).items if (t := _asked_term(it))
        )
        assert terms and max(terms.values()) == 1, terms.most_common(3)


def test_pick_offers_distractors_the_quiz_has_not_shown_first() -> None:
    ranked = [Cand(text=t, qid=t) for t in "abcdef"]
    for seed in range(20):
        assert {c.text for c in pick(ranked, 3, random.Random(seed), frozenset({"a", "b"}))} <= set("cdef")
    # too few fresh ones: the best shown ones make up the rest, never fewer options
    assert [c.text for c in pick(ranked, 3, random.Random(1), frozenset("abcde"))][:1] == ["f"]
    assert len(pick(ranked, 3, random.Random(1), frozenset("abcde"))) == 3


# ---------------------------------------------------------------------------- subjects of term cards


def _card(title: str, answer: str) -> Question:
    return Question(id=title, number=1, title=title, answer=answer)


@pytest.mark.parametrize(
    ("title", "answer", "display", "names"),
    [
        ("半衰期", "药物半衰期是指血药浓度下降一半所需要的时间。", "半衰期", {"半衰期", "药物半衰期"}),
        (
            "变态反应（allergic reaction）",
            "少数免疫反应异常患者受某些药刺激后发生的免疫反应。",
            None,
            {"变态反应", "allergic reaction"},
        ),
        (
            "首关消除first pass effect",
            "又称首过消除，指从胃肠道吸收的药物…",
            None,
            {"首关消除", "first pass effect"},
        ),
        (
            "身体依赖性/生理依赖性",
            "是指反复使用某些药物以后造成的一种身体适应状态。",
            None,
            {"身体依赖性", "生理依赖性"},
        ),
        ("抗体的概念：", "机体产生的专门应对抗原的蛋白质，称为抗体。", "抗体", {"抗体"}),
        (
            "（考了两次）简述周期特异性抗肿瘤药：",
            "仅对增殖周期的某些时相敏感的药物。",
            "周期特异性抗肿瘤药",
            None,
        ),
    ],
)
def test_a_term_cards_title_is_its_subject(
    title: str, answer: str, display: str | None, names: set[str] | None
) -> None:
    s = subject_of(_card(title, answer))
    assert s is not None
    assert display is None or s.display == display
    assert names is None or names <= set(s.names)


@pytest.mark.parametrize(
    "title",
    [
        "布洛芬的不良症状",  # an aspect of something
        "地西泮抗焦虑作用原理",
        "利多卡因的作用机制（局麻",  # cut short, still an aspect
        "溶菌酶对细菌的作用是什么？",  # "what is X's role", not a concept
        "过敏反应的特点是什么？",
        "选填“有”或“没有”：",  # an instruction
        "应用于",  # breaks off
    ],
)
def test_titles_that_name_no_concept_have_no_subject(title: str) -> None:
    assert subject_of(_card(title, "胃肠道反应，包括恶心、上腹部不舒服。")) is None


def test_a_latin_name_with_a_generic_suffix_stays_one_name(seed_bank: Bank) -> None:
    dropout = subject_of(next(q for q in seed_bank.questions if "dropout" in q.title))
    assert dropout is not None and "技术" not in dropout.names


def test_a_card_that_defines_without_naming_itself_is_a_description() -> None:
    qi = analyze(
        Bank(title="t", questions=(_card("零级消除动力学", "指血中药物按恒定速率进行消除。"),))
    ).questions[0]
    assert definition(qi) == f"{BLANK}指血中药物按恒定速率进行消除。"
    qi = analyze(
        Bank(title="t", questions=(_card("首关消除", "又称首过消除，指药物被肝脏部分代谢的现象。"),))
    ).questions[0]
    assert definition(qi) == f"{BLANK}指药物被肝脏部分代谢的现象。"


# ---------------------------------------------------------------------------- false statements


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("残差网络", "循环神经网络（RNN）", True),
        ("副反应", "变态反应", True),
        ("dropout技术", "批量归一化技术", True),
        ("TPS", "CRNN", True),
        ("开关现象", "卡比多巴", False),
        ("过拟合问题", "自编码器", False),
        ("TPS", "插值算法", False),
    ],
)
def test_same_kind(a: str, b: str, same: bool) -> None:
    assert same_kind(a, b) is same


def test_a_swapped_subject_is_of_the_same_kind(seed_bank: Bank) -> None:
    """过拟合问题 put into the autoencoder's definition is false only as nonsense is: the term
    swapped in names the same kind of thing (a network for a network)."""
    an = analyze(seed_bank)
    subjects = [qi.subject for qi in an.questions if qi.subject]
    swapped = [
        it
        for it in _all_items(seed_bank, [ItemType.TF])
        if it.meta.get("form") == "swapped" and it.source and it.source.section == "答案"
    ]
    assert swapped
    for it in swapped:
        own = an.info[it.question_id].subject
        assert own is not None
        statement = it.stem.removeprefix("判断正误：")
        put_in = [s for s in subjects if s is not own and statement.startswith(s.display)]
        assert put_in and all(same_kind(own.display, s.display) for s in put_in), it.stem


# ---------------------------------------------------------------------------- short answers


@pytest.mark.parametrize(
    ("title", "answer"),
    [
        ("选填“有”或“没有”：", "吞噬细胞<u>没有</u>特异性识别能力，<u>有</u>识别能力。"),
        ("应用于", "严重G杆菌感染，如败血症等。"),
        ("SMT 和 TMP 合用原理", "/第二十八章：β- 内酰胺类抗生素\n\n其他重点：\n\n简答名解："),
        (
            "体液免疫的过程：",
            "<u>抗原呈递</u>、<u>辅助性T</u>、<u>B</u>、<u>细胞因子</u>\n\n"
            '<figure><img src="fig.png" alt="体液免疫"><figcaption>图1: 体液免疫</figcaption></figure>',
        ),
    ],
)
def test_no_short_item_from_a_title_or_answer_that_asks_or_says_nothing(title: str, answer: str) -> None:
    bank = Bank(title="t", questions=(Question(id="q", number=1, title=title, answer=answer),))
    assert generate(bank, n=5, types=[ItemType.SHORT], rng=random.Random(1)).items == []
