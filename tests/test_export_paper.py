"""Exam papers: layout model, variants, and every paper format read back by another program.

md -> markdown-it (CommonMark) and lxml; html -> lxml.html; docx -> python-docx; pdf -> pypdf.
Golden files (tests/golden/) pin the paper layout; refresh them with
``QUIZGEN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_export_paper.py`` and review the diff.
"""

from __future__ import annotations

import io
import itertools
import os
import random
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizgen.errors import ExportError
from quizgen.export import export, output_path
from quizgen.export import html as html_fmt
from quizgen.export import md as md_fmt
from quizgen.export import pdf as pdf_fmt
from quizgen.export.common import MULTI_RULE_TEXT, SECTION_INSTRUCTIONS, chinese_numeral, split_points
from quizgen.export.paper import (
    Doc,
    Paper,
    PaperHeader,
    Part,
    build_paper,
    build_papers,
    docs_for,
    key_view,
    shuffle_options,
    with_points,
)
from quizgen.items import LETTERS, Item, ItemType
from quizgen.scoring import EXAM, MultiRule
from tests.test_export_data import NEEDLES, hostile_items

GOLDEN = Path(__file__).parent / "golden"
TITLE = "深度学习基础 <期中> & 测验"
FONTS = pdf_fmt.FontChoice("Noto Serif CJK SC", "Noto Sans CJK SC")


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("QUIZGEN_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"{path} is missing; create it with QUIZGEN_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} changed; if intended, re-run with QUIZGEN_UPDATE_GOLDEN=1"
    )


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _text_of(fmt: str, data: bytes) -> str:
    """What a reader of the file sees, as text (md rendered by markdown-it; html, docx, pdf read back)."""
    if fmt == "html":
        from lxml import html as lh

        return str(lh.document_fromstring(data.decode("utf-8")).text_content())
    if fmt == "docx":
        import docx

        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    if fmt == "pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    from lxml import html as lh
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable("table").render(data.decode("utf-8"))
    return str(lh.fromstring(f"<div>{rendered}</div>").text_content())


def _paper() -> Paper:
    return build_paper(hostile_items(), TITLE)


def _many() -> list[Item]:
    """Three of each hostile item (different ids and stems), so variants can reorder sections."""
    out = []
    for k in range(3):
        for it in hostile_items():
            out.append(replace(it, id=f"{it.id}-{k}", stem=f"{it.stem} ({k})"))
    return out


# ---------------------------------------------------------------------------- layout model


def test_sections_in_chinese_paper_order_with_points() -> None:
    p = _paper()
    assert [s.heading() for s in p.sections] == [
        "一、单选题（共1题，每题2分，共2分）",
        "二、多选题（共1题，每题3分，共3分）",
        "三、判断题（共1题，每题1分，共1分）",
        "四、填空题（共1题，每题2分，共2分）",
        "五、排序题（共1题，每题3分，共3分）",
        "六、匹配题（共1题，每题3分，共3分）",
        "七、简答题（共1题，每题10分，共10分）",
    ]
    assert [pi.number for pi in p.items()] == list(range(1, 8))
    assert p.total == 24


def test_missing_types_are_renumbered_and_mixed_points_shown_per_item() -> None:
    items = [it for it in hostile_items() if it.type in (ItemType.TF, ItemType.SHORT)]
    items.append(replace(items[0], id="t2", points=2))
    p = build_paper(items, "x")
    assert [s.heading() for s in p.sections] == [
        "一、判断题（共2题，共3分）",
        "二、简答题（共1题，每题10分，共10分）",
    ]
    assert p.sections[0].shows_item_points()


def test_chinese_numerals_and_point_shares() -> None:
    assert [chinese_numeral(n) for n in (1, 7, 10, 12, 20, 99)] == [
        "一",
        "七",
        "十",
        "十二",
        "二十",
        "九十九",
    ]
    assert split_points(10, 3) == [4, 3, 3]
    assert split_points(5, 7) == [1, 1, 1, 0.5, 0.5, 0.5, 0.5]
    assert split_points(2.5, 2) == [1.5, 1.0]
    assert sum(split_points(7, 4)) == 7
    # equal key points get equal marks when halves allow it
    assert split_points(5, 2) == [2.5, 2.5]
    assert split_points(6, 4) == [1.5, 1.5, 1.5, 1.5]
    assert split_points(10, 4) == [2.5, 2.5, 2.5, 2.5]
    assert split_points(10, 5) == [2, 2, 2, 2, 2]


