"""The notes parser: the seed, tolerance, cues combined, authored questions, encodings,
aliases, duplicates, robustness. Each cue rule alone is in tests/test_parse_cues.py, the real
notes written by others in tests/test_parse_eval.py."""

from __future__ import annotations

import codecs
import contextlib
import random
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.bank import BLANK, Bank, Question, QuestionKind, Section, SectionKind, dumps, loads
from quizgen.errors import InputError, ParseError, QuizgenError, UsageError
from quizgen.parse import (
    DUPLICATE_THRESHOLD,
    FLAG_ANSWER_UNMARKED,
    FLAG_NO_ANSWER,
    Rules,
    cue_names,
    decode,
    extract_aliases,
    mark_duplicates,
    parse_bytes,
    parse_file,
    parse_text,
)

DATA = Path(__file__).parent / "data"


def _q(bank: Bank, number: int | str | None) -> Question:
    assert number is not None
    q = bank.get(number)
    assert q is not None, f"no question {number}"
    return q


def _sec(q: Question, kind: SectionKind) -> Section:
    s = q.section(kind)
    assert s is not None, f"no {kind} section"
    return s


def _terms(section: Section | None) -> list[str | None]:
    assert section is not None
    return [it.term for it in section.items]


# ---------------------------------------------------------------------------- the seed


def test_seed_counts(seed_bank: Bank) -> None:
    assert len(seed_bank.questions) == 30
    assert len(seed_bank.unique()) == 19
    dups = [q.number for q in seed_bank.questions if q.duplicate_of]
    assert dups == list(range(20, 31))
    assert seed_bank.source is not None and seed_bank.source.layout == "heading"
    assert all(q.has_answer and not q.flags for q in seed_bank.questions)


def test_seed_duplicates_point_at_the_originals(seed_bank: Bank) -> None:
    originals = {
        q.number: _q(seed_bank, q.duplicate_of).number for q in seed_bank.questions if q.duplicate_of
    }
    # 20 (CNN, 原理和应用) repeats 2 (CNN, 作用); 21-25 repeat 15-19 with a few characters changed;
    # 26-30 repeat 20-24.
    assert originals == {20: 2, 21: 15, 22: 16, 23: 17, 24: 18, 25: 19, 26: 2, 27: 15, 28: 16, 29: 17, 30: 18}


def test_seed_question_1(seed_bank: Bank) -> None:
    q = _q(seed_bank, 1)
    assert q.title == "什么是深度学习，其在图像识别中的应用"
    assert q.prompt == "请简要解释深度学习的概念，并举例说明深度学习在图像识别中的应用。"
    assert q.answer.startswith("深度学习是机器学习的一个分支")
    assert [s.label for s in q.sections] == ["举例", "解析"]
    assert _sec(q, SectionKind.EXAMPLE).lead.startswith("以人脸识别为例")
    analysis = _sec(q, SectionKind.EXPLANATION)
    assert analysis.lead == "深度学习模型在图像识别中的应用主要包括以下几个步骤："
    assert _terms(analysis) == ["数据预处理", "特征提取", "特征融合", "分类"]
    assert analysis.items[0].text == "对图像进行灰度化、缩放、裁剪等操作，使其适合输入到神经网络。"
    assert analysis.text.startswith("深度学习模型在图像识别领域具有广泛的应用")
    assert q.line == 3


def test_seed_question_7_bold_terms_with_inner_spaces(seed_bank: Bank) -> None:
    q = _q(seed_bank, 7)
    lists = [s for s in q.sections if s.kind is SectionKind.EXPLANATION]
    assert len(lists) == 2  # the second list follows its own lead paragraph
    assert _terms(lists[1]) == ["sigmoid 函数", "tanh 函数", "ReLU 函数", "Leaky ReLU 函数"]
    assert lists[1].lead == "常见的激活函数包括："
    assert lists[1].items[0].text == "输出范围为 (0, 1)，常用于二分类问题。"
    assert lists[1].text.startswith("激活函数是神经网络中不可或缺的组成部分")


def test_seed_question_10_code_blocks_intact(seed_bank: Bank) -> None:
    example = _sec(_q(seed_bank, 10), SectionKind.EXAMPLE)
    assert _terms(example) == ["L1 正则化", "L2 正则化"]
    assert "```python\nloss += lambda * np.sum(np.abs(w))\n```" in example.items[0].text
    assert "```python\nloss += lambda * np.sum(np.square(w))\n```" in example.items[1].text
    assert example.items[0].text.endswith("L1 正则化可以促进权重的稀疏性，有助于特征选择。")
    assert _sec(_q(seed_bank, 10), SectionKind.EXPLANATION).lead.startswith("正则化方法通过增加损失函数")


def test_seed_question_11_two_lists(seed_bank: Bank) -> None:
    q = _q(seed_bank, 11)
    impl = _sec(q, SectionKind.IMPLEMENTATION)
    steps = _sec(q, SectionKind.STEPS)
    assert (impl.label, len(impl.items)) == ("实现方式", 2)
    assert (steps.label, len(steps.items)) == ("实现步骤", 3)
    assert _terms(steps) == ["定义丢弃概率", "随机丢弃神经元", "反向传播更新"]
    assert steps.text.startswith("dropout技术通过随机丢弃神经元")


def test_seed_aliases(seed_bank: Bank) -> None:
    assert ("卷积神经网络", "CNN") in _q(seed_bank, 2).aliases
    assert ("残差网络", "Residual Network", "ResNet") in _q(seed_bank, 14).aliases
    assert ("批量归一化", "Batch Normalization") in _q(seed_bank, 12).aliases
    assert ("生成器", "Generator") in _q(seed_bank, 15).aliases
    assert _q(seed_bank, 3).aliases == ()  # 神经元（节点）: no Latin letters, no alias


