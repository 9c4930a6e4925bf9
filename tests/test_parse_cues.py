"""The parser's parts one by one: containers, blocks, text shapes, and each cue rule alone."""

from __future__ import annotations

import pytest

from quizgen.parse import shapes
from quizgen.parse.blocks import Kind, parse
from quizgen.parse.containers import unwrap
from quizgen.parse.units import RULES, Ctx, Found

RULE = dict(RULES)


def first_hit(md: str, name: str, at: int = 0) -> Found | None:
    doc = parse(md)
    blocks = [b for b in doc.blocks if b.kind is not Kind.META]
    return RULE[name](blocks, at, Ctx(doc))


def titles(found: Found | None) -> list[str]:
    assert found is not None
    return [u.title for u in found.units]


# ---------------------------------------------------------------------------- containers and blocks


def test_admonitions_are_unwrapped_keeping_line_numbers() -> None:
    lines = ['???+ question "PTA 1"', "", "    Stem?", "", '    ??? success "答案"', "", "        D", "after"]
    out, found = unwrap(lines)
    assert out == ["", "", "Stem?", "", "", "", "D", "after"]
    assert [(c.type, c.title, c.line, c.end, c.depth) for c in found] == [
        ("question", "PTA 1", 1, 7, 0),
        ("success", "答案", 5, 7, 1),
    ]


def test_containers_in_code_and_comments_are_text() -> None:
    lines = [
        "```",
        '!!! note "x"',
        "    body",
        "```",
        "<!-- !!! tip",
        "    y -->",
        "::: info 诗",
        "你好？",
        ":::",
    ]
    out, found = unwrap(lines)
    assert [c.type for c in found] == ["info"]
    assert out[:6] == lines[:6] and out[6] == "" and out[8] == ""


def test_blocks_know_their_lines_and_plain_text() -> None:
    md = (
        "# 标题\n\n**粗** 和 *斜* 与 `code` 和 [链接](http://x) ![图](a.png) <u>下划线</u>\n\n"
        "- [x] 对\n- [ ] 错\n"
    )
    doc = parse(md)
    h, p, lst = doc.blocks
    assert (h.kind, h.level, h.text, h.line) == (Kind.HEADING, 1, "标题", 1)
    assert p.text == "粗 和 斜 与 `code` 和 链接  下划线"
    assert [m.kind for m in p.marks] == ["strong", "em", "code", "link", "u"]
    assert [(i.checked, i.children[0].text) for i in lst.children] == [(True, "对"), (False, "错")]


def test_code_and_html_are_never_headings() -> None:
    doc = parse("```\n# 不是标题\n```\n\n<div>\n# 也不是\n</div>\n\n    # 缩进代码\n")
    assert [b.kind for b in doc.blocks] == [Kind.CODE, Kind.HTML, Kind.CODE]


def test_front_matter_and_callouts() -> None:
    doc = parse("---\nquizgen:\n  cues: [list]\n---\n\n> [!question] 什么是X？\n> X 是甲。\n")
    assert doc.front_matter is not None and "cues" in doc.front_matter
    callout = doc.blocks[-1]
    assert (callout.kind, callout.info, callout.title) == (Kind.CONTAINER, "question", "什么是X？")
    assert callout.children[0].text == "X 是甲。"


# ---------------------------------------------------------------------------- shapes


@pytest.mark.parametrize(
    ("text", "ref", "rest"),
    [
        ("1. 标题", "1", "标题"),
        ("1、标题", "1", "标题"),
        ("1 标题", "1", "标题"),
        ("(3) 标题", "3", "标题"),
        ("第12题 标题", "12", "标题"),
        ("题目12：标题", "题目12", "标题"),
        ("Q1.2.3：问题", "Q1.2.3", "问题"),
        ("27.体液免疫", "27", "体液免疫"),
    ],
)
def test_number_prefix(text: str, ref: str, rest: str) -> None:
    assert shapes.number_prefix(text) == (ref, rest)


