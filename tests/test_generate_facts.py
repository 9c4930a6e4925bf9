"""quizgen.generate.facts: the rules that read facts from prose answers, one by one."""

from __future__ import annotations

import pytest

from quizgen.bank import Question
from quizgen.generate.facts import (
    RULES,
    Fact,
    FactKind,
    Reader,
    clause_prefix,
    fact_sections,
    looks_like_name,
    noun_phrases,
    read_facts,
    sentences_of,
    split_sentences,
    standalone,
    statement_part,
    title_head,
    yes_no_statement,
)
from quizgen.markup import blocks
from quizgen.text import normalize_loose

RULE = dict(RULES)


def reader(answer: str, *, title: str = "问题？", names: tuple[str, ...] = ()) -> Reader:
    bs = blocks(answer)
    return Reader(
        qid="q",
        title=title,
        blocks=bs,
        sentences=sentences_of(bs),
        names=frozenset(normalize_loose(n) for n in names),
    )


def run(rule: str, answer: str, **kw: object) -> list[Fact]:
    return list(RULE[rule](reader(answer, **kw)))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- sentences


def test_sentences_keep_code_and_parentheses_whole_and_drop_point_numbers() -> None:
    assert split_sentences("（1）先做A。2. 再做B！") == ["先做A。", "再做B！"]
    assert split_sentences("使用`!important`的方式。颜色（即`rgb(255,0,0)`）。") == [
        "使用`!important`的方式。",
        "颜色（即`rgb(255,0,0)`）。",
    ]


@pytest.mark.parametrize(
    ("sentence", "alone"),
    [
        ("TPS是一种插值算法，经常用于图像变形。", True),
        ("这是由于图片预处理不同造成的。", False),  # leans on what came before
        ("它通过卷积操作提取图像特征。", False),
        ("具体可以参考下面的代码。", False),  # points elsewhere
        ("详见 https://example.org/a.html 的说明。", False),
        ("有如下几个Debug经验：", False),  # a lead-in
        ("ppocr的数据标签格式为", False),
        ("DB 的输入尺寸可以改吗？", False),
        ("太短了。", False),
        ("如果矩形框标注后空白冗余较多，可以尝试四点标注。", True),  # 如果, not 如 (for example)
    ],
)
def test_standalone(sentence: str, alone: bool) -> None:
    assert standalone(sentence) is alone


def test_statement_part_cuts_at_clauses_never_before_a_qualifier_or_after_a_condition() -> None:
    s = "dygraph是动态图分支，并且适配Paddle-develop，新特性我们会在这里更新。"
    assert statement_part(s) == "dygraph是动态图分支，并且适配Paddle-develop。"
    # a qualifying 但… clause stays with what it qualifies; cutting before it would change the claim
    assert statement_part("共享一个类别是可以收敛的，但是分开训练效果更好，详见这里。") == (
        "共享一个类别是可以收敛的，但是分开训练效果更好。"
    )
    assert statement_part("共享一个类别是可以收敛的，详见这里，但是分开训练效果更好。") == ""
    # a statement never ends on 如果…
    s2 = "建议使用release/2.0分支，如果希望可以实时拿到一些最新特性，建议使用dygraph分支，见这里。"
    assert (
        statement_part(s2)
        == "建议使用release/2.0分支，如果希望可以实时拿到一些最新特性，建议使用dygraph分支。"
    )
    assert (
        statement_part("建议使用release/2.0分支，如果希望拿到最新特性，见这里。")
        == "建议使用release/2.0分支。"
    )
    assert (
        clause_prefix("甲方案很好，乙方案也好，丙方案最好。", lambda h: len(h) <= 12)
        == "甲方案很好，乙方案也好。"
    )


# ---------------------------------------------------------------------------- names


@pytest.mark.parametrize("name", ["卷积神经网络", "方向分类器", "TPS", "eval_batch_step", "零级消除动力学"])
def test_names(name: str) -> None:
    assert looks_like_name(name)


@pytest.mark.parametrize(
    "clause",
    ["整图旋转90之后效果变差", "这样的需求", "目前PPOCR默认输入的图片", "路径需要硬编码", "the model"],
)
def test_clauses_are_no_names(clause: str) -> None:
    assert not looks_like_name(clause)