def test_ids_are_stable_hashes_of_titles(seed_notes: Path) -> None:
    text = seed_notes.read_text(encoding="utf-8")
    first = parse_text(text).bank
    assert [q.id for q in parse_text(text).bank.questions] == [q.id for q in first.questions]
    # swap questions 3 and 4: their ids do not change
    blocks = re.split(r"(?m)^(?=### \d+\. )", text)
    blocks[3], blocks[4] = blocks[4], blocks[3]
    swapped = parse_text("".join(blocks)).bank
    assert sorted(q.id for q in swapped.questions) == sorted(q.id for q in first.questions)
    assert {q.title: q.id for q in swapped.questions[:19]} == {q.title: q.id for q in first.questions[:19]}
    assert len({q.id for q in first.questions}) == 30  # repeated titles get -2, -3


def test_committed_bank_matches_a_fresh_parse(seed_notes: Path) -> None:
    """`make bank` keeps bank/deep_learning.yaml in step with the parser."""
    fresh = parse_file(seed_notes, title="深度学习基础").bank
    committed = seed_notes.with_suffix(".yaml").read_text(encoding="utf-8")
    assert dumps(fresh) == committed, "bank/deep_learning.yaml is stale: run `make bank`"


# ---------------------------------------------------------------------------- tolerance

SMALL = """\
### 1. 什么是梯度？

**题目：** 解释梯度。

**答案：** 梯度是函数增长最快的方向。

**解析：**

1. **方向：** 指向增长最快处。
2. **大小：** 等于方向导数的最大值。
"""


def _small_facts(text: str) -> tuple[object, ...]:
    q = parse_text(text).bank.questions[0]
    return (
        q.title,
        q.prompt,
        q.answer,
        [(s.label, s.lead, [(i.term, i.text) for i in s.items]) for s in q.sections],
    )


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: t.replace("\n", "\r"), id="cr"),
        pytest.param(lambda t: "\ufeff" + t, id="bom-char"),
        pytest.param(lambda t: "   \n\t\n" + " " * 17 + "\n" + t, id="leading-space-lines"),
        pytest.param(lambda t: t.replace("**题目：**", "**题目:**"), id="half-width-colon"),
        pytest.param(lambda t: t.replace("**题目：**", "**题目**："), id="colon-outside"),
        pytest.param(lambda t: t.replace("**答案：**", "**答案**:"), id="half-colon-outside"),
        pytest.param(lambda t: t.replace("**答案：**", "** 答案 : **"), id="spaces-in-bold"),
        pytest.param(lambda t: t.replace("### 1. ", "## 1、"), id="h2-dun-hao"),
        pytest.param(lambda t: t.replace("### 1. ", "###### 1 "), id="h6-space-number"),
        pytest.param(lambda t: t.replace("### 1. ", "#### 第1题 "), id="di-ti"),
        pytest.param(
            lambda t: t.replace("1. **方向", "1、**方向").replace("2. **大小", "2、**大小"), id="list-dun-hao"
        ),
        pytest.param(
            lambda t: t.replace("1. **方向", "(1) **方向").replace("2. **大小", "(2) **大小"), id="list-paren"
        ),
        pytest.param(
            lambda t: t.replace("1. **方向", "（1）**方向").replace("2. **大小", "（2）**大小"),
            id="list-fw-paren",
        ),
        pytest.param(
            lambda t: t.replace("1. **方向", "- **方向").replace("2. **大小", "- **大小"), id="list-dash"
        ),
        pytest.param(
            lambda t: t.replace("**方向：**", "**方向**：").replace("**大小：**", "**大小**："),
            id="term-colon-out",
        ),
        pytest.param(lambda t: t.replace("\n\n", "\n"), id="no-blank-lines"),
        pytest.param(lambda t: t + "\n\n---\n", id="trailing-rule"),
    ],
)
def test_layout_variants_give_the_same_question(variant: Callable[[str], str]) -> None:
    assert _small_facts(variant(SMALL)) == _small_facts(SMALL)


def test_small_facts() -> None:
    title, prompt, answer, sections = _small_facts(SMALL)
    assert (title, prompt, answer) == ("什么是梯度？", "解释梯度。", "梯度是函数增长最快的方向。")
    assert sections == [("解析", "", [("方向", "指向增长最快处。"), ("大小", "等于方向导数的最大值。")])]


def test_restarted_numbering_and_varying_heading_levels() -> None:
    r = parse_file(DATA / "groups_variants.md")
    qs = r.bank.questions
    assert r.layout == "heading"
    assert [q.number for q in qs] == [1, 2, 3, 4, 5]
    assert len({q.id for q in qs}) == 5
    assert [q.group for q in qs] == ["一、基础概念", "一、基础概念", "二、进阶", "二、进阶", "二、进阶"]
    assert [q.ref for q in qs] == [None, None, "1", "2", "3"]  # as numbered in the notes
    assert _sec(qs[0], SectionKind.SOLUTION).items[1].term == "数据增强"  # "1)" markers
    reasons = qs[1].sections[0]
    assert (reasons.label, reasons.kind) == ("原因", SectionKind.OTHER)  # unknown labels are kept
    assert [it.text for it in reasons.items] == ["模型太简单", "训练不足", "特征太少"]  # (1) ... （3）
    assert qs[2].aliases == (("梯度下降", "Gradient Descent"),)
    assert qs[2].answer == "梯度下降沿负梯度方向更新参数。\n\n- 计算梯度\n- 更新参数"
    assert [s.label for s in qs[2].sections] == ["答案", "注意"]
    assert qs[3].answer == "每一步更新的步长，记作 [b]lr[/b]。"  # level-5 heading
    assert qs[4].flags == (FLAG_NO_ANSWER,)  # level-6 heading, 题目 only
    assert [str(w) for w in r.warnings] == [
        f"{DATA / 'groups_variants.md'}:47: question '什么是动量' has no answer; kept and flagged no_answer"
    ]


