"""quizgen.generate.prose: items from facts read out of paragraph answers written in Markdown."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.bank import BLANK, Bank, Question, question_id
from quizgen.generate import generate
from quizgen.generate.common import analyze, loose
from quizgen.generate.fill import blankable
from quizgen.generate.prose import answer_head, number_variants
from quizgen.items import FALSE, LETTERS, TRUE, Item, ItemType
from quizgen.markup import syntax_left, to_plain


def _q(n: int, title: str, answer: str) -> Question:
    return Question(id=question_id(title), number=n, title=title, answer=answer)


ANSWERS = [
    ("弯曲的文本如何识别？", "可以尝试使用**TPS**矫正。\n\nTPS是一种插值算法，经常用于图像变形等。"),
    ("单行识别用什么算法？", "> CRNN是一种基于CTC的识别算法，只能识别单行文字。"),
    ("表格识别用哪个数据集？", "PubTabNet是IBM提出的表格识别数据集，包含大量表格图像。"),
    ("语义信息如何利用？", "SRN是一种语义推理网络，利用全局语义信息提升识别效果。"),
    ("检测密集文本用什么？", "DB是一种基于分割的文本检测算法，通过可微分二值化得到文本框。"),
    (
        "PaddleOCR部署方式有哪几种？",
        "目前有Inference部署、serving部署和Paddle Lite部署，可根据场景选择：Inference部署适用于本地离线部署，"
        "serving部署适用于云端部署，Paddle Lite部署适用于手机端集成。",
    ),
    ("如何部署到手机？", "部署时首先导出推理模型，然后转换为nb格式，最后在手机端加载运行。"),
    ("CTC和Attention哪种更好？", "通用场景下CTC的识别效果优于Attention，而且速度更快。"),
    ("数据量要多少？", "建议每个字符出现的样本数量不低于300。StyleText的训练数据是高度32像素的图片。"),
    ("PaddleOCR是否支持动态图？", "支持的，动态图是默认的分支。"),
    (
        "`block`、`inline-block`和`inline`有什么区别？",
        "| | `block` | `inline-block` | `inline` |\n|---|---|---|---|\n"
        "| 大小 | 填充其父容器的宽度 | 取决于内容 | 取决于内容 |\n| 垂直对齐 | 不可以 | 可以 | 可以 |\n",
    ),
    (
        "如何查询最高月薪？",
        "参考答案：\n\n```sql\nSELECT ename\n  FROM tb_emp\n WHERE sal = (SELECT MAX(sal) FROM tb_emp);\n```",
    ),
    ("如何控制评估的间隔？", "配置文件里的<u>eval_batch_step</u>字段用来控制多少次iter进行一次eval。"),
]
BANK = Bank(title="prose", questions=tuple(_q(i, t, a) for i, (t, a) in enumerate(ANSWERS, 1)))


@pytest.fixture(scope="module")
def items() -> list[Item]:
    """Every candidate item of the bank (a quiz asks one of the items on a term), built with a few
    seeds so that true and false variants both come out."""
    from quizgen.generate import ALL_TYPES, _planned

    return [
        p.build(random.Random(seed)) for t in ALL_TYPES for p in _planned(BANK, t).plans for seed in range(4)
    ]


def by_form(items: list[Item], form: str) -> list[Item]:
    return [i for i in items if i.meta.get("form") == form]


def text_fields(it: Item) -> list[str]:
    return [it.stem, *it.options, *it.left, *it.answer, *it.accept]


def test_every_item_is_plain_text(items: list[Item]) -> None:
    for it in items:
        for t in text_fields(it):
            assert syntax_left(t) == (), (it.meta, t)


def test_definition_cloze_and_which_concept(items: list[Item]) -> None:
    fills = {i.answer[0]: i for i in by_form(items, "definition_cloze")}
    assert fills["TPS"].stem == f"{BLANK}是一种插值算法，经常用于图像变形等。"
    assert fills["CRNN"].stem.startswith(BLANK)  # read from a blockquote: no ">" left
    choices = by_form(items, "which_concept")
    assert choices
    for it in choices:
        key = it.options[LETTERS.index(it.answer[0])]
        assert it.stem.count(BLANK) == 1
        for o in it.options:
            assert loose(o) not in loose(it.stem.replace(BLANK, "")), "no option is named in the stem"
            assert o.isascii(), "options of the key's form (Latin names for a Latin term)"
        assert key in {"TPS", "CRNN", "PubTabNet", "SRN", "DB"}


def test_definition_swaps_are_false_and_whole_sentences(items: list[Item]) -> None:
    swapped = by_form(items, "definition_swapped")
    assert swapped
    sentences = {to_plain(a).split("\n")[-1] for _, a in ANSWERS}
    for it in swapped:
        assert it.answer == (FALSE,)
        statement = it.stem.removeprefix("判断正误：")
        assert statement not in sentences and statement.endswith("。")


def test_enumeration_multi_member_fill_and_parallel_match(items: list[Item]) -> None:
    members = by_form(items, "member_cloze")
    assert members and all(BLANK in i.stem and i.answer[0].endswith("部署") for i in members)
    # A适用于P，B适用于Q，C适用于R: true "A适用于P", false "A适用于Q"
    mapped = {
        (i.stem, i.answer) for i in items if i.type is ItemType.TF and i.source and i.source.number == 6
    }
    assert ("判断正误：Inference部署适用于本地离线部署。", (TRUE,)) in mapped
    assert ("判断正误：Inference部署适用于云端部署。", (FALSE,)) in mapped


def test_prose_steps_become_an_order_item_without_their_markers(items: list[Item]) -> None:
    orders = [i for i in items if i.type is ItemType.ORDER and i.source and i.source.number == 7]
    assert orders
    it = orders[0]
    in_order = [it.options[LETTERS.index(a)] for a in it.answer]
    assert in_order == ["导出推理模型", "转换为nb格式", "在手机端加载运行"]
    assert list(it.options) != in_order
    assert not any(o.startswith(("首先", "然后", "最后")) for o in it.options)


def test_comparison_swap_is_the_reverse(items: list[Item]) -> None:
    false = {i.stem for i in by_form(items, "comparison_swapped")}
    assert "判断正误：通用场景下Attention的识别效果优于CTC，而且速度更快。" in false


def test_numbers(items: list[Item]) -> None:
    fills = {i.answer[0]: i for i in by_form(items, "number_cloze")}
    assert f"高度{BLANK}像素" in fills["32"].stem and "32像素" in fills["32"].accept
    for it in by_form(items, "number_choice"):
        assert len({*it.options}) == 4 and all(o.isdigit() for o in it.options)
    # 不低于300: 不低于200 would still be true, so it is never made false
    assert not [i for i in by_form(items, "number_swapped") if "不低于" in i.stem]


def test_number_variants_keep_the_form() -> None:
    an = analyze(BANK)
    fact = next(f for fs in an.facts.values() for f in fs if f.term == "32")
    variants = number_variants(an, fact)
    assert len(variants) >= 3 and all(v.isdigit() and v != "32" for v in variants)


def test_verdict_and_table(items: list[Item]) -> None:
    (verdict,) = {i.stem: i for i in by_form(items, "verdict")}.values()
    assert verdict.stem == "判断正误：PaddleOCR支持动态图。" and verdict.answer == (TRUE,)
    sides = by_form(items, "table_side")
    assert sides
    for it in sides:
        key = it.options[LETTERS.index(it.answer[0])]
        # only the value one side has is asked: 取决于内容 is true of two
        assert "取决于内容" not in it.stem
        assert key in ("`block`",) if "父容器" in it.stem or "不可以" in it.stem else True


def test_sql_gap_and_key_term_gap(items: list[Item]) -> None:
    (sql,) = {i.stem: i for i in by_form(items, "code_cloze")}.values()
    assert sql.answer == ("MAX",) and f"{BLANK}(sal)" in sql.stem and "```sql" in sql.stem
    keys = {i.answer[0]: i for i in by_form(items, "key_term_cloze")}
    it = keys["eval_batch_step"]
    assert it.stem.startswith("「如何控制评估的间隔？」") and BLANK in it.stem


def test_one_fact_once_across_types() -> None:
    """A quiz that asks about TPS once does not ask it again (fill, choice or tf) while other
    facts remain."""
    for seed in range(8):
        res = generate(BANK, n=8, rng=random.Random(seed))
        tested = Counter()
        for it in res.items:
            if it.type is ItemType.FILL:
                tested[loose(it.answer[0])] += 1
            elif it.type is ItemType.CHOICE and it.meta.get("form") == "which_concept":
                tested[loose(it.options[LETTERS.index(it.answer[0])])] += 1
        assert all(k <= 1 for k in tested.values()), tested


@pytest.mark.parametrize(
    ("sentence", "term", "ok"),
    [
        ("常用数据集有PubLayNet、TableBank等。", "PubLayNet", False),  # one of a list
        ("例如pix2pix等算法可以合成数据。", "pix2pix", False),  # an example
        ("代码在ppocr/postprocess路径下。", "postprocess", False),  # a piece of a path
        ("基于预训练模型微调。", "训练模型", False),  # the tail of a longer word
        ("颜色名称（即red）可以使用。", "red", False),  # a gloss in parentheses
        ("Connectionist Temporal Classification（CTC）解决对齐问题。", "CTC", False),  # spelled out
        ("需要把cudnn lib添加到LD_LIBRARY_PATH中去。", "LD_LIBRARY_PATH", True),
        ("它通过引入门控机制解决梯度消失。", "门控机制", True),  # 入门 is a word, yet not here
    ],
)
def test_blankable(sentence: str, term: str, ok: bool) -> None:
    assert blankable(sentence, term, frozenset({"预训练模型"})) is ok


@pytest.mark.parametrize(
    ("answer", "head"),
    [
        ("这是由于图片预处理不同造成的。详细说明见下文。", "这是由于图片预处理不同造成的。"),
        ("有如下几个Debug经验：\n1. 先对齐参数", ""),  # a lead-in
        ("支持的，需要在编译时打开开关。", ""),  # a verdict answers a yes/no question only
        ("将这里的(-10,10)改为(-180,180)即可", ""),  # a pointer to a link
        ("ppocr的数据标签格式为\n```\nimg.jpg [...]\n```", ""),  # a lead-in to code
    ],
)
def test_answer_head(answer: str, head: str) -> None:
    assert answer_head(to_plain(answer)) == head


# ---------------------------------------------------------------------------- any Markdown

SENTENCES = [
    "TPS是一种插值算法，经常用于图像变形等。",
    "建议每个字符出现的样本数量不低于300。",
    "目前有Inference部署、serving部署和Paddle Lite部署。",
    "配置文件里的eval_batch_step字段用来控制评估间隔。",
    "通用场景下CTC的识别效果优于Attention。",
    "首先导出模型，然后转换格式，最后加载运行。",
]
WRAPS = [
    "{}",
    "**{}**",
    "> {}",
    "- {}",
    "1. {}",
    "<u>{}</u>",
    "{} #anki",
    "[{}](http://x)",
    "<font color=red>{}</font>",
]


@st.composite
def markdown_banks(draw: st.DrawFn) -> Bank:
    qs = []
    for k in range(draw(st.integers(2, 6))):
        parts = draw(
            st.lists(st.tuples(st.sampled_from(WRAPS), st.sampled_from(SENTENCES)), min_size=1, max_size=4)
        )
        answer = "\n\n".join(w.format(s) for w, s in parts)
        if draw(st.booleans()):
            answer += "\n\n```python\nprint('**x**')\n```"
        qs.append(_q(k + 1, f"第{k + 1}个问题是什么？", answer))
    return Bank(title="md", questions=tuple(qs))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bank=markdown_banks(), seed=st.integers(0, 1000))
def test_items_from_any_markdown_are_plain(bank: Bank, seed: int) -> None:
    for it in generate(bank, n=30, rng=random.Random(seed)).items:
        for t in text_fields(it):
            assert syntax_left(t) == (), (it.meta, t)