def test_noun_phrases_are_nouns_not_verb_phrases() -> None:
    found = noun_phrases("可以自己训练一个整图的方向分类器，两个字典需要保持一致。")
    assert "方向分类器" in found
    assert not any("保持一致" in p for p in found)


# ---------------------------------------------------------------------------- definition


@pytest.mark.parametrize(
    ("answer", "term", "genus"),
    [
        ("TPS是一种插值算法，经常用于图像变形等。", "TPS", "插值算法"),
        ("所谓精灵图，就是把多张图片整合到一张上的图片。", "精灵图", "图片"),
        ("dygraph是动态图分支，并且适配Paddle-develop。", "dygraph", "动态图分支"),
        ("- **pretrained_model**：指预训练模型，是已经训练完成的模型。", "pretrained_model", "预训练模型"),
        ("hubserving原本是paddlehub的配套服务部署工具。", "hubserving", "配套服务部署工具"),
    ],
)
def test_definitions(answer: str, term: str, genus: str) -> None:
    (f,) = run("definition", answer)
    assert (f.kind, f.term, f.head) == (FactKind.DEFINITION, term, genus)
    assert term in f.sentence


@pytest.mark.parametrize(
    "answer",
    [
        "这样的需求在企业应用中是比较常见的问题。",  # a pronoun, not a name
        "目前PPOCR默认输入的图片是正向的。",  # a property (…的), not a definition
        "StyleText的用途是：提取字体。",  # what X is for
        "整图旋转90之后效果变差是有可能的。",
        "共享一个类别是可以收敛的。",
        "PGNet不是端到端的方法吗。",
    ],
)
def test_no_definition(answer: str) -> None:
    assert run("definition", answer) == []


# ---------------------------------------------------------------------------- enumeration


def test_enumeration_with_the_title_as_head_when_the_sentence_has_none() -> None:
    (f,) = run(
        "enumeration",
        "目前有Inference部署，serving部署和手机端Paddle Lite部署，可根据不同场景做灵活的选择。",
        title="PaddleOCR模型部署方式有哪几种？",
    )
    assert f.head == "PaddleOCR模型部署方式"
    assert f.members == ("Inference部署", "serving部署", "手机端Paddle Lite部署")


def test_enumeration_with_its_own_head() -> None:
    (f,) = run("enumeration", "免疫活性物质包括抗体、细胞因子和溶菌酶。")
    assert (f.head, f.members) == ("免疫活性物质", ("抗体", "细胞因子", "溶菌酶"))


@pytest.mark.parametrize(
    "answer",
    [
        "常用数据集有PubLayNet、TableBank word、TableBank latex等。",  # open: 等
        "这类方法有效融合了视觉特征和语义特征。",  # 有效 is no cue
    ],
)
def test_no_closed_enumeration(answer: str) -> None:
    assert run("enumeration", answer, title="常用数据集有哪些？") == []


def test_an_answer_that_is_only_the_members() -> None:
    (f,) = run(
        "enumeration", "`none`, `block`, `inline`, `inline-block`", title="`display`的属性值都有哪些？"
    )
    assert f.head == "`display`的属性值"
    assert f.members == ("`none`", "`block`", "`inline`", "`inline-block`")


def test_title_head() -> None:
    assert title_head("基于深度学习的文字检测方法有哪几种？") == "基于深度学习的文字检测方法"
    assert title_head("为什么会报错？") == ""


def test_alternatives_become_a_list_with_descriptions() -> None:
    answer = (
        "参考答案：\n\n方法一：嵌套查询（先查出最高的月薪再用它当条件）\n\n```sql\nSELECT 1;\n```\n\n"
        "方法二：ALL运算符（拿你的月薪和所有人比较）\n\n方法三：计数法（比你高的人数为0）\n"
    )
    (f,) = run("alternatives", answer, title="查询月薪最高的员工？")
    assert f.members == ("嵌套查询", "ALL运算符", "计数法")
    assert f.details[0] == "先查出最高的月薪再用它当条件"
    (s,) = fact_sections([f], "查询月薪最高的员工？")
    assert s.label == "方法" and [it.term for it in s.items] == list(f.members)


