"""quizgen.generate.prose: items from facts read out of paragraph answers written in Markdown."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.bank import BLANK, Bank, Question, question_id
from quizgen.generate import generate
from quizgen.generate.common import analyze, loose, mask, quoted
from quizgen.generate.fill import blankable, forms_of
from quizgen.generate.prose import answer_head, clause_around, number_variants
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
        p.build(random.Random(seed), frozenset())
        for t in ALL_TYPES
        for p in _planned(BANK, t).plans
        for seed in range(4)
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


# ---------------------------------------------------------------------------- gaps a student can fill


def test_a_description_in_parentheses_is_not_masked_with_the_name() -> None:
    text = "方法二：ALL运算符（拿你的月薪和所有人比较）"
    assert mask(text, ["ALL运算符"]) == f"方法二：{BLANK}（拿你的月薪和所有人比较）"
    assert mask("卷积神经网络（CNN）是一种模型", ["卷积神经网络"]) == f"{BLANK}是一种模型"
    assert mask("残差网络（Residual Network，简称 ResNet）是", ["残差网络"]) == f"{BLANK}是"
    assert mask("可以引入门控机制（如 LSTM、GRU）", ["门控机制"]) == f"可以引入{BLANK}（如 LSTM、GRU）"


@pytest.mark.parametrize(
    ("sentence", "term", "title", "ok"),
    [
        ("水解细菌的细胞壁", "水解细菌的细胞壁", "", False),  # the gap would be the whole answer
        ("倍氯米松、沙丁胺醇、色甘酸钠、司特等", "色甘酸钠", "治疗哮喘的药物举例", False),  # examples
        ("常见的解痉药有阿托品、东莨菪碱。", "东莨菪碱", "", False),
        ("具有局部感知、平移不变性和共享权重等特点。", "平移不变性", "", True),  # the bank's own list
    ],
)
def test_blankable_needs_the_rest_of_a_closed_sentence(
    sentence: str, term: str, title: str, ok: bool
) -> None:
    assert blankable(sentence, term, frozenset({"色甘酸钠", "平移不变性"}), title=title) is ok


def test_a_cut_keeps_the_condition_it_holds_under() -> None:
    sentence = (
        "说明：上面方法一和方法二的查询结果并不相同，方法二的查询结果更符合我们对这个问题的认知，"
        "如果要获得跟方法一一样的结果，可以将窗口函数`RANK`修改为`ROW_NUMBER`即可。"
    )
    assert clause_around(sentence, "`ROW_NUMBER`") is None
    assert clause_around(sentence, "方法二") is not None


def test_the_title_does_not_suggest_a_wrong_filler() -> None:
    """「普鲁卡因」＿＿＿应用最多…: the card's own drug would read as the answer."""
    bank = Bank(
        title="t",
        questions=(
            _q(1, "普鲁卡因", "普鲁卡因不用于表面麻醉。<u>利多卡因</u>应用最多，也可治疗室性心律失常。"),
            _q(2, "色甘酸钠", "色甘酸钠用于预防过敏性哮喘。"),
        ),
    )
    fills = generate(bank, n=20, types=[ItemType.FILL], rng=random.Random(1)).items
    assert not [i for i in fills if i.answer == ("利多卡因",) and i.stem.startswith(f"「普鲁卡因」{BLANK}")]


def test_sql_gaps_with_one_answer_and_its_equivalents() -> None:
    code = (
        "```sql\nSELECT dname\n     , COALESCE(total, 0) AS n\n     , RANK() OVER (ORDER BY sal DESC) AS rk\n"
        "  FROM tb_dept AS t1\n       LEFT JOIN t2 ON t1.dno = t2.dno;\n```"
    )
    bank = Bank(
        title="t",
        questions=(
            _q(1, "查询部门人数", code),
            _q(2, "查询部门名称", "```sql\nSELECT COUNT(*) FROM t;\n```"),
        ),
    )
    gaps = [
        i
        for i in generate(bank, n=20, types=[ItemType.FILL], rng=random.Random(1)).items
        if i.source.number == 1
    ]
    assert gaps
    for it in gaps:
        # RANK, DENSE_RANK or ROW_NUMBER all fit "＿＿＿() OVER": never the gap
        assert it.answer[0] not in ("RANK", "DENSE_RANK", "ROW_NUMBER")
        if it.answer == ("COALESCE",):
            assert "IFNULL" in it.accept
        if it.answer == ("LEFT JOIN",):
            assert "LEFT OUTER JOIN" in it.accept


def test_a_sql_synonym_is_accepted() -> None:
    bank = Bank(
        title="t",
        questions=(
            _q(1, "如何统计部门人数？", "先通过一个<u>嵌套查询</u>获取到部门编号和人数，再连接部门表。"),
        ),
    )
    fills = [
        i
        for i in generate(bank, n=5, types=[ItemType.FILL], rng=random.Random(1)).items
        if i.answer == ("嵌套查询",)
    ]
    assert fills and all("子查询" in i.accept for i in fills)