def test_question_without_answer_is_kept_flagged_and_reported() -> None:
    text = (
        "### 1. 有答案\n\n**答案：** 是。\n\n"
        "### 2. 没有答案\n\n**题目：** 这题没写答案。\n\n"
        "### 3. 又有答案\n\n**答案：** 对。\n"
    )
    r = parse_text(text, source_name="notes.md")
    assert [q.flags for q in r.bank.questions] == [(), (FLAG_NO_ANSWER,), ()]
    assert [str(w) for w in r.warnings] == [
        "notes.md:5: question '没有答案' has no answer; kept and flagged no_answer"
    ]
    assert r.bank.questions[2].answer == "对。"  # the missing answer did not take the next one


def test_a_question_heading_with_no_body_is_kept_and_numbering_does_not_shift() -> None:
    """Issue #12.4: a heading that asks but has nothing under it is a question, flagged."""
    text = "### 1. 什么是A？\n\nA 是甲。\n\n### 2. 什么是B？\n\n### 3. 什么是C？\n\nC 是丙。\n"
    r = parse_text(text, source_name="n.md")
    qs = r.bank.questions
    assert [(q.number, q.title, q.answer, q.flags) for q in qs] == [
        (1, "什么是A？", "A 是甲。", ()),
        (2, "什么是B？", "", (FLAG_NO_ANSWER,)),
        (3, "什么是C？", "C 是丙。", ()),
    ]
    assert [str(w) for w in r.warnings] == [
        "n.md:5: question '什么是B？' has no answer; kept and flagged no_answer"
    ]


def test_a_question_without_its_heading_is_split_off() -> None:
    text = (
        "### 1. 第一题\n\n**题目：** 甲？\n\n**答案：** 甲。\n\n"
        "**题目：** 乙？\n\n**答案：** 乙。\n"  # the author forgot "### 2."
    )
    r = parse_text(text, source_name="n.md")
    assert [(q.title, q.prompt, q.answer) for q in r.bank.questions] == [
        ("第一题", "甲？", "甲。"),
        ("乙？", "", "乙。"),
    ]


def test_deeper_subheading_inside_an_answer_stays_in_it() -> None:
    text = (
        "## 1. 什么是流水线？\n\n**答案：** 分成几个阶段：\n\n"
        "### 1. 取数\n\n读入数据。\n\n"
        "## 2. 下一题？\n\n**答案：** 好。\n"
    )
    r = parse_text(text, source_name="n.md")
    assert [q.title for q in r.bank.questions] == ["什么是流水线？", "下一题？"]
    assert r.bank.questions[0].answer == "分成几个阶段：\n\n### 1. 取数\n\n读入数据。"
    assert r.warnings == []


def test_headings_inside_code_fences_are_not_headings() -> None:
    text = (
        "### 1. 代码题\n\n**答案：**\n\n"
        "```python\n# 注释\n### 不是标题\n1. 不是列表\n**不是：** 标签\n```\n\n完毕。\n"
    )
    qs = parse_text(text).bank.questions
    assert len(qs) == 1
    assert qs[0].answer == "```python\n# 注释\n### 不是标题\n1. 不是列表\n**不是：** 标签\n```\n\n完毕。"


def test_html_colours_and_hashes_in_code_are_never_headings() -> None:
    text = (
        "### 1. 怎样设置颜色？\n\n用 `color: #333;`，或者：\n\n"
        '<p style="color:#ff0000">\n#红色\n</p>\n\n    # indented code\n\n### 2. 下一题？\n\n好。\n'
    )
    qs = parse_text(text).bank.questions
    assert [q.title for q in qs] == ["怎样设置颜色？", "下一题？"]


def test_tilde_fences_and_inline_triple_backticks() -> None:
    text = (
        "### 1. 题\n\n**答案：** 看 ```x``` 这里\n\n"
        "~~~\n### 仍是代码\n~~~\n\n"
        "### 2. 题二\n\n**答案：** 二。\n"
    )
    qs = parse_text(text).bank.questions
    assert [q.title for q in qs] == ["题", "题二"]
    assert "### 仍是代码" in qs[0].answer


def test_unclosed_fence_is_closed_before_the_next_heading() -> None:
    text = "### 1. 题一\n\n**答案：**\n\n```python\nprint(1)\n\n### 2. 题二\n\n**答案：** 二。\n"
    r = parse_text(text, source_name="n.md")
    assert [q.title for q in r.bank.questions] == ["题一", "题二"]
    assert r.bank.questions[1].answer == "二。"
    assert [str(w) for w in r.warnings] == [
        "n.md:5: code fence opened here is never closed; closed it before the heading on line 8"
    ]


def test_control_characters_are_removed_with_a_warning() -> None:
    r = parse_text("### 1. 题\n\n**答案：** 合成\x08之后\x00拼接。\n", source_name="n.md")
    assert r.bank.questions[0].answer == "合成之后拼接。"
    assert [str(w) for w in r.warnings] == ["n.md:3: removed control characters U+0000, U+0008"]


def test_empty_and_question_free_files_fail_saying_what_was_looked_for() -> None:
    with pytest.raises(ParseError) as e:
        parse_text(" \n\n \t\n", source_name="empty.md")
    assert e.value.render().startswith("empty.md: the file is empty")
    with pytest.raises(ParseError) as e:
        parse_file(DATA / "no_layout.md")
    msg = e.value.render()
    assert msg.startswith(
        f"{DATA / 'no_layout.md'}: no questions found\n  Hint: quizgen looks for question headings"
    )
    for cue in ("`Q:`", "<details>", "admonitions", "flashcards", "Q&A tables", "--layout heading-term"):
        assert cue in msg