# ---------------------------------------------------------------------------- sequence


def test_a_sequence_of_steps_in_prose() -> None:
    (f,) = run("sequence", "部署时首先导出模型，然后转换为nb格式，最后在手机端加载运行。")
    assert f.members == ("导出模型", "转换为nb格式", "在手机端加载运行")
    (s,) = fact_sections([f], "如何部署？")
    assert [it.text for it in s.items] == list(f.members)


@pytest.mark.parametrize(
    "answer",
    [
        "首先，模型更小；其次，速度更快；最后，精度更高。",  # arguments, not steps
        "首先导出模型，最后加载运行。",  # two steps are no sequence to put in order
    ],
)
def test_no_sequence(answer: str) -> None:
    assert run("sequence", answer) == []


# ---------------------------------------------------------------------------- comparison


def test_comparative_sentence() -> None:
    (f,) = run(
        "comparison", "通用OCR场景CTC的识别效果优于Attention，因为字符比较多。", names=("CTC", "Attention")
    )
    assert (f.rule, f.term, f.other) == ("comparative", "CTC", "Attention")


def test_parallel_clauses_map_sides_to_what_is_said_of_them() -> None:
    answer = (
        "可以灵活选择：Inference部署适用于本地离线部署，serving部署适用于云端部署，"
        "Paddle Lite部署适用于手机端集成。"
    )
    (f,) = run("comparison", answer)
    assert f.rule == "parallel"
    assert f.members == ("Inference部署", "serving部署", "Paddle Lite部署")
    assert f.details[1] == "适用于云端部署"
    (s,) = fact_sections([f], "部署方式有哪些？")
    assert (s.items[0].term, s.items[0].text) == ("Inference部署", "适用于本地离线部署")


def test_table_of_differences_gives_one_fact_per_row() -> None:
    answer = (
        "| | `block` | `inline` |\n|---|---|---|\n| 大小 | 填充父容器 | 取决于内容 |\n| 换行 | 是 | 否 |\n"
    )
    facts = run("comparison", answer)
    assert [f.head for f in facts] == ["大小", "换行"]
    assert facts[0].members == ("`block`", "`inline`") and facts[0].details == ("填充父容器", "取决于内容")


# ---------------------------------------------------------------------------- number


def test_numbers_with_their_unit_and_bound() -> None:
    facts = run(
        "number",
        "建议用于微调的数据集中，每个字符出现的样本数量不低于300。StyleText的训练数据主要是高度32像素的图片。",
    )
    by_term = {f.term: f for f in facts}
    assert by_term["300"].bounded and by_term["300"].head == ""
    assert not by_term["32"].bounded and by_term["32"].head == "像素"
    assert by_term["32"].sentence[by_term["32"].start : by_term["32"].start + 2] == "32"


@pytest.mark.parametrize(
    "answer",
    [
        "可以按照这个PR的修改来缓解内存占用 #2230。",  # an issue number
        "PPOCR 2.0的模型和Paddle 1.8的模型不兼容。",  # versions
        "学习率按照lr=0.001*epoch的公式变化。",  # a formula
    ],
)
def test_no_number_fact(answer: str) -> None:
    assert run("number", answer) == []


def test_complexity_and_years() -> None:
    (f,) = run("number", "快速排序的平均时间复杂度为O(n log n)，实际表现很好。")
    assert f.term == "O(n log n)"
    (y,) = run("number", "五四运动爆发于1919年，是新民主主义革命的开端。")
    assert (y.term, y.head) == ("1919", "年")


# ---------------------------------------------------------------------------- key terms


def test_key_terms_emphasised_identifiers_and_code() -> None:
    facts = run(
        "key_term",
        "配置文件里的eval_batch_step字段用来控制评估间隔。使用<u>方向分类器</u>校正方向。通过设置`fill`属性完成着色。",
        names=("方向分类器",),
    )
    got = {(f.term, f.rule) for f in facts}
    assert ("eval_batch_step", "key_term") in got
    assert ("方向分类器", "emphasised") in got
    assert ("`fill`", "code") in got


