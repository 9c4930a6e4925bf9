"""Real notes written by others (../shared/eval): the counts and spot checks of
../shared/eval/notes/README.md and ../shared/eval/README.md, one test per file.

"Starts/ends with" compares visible text, as the README defines it: HTML tags and emphasis
markers removed; a leading answer marker (答：, 参考答案：) is a label, not answer text, and
the parser leaves it out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizgen.bank import Bank, Question, QuestionKind, SectionKind, dumps, loads
from quizgen.parse import FLAG_NO_ANSWER, mark_duplicates, parse_file
from quizgen.parse.model import ParseResult

_TAG_RE = re.compile(r"<[^>]+>")
_MARKER_RE = re.compile(r"^\s*(?:答|答案|参考答案)\s*[:：]\s*")


def visible(text: str) -> str:
    return re.sub(r"\*\*|(?<![\w*])\*(?!\s)", "", _TAG_RE.sub("", text)).strip()


def expected(text: str) -> str:
    return _MARKER_RE.sub("", text)


def parsed(eval_dir: Path, name: str) -> ParseResult:
    r = parse_file(eval_dir / name)
    assert loads(dumps(r.bank)) == r.bank
    return r


def answered(bank: Bank) -> tuple[int, int]:
    qs = bank.questions
    return sum(1 for q in qs if q.has_answer), sum(1 for q in qs if not q.has_answer)


def at_line(bank: Bank, line: int) -> Question:
    q = next((q for q in bank.questions if q.line == line), None)
    assert q is not None, f"no question starts on line {line}"
    return q


def explanation(q: Question) -> str:
    s = q.section(SectionKind.EXPLANATION)
    assert s is not None
    return s.lead


def test_notes_01_frontend_css_h3_toc(eval_dir: Path) -> None:
    r = parsed(eval_dir, "notes/notes_01_frontend_css_h3_toc.md")
    assert answered(r.bank) == (30, 1)
    qs = r.bank.questions
    assert qs[0].title == "CSS 选择器的优先级是如何计算的？"
    assert visible(qs[0].answer).startswith("浏览器通过优先级规则，判断元素展示哪些样式。")
    assert visible(qs[0].answer).endswith("去覆盖组件的样式了。")  # the 参考 links are a section
    missing = [q for q in qs if not q.has_answer]
    assert [(q.line, q.title, q.flags) for q in missing] == [
        (434, "请解释在编写网站时，响应式与移动优先的区别。", (FLAG_NO_ANSWER,))
    ]
    assert at_line(r.bank, 373).has_answer  # a one-item list and TODO: a partial answer
    assert qs[30].title.startswith("什么情况下，用`translate()`而不用绝对定位？")
    assert visible(qs[30].answer).startswith("`translate()`是`transform`的一个值。")
    assert visible(qs[30].answer).endswith("这与改变绝对定位不同。")
    assert "其他答案" not in [q.title for q in qs]
    assert not any("回到顶部" in q.answer for q in qs)


def test_notes_03_biology_fill_in_underline(eval_dir: Path) -> None:
    r = parsed(eval_dir, "notes/notes_03_biology_fill_in_underline.md")
    qs = r.bank.questions
    assert answered(r.bank) == (44, 0)
    assert (qs[0].title, visible(qs[0].answer)) == (
        "免疫系统由哪三部分组成？",
        "免疫器官、免疫细胞、免疫活性物质",
    )
    assert (qs[17].title, visible(qs[17].answer)) == ("溶菌酶对细菌的作用是什么？", "水解细菌的细胞壁")
    assert (qs[43].title, visible(qs[43].answer)) == (
        "器官移植中存在什么问题？",
        "免疫排斥反应、供体器官短缺。",
    )
    # the statements with inline blanks are the author's own fill-in questions
    q3 = qs[2]
    assert q3.kind is QuestionKind.FILL and q3.blanks == ("淋巴", "血液", "淋巴")
    assert q3.answer == "免疫器官主要由淋巴组织构成，并借助于血液循环和淋巴循环相互联系。"
    # items 16 and 17: an answer in unindented paragraphs ends the CommonMark list
    assert qs[15].title == "抗原呈递细胞(APC)是什么？其种类有哪些？" and "树突状" in qs[15].answer
    assert qs[16].title == "抗原的三个特点："
    assert "<figure" in qs[28].answer  # the figure after item 29 belongs to its answer
    assert [q.group for q in (qs[0], qs[19], qs[33], qs[41])] == [
        "第1节 免疫系统的组成和功能",
        "第2节 特异性免疫",
        "第3节 免疫失调",
        "第4节 免疫学的应用",
    ]
    assert sum(q.answer.count("<u>") + q.title.count("＿＿＿") for q in qs) >= 110
    # 体液免疫的过程 and 细胞免疫的流程 both answer with <u> blanks: the tags do not make them alike
    assert not any(q.duplicate_of for q in qs)


def test_notes_05_nodejs_blockquote_questions(eval_dir: Path) -> None:
    r = parsed(eval_dir, "notes/notes_05_nodejs_blockquote_questions.md")
    qs = r.bank.questions
    assert answered(r.bank) == (6, 0)
    table = [
        (21, "Promise 中 .then 的第二参数与 .catch 有什么区别?", "参见 [We have a problem with promises]"),
        (
            88,
            "Eventemitter 的 emit 是同步还是异步?",
            "Node.js 中 Eventemitter 的 emit 是同步的. 在官方文档中有说明:",
        ),
        (
            148,
            "如何判断接口是否异步? 是否只要有回调函数就是异步?",
            "开放性问题, 每个写 node 的人都有一套自己的判断方式.",
        ),
        (158, "有这样一个场景, 你在线上使用 koa 搭建了一个网站", "Node.js 中执行 js 代码的过程是单线程的."),
        (162, "如何实现一个 sleep 函数? ①", "```javascript\nfunction sleep(ms) {"),
        (176, "如何实现一个异步的 reduce? (注:不是异步完了之后同步 reduce)", "需要了解 reduce 的情况"),
    ]
    for q, (line, title, answer) in zip(qs, table, strict=True):
        assert (q.line, q.title[: len(title)], q.answer[: len(answer)]) == (line, title, answer)
    assert "while (Date.now() < expire) ;" in qs[4].answer
    assert qs[5].answer.endswith("不贴答案, 期待诸君的版本.")
    assert not any(q.title.startswith(("异步还是不异步", "The EventListener")) for q in qs)


def test_notes_07_pharmacology_term_definitions(eval_dir: Path) -> None:
    r = parsed(eval_dir, "notes/notes_07_pharmacology_term_definitions.md")
    bank = r.bank
    tier_a = [
        163,
        195,
        203,
        219,
        315,
        329,
        345,
        349,
        381,
        395,
        404,
        424,
        430,
        494,
        560,
        568,
        571,
        667,
        690,
        720,
    ]
    tier_a += [728, 738, 794, 796, 808, 810, 879]
    for line in tier_a:
        assert at_line(bank, line).has_answer, line
    # 25 explicit prompts + about 113 definition cards (README: 100-125 is reasonable)
    assert 125 <= len(bank.questions) <= 155
    assert answered(bank)[1] == 0
    assert not any(q.line in (327, 379) for q in bank.questions)  # 四、论述（…分） are exam parts
    q = at_line(bank, 20)
    assert q.title.startswith("一级消除动力学")
    assert visible(q.answer).startswith("体内药物按恒定比例消除") and q.answer.endswith("达到稳态,A1=97%A0。")
    q = at_line(bank, 315)
    assert q.title == "氯丙嗪能阻断哪些受体？其后果如何？"
    assert q.answer.startswith("（1）阻断中脑-边缘系统和中脑-皮层系统的D2样受体")
    assert q.answer.endswith("黄体生成素释放因子和ACTH等。")
    q = at_line(bank, 494)
    assert visible(q.title).startswith("（考了两次）有个人有十多年高血压病史")
    assert q.title.endswith("用什么药组合可以治病？")
    assert q.answer.startswith(expected("答：1.硝酸甘油在体内形成NO"))
    assert q.answer.endswith("ACEI可降血压，同时使心绞痛患者死亡风险显著降低。")
    q = at_line(bank, 879)
    assert "简述周期特异性抗肿瘤药" in q.title
    assert q.answer.startswith("仅对增值周期的某些时相敏感而对G0期不敏感的药物，")
    assert "其杀伤作用呈时间依赖性。" in q.answer
    assert at_line(bank, 424).answer == "阿司热痛炎风聚，胃凝杨敏瑞夷续"
    assert at_line(bank, 796).duplicate_of == at_line(bank, 794).id
    assert any("free-form notes" in str(w) for w in r.warnings)  # the reading is said


def test_notes_09_algorithms_mkdocs_admonitions(eval_dir: Path) -> None:
    r = parsed(eval_dir, "notes/notes_09_algorithms_mkdocs_admonitions.md")
    qs = r.bank.questions
    assert [(q.line, q.title, q.kind, q.answer) for q in qs] == [
        (208, "PTA 4.3", QuestionKind.CHOICE, "D"),
        (233, "PTA 4.4", QuestionKind.CHOICE, "D"),
        (299, "PTA 4.1", QuestionKind.TF, "对"),
        (322, "PTA 4.6", QuestionKind.CHOICE, "A"),
        (354, "PTA 4.2", QuestionKind.TF, "对"),
        (369, "PTA 4.5", QuestionKind.CHOICE, "B"),
    ]
    assert qs[0].prompt.startswith("Merge the two leftist heaps in the following figure.")
    assert [o.term for o in qs[0].options] == ["A", "B", "C", "D"]
    assert explanation(qs[0]).endswith("$Npl(4) = Npl(2) = 2$")
    assert qs[2].prompt.startswith("The right path of a skew heap can be arbitrarily long.")
    assert explanation(qs[2]).startswith("不是很懂，我的理解是")
    assert qs[5].prompt.startswith("Insert keys 1 to 15 in order")
    assert explanation(qs[5]).startswith("> Skew Heap 模拟：")
    assert "**A 选项：**" in explanation(qs[1])
    assert not any(q.duplicate_of for q in qs)  # PTA 4.1 and 4.2 are told apart by their statements


def test_notes_11_chinese_literature_exam_underline(eval_dir: Path) -> None:
    r = parsed(eval_dir, "notes/notes_11_chinese_literature_exam_underline.md")
    qs = r.bank.questions
    assert answered(r.bank) == (7, 0)  # the 基础过关 dialogue as one cloze, and 6 numbered questions
    cloze = qs[0]
    assert "完善下列对话" in cloze.title and "<u>蒋正涵</u>" in cloze.answer
    q1 = qs[1]
    assert q1.title.startswith("有人说艾青这两首诗中的“煤”和“礁石”都象征着中华民族")
    assert visible(q1.answer).startswith("煤：中华民族有着像煤一样的历史")
    assert visible(q1.answer).endswith("依然英勇顽强的中华民族")
    assert "你住在哪里？" in q1.context  # the poems are the question's material, not its answer
    q4 = qs[4]
    assert q4.title.startswith(
        "请从作品人物和主题的角度来比较《艾青诗选》中大堰河与《骆驼祥子》中祥子的异同点。"
    )
    assert visible(q4.answer).startswith("1. 相同点：大堰河和祥子都是")
    assert visible(q4.answer).endswith("对生活怀有梦想的人力车夫。")
    last = qs[6]
    assert last.title.startswith("请判断下面三首诗中哪一首是艾青的诗歌")
    assert "【丙】是艾青的《篝火》" in visible(last.answer)
    assert [q.group for q in qs] == ["【基础过关】（40分）"] + ["【比较阅读】（40分）"] * 4 + [
        "【综合提升】（20分）"
    ] * 2
    assert sum(q.answer.count("<u>") for q in qs) == 30
    assert not any("你住在哪里" in q.title for q in qs)


def test_notes_13_sql_case_subquestions(eval_dir: Path) -> None:
    r = parsed(eval_dir, "notes/notes_13_sql_case_subquestions.md")
    qs = r.bank.questions
    assert answered(r.bank) == (10, 0)
    assert [q.ref for q in qs] == [None] * 5 + ["4", "5", "6", "7", "8"]  # 1-5, 4, 5, 6, 7, 8 as written
    assert qs[0].title == "查询员工和他的主管的姓名"
    assert "LEFT JOIN tb_emp AS t2" in qs[0].answer and "本题通过自连接就可以完成" in qs[0].answer
    assert qs[1].title == "查询月薪最高的员工姓名和月薪"
    assert qs[1].answer.startswith("方法一：嵌套查询") and "方法四" in qs[1].answer
    assert qs[-1].title == "查询每个部门月薪排前2名的员工姓名、月薪和部门编号"
    assert "方法一：不使用窗口函数" in qs[-1].answer and "方法二：使用窗口函数" in qs[-1].answer
    assert qs[-1].answer.rstrip().endswith("> ```") and "CREATE TABLE `tb_dept`" in qs[-1].answer
    assert all("tb_dept" in q.context for q in qs)  # the shared case, attached to each
    assert not any(q.title == "题目1" for q in qs)
    assert r.warnings == []


def test_layout_faq(eval_dir: Path) -> None:
    r = parsed(eval_dir, "layout_faq_QA.md")
    qs = r.bank.questions
    assert len(qs) == 252  # every `#### Q…` heading (README: 252)
    assert all(q.ref and q.ref.startswith("Q") for q in qs)
    dups = [(q.ref, r.bank.get(q.duplicate_of).ref) for q in qs if q.duplicate_of]  # type: ignore[union-attr]
    assert dups == [(ref, ref) for ref in ("Q2.3.25", "Q3.1.78", "Q3.1.79", "Q3.1.80", "Q3.4.49")]
    assert [q.ref for q in qs if q.flags] == ["Q3.1.76"]  # the one question without an answer marker
    assert all(q.has_answer for q in qs)
    assert any("removed control character U+0008" in str(w) for w in r.warnings)
    loose = [str(w) for w in r.warnings if "not part of any question" in str(w)]
    assert loose == [
        f"{eval_dir / 'layout_faq_QA.md'}:5-7: text before the first question is not part of any question "
        "(2 lines)"
    ]
    assert not any("\x08" in q.answer for q in qs)


def test_layout_choice_details(eval_dir: Path) -> None:
    r = parsed(eval_dir, "layout_choice_details.md")
    qs = r.bank.questions
    assert len(qs) == 155  # README: 155
    assert [q.number for q in qs] == list(range(1, 156)) and all(q.ref is None for q in qs)
    choice = [q for q in qs if q.kind is QuestionKind.CHOICE]
    tf = [q for q in qs if q.kind is QuestionKind.TF]
    assert len(choice) + len(tf) == 155 and len(tf) == 1  # "所有对象都有原型。" - A: 对 / B: 错
    assert all(len(q.options) >= 2 and len(q.correct_options) == 1 for q in choice)
    assert tf[0].answer == "错"
    assert all(q.section(SectionKind.EXPLANATION) is not None for q in qs)
    assert len({q.id for q in qs}) == 155 and not any(q.duplicate_of for q in qs)
    where = eval_dir / "layout_choice_details.md"
    assert [str(w) for w in r.warnings] == [
        f"{where}:3-8: text before the first question is not part of any question (4 lines)"
    ]
    assert "#### 答案" not in "".join(q.reference_text() for q in qs)


@pytest.mark.parametrize(
    "name",
    ["layout_faq_QA.md", "layout_choice_details.md", "notes/notes_07_pharmacology_term_definitions.md"],
)
def test_blocking_matches_all_pairs(eval_dir: Path, name: str) -> None:
    from dataclasses import replace

    qs = [replace(q, duplicate_of=None) for q in parse_file(eval_dir / name).bank.questions]
    assert [q.duplicate_of for q in mark_duplicates(qs)] == [
        q.duplicate_of for q in mark_duplicates(qs, exhaustive=True)
    ]