def test_heading_terms_only_when_asked_for() -> None:
    """A diary is not a question bank, but a glossary of headings can be read as one on request."""
    text = "# 术语表\n\n## 卷积\n\n一种运算。\n\n## 池化\n\n降采样。\n"
    with pytest.raises(ParseError):
        parse_text(text)
    r = parse_text(text, layout="heading-term")
    assert [(q.title, q.answer) for q in r.bank.questions] == [("卷积", "一种运算。"), ("池化", "降采样。")]
    assert r.layout == "heading-term"


def test_a_marker_without_question_text_is_no_question() -> None:
    """Found by Hypothesis: a lone ``**`` over an answer made a question with an empty title."""
    with pytest.raises(ParseError, match="no questions found"):
        parse_text("**\n\n**答案：** 答。", source_name="x.md")
    r = parse_text("**\n\n**答案：** 答。\n\n### 1. 什么是X？\n\nX。\n", source_name="x.md")
    assert [q.title for q in r.bank.questions] == ["什么是X？"]
    assert "x.md:1: a question marker with no question text; skipped" in map(str, r.warnings)


def test_unknown_layout_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown layout 'nope'"):
        parse_text(SMALL, layout="nope")


def test_cue_names_and_old_layout_names() -> None:
    names = cue_names()
    for cue in ("heading", "list", "quote", "bold", "marker", "details", "admonition", "flashcard", "table"):
        assert cue in names
    for old in ("labelled", "faq", "qa", "heading-paragraph", "choice"):
        assert old in names  # --layout labelled keeps working
    assert parse_text(SMALL, layout="labelled").bank.questions[0].title == "什么是梯度？"


# ---------------------------------------------------------------------------- the earlier layouts


def test_faq_headings_with_answer_markers() -> None:
    r = parse_file(DATA / "faq.md")
    qs = r.bank.questions
    assert r.layout == "heading"
    assert [q.ref for q in qs] == ["Q1.1", "Q1.2", "Q2.1", "Q2.2", "Q2.3", "Q1.1"]
    assert [q.title for q in qs][:2] == ["如何安装？", "支持哪些系统？"]
    assert qs[0].answer == "运行 `pip install demo` 即可。"
    assert qs[1].answer == "Linux、macOS 和 Windows。"  # plain "A:" on the next line
    assert [(s.label, s.kind) for s in qs[2].sections] == [("注意", SectionKind.NOTE)]
    assert (qs[3].answer, qs[3].flags) == ("首次启动需要建立缓存，之后会变快。", (FLAG_ANSWER_UNMARKED,))
    assert (qs[4].answer, qs[4].flags) == ("", (FLAG_NO_ANSWER,))
    assert qs[5].duplicate_of == qs[0].id  # a repeated FAQ id is a duplicate
    assert [q.group for q in qs] == ["安装", "安装", "使用", "使用", "使用", "使用"]
    assert r.bank.get("q2.2") is qs[3]  # look-up by the written id
    where = str(DATA / "faq.md")
    assert [str(w) for w in r.warnings] == [
        f"{where}:20: question '为什么启动很慢？' has no answer marker; its text (line 22) was taken as the "
        "answer and flagged answer_unmarked",
        f"{where}:24: question '怎样卸载？' has no answer; kept and flagged no_answer",
    ]


def test_qa_markers() -> None:
    r = parse_file(DATA / "qa.md")
    qs = r.bank.questions
    assert r.layout == "marker"
    assert [q.title for q in qs] == [
        "什么是张量？",
        "什么是批大小？",
        "什么是损失函数？",
        "什么是优化器（Optimizer）？",
        "下面的代码输出什么？",
    ]
    assert qs[0].answer == "张量是多维数组。"
    assert qs[2].answer == "衡量预测与真实值差距的函数，例如：\n\n1. 均方误差\n2. 交叉熵"
    assert [s.label for s in qs[2].sections] == ["答案", "解析"]
    assert qs[3].flags == (FLAG_NO_ANSWER,)  # did not take question 5's answer
    assert qs[4].prompt == "```python\n# 不是标题\nprint(1 + 1)\n```"
    assert qs[4].answer == "输出 2。"
    assert [str(w) for w in r.warnings] == [
        f"{DATA / 'qa.md'}:1: text before the first question is not part of any question (1 line)",
        f"{DATA / 'qa.md'}:17: question '什么是优化器（Optimizer）？' has no answer; "
        "kept and flagged no_answer",
    ]


def test_bold_question_labels_without_headings() -> None:
    text = (
        "**问题：** 什么是 A？\n\n**答案：** 甲。\n\n**解析：** 因为。\n\n"
        "**问题：** 什么是 B？\n\n**答案：** 乙。\n"
    )
    r = parse_text(text)
    assert r.layout == "marker"
    assert [(q.title, q.answer) for q in r.bank.questions] == [("什么是 A？", "甲。"), ("什么是 B？", "乙。")]
    assert r.bank.questions[0].sections[0].label == "解析"


def test_heading_paragraph_answers() -> None:
    r = parse_file(DATA / "heading_paragraph.md")
    qs = r.bank.questions
    assert [q.title for q in qs] == ["TCP 和 UDP 有什么区别？", "什么是三次握手？", "HTTP 是哪一层的协议？"]
    assert qs[0].answer == "TCP 面向连接、可靠；UDP 无连接、不保证可靠。\n\nUDP 头部更小，适合实时应用。"
    assert "### 这不是标题" in qs[1].answer
    assert qs[2].answer == "应用层。"
    assert r.warnings == [] and all(not q.flags for q in qs)


def test_heading_as_question_with_answer_label() -> None:
    r = parse_file(DATA / "heading_answer.md")
    qs = r.bank.questions
    assert [q.title for q in qs] == ["什么是缓存击穿？", "如何防止缓存雪崩？"]
    assert _sec(qs[1], SectionKind.EXAMPLE).items[0].text == "过期时间 = 基础时间 + 随机 0-300 秒"