# ---------------------------------------------------------------------------- verdict


@pytest.mark.parametrize(
    ("title", "statement"),
    [
        ("PaddleOCR是否支持动态图？", "PaddleOCR支持动态图。"),
        ("在线demo支持阿拉伯语吗", "在线demo支持阿拉伯语。"),
        ("能否修改StyleText配置文件中的分辨率？", "能修改StyleText配置文件中的分辨率。"),
        ("OCR领域常用的评估指标是什么？", None),  # not yes/no ("什么" must not lose 么)
        ("我想用PaddleOCR识别发票，可以吗？", None),  # about the asker
        ("CRNN能否识别两行的文字?还是说必须一行？", None),  # two questions
    ],
)
def test_yes_no_statement(title: str, statement: str | None) -> None:
    assert yes_no_statement(title) == statement


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        ("支持的，可以看下ppocr_keys_v1.txt这个文件。", "对"),
        ("目前不支持动态图，正在开发中。", "错"),
        ("不建议改大。", None),  # another verb: no verdict on 支持
        ("动态图版本正在紧锣密鼓开发中。", None),  # no verdict at all
    ],
)
def test_verdicts(answer: str, verdict: str | None) -> None:
    facts = run("verdict", answer, title="PaddleOCR是否支持动态图？")
    assert [f.term for f in facts] == ([verdict] if verdict else [])


# ---------------------------------------------------------------------------- all rules


def test_read_facts_runs_the_rules_in_order_on_markdown() -> None:
    q = Question(
        id="q",
        number=1,
        title="什么是TPS？",
        answer="> **TPS**是一种插值算法，经常用于图像变形等。\n\n它需要约 20 个控制点。",
    )
    facts = read_facts(q, frozenset())
    kinds = [f.kind for f in facts]
    assert kinds.index(FactKind.DEFINITION) < kinds.index(FactKind.KEY_TERM)
    (d,) = [f for f in facts if f.kind is FactKind.DEFINITION]
    assert d.sentence == "TPS是一种插值算法，经常用于图像变形等。"  # plain, no ** or >


@pytest.mark.parametrize(
    ("sentence", "ok"),
    [
        ("见于普萘洛尔突然停药，表现为敏感性增高】", False),  # cut out of 【表现：…】
        ("四环素类（tetracyclines）中的多西环素（doxycycline}", False),
        ("抗原呈递细胞(APC)是指能摄取和加工处理抗原的细胞。", True),
        ("【小剂量抗凝，大剂量促凝】", False),  # an aside
        ("糖皮质激素：抗休克——", False),  # breaks off
        ("/第二十八章：β- 内酰胺类抗生素", False),  # a fragment of a cross-reference
    ],
)
def test_a_statement_opens_and_closes_its_brackets(sentence: str, ok: bool) -> None:
    assert standalone(sentence) is ok


def test_point_numbers_in_parentheses_are_stripped() -> None:
    assert split_sentences("⑷心血管（兴奋心脏、扩张血管）：心率减慢。") == [
        "心血管（兴奋心脏、扩张血管）：心率减慢。"
    ]


def test_a_point_number_inside_a_line_starts_a_point() -> None:
    text = (
        "减少心肌抑制因子MDF③允许作用：扩张血管。"
        "（不与呋塞米合用） （3）神经肌肉阻滞：表现为肌无力。函数f(1)的值。兴奋迷走神经；2.抑制RAAS系统。"
    )
    assert split_sentences(text) == [
        "减少心肌抑制因子MDF",
        "允许作用：扩张血管。",
        "（不与呋塞米合用）",
        "神经肌肉阻滞：表现为肌无力。",
        "函数f(1)的值。",
        "兴奋迷走神经；",
        "抑制RAAS系统。",
    ]


def test_a_run_of_labelled_notes_is_no_statement() -> None:
    assert not standalone("治疗心绞痛：更适合心肌缺血伴支气管哮喘者：较少诱发心衰。")
    assert standalone("降压：早期利尿、降低血容量，长期扩张外周血管。")