def test_points_override_per_type() -> None:
    items = with_points(hostile_items(), {ItemType.SHORT: 15, ItemType.CHOICE: 4})
    p = build_paper(items, "x")
    assert p.total == 24 - 10 + 15 - 2 + 4


def test_bad_items_raise_export_error() -> None:
    bad = replace(hostile_items()[0], answer=("F",))
    with pytest.raises(ExportError, match="does not name its options"):
        build_paper([bad], "x")
    with pytest.raises(ExportError, match="no items"):
        build_paper([], "x")


def test_key_view_short_answer_points_add_up() -> None:
    p = _paper()
    short = key_view(p.sections[-1].items[0])
    assert [pts for _, pts in short.key_points] == ["4", "3", "3"]
    assert short.points == "10"


def test_key_view_two_key_points_of_five_get_halves() -> None:
    short = replace(hostile_items()[-1], key_points=("生成器", "判别器"), points=5)
    kv = key_view(build_paper([short], "x").sections[0].items[0])
    assert [pts for _, pts in kv.key_points] == ["2.5", "2.5"]
    assert "1. 生成器（2.5分）\n2. 判别器（2.5分）" in md_fmt.render_key(build_paper([short], "x"))


# ---------------------------------------------------------------------------- markdown escaping


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. 第一步", "1. 第一步"),  # after a prefix (**1.** / 【解析】) nothing starts a block
        ("snake_case and a * b and ~ x", "snake_case and a * b and ~ x"),
        ("*粗* _斜_ ~~删~~ Conv*Net", "\\*粗\\* \\_斜\\_ \\~\\~删\\~\\~ Conv\\*Net"),
        ("<b>x</b> a < b <!-- c --> <http://x>", "\\<b>x\\</b> a < b \\<!-- c --> \\<http://x>"),
        ("&amp; &#60; & x", "\\&amp; \\&#60; & x"),
        ("[a](javascript:x) ![i](y) $x$ \\n", "\\[a](javascript:x) !\\[i](y) \\$x\\$ \\\\n"),
        ("用 `np.sum(<x>)` 求和，`", "用 `np.sum(<x>)` 求和，\\`"),
        ("# {x} = 1.5", "# {x} = 1.5"),
    ],
)
def test_markdown_escapes_only_what_markdown_would_read(text: str, expected: str) -> None:
    assert md_fmt.esc(text) == expected


def test_markdown_line_starts_inside_a_paragraph() -> None:
    text = "起\n# 标题\n> 引用\n- 列表\n1. 一\n2. 二\n---\n===\n```\n| --- |\n+ 加"
    assert md_fmt.esc_block(text).split("\\\n") == [
        "起",
        "\\# 标题",
        "\\> 引用",
        "\\- 列表",
        "1\\. 一",
        "2. 二",  # only a list starting at 1 can interrupt a paragraph
        "\\---",
        "\\===",
        "\\`\\`\\`",  # an unclosed fence is text; lone backticks could pair across lines
        "\\| --- |",
        "\\+ 加",
    ]


def test_markdown_keeps_fenced_code_as_code() -> None:
    from markdown_it import MarkdownIt

    explanation = (
        "举例：\n1. L1 正则化：惩罚项。\n\n```python\nloss += lambda * np.sum(np.abs(w))  # <b>&amp;\n"
        "```\n\nL1 正则化可以促进稀疏性。\n2. L2 正则化。\n  ```\n  x = a_b * c\n  ```"
    )
    short = replace(hostile_items()[-1], explanation=explanation, answer=("答案 ```x``` 完",))
    key = md_fmt.render_key(build_paper([short], "x"))
    assert "```python\nloss += lambda * np.sum(np.abs(w))  # <b>&amp;\n```" in key
    assert "【解析】举例：\\\n1\\. L1 正则化：惩罚项。\n\n```python" in key
    assert "```\n\nL1 正则化可以促进稀疏性。\\\n2. L2 正则化。\n\n```\nx = a_b * c\n```" in key
    assert "【参考答案】答案 ```x``` 完（10分）" in key
    tokens = MarkdownIt("commonmark").parse(key)
    fences = [t for t in tokens if t.type == "fence"]
    assert [(f.info, f.content) for f in fences] == [
        ("python", "loss += lambda * np.sum(np.abs(w))  # <b>&amp;\n"),
        ("", "x = a_b * c\n"),
    ]
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
    assert not kinds & {"html_inline", "html_block", "em_open", "link_open"}