def test_authored_choice_questions() -> None:
    r = parse_file(DATA / "choice.md")
    qs = r.bank.questions
    assert len(qs) == 3 and all(q.kind is QuestionKind.CHOICE for q in qs)
    q1 = qs[0]
    assert q1.title == "输出是什么？"
    assert q1.prompt == "```javascript\n// # 不是标题\nconsole.log(typeof null)\n```"
    assert [(o.term, o.text) for o in q1.options] == [
        ("A", '`"null"`'),
        ("B", '`"object"`'),
        ("C", '`"undefined"`'),
    ]
    assert (q1.answer, q1.correct_options) == ("B", ("B",))
    assert _sec(q1, SectionKind.EXPLANATION).lead == '`typeof null` 是历史遗留问题，返回 `"object"`。'
    assert (qs[1].answer, qs[1].correct_options) == ("A, C", ("A", "C"))
    assert qs[2].flags == (FLAG_NO_ANSWER,)
    assert qs[0].id != qs[2].id  # same title, told apart by the stem
    assert [str(w) for w in r.warnings] == [
        f"{DATA / 'choice.md'}:47: question '输出是什么？' has no answer; kept and flagged no_answer"
    ]


def test_choice_answer_not_among_the_options_is_reported() -> None:
    text = "## 1. 选哪个？\n\n- A: 甲\n- B: 乙\n\n**答案：** E\n"
    r = parse_text(text, source_name="c.md")
    assert [str(w) for w in r.warnings] == ["c.md:6: answer E is not one of the options A/B"]


@pytest.mark.parametrize(
    ("options", "key", "answer"),
    [
        pytest.param("- [ ] 甲\n- [x] 乙\n- [ ] 丙\n", "", "B", id="task-list"),
        pytest.param("- A. 甲\n- B. 乙\n- C. 丙\n", "答案：C\n", "C", id="a-dot"),
        pytest.param("- A、甲\n- B、乙\n- C、丙\n", "**答案**：A、B\n", "A, B", id="a-dun-hao"),
        pytest.param("- (A) 甲\n- (B) 乙\n- (C) 丙\n", "【答案】B\n", "B", id="paren"),
        pytest.param("- A: 甲\n- **B: 乙**\n- C: 丙\n", "", "B", id="bold-option"),
        pytest.param(
            "- A. 甲\n- B. 乙\n- C. 丙\n- D. 丁\n- E. 戊\n- F. 己\n",
            "<details><summary>答案</summary>\n\nF\n\n</details>\n",
            "F",
            id="six-options-details",
        ),
    ],
)
def test_authored_choice_keys(options: str, key: str, answer: str) -> None:
    text = f"### 1. 选哪个？\n\n{options}\n{key}\n### 2. 下一题？\n\n好。\n"
    q = parse_text(text).bank.questions[0]
    assert q.kind is QuestionKind.CHOICE
    assert q.answer == answer
    assert len(q.options) >= 3


@pytest.mark.parametrize(
    ("body", "value"),
    [
        pytest.param("- [x] 对\n- [ ] 错\n", "对", id="task-list"),
        pytest.param("答案：F\n", "错", id="t-f"),
        pytest.param("答案：√\n", "对", id="tick"),
        pytest.param("**答案：** 错。因为不可逆。\n", "错", id="cuo-with-reason"),
    ],
)
def test_authored_true_false(body: str, value: str) -> None:
    text = f"### 1. 梯度下降一定收敛到全局最优。\n\n{body}\n### 2. 下一题？\n\n好。\n"
    q = parse_text(text).bank.questions[0]
    assert (q.kind, q.answer) == (QuestionKind.TF, value)


def test_authored_fill_in_with_underlines() -> None:
    text = (
        "1. 免疫器官主要由<u>淋巴</u>组织构成。\n2. 抗体由<u>浆</u>细胞产生。\n"
        "3. 什么是抗原？\n   能引发免疫反应的物质。\n"
    )
    qs = parse_text(text).bank.questions
    assert [(q.kind, q.title, q.blanks) for q in qs] == [
        (QuestionKind.FILL, f"免疫器官主要由{BLANK}组织构成。", ("淋巴",)),
        (QuestionKind.FILL, f"抗体由{BLANK}细胞产生。", ("浆",)),
        (QuestionKind.OPEN, "什么是抗原？", ()),
    ]
    assert qs[0].answer == "免疫器官主要由淋巴组织构成。"


# ---------------------------------------------------------------------------- cues combined


def test_headings_and_markers_and_lists_in_one_file() -> None:
    text = (
        "# 复习\n\n## 一、概念\n\n### 1. 什么是A？\n\nA 是甲。\n\n"
        "## 二、问答\n\nQ: 什么是B？\nA: B 是乙。\n\n"
        "## 三、练习\n\n1. 什么是C？\n   C 是丙。\n2. 什么是D？\n   D 是丁。\n"
    )
    r = parse_text(text)
    assert [(q.title, q.answer, q.group) for q in r.bank.questions] == [
        ("什么是A？", "A 是甲。", "一、概念"),
        ("什么是B？", "B 是乙。", "二、问答"),
        ("什么是C？", "C 是丙。", "三、练习"),
        ("什么是D？", "D 是丁。", "三、练习"),
    ]
    assert r.layout.split("+")[0] == "list"