def test_one_number_is_asked_once_whatever_the_type() -> None:
    """A number is one fact: its fill, its choice and its true/false statement share it."""
    seen = 0
    for seed in range(6):
        res = generate(BANK, n=60, rng=random.Random(seed))
        numbers = Counter(
            re.sub(r"^判断正误：|^「[^」]*」", "", i.stem)[:8]
            for i in res.items
            if str(i.meta.get("form", "")).startswith("number_")
        )
        seen += sum(numbers.values())
        assert all(k == 1 for k in numbers.values()), numbers
    assert seen >= 6


# ---------------------------------------------------------------------------- which answer


@pytest.mark.parametrize("title", ["选填“有”或“没有”：", "应用于"])
def test_no_which_answer_item_for_a_title_that_asks_nothing(title: str) -> None:
    bank = Bank(
        title="t",
        questions=(
            _q(1, title, "吞噬细胞没有特异性识别能力，但有识别能力。"),
            *(
                _q(k, f"第{k}个问题是什么？", f"第{k}个回答说的是完全不同的另一件事情{k}。")
                for k in range(2, 7)
            ),
        ),
    )
    items = generate(bank, n=20, types=[ItemType.CHOICE], rng=random.Random(1)).items
    assert not [i for i in items if i.source and i.source.number == 1]


def test_quoted_titles_lose_their_colon_and_exam_tags() -> None:
    assert quoted("抗原的三个特点：") == "「抗原的三个特点」"
    assert quoted("（考了两次）简述周期特异性抗肿瘤药：") == "「简述周期特异性抗肿瘤药」"
    assert quoted("记忆细胞可由哪两种细胞分化而来？") == "「记忆细胞可由哪两种细胞分化而来？」"


def test_an_option_never_starts_as_a_broken_fragment() -> None:
    assert answer_head("/第二十八章：β- 内酰胺类抗生素") == ""


def test_a_gap_accepts_its_term_without_a_generic_tail() -> None:
    """按照一级＿＿＿消除: 动力学 is as right as the notes' 动力学规律."""
    bank = Bank(
        title="t",
        questions=(
            _q(
                1,
                "什么是稳态血浆浓度？",
                "按照一级<u>动力学规律</u>消除的药物，其体内药物总量随着不断给药而逐步增多。",
            ),
        ),
    )
    fills = [
        i
        for i in generate(bank, n=5, types=[ItemType.FILL], rng=random.Random(1)).items
        if i.answer == ("动力学规律",)
    ]
    assert fills and all("动力学" in i.accept for i in fills)


def test_no_gap_the_title_half_answers_or_any_word_fits() -> None:
    bank = Bank(
        title="t",
        questions=(
            _q(
                1,
                "氯丙嗪导致低血压能不能用肾上腺素解救",
                "氯丙嗪通过拮抗α受体导致<u>体位性低血压</u>，肾上腺素反而使血压进一步下降。",
            ),
            _q(2, "简述细菌的耐药机制", "药物必须进入细菌内部到达作用靶位后，才能发挥抗菌<u>效能</u>。"),
        ),
    )
    answers = {i.answer[0] for i in generate(bank, n=10, types=[ItemType.FILL], rng=random.Random(1)).items}
    assert not answers & {"体位性低血压", "效能"}, answers


def test_a_cards_everyday_title_is_no_gap_in_other_answers() -> None:
    """Cards titled 效能 and 依赖性 are concepts in their own answers; in 其杀伤作用呈时间依赖性 the
    word is an everyday one, and 身体依赖性/生理依赖性/成瘾性 name one thing."""
    bank = Bank(
        title="t",
        questions=(
            _q(1, "依赖性", "长期应用某种药物后所造成的一种强迫要求连续使用该药物的行为。"),
            _q(2, "身体依赖性/生理依赖性/成瘾性", "是指反复使用某些药物以后造成的一种身体适应状态。"),
            _q(3, "简述周期特异性抗肿瘤药", "仅对增殖周期的某些时相敏感的药物，其杀伤作用呈时间依赖性。"),
        ),
    )
    items = generate(bank, n=20, types=[ItemType.FILL], rng=random.Random(1)).items
    assert not [i for i in items if i.source and i.source.number == 3 and i.answer == ("依赖性",)]
    an = analyze(bank)
    assert {"身体依赖性", "成瘾性"} <= set(forms_of(an, "生理依赖性"))


def test_a_concept_whose_answer_names_the_key_is_no_option() -> None:
    """锥体外系反应's answer lists 迟发性运动障碍: it is no distractor for a description of it."""
    bank = Bank(
        title="t",
        questions=(
            _q(1, "迟发性运动障碍的成因", "迟发性运动障碍是一种由抗精神病药物所导致的特殊而持久的运动障碍。"),
            _q(
                2,
                "锥体外系反应",
                "临床表现主要有四种：急性肌张力障碍、静坐不能、帕金森综合征、迟发性运动障碍。",
            ),
            _q(3, "开关现象", "开关现象是一种长期服用左旋多巴而产生的不良反应。"),
            _q(4, "交叉耐受性", "交叉耐受性是一种机体对同类其他药物也出现的耐受性。"),
            _q(5, "首剂现象", "首剂现象是一种初服某种药物时引起的强烈反应。"),
            _q(6, "停药反应", "停药反应是一种突然停药后发生病情恶化的现象。"),
        ),
    )
    for it in generate(bank, n=30, types=[ItemType.CHOICE], rng=random.Random(2)).items:
        if it.meta.get("form") == "which_concept" and "抗精神病" in it.stem:
            assert "锥体外系反应" not in it.options, it.options