@pytest.mark.parametrize("text", ["2023 年总结", "10%的人", "标题 1", "1.5倍"])
def test_not_numbered(text: str) -> None:
    got = shapes.number_prefix(text)
    assert got is None or got[0] == "1.5"


@pytest.mark.parametrize(
    "text",
    [
        "什么是闭包",
        "CSS 选择器的优先级是如何计算的？",
        "简述周期特异性抗肿瘤药",
        "请从作品人物和主题的角度来比较两人的异同点。（10分）",
        "试述强心苷加强心肌收缩作用特点及机理。",
        "TCP 和 UDP 的区别",
        "Eventemitter 的 emit 是同步还是异步?",
    ],
)
def test_questions(text: str) -> None:
    assert shapes.question_shape(text).strong


@pytest.mark.parametrize(
    "text",
    [
        "简述",
        "计算误差：反向传播算法通过计算输出层节点的预测误差",
        "2 Skew Heaps",
        "四、论述（2×10分）",
        "简答名解：",
    ],
)
def test_not_questions(text: str) -> None:
    assert not shapes.question_shape(text).strong


@pytest.mark.parametrize(
    "text", ["一、基础", "第二章 网络", "第3节 免疫失调", "【比较阅读】（40分）", "附录"]
)
def test_group_titles(text: str) -> None:
    assert shapes.is_group_title(text)


@pytest.mark.parametrize(
    ("line", "label", "rest", "bold"),
    [
        ("**答案：** 是X", "答案", "是X", True),
        ("**答案**：是X", "答案", "是X", True),
        ("答案：D", "答案", "D", False),
        ("【答案】B", "答案", "B", False),
        ("A: 对", "A", "对", False),
        ("Q1: 什么？", "Q", "什么？", False),
        ("** sigmoid 函数：** 1", "sigmoid 函数", "1", True),
    ],
)
def test_label_line(line: str, label: str, rest: str, bold: bool) -> None:
    assert shapes.label_line(line) == shapes.LineLabel(label, rest, bold)


@pytest.mark.parametrize("line", ["A. 选项", "其中：甲", "http://x", "**粗体**没有冒号"])
def test_not_labels(line: str) -> None:
    assert shapes.label_line(line) is None


# ---------------------------------------------------------------------------- each rule alone


def test_rule_admonition() -> None:
    md = (
        '???+ question "PTA 1"\n\n    Stem here?\n\n    A. x<br/>\n    B. y\n\n'
        '    ??? success "答案"\n\n        B\n'
    )
    found = first_hit(md, "admonition")
    assert found is not None and not found.open
    u = found.units[0]
    assert (u.title, u.ref, len(u.prompt_blocks)) == ("PTA 1", "PTA 1", 2)
    assert u.answer_blocks is not None and u.answer_blocks[0].text == "B"
    assert first_hit('!!! info "说明"\n\n    只是说明\n', "admonition") is None
    assert titles(first_hit("> [!question] 什么是X？\n> X 是甲。\n", "admonition")) == ["什么是X？"]


def test_rule_details() -> None:
    md = "<details><summary>什么是X？</summary>\n\nX 是甲。\n\n</details>\n"
    found = first_hit(md, "details")
    assert titles(found) == ["什么是X？"] and found is not None and found.consumed == 3
    assert first_hit("<details><summary><b>答案</b></summary>\n\nD\n\n</details>\n", "details") is None


def test_rule_table() -> None:
    md = "| 问题 | 答案 |\n|---|---|\n| 什么是X？ | 甲 |\n| 什么是Y？ | 乙 |\n"
    found = first_hit(md, "table")
    assert found is not None
    assert [(u.title, u.inline_answer, u.line) for u in found.units] == [
        ("什么是X？", "甲", 3),
        ("什么是Y？", "乙", 4),
    ]
    assert first_hit("| dno | dname |\n|---|---|\n| 10 | 会计 |\n", "table") is None