def test_numbered_headings_without_a_period_under_groups() -> None:
    """``## N 标题`` under ``# 一、…``: a popular interview layout."""
    text = "".join(
        f"# {g}、第{g}部分\n\n" + "".join(f"## {n} 标题{g}{n}\n\n回答{g}{n}。\n\n" for n in (1, 2, 3))
        for g in ("一", "二")
    )
    qs = parse_text(text).bank.questions
    assert [(q.title, q.answer, q.group, q.ref) for q in qs][:2] == [
        ("标题一1", "回答一1。", "一、第一部分", None),
        ("标题一2", "回答一2。", "一、第一部分", None),
    ]
    assert len(qs) == 6 and [q.ref for q in qs[3:]] == ["1", "2", "3"]


def test_title_and_reference_answer_headings() -> None:
    """``#### **题目**：…`` followed by ``#### **参考答案**：``."""
    text = (
        "#### **题目**：什么是闭包？\n\n#### **参考答案**：\n\n函数和它的词法环境。\n\n"
        "#### **题目**：什么是原型？\n\n#### **参考答案**：\n\n对象的模板。\n"
    )
    qs = parse_text(text).bank.questions
    assert [(q.title, q.answer) for q in qs] == [
        ("什么是闭包？", "函数和它的词法环境。"),
        ("什么是原型？", "对象的模板。"),
    ]


def test_front_matter_and_rules_override_detection() -> None:
    text = (
        "---\ntitle: 笔记\nquizgen:\n  question: '^例\\d+'\n  answer: '^解[:：]'\n---\n\n"
        "例1 求导 x^2\n\n解：2x\n\n例2 求导 x^3\n\n解：3x^2\n"
    )
    qs = parse_text(text).bank.questions
    assert [(q.title, q.answer) for q in qs] == [("求导 x^2", "2x"), ("求导 x^3", "3x^2")]
    text2 = "### 概念\n\n#### 甲\n\n甲的解释。\n\n#### 乙\n\n乙的解释。\n"
    r = parse_text(text2, rules=Rules(cues=frozenset({"heading"}), question_level=4))
    assert [(q.title, q.answer, q.group) for q in r.bank.questions] == [
        ("甲", "甲的解释。", "概念"),
        ("乙", "乙的解释。", "概念"),
    ]


def test_explain_covers_every_question(tmp_path: Path) -> None:
    from quizgen.parse.explain import explain_lines

    r = parse_file(DATA / "faq.md")
    lines = explain_lines(r)
    assert lines[0] == "How faq.md was read (cues: heading):"
    assert any(line.split()[:3] == ["5", "question", "heading:"] for line in lines)
    assert any("group" in line and "安装" in line for line in lines)
    assert any("note" in line and "has no answer" in line for line in lines)


# ---------------------------------------------------------------------------- text outside the questions


def test_preamble_is_reported_once() -> None:
    text = "这是前言，介绍本笔记的来历。\n\n还有第二段。\n\n### 1. 什么是梯度\n\n**答案：** 方向。\n"
    r = parse_text(text, source_name="n.md")
    assert [str(w) for w in r.warnings] == [
        "n.md:1-3: text before the first question is not part of any question (2 lines)"
    ]
    assert "前言" not in dumps(r.bank)


def test_text_between_and_after_questions_is_reported() -> None:
    text = (
        "## 一、基础\n\n### 1. 什么是梯度\n\n**答案：** 方向。\n\n"
        "## 二、进阶\n\n本章更难。\n\n```\n代码也算\n```\n\n"
        "### 2. 什么是动量\n\n**答案：** 惯性。\n\n"
        "## 附录\n\n参考资料。\n"
    )
    r = parse_text(text, source_name="n.md")
    assert [q.title for q in r.bank.questions] == ["什么是梯度", "什么是动量"]
    assert [str(w) for w in r.warnings] == [
        "n.md:9-13: text between questions is not part of any question (4 lines)",
        "n.md:21: text after the last question is not part of any question (1 line)",
    ]


def test_headings_anchors_rules_and_a_table_of_contents_are_not_lost_text() -> None:
    text = (
        "# 目录\n\n* [基础](#基础)\n  * [梯度 1题](#梯度)\n- [进阶](#进阶) | [附录](#附录)\n"
        '1. [图](#图)\n\n---\n\n<a name="基础"></a>\n## 基础\n\n'
        "### 1. 什么是梯度\n\n**答案：** 方向。\n"
    )
    assert parse_text(text, source_name="n.md").warnings == []


def test_markers_under_group_headings_report_text_between() -> None:
    text = "## 基础\n\nQ: 什么是 A？\nA: 甲。\n\n## 进阶\n\n进阶的说明。\n\nQ: 什么是 B？\nA: 乙。\n"
    r = parse_text(text, source_name="qa.md")
    assert [q.group for q in r.bank.questions] == ["基础", "进阶"]
    assert [str(w) for w in r.warnings] == [
        "qa.md:8: text between questions is not part of any question (1 line)"
    ]


# ---------------------------------------------------------------------------- encodings


def test_encodings_are_detected(seed_notes: Path) -> None:
    text = seed_notes.read_text(encoding="utf-8")
    expected = [(q.id, q.title, q.answer, q.sections) for q in parse_text(text).bank.questions]
    for data in (
        codecs.BOM_UTF8 + text.encode("utf-8"),
        text.encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        text.encode("gb18030"),
        text.replace("\n", "\r\n").encode("gbk"),
    ):
        bank = parse_bytes(data, source_name="x.md").bank
        assert [(q.id, q.title, q.answer, q.sections) for q in bank.questions] == expected


def test_forced_encoding() -> None:
    data = SMALL.encode("gbk")
    assert parse_bytes(data, encoding="gbk").bank.questions[0].title == "什么是梯度？"
    with pytest.raises(InputError) as e:
        parse_bytes(SMALL.encode("utf-8"), source_name="n.md", encoding="ascii")
    assert e.value.render().startswith(
        "n.md: cannot decode as ascii: invalid byte 0xe4 at byte offset 7, line 1"
    )
    with pytest.raises(UsageError, match="unknown encoding 'klingon'"):
        parse_bytes(data, encoding="klingon")