_MD_ALPHABET = "*_~[]()<>!&#;$\\|-+=:.1a中 \n\t/?\"'{}^@%"
_MD_NOT_OURS = {
    "html_inline",
    "html_block",
    "em_open",
    "link_open",
    "image",
    "s_open",
    "code_inline",
    "fence",
    "code_block",
    "heading_open",
    "blockquote_open",
    "bullet_list_open",
    "ordered_list_open",
    "hr",
    "table_open",
}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_MD_ALPHABET, max_size=30))
def test_markdown_escaping_keeps_any_text_as_typed(text: str) -> None:
    """Whatever the bank text, it renders as itself: no markup of its own, only our **N.**."""
    from lxml import html as lh
    from markdown_it import MarkdownIt

    assume(not re.search(r"^\s*(~{3,}|`{3,})", text, re.M))  # a fenced block is code (tested above)
    src = f"**1.** {md_fmt.esc_block(text)}（2分）\n\nB. {md_fmt.esc(text.replace(chr(10), ' '))}\n"
    mdit = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    tokens = mdit.parse(src)
    kinds = [t.type for t in tokens] + [c.type for t in tokens for c in (t.children or [])]
    assert not set(kinds) & _MD_NOT_OURS, src
    assert kinds.count("strong_open") == 1, src
    rendered = lh.fromstring(f"<div>{mdit.render(src)}</div>").text_content()
    assert _squash(rendered) == _squash(f"1.{text}（2分）B. {text}"), src


def test_markdown_paper_reads_as_text() -> None:
    """No `**1\\.**`, no `\\_\\_\\_` blanks: our own markup and blanks read as typed."""
    paper = md_fmt.render_paper(_paper())
    assert "**1.** 卷积神经网络的作用是什么？" in paper
    assert "姓名：＿＿＿＿　班级：＿＿＿＿" in paper
    assert "\\." not in paper and "\\_" not in paper and "\\{" not in paper and "\\=" not in paper


# ---------------------------------------------------------------------------- variants


def _right_content(it: Item) -> object:
    """What the right answer says, independent of letters and order."""
    if it.type in (ItemType.CHOICE, ItemType.MULTI):
        return sorted(it.options[LETTERS.index(a)] for a in it.answer)
    if it.type is ItemType.ORDER:
        return [it.options[LETTERS.index(a)] for a in it.answer]
    if it.type is ItemType.MATCH:
        return sorted((t, it.options[LETTERS.index(a)]) for t, a in zip(it.left, it.answer, strict=True))
    return it.answer


def test_variants_same_items_other_order_consistent_keys() -> None:
    items = _many()
    original = {it.id: it for it in items}
    a, b = build_papers(items, TITLE, variants=2, rng=random.Random(5))
    assert (a.variant, b.variant) == ("A", "B")
    assert a.full_title.endswith("（A卷）") and b.key_title.endswith("（B卷） 答案及评分标准")
    ids_a = [pi.item.id for pi in a.items()]
    ids_b = [pi.item.id for pi in b.items()]
    assert sorted(ids_a) == sorted(ids_b) == sorted(original)
    assert ids_a != ids_b
    assert [s.type for s in a.sections] == [s.type for s in b.sections]  # sections keep paper order
    moved_options = 0
    for paper in (a, b):
        for pi in paper.items():
            it, orig = pi.item, original[pi.item.id]
            assert _right_content(it) == _right_content(orig), it.id
            assert sorted(it.options) == sorted(orig.options)
            moved_options += it.options != orig.options
            # the key shows this variant's letters
            assert key_view(pi).answer in (
                "".join(it.answer),
                "，".join(f"{i}-{x}" for i, x in enumerate(it.answer, 1)),
                "√",
                it.answer[0],
            )
    assert moved_options > 0
    # same seed, same papers
    a2, _ = build_papers(items, TITLE, variants=2, rng=random.Random(5))
    assert a2 == a