def test_no_gap_on_a_piece_of_a_longer_word() -> None:
    """糖|皮质激素: jieba does not know the whole word, but the notes always write it whole;
    迟发性|运动障碍: the notes define the whole term. (逆时针|旋转 is two words, though always
    written together: a word of two characters after the term is no piece of it.)"""
    bank = Bank(
        title="t",
        questions=(
            _q(1, "医源性肾上腺皮质功能亢进", "长期应用超生理剂量的糖皮质激素所致的肾上腺皮质功能亢进症状。"),
            _q(2, "糖皮质激素禁忌症", "糖皮质激素禁用于严重精神病患者；糖皮质激素禁用于角膜溃疡。"),
            _q(3, "逆时针旋转", "竖排文字需要逆时针旋转90度后加入训练。"),
            _q(4, "文字方向", "预测时将竖排文本逆时针旋转90度后送入识别网络。"),
            _q(5, "迟发性运动障碍的成因", "迟发性运动障碍是一种由抗精神病药物所导致的特殊而持久的运动障碍。"),
            _q(6, "氯丙嗪的锥体外系不良反应", "帕金森综合征、静坐不能、急性肌张力障碍、迟发性运动障碍。"),
        ),
    )
    for it in generate(bank, n=30, types=[ItemType.FILL], rng=random.Random(1)).items:
        assert it.answer[0] != "皮质激素" and not it.stem.endswith(f"迟发性{BLANK}。"), it.stem


def test_a_cards_gloss_is_not_accepted_for_the_same_letters_elsewhere() -> None:
    bank = Bank(
        title="t",
        questions=(
            _q(1, "药物效应动力学（pharmacodynamics, PD）", "简称药效学，研究药物对机体的作用及作用机制。"),
            _q(2, "开关现象", "长期服用左旋多巴而产生的一种不良反应，而关时突然出现严重的<u>PD</u>症状。"),
        ),
    )
    for it in generate(bank, n=10, types=[ItemType.FILL], rng=random.Random(1)).items:
        if it.answer == ("PD",):
            assert "药物效应动力学" not in it.accept


def test_no_gap_the_titles_own_subject_fills_or_on_a_piece_of_an_ion() -> None:
    bank = Bank(
        title="t",
        questions=(
            _q(1, "左旋多巴不良反应原理", "<u>L-DOPA</u>的不良反应可分为早期反应与长期反应。"),
            _q(2, "中效利尿药的作用", "抑制NaCl的重吸收，但增加<u>Ca2</u>+的重吸收。"),
        ),
    )
    answers = {i.answer[0] for i in generate(bank, n=10, types=[ItemType.FILL], rng=random.Random(1)).items}
    assert not answers & {"L-DOPA", "Ca2"}, answers


def test_no_latin_gap_where_the_title_names_the_thing_in_chinese() -> None:
    bank = Bank(
        title="t",
        questions=(
            _q(
                1, "左旋多巴不良反应原理", "胃肠道反应由被转化为DA的<u>L-DOPA</u>刺激延髓催吐化学感受区导致。"
            ),
        ),
    )
    assert not [
        i
        for i in generate(bank, n=5, types=[ItemType.FILL], rng=random.Random(1)).items
        if i.answer == ("L-DOPA",)
    ]


def test_no_gap_on_a_qualifier_a_formula_piece_or_a_guessed_word() -> None:
    bank = Bank(
        title="t",
        questions=(
            _q(
                1,
                "钙通道阻断剂的临床应用",
                "治疗心律失常：对阵发性室上性心动过速效果好。尼莫地平可预防蛛网膜下腔出血引起的痉挛。",
            ),
            _q(2, "一级消除动力学特点", "停药后经5个半衰期药物从体内基本消除完毕，达到稳态,A1=97%A0。"),
            _q(3, "普鲁卡因", "可用于浸润麻醉和蛛网膜下腔麻醉。"),
        ),
    )
    answers = {i.answer[0] for i in generate(bank, n=10, types=[ItemType.FILL], rng=random.Random(1)).items}
    assert not answers & {"阵发性室上性", "A0", "蛛网膜"}, answers


def test_a_number_written_twice_in_its_sentence_is_not_asked() -> None:
    bank = Bank(
        title="t",
        questions=(
            _q(
                1,
                "文本长度有限制吗？",
                "默认训练时的文本可识别的最大长度为25，超过25的文本会被忽略不参与训练。",
            ),
        ),
    )
    for it in generate(bank, n=10, rng=random.Random(1)).items:
        assert not str(it.meta.get("form", "")).startswith("number_"), it.stem