def test_rule_flashcard() -> None:
    found = first_hit("卷积::一种运算\n池化::降采样\n", "flashcard")
    assert found is not None and [(u.title, u.inline_answer) for u in found.units] == [
        ("卷积", "一种运算"),
        ("池化", "降采样"),
    ]
    assert titles(first_hit("什么是卷积？ #anki\n一种运算\n", "flashcard")) == ["什么是卷积？"]
    assert titles(first_hit("什么是卷积\n?\n一种运算\n", "flashcard")) == ["什么是卷积"]
    assert first_hit("用 `::after` 清除浮动\n", "flashcard") is None


def test_rule_marker() -> None:
    found = first_hit("Q: 什么是X？\nA: 甲。\nQ: 什么是Y？\nA: 乙。\n", "marker")
    assert found is not None and [(u.title, u.inline_answer, u.marked) for u in found.units] == [
        ("什么是X？", "甲。", True),
        ("什么是Y？", "乙。", True),
    ]
    for md in ("问：什么是X？\n", "**问题：** 什么是X？\n", "【问题】什么是X？\n", "正面：卷积\n"):
        assert len(titles(first_hit(md, "marker"))) == 1, md
    assert first_hit("**答案：** 甲。\n", "marker") is None


def test_rule_answer_after() -> None:
    assert titles(first_hit("阿司匹林和吗啡的镇痛特点\n\n答：不同。\n", "answer-after")) == [
        "阿司匹林和吗啡的镇痛特点"
    ]
    assert first_hit("只是一段话。\n\n另一段。\n", "answer-after") is None


def test_rule_instruction() -> None:
    md = "请阅读下列对话并填空。\n\n- 甲：<u>乙</u>\n"
    assert titles(first_hit(md, "instruction")) == ["请阅读下列对话并填空。"]
    assert first_hit("在后面的测试环节有写到。\n\n- x\n", "instruction") is None


def test_rule_list() -> None:
    found = first_hit("1. 什么是X？  \n   甲\n2. 什么是Y？\n\n   乙\n", "list")
    assert found is not None
    assert [(u.title, u.inline_answer.strip(), [b.text for b in u.body]) for u in found.units] == [
        ("什么是X？", "甲", []),
        ("什么是Y？", "", ["乙"]),
    ]
    fill = first_hit("1. 抗体由<u>浆</u>细胞产生。\n", "list")
    assert fill is not None and fill.units[0].blanks == ("浆",)
    assert titles(first_hit("27.中心在哪个器官？<u>脾脏。</u>\n", "list")) == ["中心在哪个器官？"]
    assert first_hit("1. 删除根结点\n2. merge 两个子树\n", "list") is None
    assert first_hit("- [链接一](#a)\n- [链接二](#b)\n", "list") is None


def test_rule_quote() -> None:
    found = first_hit('> <a name="q-1"></a> Promise 有什么区别?\n', "quote")
    assert titles(found) == ["Promise 有什么区别?"]
    assert first_hit("> The listeners are called synchronously.\n", "quote") is None


def test_rule_bold() -> None:
    assert titles(first_hit("**1. 什么是闭包？**\n", "bold")) == ["什么是闭包？"]
    assert first_hit("**斜堆**\n", "bold") is None


def test_rule_paragraph() -> None:
    found = first_hit("无尿休克用什么抢救：*多巴胺*。禁用去甲肾上腺素。\n", "paragraph")
    assert found is not None
    u = found.units[0]
    assert (u.title, u.inline_answer) == ("无尿休克用什么抢救", "*多巴胺*。禁用去甲肾上腺素。")
    found = first_hit("氯丙嗪能阻断哪些受体？其后果如何？\n", "paragraph")
    assert found is not None and found.units[0].inline_answer == ""
    assert first_hit("作用广泛，依次出现以下作用。\n", "paragraph") is None


def test_rule_card() -> None:
    found = first_hit("（考了三次）*零级消除动力学*：指血中药物按恒定速率消除\n", "card")
    assert found is not None
    assert (found.units[0].title, found.units[0].inline_answer) == (
        "零级消除动力学",
        "指血中药物按恒定速率消除",
    )
    assert first_hit("*注意*：别忘了\n", "card") is None  # a label, not a term
    assert first_hit("普通：没有强调\n", "card") is None
