"""quizgen.markup: Markdown -> plain item text and the block view."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen.markup import BlockKind, blocks, syntax_left, to_plain


@pytest.mark.parametrize(
    ("md", "plain"),
    [
        ("**特征提取**：使用卷积层提取特征", "特征提取：使用卷积层提取特征"),
        ("> 由于 JavaScript 特性的限制", "由于 JavaScript 特性的限制"),
        ("> > 两层引用", "两层引用"),
        ("- 列表项", "列表项"),
        ("1. 第一步\n2. 第二步", "第一步\n第二步"),
        ("3. **＿＿＿**：如 TF-IDF", "＿＿＿：如 TF-IDF"),
        ("免疫器官主要由<u>淋巴</u>组织构成", "免疫器官主要由淋巴组织构成"),
        ("第一行<br>第二行<br/>第三行", "第一行\n第二行\n第三行"),
        ('<font color="red">重点</font>内容', "重点内容"),
        ('> <a name="q-2"></a> Eventemitter 的 emit 是同步还是异步?', "Eventemitter 的 emit 是同步还是异步?"),
        ("参见[官方文档](https://nodejs.org/api/events.html)。", "参见官方文档。"),
        ("如图![结构图](img/a.png)所示", "如图所示"),
        ("答案。\n\n[[↑] 回到顶部](#css-问题)", "答案。"),  # navigation, not content
        ("见[第二节](#第二节)。", "见第二节。"),  # an in-page link that is content
        ("问题？ #anki", "问题？"),
        ("问题？ #anki #生物/免疫", "问题？"),
        ("C# 与 #1 号", "C# 与 #1 号"),
        ("使用`overflow: hidden`方法", "使用`overflow: hidden`方法"),
        ("a &amp; b &lt;tag&gt; &#x4E2D;", "a & b <tag> 中"),
        ("旧说法~~已删除~~新说法", "旧说法新说法"),
        ("正文[^1]\n\n[^1]: 脚注", "正文"),
        ("公式 $10^9$ 个", "公式 $10^9$ 个"),
        ("*糖皮质激素******抗炎作用机制*******：见下", "糖皮质激素抗炎作用机制：见下"),
        ("AUC血管外/AUC血管内*×100%", "AUC血管外/AUC血管内*×100%"),
        # single marks left unpaired beside Chinese text (pharmacology notes) are noise
        ("*稳态血浆浓度*/坪值（Css）：*按照一级动力学", "稳态血浆浓度/坪值（Css）：按照一级动力学"),
        ("*低效利尿药：保钾利尿药。*作用于远曲小管", "低效利尿药：保钾利尿药。作用于远曲小管"),
        ("过敏性休克首选药__肾上腺素_，合用抗组胺药", "过敏性休克首选药肾上腺素，合用抗组胺药"),
        ("作用于_黑质纹状体__DA受体", "作用于黑质纹状体DA受体"),
        ("四、论述（10分*2）", "四、论述（10分*2）"),  # a multiplication stays
        ("eval_batch_step 字段", "eval_batch_step 字段"),
        ("## 小标题\n正文", "小标题\n正文"),
        ("- [x] 已完成\n- [ ] 未完成", "已完成\n未完成"),
        ("", ""),
        ("纯文本，没有任何标记。", "纯文本，没有任何标记。"),
    ],
)
def test_to_plain(md: str, plain: str) -> None:
    assert to_plain(md) == plain
    assert syntax_left(to_plain(md)) == ()


def test_soft_breaks_join_chinese_and_keep_sentence_lines() -> None:
    # a line broken inside a sentence joins up; a line after a full stop stays a line
    assert to_plain("浏览器通过优先级\n规则判断。\n第二句。") == "浏览器通过优先级规则判断。\n第二句。"
    assert to_plain("hard\nwrapped") == "hard wrapped"
    assert (
        to_plain("有两种方案：（1）原图识别。\n（2）训练分类器。")
        == "有两种方案：（1）原图识别。\n（2）训练分类器。"
    )
    # "2. …" at the start of a line would be a list marker in item text: it stays in the line
    assert to_plain("分情况，1. 不改变。\n2. 改变。") == "分情况，1. 不改变。 2. 改变。"


def test_code_keeps_its_marks() -> None:
    md = "输出什么？\n\n```javascript\nconsole.log(`${a}`)\n```"
    assert to_plain(md) == "输出什么？\n```javascript\nconsole.log(`${a}`)\n```"
    assert syntax_left("```html\n<div></div>\n```") == ()
    assert syntax_left("`<u>x</u>` 是下划线") == ()


def test_markdown_inside_html_and_attribute_lists() -> None:
    # MkDocs: <figure markdown> holds Markdown; { width="300" } styles the image before it
    md = 'Merge the heaps.\n\n<figure markdown="span">\n    ![Img 20](a.png){ width="300" }\n</figure>\n'
    assert to_plain(md) == "Merge the heaps."
    assert to_plain("**x** {a}") == "x {a}"  # braces not after an image stay


def test_html_blocks_keep_their_text() -> None:
    md = '<div class="info">\n<u>答</u>：文本 <img src="a.png">\n</div>\n\n<!-- 注释 -->\n\n后文'
    assert to_plain(md) == "答：文本\n后文"
    (b, *_rest) = blocks(md)
    assert b.emphasis == ("答",)


def test_blocks_of_lists_with_nesting_markers_and_terms() -> None:
    md = (
        "优点如下：\n\n"
        "1. **减少请求**：一张图只要一个请求。\n"
        "   - 子项一\n"
        "   - 子项二\n"
        "2) 第二点\n\n"
        "* 另一个列表\n"
    )
    bs = blocks(md)
    kinds = [b.kind for b in bs]
    assert kinds == [BlockKind.PARAGRAPH] + [BlockKind.LIST_ITEM] * 5
    lead, first, sub1, sub2, other_delim, star = bs
    assert lead.text == "优点如下："
    assert (first.term, first.body, first.marker, first.ordered, first.depth) == (
        "减少请求",
        "一张图只要一个请求。",
        "1.",
        True,
        0,
    )
    assert (sub1.depth, sub1.parent, sub1.marker, sub1.index) == (1, 1, "-", 1)
    assert (sub2.index, sub2.list_id) == (2, sub1.list_id)
    # another delimiter or bullet starts another list (CommonMark)
    assert (other_delim.marker, other_delim.index, other_delim.depth) == ("2)", 2, 0)
    assert other_delim.list_id != first.list_id
    assert star.marker == "*" and star.list_id not in (first.list_id, other_delim.list_id)


def test_bold_term_with_the_colon_inside() -> None:
    (b,) = blocks("- **重置（Resetting）：** 重置意味着除去所有默认样式。")
    assert b.term == "重置（Resetting）"
    assert b.body == "重置意味着除去所有默认样式。"
    (p,) = blocks("**注意**这里没有冒号")
    assert p.term is None and p.emphasis == ("注意",)


def test_table_rows_and_code_blocks() -> None:
    md = "| | block | inline |\n|---|---|---|\n| 宽高 | **可设置** | 不可设置 |\n\n```sql\nSELECT 1;\n```\n"
    head, row, code = blocks(md)
    assert head.header and head.cells == ("", "block", "inline")
    assert not row.header and row.cells == ("宽高", "可设置", "不可设置") and row.table_id == head.table_id
    assert row.emphasis == ("可设置",)
    assert (code.kind, code.lang, code.text) == (BlockKind.CODE, "sql", "SELECT 1;")
    assert to_plain(md) == "block | inline\n宽高 | 可设置 | 不可设置\n```sql\nSELECT 1;\n```"


def test_blockquote_depth_and_underlined_blanks() -> None:
    bs = blocks("> 引文 <u>重点</u>\n\n正文")
    assert (bs[0].quote, bs[0].emphasis) == (1, ("重点",))
    assert bs[1].quote == 0


def test_syntax_left_names_what_is_left() -> None:
    assert syntax_left("a **b**") == ("emphasis marks",)
    assert syntax_left("x\n- y") == ("a list marker",)
    assert syntax_left("> x") == ("a quote marker",)
    assert syntax_left("<u>x</u>") == ("an HTML tag",)
    assert syntax_left("[a](b)") == ("a link or image",)
    assert syntax_left("a &amp; b") == ("an HTML entity",)
    assert syntax_left("问题？ #anki") == ("a tag",)
    assert syntax_left("1.5 倍，C# 语言，snake_case") == ()


# Markdown made of the constructs notes use, around words that must all survive.
WORDS = st.sampled_from(["卷积", "池化", "梯度", "CNN", "dropout", "残差网络", "注意力", "层归一化"])


@st.composite
def markdown(draw: st.DrawFn) -> tuple[str, list[str]]:
    lines: list[str] = []
    words: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        w = draw(WORDS)
        words.append(w)
        wrap = draw(
            st.sampled_from(
                ["{}", "**{}**", "*{}*", "<u>{}</u>", "[{}](http://x)", "<font color=red>{}</font>", "~{}~"]
            )
        )
        inline = wrap.format(w) if wrap != "~{}~" else w
        prefix = draw(st.sampled_from(["", "- ", "1. ", "> ", "## ", "  - ", "* [x] "]))
        suffix = draw(st.sampled_from(["", "。", " #anki", "<br>", "![图](a.png)", "[^1]"]))
        lines.append(prefix + inline + suffix)
        if draw(st.booleans()):
            lines.append("")
    return "\n".join(lines), words


@settings(max_examples=150, deadline=None)
@given(markdown())
def test_plain_text_keeps_the_words_and_no_syntax(case: tuple[str, list[str]]) -> None:
    md, words = case
    plain = to_plain(md)
    assert syntax_left(plain) == (), (md, plain)
    for w in words:
        assert w in plain, (md, plain)
    assert "\x00" not in plain


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_read_without_error(text: str) -> None:
    plain = to_plain(text)
    assert isinstance(plain, str)
    assert all(b.kind in BlockKind for b in blocks(text))