def test_shuffle_options_keeps_answers() -> None:
    rng = random.Random(3)
    for it in hostile_items():
        for _ in range(10):
            sh = shuffle_options(it, rng)
            assert _right_content(sh) == _right_content(it)
            if it.type is ItemType.MULTI:
                assert list(sh.answer) == sorted(sh.answer)


def test_variant_files_named_per_variant_and_key() -> None:
    outs = export(_many(), "md", title=TITLE, rng=random.Random(1), answer_key=True, variants=2)
    assert [o.suffix for o in outs] == ["-A", "-A-key", "-B", "-B-key"]
    assert output_path("out/paper.md", "md", "-A-key") == Path("out/paper-A-key.md")
    assert output_path("quiz.gift.txt", "gift", "") == Path("quiz.gift.txt")
    assert output_path("paper", "pdf", "-key") == Path("paper-key.pdf")  # the extension is added


# ---------------------------------------------------------------------------- golden layout


def test_golden_markdown_paper_and_key() -> None:
    p = _paper()
    _golden("paper.md", md_fmt.render_paper(p))
    _golden("paper-key.md", md_fmt.render_key(p))


def test_golden_html() -> None:
    _golden("paper.html", html_fmt.render(docs_for([_paper()], answer_key=True)))


def test_golden_typst_source() -> None:
    _golden("paper.typ", pdf_fmt.source(docs_for([_paper()], answer_key=True), FONTS))


# ---------------------------------------------------------------------------- read back


def test_markdown_parses_with_bank_text_as_text() -> None:
    from lxml import html as lh
    from markdown_it import MarkdownIt

    src = md_fmt.render(docs_for([_paper()], answer_key=True))
    mdit = MarkdownIt("commonmark").enable("table")
    tokens = mdit.parse(src)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
    assert "html_inline" not in kinds and "html_block" not in kinds  # no raw HTML got through
    headings = [
        tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"
    ]
    assert headings[:2] == ["一、单选题（共1题，每题2分，共2分）", "二、多选题（共1题，每题3分，共3分）"]
    assert "table_open" in kinds
    doc = lh.fromstring(mdit.render(src))
    assert not doc.xpath("//script")
    text = _squash(doc.text_content())
    for needle in NEEDLES:
        assert _squash(needle) in text, needle
    assert "{{c1::x}}" in text and "$x$" in text and "*粗*" in text and "Conv*Net" in text


def test_html_is_self_contained_escaped_and_printable() -> None:
    from lxml import html as lh

    src = html_fmt.render(
        docs_for(build_papers(_many(), TITLE, variants=2, rng=random.Random(2)), answer_key=True)
    )
    doc = lh.document_fromstring(src)
    assert not doc.xpath("//script") and not doc.xpath("//link") and not doc.xpath("//*[@src]")
    assert "@media print" in src and "break-before: page" in src and "@page" in src
    assert not re.search(r"url\(|https?://", src)
    assert len(doc.xpath("//article[@class='paper']")) == 2 and len(doc.xpath("//article[@class='key']")) == 2
    assert doc.xpath("//h1")[0].text_content() == "深度学习基础 <期中> & 测验（A卷）"
    text = _squash(doc.text_content())
    for needle in NEEDLES:
        assert _squash(needle) in text, needle
    for field in ("姓名", "班级", "学号", "得分"):
        assert field in text
    assert "答案及评分标准" in text and "【评分要点】" in text
    assert (
        len(doc.xpath("//div[@class='answer-space']/div")) == 2 * 3 * 6
    )  # 3 short items x 6 lines x 2 papers