def test_undecodable_input_names_the_byte_offset() -> None:
    data = "### 1. 题\n\n**答案：** 是".encode() + b"\xff\xfe\xfd\x80 tail"
    with pytest.raises(InputError) as e:
        decode(data, where="bad.md")
    assert e.value.render().startswith(
        "bad.md: cannot decode: invalid UTF-8 (byte 0xff at byte offset 29, line 3)"
    )
    assert "--encoding" in e.value.render()


def test_binary_and_bomless_utf16_are_refused() -> None:
    with pytest.raises(InputError, match="NUL byte at byte offset 1"):
        decode("### 1".encode("utf-16-le"), where="u16.md")
    with pytest.raises(InputError, match="damaged"):
        decode(codecs.BOM_UTF16_LE + b"\x00\xd8", where="x")


# ---------------------------------------------------------------------------- aliases


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("卷积神经网络（CNN）是一种模型", (("卷积神经网络", "CNN"),)),
        ("残差网络（Residual Network，简称 ResNet）是一种", (("残差网络", "Residual Network", "ResNet"),)),
        ("什么是深度学习中的长短期记忆网络（LSTM）？", (("长短期记忆网络", "LSTM"),)),
        (
            "变分自编码器（Variational Autoencoder, VAE）",
            (("变分自编码器", "Variational Autoencoder", "VAE"),),
        ),
        ("处理网格结构数据（如图像）的模型", ()),
        ("多个神经元（节点）组成", ()),
        ("例如卷积核（filter）在图像上滑动", (("卷积核", "filter"),)),
        ("CNN (Convolutional Neural Network)", ()),  # no Chinese name
    ],
)
def test_aliases(text: str, expected: tuple[tuple[str, ...], ...]) -> None:
    assert extract_aliases(text) == expected


def test_alias_groups_merge_across_texts() -> None:
    assert extract_aliases("批量归一化（BN）", "批量归一化（Batch Normalization）", "批量归一化（BN）") == (
        ("批量归一化", "BN", "Batch Normalization"),
    )


# ---------------------------------------------------------------------------- duplicates


def test_duplicate_threshold_is_documented() -> None:
    import quizgen.parse.duplicates as d

    assert DUPLICATE_THRESHOLD == 75.0
    assert "75" in (d.__doc__ or "") and "mark_duplicates" in (d.__doc__ or "")


def test_dedup_leaves_duplicates_out(seed_notes: Path) -> None:
    bank = parse_file(seed_notes, dedup=True).bank
    assert len(bank.questions) == 19
    assert [q.number for q in bank.questions] == list(range(1, 20))


def test_blocking_finds_what_all_pairs_find(seed_bank: Bank) -> None:
    fresh = [replace(q, duplicate_of=None) for q in seed_bank.questions]
    fast = [q.duplicate_of for q in mark_duplicates(fresh)]
    slow = [q.duplicate_of for q in mark_duplicates(fresh, exhaustive=True)]
    assert fast == slow == [q.duplicate_of for q in seed_bank.questions]


def test_near_duplicates_with_edits_and_shuffles(seed_bank: Bank) -> None:
    """Random small edits of the seed's unique questions are found by the blocked pass
    exactly as by the all-pairs pass."""
    rng = random.Random(7)
    qs = list(seed_bank.unique())
    edited = []
    for q in qs:
        chars = list(q.answer)
        for _ in range(3):
            i = rng.randrange(len(chars))
            chars[i] = rng.choice("的了是在和有")
        edited.append(replace(q, id=q.id + "-e", answer="".join(chars), duplicate_of=None))
    pool = [replace(q, duplicate_of=None) for q in qs] + edited
    rng.shuffle(pool)
    fast = [q.duplicate_of for q in mark_duplicates(pool)]
    assert fast == [q.duplicate_of for q in mark_duplicates(pool, exhaustive=True)]
    assert sum(d is not None for d in fast) >= len(qs)


def test_similar_code_questions_are_not_duplicates() -> None:
    text = "".join(
        f"###### {n}. 输出是什么？\n\n```js\nconsole.log({v})\n```\n\n- A: 1\n- B: 2\n\n#### 答案：{a}\n\n"
        for n, (v, a) in enumerate([("1", "A"), ("2", "B"), ("1", "A")], 1)
    )
    qs = parse_text(text).bank.questions
    assert [q.duplicate_of for q in qs] == [None, None, qs[0].id]


# ---------------------------------------------------------------------------- robustness

_FRAGMENTS = [
    "### 1. 什么是X？",
    "## 一、基础",
    "#### Q1.2：问题？",
    "###### 3. 输出是什么？",
    "**题目：** 解释。",
    "**答案：** 答。",
    "**答案**:",
    "**解析：**",
    "** sigmoid 函数：** 输出",
    "1. **术语：** 文本",
    "（2）第二",
    "- A: `x`",
    "- B: y",
    "#### 答案：B",
    "<details><summary><b>答案</b></summary>",
    "</details>",
    "```python",
    "```",
    "~~~",
    "Q: 问？",
    "A: 答。",
    "问：什么？",
    "答：这个。",
    "卷积神经网络（CNN）",
    "---",
    "",
    "   ",
    "\t- 缩进",
    "**",
    "#",
    "普通的一行文字。",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=20), max_size=40), st.sampled_from(["\n", "\r\n"])
)
def test_parser_raises_only_its_own_errors_on_note_like_text(parts: list[str], newline: str) -> None:
    text = newline.join(parts)
    try:
        result = parse_text(text, source_name="fuzz.md")
    except ParseError:
        return
    bank = result.bank
    assert loads(dumps(bank)) == bank
    assert loads(dumps(bank, "json")) == bank
    assert len({q.id for q in bank.questions}) == len(bank.questions)
    for q in bank.questions:
        assert q.has_answer or FLAG_NO_ANSWER in q.flags


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parser_raises_only_its_own_errors_on_any_text(text: str) -> None:
    try:
        result = parse_text(text)
    except ParseError:
        return
    assert loads(dumps(result.bank)) == result.bank


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_parse_bytes_raises_only_quizgen_errors(data: bytes) -> None:
    with contextlib.suppress(QuizgenError):
        parse_bytes(data)


