"""What a line of text looks like: a question, a group title, a label, a number, an option.

Pure text predicates over the plain text of headings and paragraphs (`quizgen.parse.blocks`
has already removed the Markdown), shared by the cue rules. Each is small and tested alone.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from quizgen.bank import LABEL_KINDS

COLON = "[:：]"

# "1. 标题", "1、标题", "1 标题", "1．标题", "1) 标题", "(1) 标题", "第1题 标题", "题目12：标题",
# "问题3：标题", "Q1.1.1：标题", "Q3 标题". The number as written is returned as the ref.
_NUMBER_RE = re.compile(
    r"^(?:第\s*(?P<n1>\d{1,4})\s*[题道问]\s*[.．、:：]?\s*"
    r"|(?P<n5>(?:题目|问题|习题|例题|练习)\s*\d{1,4})\s*(?:[.．、:：)）]\s*|\s+|$)"
    r"|(?P<n2>[QqＱ]\s*\d{1,4}(?:[.．-]\d{1,4})*)\s*(?:[.．、:：)）]\s*|\s+)"
    r"|(?P<n3>\d{1,4}(?:[.．]\d{1,4})*)(?:\s*[.．、)）:：]\s*|\s+)(?=\D)"
    r"|[(（](?P<n4>\d{1,4})[)）]\s*)"
    r"(?P<rest>.*)$",
    re.S,
)
# Trailing bits that do not change what a line is: point values （10分）, notes in brackets,
# circled footnote digits, closing emphasis or quotes.
_TAIL_RE = re.compile(
    r"(?:\s|[（(]\s*(?:\d+(?:\.\d+)?\s*分|注[:：][^（）()]*|[^（）()]{0,3})\s*[)）]|[①-⑳]|[*_\"'”’」』】\]])+$"
)
_QMARK_END_RE = re.compile(r"[?？]$")
_INTERROGATIVE_RE = re.compile(
    r"什么|为什么|为何|如何|怎么|怎样|哪些|哪个|哪种|哪类|哪里|哪儿|哪几|哪一|何时|何谓|何为|何种|"
    r"是否|能否|可否|能不能|可不可以|是不是|有没有|会不会|要不要|有何|多少|几种|几个|"
    r"(?:区别|异同|不同点|不同之处)(?:是什么|有哪些|何在|在哪里)?[?？:：。]?$|"
    r"吗[?？]?$|呢[?？]?$"
)
# Exam prompts that ask without a question mark: 简述…, 试比较…, 请说明…, 查询…
_IMPERATIVE_RE = re.compile(
    r"^(?:[（(【\[][^）)】\]]{0,12}[）)】\]]\s*)*"  # tags: （考了两次）【常考】
    r"(?:(?:根据|结合|阅读|联系|参考|观察)[^。？?]{0,40}?[，,]?\s*(?:并|请|试)?\s*)?"  # 阅读下面的诗句，并…
    r"(?:请(?:你|您)?(?:简要|简单|详细|具体|尽量|试)?|试|简要|简单|尝试)?"
    r"(?:试述|试论|试析|试谈|简述|简答|简析|简要说明|概述|论述|阐述|陈述|叙述|描述|说明|解释|分析|比较|对比|区别|列举|举例|"
    r"写出|指出|判断|回答|谈谈|谈一谈|说说|说一说|讲讲|介绍|总结|归纳|概括|评价|证明|推导|计算|求|"
    r"设计|实现|编写|查询|完成|填写|选填|填空|选择|翻译|解答|思考|讨论|画出|绘制|默写)"
)
_DEFINE_PROMPT_RE = re.compile(
    r"(?:的)?(?:概念|定义|含义|作用|功能|特点|特征|特性|优点|缺点|优缺点|区别|联系|异同|原理|机制|机理|"
    r"过程|流程|步骤|组成|结构|分类|种类|类型|意义|用途|应用|临床应用|影响|原因|条件|方法|结果|来源|"
    r"途径|表现|症状|适应症|不良反应|注意事项)\s*[:：]$"
)
_GROUP_RE = re.compile(
    r"^(?:第\s*[一二三四五六七八九十百零〇两\d]+\s*[章节部分篇单元讲课回卷册编]"
    r"|[一二三四五六七八九十百零〇]+\s*[、.．:：]"
    r"|(?:chapter|part|unit|section|lecture|lesson)\s*\d"
    r"|(?:附录|目录|参考文献|参考资料|参考链接|相关链接|延伸阅读|前言|序言|概述|总结|小结|简介|说明|写在前面)\s*$"
    r"|[【\[][^】\]]{1,12}[】\]]\s*[（(]\s*\d+\s*分\s*[)）]$)",
    re.I,
)

# Labels that start a block of a question: 题目, 答案, 解析, … (colon inside or outside bold).
PROMPT_LABELS = frozenset({"题目", "问题", "题干", "问", "题", "Q", "Question", "正面", "Front"})
ANSWER_LABELS = frozenset(
    {"答案", "参考答案", "标准答案", "正确答案", "回答", "答", "解答", "A", "Answer", "答复", "背面", "Back"}
)
EXPLANATION_LABELS = frozenset({"解析", "答案解析", "解释", "分析", "说明", "详解", "点评", "Explanation"})
KNOWN_LABELS = frozenset(LABEL_KINDS) | PROMPT_LABELS | ANSWER_LABELS | EXPLANATION_LABELS | {"参考", "选项"}

_LABEL_TEXT_RE = re.compile(
    r"^\s*[【\[]?\s*(?P<label>[^\s:：【】\[\]*]{1,12}?)\s*[】\]]?\s*(?:"
    + COLON
    + r"|(?<=[】\]]))\s*(?P<rest>.*)$",
    re.S,
)


_SPACES_RE = re.compile(r"\s+")
_YEAR_RE = re.compile(r"^\d{4}\s*年")
_POINTS_RE = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]")
# "计算误差：反向传播…" is a term and its description, not the task 计算…
_TERM_RE = re.compile(r"^[^:：，,。?？]{1,8}[:：]\s*\S")


def strip_tail(text: str) -> str:
    """Text without trailing point values, bracketed notes, footnote marks and spaces."""
    return _TAIL_RE.sub("", text.strip())


@functools.lru_cache(maxsize=65536)  # the shapes of all headings, then their group tests, ask
def number_prefix(text: str) -> tuple[str, str] | None:
    """("1", "标题") for "1. 标题"; ("Q1.1.1", "问题") for "Q1.1.1：问题"; None when unnumbered."""
    m = _NUMBER_RE.match(text.strip())
    if not m:
        return None
    num = next(m.group(g) for g in ("n1", "n5", "n2", "n3", "n4") if m.group(g) is not None)
    num = _SPACES_RE.sub("", num).replace("．", ".")
    rest = m.group("rest").strip()
    if m.group("n3") is not None:
        if _YEAR_RE.match(text.strip()):
            return None  # a year starts the sentence: "2023 年…"
        if rest[:1] in ("%", "％", "‰"):
            return None
    return num, rest


def ends_with_question_mark(text: str) -> bool:
    return bool(_QMARK_END_RE.search(strip_tail(text)))


def is_interrogative(text: str) -> bool:
    return bool(_INTERROGATIVE_RE.search(text))


def is_imperative(text: str) -> bool:
    """An exam task with its object: 简述周期特异性抗肿瘤药, 查询员工的姓名 (not 实现指南)."""
    m = _IMPERATIVE_RE.match(text.strip())
    return m is not None and len(text.strip()) - m.end() >= 3


# An exam stem: a blank to fill or choose for (（）, （  ）, ____) and the item's type after it.
_STEM_RE = re.compile(
    r"（[ \u3000]*[)）]|(?<![A-Za-z0-9_)\]])\([ \u3000]*[)）]|_{3,}|＿{2,}"
    r"|[（(]\s*(?:单选|多选|判断|填空)(?:题)?\s*[)）]|(?:单选|多选|不定项)题?$"
)
# Numbering that names a question as such: 第3题, 题目12, 问题3, Q3.
_QUESTION_NUMBER_RE = re.compile(
    r"^(?:第\s*\d{1,4}\s*[题道问]|(?:题目|问题|习题|例题|练习)\s*\d|[QqＱ]\s*\d)"
)


# A blank written with its answer inside: 激动__α____受体, ___利多卡因____, _低血糖反应_______.
# (``__init__`` is a name, not a blank: an ASCII fill needs a run of three underscores.)
_UNDERSCORES_RE = re.compile(r"_+")


def _filled_spans(text: str) -> list[tuple[int, int, str]]:
    runs = [(m.start(), m.end()) for m in _UNDERSCORES_RE.finditer(text)] if "_" in text else []
    out = []
    i = 0
    while i + 1 < len(runs):
        (a0, a1), (b0, b1) = runs[i], runs[i + 1]
        fill = text[a1:b0]
        widest = max(a1 - a0, b1 - b0)
        cjk = any(ord(c) > 0x7F for c in fill)
        if (
            fill.strip()
            and "\n" not in fill
            and len(fill) <= 80
            and (widest >= 3 or (cjk and a1 - a0 + b1 - b0 >= 3))
        ):
            out.append((a0, b1, fill.strip()))
            i += 2
        else:
            i += 1
    return out


def filled_blanks(text: str) -> list[str]:
    return [f for _, _, f in _filled_spans(text)]


def replace_filled(text: str, by: str) -> str:
    for a, z, _ in reversed(_filled_spans(text)):
        text = text[:a] + by + text[z:]
    return text


def is_stem(text: str) -> bool:
    """An exam stem waiting for its answer: an empty blank or a 单选/多选 tag."""
    return bool(_STEM_RE.search(replace_filled(text, "答")))


def is_define_prompt(text: str) -> bool:
    """ "抗体的概念：", "各个免疫器官的功能：": a prompt whose answer follows."""
    return bool(_DEFINE_PROMPT_RE.search(text.strip()))


def has_points(text: str) -> bool:
    return bool(_POINTS_RE.search(text))


@dataclass(frozen=True)
class Shape:
    """How strongly a line reads as a question."""

    strong: bool  # ends with ？, or asks with a question word / exam verb
    weak: bool  # only numbered (``## 1 Skew Heaps``) or a ``X的特点：`` prompt
    ref: str | None  # the number as written
    text: str  # without the number


@functools.lru_cache(maxsize=16384)  # the block rules ask about the same lines, twice in free-form notes
def question_shape(text: str) -> Shape:
    first = text.strip().split("\n", 1)[0]
    num = number_prefix(first)
    ref, rest = (num[0], num[1]) if num else (None, first)
    core = strip_tail(rest)
    term = _TERM_RE.match(core)
    strong = bool(
        core
        and not is_section_label(core)
        and (
            _QMARK_END_RE.search(core)  # ends_with_question_mark(rest)
            or (is_interrogative(core) and len(core) <= 200)
            or (is_imperative(core) and not term and len(core) >= 4)
            or (has_points(rest) and len(core) >= 6)
            or (is_stem(rest) and len(core) >= 4)
            or (len(core) >= 6 and bool(filled_blanks(rest)))
        )
    )
    if not strong and ref is not None and _QUESTION_NUMBER_RE.match(first.strip()):
        strong = True  # "## 第 8 题 🔴": numbered as a question, whatever follows
    weak = not strong and bool(core) and (ref is not None or is_define_prompt(core))
    return Shape(strong=strong, weak=weak, ref=ref, text=rest if num else first.strip())


_SECTION_LABEL_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.．]\s*)?(?:(?:简答|名解|名词解释|论述|问答|选择|单选|多选|不定项|填空|判断|是非|"
    r"计算|案例分析|病案分析|材料分析|综合|阅读理解|作文|其他重点|重点)(?:题|部分)?)+\s*"
    r"(?:[（(][^（）()]{0,20}[)）]\s*)*[:：]?$"
)


def is_section_label(text: str) -> bool:
    """ "简答名解：", "四、论述（2×10分）", "选择题": a part of an exam paper, not a question."""
    return bool(_SECTION_LABEL_RE.match(text.strip()))


def is_group_title(text: str) -> bool:
    t = text.strip()
    if not t:
        return False
    if number_prefix(t) is not None and not _GROUP_RE.match(t):
        return False
    return bool(_GROUP_RE.match(t)) or is_section_label(t)


def group_name(title: str) -> str:
    return title.strip()


def label_of(text: str, *, known_only: bool) -> tuple[str, str] | None:
    """("答案", "rest") for "答案：rest" / "【答案】rest"; with `known_only`, only labels this
    parser knows (答案, 解析, 题目, …), so that "注意：…" in prose is not read as a label."""
    m = _LABEL_TEXT_RE.match(text)
    if not m:
        return None
    label = m.group("label").strip()
    if not label or (known_only and label not in KNOWN_LABELS):
        return None
    if label[:1].isdigit():
        return None
    return label, m.group("rest")


def is_answer_label(label: str) -> bool:
    return label in ANSWER_LABELS


def is_prompt_label(label: str) -> bool:
    return label in PROMPT_LABELS


# Options of a choice question: "A. …", "A、…", "A: …", "(A) …", "A) …", "A．…"
OPTION_RE = re.compile(
    r"^\s*(?:[-*+]\s+)?[(（]?(?P<letter>[A-Ha-h])(?:[)）]\s*|\s*[.．、:：]\s*)(?P<text>\S.*)$", re.S
)
# The key: "答案：D", "答案：A、C", "正确答案是 B", "Answer: BD"
KEY_RE = re.compile(
    r"^\s*(?:正确|参考|标准)?(?:答案|Answer|answer|ANSWER|答)\s*(?:是|为)?\s*[:：]?\s*"
    r"(?P<letters>[A-H](?:\s*[,，、/和与及\s]?\s*[A-H])*)(?![A-Za-z])\s*[.。;；,，]?\s*(?P<rest>.*)$",
    re.S,
)
LETTERS_ONLY_RE = re.compile(r"^\s*(?P<letters>[A-H](?:\s*[,，、/和\s]?\s*[A-H])*)\s*[.。]?\s*$")
TRUE_WORDS = frozenset(
    {"对", "正确", "√", "✓", "✔", "T", "t", "True", "true", "TRUE", "是", "Y", "yes", "Yes"}
)
FALSE_WORDS = frozenset(
    {"错", "错误", "×", "✗", "✘", "X", "F", "f", "False", "false", "FALSE", "否", "N", "no", "No"}
)
# A true/false item's own options: "T / F", "对 错", "√ ×", "正确 错误"
TF_OPTION_SETS = (
    frozenset({"T", "F"}),
    frozenset({"对", "错"}),
    frozenset({"√", "×"}),
    frozenset({"正确", "错误"}),
    frozenset({"True", "False"}),
    frozenset({"是", "否"}),
)


def tf_value(text: str) -> str | None:
    """ "对"/"错" for T, F, √, ×, 对, 错, 正确, 错误, …; None otherwise."""
    t = text.strip().rstrip("。.")
    if t in TRUE_WORDS:
        return "对"
    if t in FALSE_WORDS:
        return "错"
    return None


# A label at the start of a source line: "**答案：**…", "**答案**：…", "答案：…", "【答案】…",
# "A: …", "** sigmoid 函数：**…". `bold` says whether the label was bold (any bold label
# counts in a question's body; a plain one only when it is a known label).
_LABEL_SRC_RE = re.compile(
    r"^\s{0,3}(?P<b1>\*\*|__)?\s*(?:[【\[](?P<l1>[^】\]\n]{1,12})[】\]]|(?P<l2>[^\s:：*_【】\[\]`<>][^:：*_【】\[\]\n`<>]{0,15}?))"
    r"\s*(?:(?P<c1>[:：])\s*(?P<b2>\*\*|__)?|(?P<b3>\*\*|__)\s*(?P<c2>[:：])|(?(l1)(?P<b4>\*\*|__)?|(?!)))"
    r"[ \t\u3000]*(?P<rest>.*)$"
)


_BOLD_LABEL_VALUE_RE = re.compile(r"^\s{0,3}\*\*(?P<inner>[^*\n]{1,12}[:：][^*\n]+?)\*\*\s*(?P<after>.*)$")
_LABEL_NUMBER_RE = re.compile(r"\s*\d+$")


@dataclass(frozen=True)
class LineLabel:
    label: str
    rest: str  # the rest of the line, as written
    bold: bool


_LEADING_SYMBOLS_RE = re.compile(r"^[\s\u2190-\u2bff\U0001F000-\U0001FAFF\ufe0f]+")


def strip_symbols(text: str) -> str:
    """ "✅ 正确" -> "正确": emoji and arrows in front of a word."""
    return _LEADING_SYMBOLS_RE.sub("", text).strip()


def label_line(line: str) -> LineLabel | None:
    """The label a source line starts with, if any (see `_LABEL_SRC_RE`); a leading emoji
    (``✅ 正确答案：B``) does not hide it."""
    if ":" not in line and "：" not in line and "]" not in line and "】" not in line:
        return None  # a label ends with a colon or a closing bracket
    if line[:1] and not line[:1].isascii() and _LEADING_SYMBOLS_RE.match(line):
        line = _LEADING_SYMBOLS_RE.sub("", line)
    m = _LABEL_SRC_RE.match(line)
    opened = m is not None and m.group("b1") is not None
    closed = m is not None and any(m.group(g) is not None for g in ("b2", "b3", "b4"))
    if m is None or opened != closed:
        whole = _BOLD_LABEL_VALUE_RE.match(line)  # "**答案：B。** 因为…": label and value both bold
        inner = label_line(whole.group("inner")) if whole else None
        if whole is None or inner is None:
            return None
        return LineLabel(label=inner.label, rest=f"{inner.rest} {whole.group('after')}".strip(), bold=True)
    label = (m.group("l1") or m.group("l2") or "").strip()
    if not label:
        return None
    if m.group("l1") is None and m.group("c1") is None and m.group("c2") is None:
        return None
    base = _LABEL_NUMBER_RE.sub("", label) or label
    if base[:1].isdigit() or (not opened and base not in KNOWN_LABELS):
        return None
    return LineLabel(label=base, rest=m.group("rest").strip(), bold=opened)