def test_docx_reopens_with_headings_and_east_asian_fonts() -> None:
    import docx
    from docx.oxml.ns import qn

    data = export(hostile_items(), "docx", title=TITLE, answer_key=True, split=False)[0].data
    d = docx.Document(io.BytesIO(data))
    heads = [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert heads[0] == ("Heading 1", TITLE)
    assert ("Heading 2", "一、单选题（共1题，每题2分，共2分）") in heads
    assert ("Heading 1", f"{TITLE} 答案及评分标准") in heads
    assert sum(1 for s, _ in heads if s == "Heading 2") == 14
    runs = [r for p in d.paragraphs for r in p.runs]
    runs += [r for t in d.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs
    for r in runs:
        rfonts = r._element.rPr.find(qn("w:rFonts"))
        assert rfonts is not None and rfonts.get(qn("w:eastAsia")) in ("宋体", "黑体"), r.text
    for name in ("Normal", "Heading 1", "Heading 2"):
        rf = d.styles[name].element.rPr.find(qn("w:rFonts"))
        assert rf.get(qn("w:eastAsia")) in ("宋体", "黑体")
    text = _squash("\n".join(p.text for p in d.paragraphs))
    for needle in NEEDLES:
        assert _squash(needle) in text, needle
    table = d.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["题号", "一", "二", "三", "四", "五", "六", "七", "总分"]
    assert table.rows[1].cells[-1].text == "24"
    assert d.core_properties.title == TITLE


def test_docx_font_option() -> None:
    import docx
    from docx.oxml.ns import qn

    data = export(hostile_items()[:1], "docx", title="x", font="楷体")[0].data
    d = docx.Document(io.BytesIO(data))
    fonts = {r._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for p in d.paragraphs for r in p.runs}
    assert fonts == {"楷体"}


def _need_cjk_font() -> None:
    try:
        pdf_fmt.find_font()
    except ExportError:
        if os.environ.get("CI"):
            raise  # CI installs fonts-noto-cjk (.ci/run): a missing font there is a failure
        pytest.skip("no CJK font on this machine (apt-get install fonts-noto-cjk)")


def test_pdf_text_extracts_with_chinese_intact() -> None:
    from pypdf import PdfReader

    _need_cjk_font()
    data = export(hostile_items(), "pdf", title=TITLE, answer_key=True, split=False)[0].data
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    text = _squash("\n".join(page.extract_text() for page in reader.pages))
    for expected in (
        "深度学习基础",
        "一、单选题",
        "七、简答题",
        "姓名：",
        "学号：",
        "答案及评分标准",
        "【评分要点】",
        "机器学习的一个分支（4分）",
    ):
        assert _squash(expected) in text, expected
    for needle in NEEDLES:
        assert _squash(needle) in text, needle
    assert "{{c1::x}}" in text and "$x$" in text and "*粗*" in text
    fonts = set()
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            fonts.add(str(f.get_object()["/BaseFont"]))
    assert any("CJK" in f or "Han" in f or "Hei" in f or "Song" in f for f in fonts), fonts
    assert reader.metadata.title == TITLE


def test_pdf_variants_in_one_document_restart_page_numbers() -> None:
    from pypdf import PdfReader

    _need_cjk_font()
    outs = export(_many(), "pdf", title="期末", rng=random.Random(3), answer_key=True, variants=2)
    assert [o.suffix for o in outs] == ["-A", "-A-key", "-B", "-B-key"]
    first = _squash(PdfReader(io.BytesIO(outs[2].data)).pages[0].extract_text())
    assert first.startswith("期末（B卷）") and "第1页" in first


def test_pdf_without_cjk_font_names_what_to_install() -> None:
    with pytest.raises(ExportError) as e:
        pdf_fmt.find_font(system=False)
    assert "no Chinese (CJK) font" in e.value.message
    assert "apt-get install fonts-noto-cjk" in (e.value.hint or "")
    with pytest.raises(ExportError, match="font file not found"):
        pdf_fmt.find_font("/no/such/font.otf")
    with pytest.raises(ExportError, match="is not installed"):
        pdf_fmt.find_font("No Such Family Sans")


def test_pdf_font_from_file(tmp_path: Path) -> None:
    _need_cjk_font()
    import typst

    paths = [f.path for f in typst.Fonts().fonts() if f.path and "CJK" in f.family]
    if not paths:
        pytest.skip("the CJK font is not a file typst can name")
    choice = pdf_fmt.find_font(paths[0])
    assert choice.font_paths == (str(Path(paths[0]).parent),) and "CJK" in choice.body
    data = export(hostile_items()[:2], "pdf", title="字体", font=paths[0])[0].data
    assert data.startswith(b"%PDF")


def test_typst_literals_cannot_escape() -> None:
    assert pdf_fmt.lit('a"b\\c\n#x') == '#"a\\"b\\\\c\\n#x";'
    src = pdf_fmt.source([Doc(_paper(), Part.PAPER)], FONTS)
    # every piece of bank text sits inside a string literal
    assert "#\"卷积神经网络的作用是什么？<script>alert('x')</script> & {} =cmd ~ # [b]\";" in src


def test_pdf_and_docx_are_reproducible() -> None:
    _need_cjk_font()
    for fmt in ("pdf", "docx"):
        one = export(hostile_items(), fmt, title=TITLE, answer_key=True, split=False)[0].data
        two = export(hostile_items(), fmt, title=TITLE, answer_key=True, split=False)[0].data
        assert one == two, fmt


def test_docx_font_must_be_a_family() -> None:
    with pytest.raises(ExportError, match="font family name, not a file"):
        export(hostile_items(), "docx", title="x", font="/usr/share/fonts/x.otf")


@pytest.mark.parametrize("rule", list(MultiRule))
@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_paper_and_key_state_the_multi_rule(fmt: str, rule: MultiRule) -> None:
    if fmt == "pdf":
        _need_cjk_font()
    data = export(
        hostile_items(), fmt, title=TITLE, answer_key=True, split=False, policy=EXAM.with_multi(rule)
    )[0].data
    text = _squash(_text_of(fmt, data))
    said = _squash(MULTI_RULE_TEXT[rule])
    assert text.count(said) == 2, (fmt, rule)  # the paper's instruction and the key's 评分标准
    assert _squash("评分标准：" + MULTI_RULE_TEXT[rule]) in text
    others = [r for r in MultiRule if r is not rule]
    assert not any(_squash(MULTI_RULE_TEXT[o]) in text for o in others)


# ---------------------------------------------------------------------------- docx layout (#12.11, #12.12)


def _docx(items: list[Item], **kw: object) -> object:
    import docx

    data = export(items, "docx", title=TITLE, split=False, **kw)[0].data  # type: ignore[arg-type]
    return docx.Document(io.BytesIO(data))


def test_docx_short_answer_space_is_six_separate_lines() -> None:
    from docx.oxml.ns import qn

    d = _docx([hostile_items()[6]])
    ruled = [p for p in d.paragraphs if p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None]
    assert len(ruled) == 6
    for p in ruled:
        bdr = p._p.pPr.find(qn("w:pBdr"))
        # identical bottom borders of adjacent paragraphs merge into one box with one bottom line:
        # the `between` border draws a line between every two paragraphs of the box
        for side in ("bottom", "between"):
            b = bdr.find(qn(f"w:{side}"))
            assert b is not None and b.get(qn("w:val")) == "dashed", side


def test_docx_four_across_options_get_equal_columns() -> None:
    from docx.shared import Cm

    it = Item(
        id="c4",
        type=ItemType.CHOICE,
        question_id="q",
        stem="哪一项？",
        options=("计算均值和方差", "归一化", "缩放", "平移"),
        answer=("A",),
    )
    d = _docx([it])
    row = next(p for p in d.paragraphs if p.text.startswith("A. "))
    assert row.text.count("\t") == 3
    indent = row.paragraph_format.left_indent or d.styles["Option"].paragraph_format.left_indent
    stops = [indent] + [t.position for t in row.paragraph_format.tab_stops]
    # Word measures tab stops from the page margin, not from the indent
    widths = [b - a for a, b in itertools.pairwise(stops)]
    assert len(widths) == 3 and max(widths) - min(widths) < Cm(0.01)
    assert stops[-1] + widths[0] <= Cm(16.6) + Cm(0.01)  # the fourth column ends at the margin


def test_docx_items_and_headings_are_kept_together() -> None:
    d = _docx(hostile_items(), answer_key=True)
    paras = d.paragraphs
    for i, p in enumerate(paras):
        if p.style.name == "Heading 2":
            # heading, instruction (or the key's 评分标准) and the first question's first line stay together
            assert paras[i + 1].paragraph_format.keep_with_next, paras[i + 1].text
    short = next(i for i, p in enumerate(paras) if p.text.startswith("7. "))
    block = paras[short : short + 8]  # stem, 答：, six lines
    assert all(p.paragraph_format.keep_with_next for p in block[:-1])
    kp = next(i for i, p in enumerate(paras) if p.text == "【评分要点】")
    assert all(p.paragraph_format.keep_with_next for p in paras[kp - 1 : kp + 3])  # the list is not split


# ---------------------------------------------------------------------------- paper polish (#12.12)


def _pages(data: bytes) -> list[list[str]]:
    from pypdf import PdfReader

    return [
        [ln.strip() for ln in page.extract_text().splitlines() if ln.strip()]
        for page in PdfReader(io.BytesIO(data)).pages
    ]


def test_pdf_footer_says_page_n_of_m_per_paper_and_key() -> None:
    _need_cjk_font()
    data = export(
        _many(), "pdf", title="期末", rng=random.Random(3), answer_key=True, variants=2, split=False
    )
    pages = _pages(data[0].data)
    starts = [i for i, p in enumerate(pages) if p[0].startswith("期末（")] + [len(pages)]
    assert len(starts) == 5  # paper A, key A, paper B, key B
    for a, b in itertools.pairwise(starts):
        for k in range(a, b):
            assert _squash(pages[k][-1]) == f"第{k - a + 1}页共{b - a}页", pages[k][-1]


_HEADING = re.compile(r"^[一二三四五六七]、\S+题（")


def _stranded(data: bytes) -> list[str]:
    """Last lines of pages (footer aside) that are a section heading, its instruction or a list label."""
    labels = ("【评分要点】", "评分标准：", "注意事项：")
    starts = (*(v[:10] for v in SECTION_INSTRUCTIONS.values()), *labels)
    out = []
    for lines in _pages(data)[:-1]:
        body = [ln for ln in lines if not _squash(ln).startswith("第")]
        if body and (_HEADING.match(body[-1]) or body[-1].startswith(starts)):
            out.append(body[-1])
    return out


@pytest.mark.parametrize(("seed", "n"), [(6, 20), (6, 40), (1, 40), (4, 40)])
def test_pdf_never_strands_a_heading_instruction_or_list_label(seed_bank: Any, seed: int, n: int) -> None:
    from quizgen.generate import generate

    _need_cjk_font()
    items = generate(seed_bank, n=n, rng=random.Random(seed)).items
    for out in export(items, "pdf", title="深度学习基础", answer_key=True):
        assert _stranded(out.data) == [], (out.suffix, seed, n)


def test_html_print_css_keeps_headings_lists_and_numbers_pages() -> None:
    css = html_fmt.CSS
    rule = {m.group(1).strip(): m.group(2) for m in re.finditer(r"([^{}]+)\{([^{}]*)\}", css)}
    assert "break-after: avoid" in rule["h2"] and "break-after: avoid" in rule[".instruction"]
    assert "break-inside: avoid" in rule[".key ol.kp"] and "break-inside: avoid" in rule[".key .detail"]
    assert "break-inside: avoid" in rule[".item"] and "break-inside: avoid" in rule[".key .entry"]
    assert 'content: "第 " counter(page) " 页 共 " counter(pages) " 页"' in css


HEADER = PaperHeader.of(
    "深度学习 <B>", "120分钟", ["答案写在答题纸上。", "  ", "考试结束后\n交回试卷 & 答题纸。"]
)


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_optional_header_lines(fmt: str) -> None:
    if fmt == "pdf":
        _need_cjk_font()
    outs = export(hostile_items(), fmt, title=TITLE, answer_key=True, header=HEADER)
    paper, key = (_squash(_text_of(fmt, o.data)) for o in outs)
    info = _squash("考试科目：深度学习 <B>　考试时间：120分钟　满分：24分")
    assert info in paper and info in key
    notices = ["答案写在答题纸上。", "考试结束后 交回试卷 & 答题纸。"]  # one line each, the blank one dropped
    assert HEADER.notices == tuple(notices)
    at = [paper.index(_squash(n)) for n in ["注意事项：", *notices]]
    assert at == sorted(at) and paper.index(info) < paper.index(_squash("姓名：")) < at[0]
    assert "注意事项" not in key
    plain = _squash(_text_of(fmt, export(hostile_items(), fmt, title=TITLE)[0].data))
    assert "（满分24分）" in plain and "考试科目" not in plain and "注意事项" not in plain