# ---------------------------------------------------------------------------- found on unseen real notes


def test_exam_stems_without_keys_are_choice_questions_flagged_unanswered() -> None:
    """``1. …正确的是（）单选`` with options in a code block, one per paragraph, or on the
    question's own bold lines: each is one question, none swallows the next."""
    text = (
        "### 选择题\n\n1. 关于类型转换，下面语法正确的是（）单选\n\n~~~go\nA. x\nB. y\n~~~\n\n"
        "2. 下面哪个是获取输入框值的方式（ ）\n\nA: value\n\nB: innerHTML\n\n"
        "**3. Linux 命令补齐用哪个按键（  ）**  \n**A. CTRL**  \n**B. TAB**\n\n"
        "### 判断题\n\n4. Go 支持泛型（）\n"
    )
    r = parse_text(text, source_name="e.md")
    qs = r.bank.questions
    assert [(q.title, q.kind, q.answer) for q in qs] == [
        ("关于类型转换，下面语法正确的是（）单选", QuestionKind.OPEN, ""),
        ("下面哪个是获取输入框值的方式（ ）", QuestionKind.CHOICE, ""),
        ("Linux 命令补齐用哪个按键（ ）", QuestionKind.CHOICE, ""),
        ("Go 支持泛型（）", QuestionKind.OPEN, ""),
    ]
    assert "A. x" in qs[0].prompt  # the code is the question's material, not an answer
    assert [o.text for o in qs[1].options] == ["value", "innerHTML"]
    assert [o.text for o in qs[2].options] == ["CTRL", "TAB"]
    assert all(q.flags == (FLAG_NO_ANSWER,) for q in qs)
    assert [q.group for q in qs] == ["选择题", "选择题", "选择题", "判断题"]


def test_keys_in_a_quote_behind_an_emoji_or_in_words() -> None:
    text = (
        "## 1. 哪个对？（6分）\n\n- A. 甲\n- B. 乙\n\n> 答案：B\n>\n> 解析：因为乙。\n\n"
        "## 第 2 题 🟢\n\n### 题目\n\n选哪个？\n\n**选项：**\n- A. 丙\n- B. 丁\n\n"
        "<details>\n<summary>查看答案</summary>\n\n### ✅ 正确答案：A\n\n"
        "#### 1. 步骤一\n\n说明。\n\n</details>\n\n"
        "## 3. 哪个正确?\n\nA: obj.a\n\nB: obj()a\n\n"
        "<details><summary>答案</summary>\n\nA选项正确\n\n</details>\n"
    )
    qs = parse_text(text).bank.questions
    assert [(q.kind, q.answer) for q in qs] == [
        (QuestionKind.CHOICE, "B"),
        (QuestionKind.CHOICE, "A"),
        (QuestionKind.CHOICE, "A"),
    ]
    assert qs[1].title == "选哪个？"  # the heading is only a number and an emoji
    assert len(qs) == 3  # "#### 1. 步骤一" inside the answer is not a question


def test_flashcards_whose_answers_are_code() -> None:
    text = "## 第 1 章\n\n`docker exec -it` 中 `-it` 的作用？::`-i` 保持输入，`-t` 分配终端\n\n#flashcards\n"
    r = parse_text(text, source_name="f.md")
    assert [(q.title, q.answer) for q in r.bank.questions] == [
        ("`docker exec -it` 中 `-it` 的作用？", "`-i` 保持输入，`-t` 分配终端")
    ]
    assert r.warnings == []  # a line of tags is not lost text


def test_numbered_sections_over_numbered_questions_are_groups() -> None:
    text = (
        "## 01.AJAX 概念\n\n1. 什么是 AJAX？\n   浏览器与服务器通信。\n"
        "2. AJAX 有什么用？\n   动态数据交互。\n\n"
        "## 02.URL\n\n1. 什么是 URL？\n   网址。\n2. URL 由哪几部分组成？\n   协议、域名、路径。\n"
    )
    qs = parse_text(text).bank.questions
    assert [(q.title, q.group) for q in qs] == [
        ("什么是 AJAX？", "01.AJAX 概念"),
        ("AJAX 有什么用？", "01.AJAX 概念"),
        ("什么是 URL？", "02.URL"),
        ("URL 由哪几部分组成？", "02.URL"),
    ]


def test_a_plain_heading_among_question_headings() -> None:
    body = "".join(f"## {n} 问题{n}\n\n回答{n}。\n\n" for n in range(1, 6))
    text = f"# 一、基础\n\n{body}# 二、其他\n\n## 进程间通信方式\n\n管道、信号、共享内存。\n\n## 参考\n\n- [链接](http://x)\n"
    qs = parse_text(text).bank.questions
    assert [q.title for q in qs][-1] == "进程间通信方式" and len(qs) == 6


def test_blanks_written_with_their_answer() -> None:
    text = (
        "# 第一章\n\n肾上腺素止血是激动__α____受体\n\n"
        "胰岛素最常见的不良反应是_低血糖反应_______\n\n什么是__init__方法？\n"
    )
    r = parse_text(text, layout="paragraph")
    fills = [(q.title, q.blanks) for q in r.bank.questions if q.kind is QuestionKind.FILL]
    assert fills == [
        (f"肾上腺素止血是激动{BLANK}受体", ("α",)),
        (f"胰岛素最常见的不良反应是{BLANK}", ("低血糖反应",)),
    ]
