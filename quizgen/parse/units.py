"""Blocks -> question units, from general cues combined (not one layout per file).

A unit is where a question starts (its title), the blocks that belong to it, and the cue that
found it. Two passes over the document:

1. **Headings** (`_classify_headings`). A heading reads as a question when it asks (ends with
   ？, a question word, an exam verb such as 简述) or is numbered (``## 1 标题``, ``#### 题目12：``).
   The level most such headings sit at is the question level; a question-like heading above
   that level whose section holds question headings is a group with shared material (a case,
   tables: `context`), one below it inside a question is part of that answer. Label headings
   (``#### 答案：D``, ``###### 参考``) always stay in the body. A merely numbered heading
   (``## 2 Skew Heaps``) is a group when the file has explicit questions (admonitions,
   ``Q:`` markers, Q&A tables, ``<details>`` questions, flashcards). Other headings are
   groups: ``# 一、…`` or ``## 第二章`` name the questions' `group`.
2. **Block rules** (`RULES`, in order) in the stretches no question heading owns: each rule
   looks at one block (and may consume several) and says whether a question starts there.
   They are small functions, named and testable one by one, in the manner of markdown-it's
   Ruler. A unit either is closed (its answer is inside it: a list item with its answer, a
   table row) or open: it takes the blocks that follow until the next unit starts or a
   heading ends the stretch.

The free-form rules (`paragraph`: a paragraph that asks; `card`: ``*术语*：定义``) read
questions out of prose, which would misread ordinary answers in structured notes; they are
used only when the structured cues find little (see `_free_form`), and the parse says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from quizgen.parse import shapes
from quizgen.parse.blocks import Block, Document, Kind, Mark, _strip_quote

EXPLICIT = frozenset({"admonition", "details", "table", "flashcard", "marker"})
FREE_FORM = frozenset({"paragraph", "card"})

QUESTION_TYPES = frozenset({"question", "faq", "quiz", "exercise", "problem", "help", "ask", "题目", "问题"})
ANSWER_TYPES = frozenset({"success", "answer", "check", "done", "solution", "答案", "解答"})
_ANSWER_TITLES = re.compile(
    r"^(?:点击)?(?:查看|显示|展开)?(?:参考|标准|正确)?(?:答案|解答|解析|题解|答)(?:与解析|及解析|和解析)?$"
    r"|^(?:show\s+)?(?:answer|solution)s?$",
    re.I,
)
_SUMMARY_RE = re.compile(r"<summary[^>]*>(?P<s>.*?)</summary>", re.I | re.S)
_TAG_RE = re.compile(r"<[^>]+>")
_ANCHOR_RE = re.compile(r"<a\s+(?:name|id)\s*=", re.I)
_FLASH_TAG_RE = re.compile(r"\s#(?:anki|flashcards?|card|卡片|闪卡)\b\S*\s*$", re.I)
_QA_HEADER_Q = re.compile(r"^(?:问题|题目|问|题干|question|q|名词|术语|概念|正面|front|题)$", re.I)
_QA_HEADER_A = re.compile(
    r"^(?:答案|参考答案|回答|答|解答|answer|a|解释|释义|定义|含义|背面|back|要点|说明)$", re.I
)


def is_answer_title(text: str) -> bool:
    return bool(_ANSWER_TITLES.match(_TAG_RE.sub("", text).strip().rstrip("：:")))


@dataclass
class Unit:
    cue: str
    title: str
    line: int
    ref: str | None = None
    group: str | None = None
    head: list[Block] = field(default_factory=list)  # the blocks that ask (for --explain)
    body: list[Block] = field(default_factory=list)  # the blocks after the question
    inline_answer: str = ""  # answer text inside the question's own block, Markdown
    inline_line: int = 0
    prompt: str = ""  # the stem when the title is only a label (``PTA 4.3``)
    prompt_blocks: list[Block] = field(default_factory=list)  # the blocks `prompt` came from
    answer_blocks: list[Block] | None = None  # an explicit answer (admonition, details)
    context: str = ""
    blanks: tuple[str, ...] = ()  # an authored fill-in: the underlined answers
    fill_title: str = ""  # the title with ＿＿＿ for each blank
    end: int = 0
    marked: bool = False  # the answer came after an answer marker (A:, 答：)

    def last_line(self) -> int:
        ends = [self.end, self.line, *(b.end for b in self.head), *(b.end for b in self.body)]
        if self.answer_blocks:
            ends.extend(b.end for b in self.answer_blocks)
        return max(ends)


@dataclass
class Found:
    units: list[Unit]
    consumed: int = 1
    open: bool = True  # the last unit takes the blocks that follow


@dataclass
class Ctx:
    doc: Document
    free_form: bool = False
    question_re: re.Pattern[str] | None = None  # a teacher's rule: a line like this asks


Rule = Callable[[Sequence[Block], int, Ctx], "Found | None"]


# ---------------------------------------------------------------------------- helpers


def _plain(text: str) -> str:
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


def _title_and_rest(b: Block) -> tuple[str, str]:
    """A paragraph's first line, and the rest of its text."""
    first, _, rest = b.text.partition("\n")
    return first.strip(), rest.strip()


def _source_after_first_line(doc: Document, b: Block) -> str:
    if b.end <= b.line:
        return ""
    return doc.source(b.line + 1, b.end, b.quote_depth)


def _split_same_line(doc: Document, b: Block, title: str) -> tuple[str, str]:
    """ "问题？答案" on one line -> (问题？, 答案 as written), at the last ？ that is followed by
    text which does not itself end with ？."""
    stops = [m.end() for m in re.finditer(r"[?？]", title)]
    for at in reversed(stops):
        rest = title[at:].strip()
        if rest and not shapes.ends_with_question_mark(rest) and not re.match(r"^[（(]\s*\d+\s*分", rest):
            src = doc.lines[b.line - 1]
            # cut the source at the same question mark (counted), to keep the answer's markup
            count = title[:at].count("？") + title[:at].count("?")
            pos = -1
            for _ in range(count):
                nxt = min(
                    (p for p in (src.find("？", pos + 1), src.find("?", pos + 1)) if p >= 0), default=-1
                )
                if nxt < 0:
                    break
                pos = nxt
            answer = src[pos + 1 :].strip() if pos >= 0 else rest
            return title[:at].strip(), answer
    return title, ""


def _u_marks(b: Block, limit: int | None = None) -> list[Mark]:
    return [m for m in b.marks if m.kind == "u" and (limit is None or m.end <= limit)]


def _fill(text: str, marks: list[Mark]) -> tuple[str, tuple[str, ...]]:
    """Text with ＿＿＿ for each underlined span, and the spans' text."""
    from quizgen.bank import BLANK

    out, blanks, at = [], [], 0
    for m in sorted(marks, key=lambda m: m.start):
        if m.start < at:
            continue
        out.append(text[at : m.start])
        out.append(BLANK)
        blanks.append(text[m.start : m.end].strip())
        at = m.end
    out.append(text[at:])
    return "".join(out).strip(), tuple(blanks)


def _links_only(b: Block) -> bool:
    """A table of contents or reference line: the text is links and punctuation."""
    links = b.marks_of("link")
    if not links:
        return bool(re.fullmatch(r"\s*https?://\S+\s*", b.text))
    covered = sum(m.end - m.start for m in links)
    rest = len(re.sub(r"[\s\-*+•|·,，、/.．:：()（）\d\[\]↑]", "", b.text))
    return covered >= rest - covered


def _first_para(b: Block) -> Block | None:
    if b.children and b.children[0].kind is Kind.PARAGRAPH:
        return b.children[0]
    return None


def _unit_from_first_paragraph(ctx: Ctx, p: Block, cue: str, rest: Sequence[Block]) -> Unit | None:
    """A unit whose question is the first line of paragraph `p` (a list item's, a numbered
    paragraph's): the paragraph's other lines, or what follows ``？`` on the same line, are
    its answer; `rest` are the blocks after `p` in the same container."""
    first, more = _title_and_rest(p)
    shape = shapes.question_shape(first)
    title = shape.text
    u_in_first = _u_marks(p, limit=len(first))
    unit = Unit(cue=cue, title=title, line=p.line, ref=shape.ref, head=[p], body=list(rest))
    if more:
        unit.inline_answer = _source_after_first_line(ctx.doc, p)
        unit.inline_line = p.line + 1
    asked_first = bool(u_in_first) and bool(re.search(r"[?？]", first[: min(m.start for m in u_in_first)]))
    if u_in_first and not shapes.ends_with_question_mark(first) and not asked_first:
        # "免疫器官主要由<u>淋巴</u>组织构成": a fill-in sentence written by the author
        offset = len(first) - len(first.lstrip())
        num_cut = len(first) - len(title) if shape.ref is not None else 0
        marks = [Mark(m.kind, m.start - num_cut, m.end - num_cut) for m in u_in_first if m.start >= num_cut]
        fill_title, blanks = _fill(first[num_cut:] if num_cut else first[offset:], marks)
        if blanks and fill_title.replace("＿＿＿", "").strip():
            unit.fill_title = fill_title
            unit.blanks = blanks
            unit.title = _plain(title)
            return unit
    if not more and not rest:
        t, a = _split_same_line(ctx.doc, p, title)
        if a:
            unit.title, unit.inline_answer, unit.inline_line = t, a, p.line
    unit.title = _plain(unit.title)
    return unit


def _is_question_line(text: str) -> bool:
    return shapes.question_shape(text).strong


# ---------------------------------------------------------------------------- rules


def rule_admonition(blocks: Sequence[Block], i: int, ctx: Ctx) -> Found | None:
    """``???+ question "PTA 4.3"`` / ``!!! question "什么是X？"`` / ``> [!question] …``: the
    stem is the title (or the first paragraph when the title is a label), the answer a nested
    ``??? success "答案"`` (or the rest of the body)."""
    b = blocks[i]
    if b.kind is not Kind.CONTAINER or b.level == 2:
        return None
    typ, title = b.info, b.title.strip()
    if typ in ANSWER_TYPES or is_answer_title(title):
        return None
    asks = typ in QUESTION_TYPES or (title and _is_question_line(title))
    if not asks:
        return None
    children = list(b.children)
    answer_at = next(
        (
            k
            for k, c in enumerate(children)
            if c.kind is Kind.CONTAINER and (c.info in ANSWER_TYPES or is_answer_title(c.title))
        ),
        None,
    )
    stem_blocks = children if answer_at is None else children[:answer_at]
    unit = Unit(cue="admonition", title=title, line=b.line, head=[b])
    if not title or not _is_question_line(title):
        # the title is a label (PTA 4.3): the first paragraph is the question's stem
        first = next((c for c in stem_blocks if c.kind is Kind.PARAGRAPH), None)
        if first is not None:
            if not title:
                unit.title = _plain(first.text.split("\n", 1)[0])
            unit.prompt_blocks = stem_blocks
            unit.ref = title or None
            stem_blocks = []
    if answer_at is not None:
        unit.body = stem_blocks
        unit.answer_blocks = list(children[answer_at].children)
        unit.body.extend(children[answer_at + 1 :])
    else:
        unit.body = stem_blocks
    return Found([unit], open=False)


def rule_details(blocks: Sequence[Block], i: int, ctx: Ctx) -> Found | None:
    """``<details><summary>问题？</summary> 答案 </details>``."""
    b = blocks[i]
    if b.kind is not Kind.HTML or "<summary" not in b.text.lower():
        return None
    m = _SUMMARY_RE.search(b.text)
    if not m:
        return None
    summary = _plain(_TAG_RE.sub("", m.group("s")))
    if not summary or is_answer_title(summary):
        return None
    unit = Unit(cue="details", title=summary, line=b.line, head=[b])
    after = _TAG_RE.sub("", b.text[m.end() :]).strip()
    closed = "</details>" in b.text.lower()
    if after:
        unit.inline_answer = after
        unit.inline_line = b.line
    consumed = 1
    if not closed:
        j = i + 1
        while j < len(blocks) and not (
            blocks[j].kind is Kind.HTML and "</details>" in blocks[j].text.lower()
        ):
            unit.body.append(blocks[j])
            j += 1
        consumed = j - i + (1 if j < len(blocks) else 0)
    return Found([unit], consumed=consumed, open=False)


def rule_table(blocks: Sequence[Block], i: int, ctx: Ctx) -> Found | None:
    """A table with a question column and an answer column: one question per row."""
    b = blocks[i]
    if b.kind is not Kind.TABLE or len(b.rows) < 2:
        return None
    header = [re.sub(r"[\s*:：]", "", c) for c in b.rows[0]]
    q = next((k for k, h in enumerate(header) if _QA_HEADER_Q.match(h)), None)
    a = next((k for k, h in enumerate(header) if _QA_HEADER_A.match(h)), None)
    if q is None or a is None or q == a:
        return None
    units = []
    for r, row in enumerate(b.rows[1:], 1):
        if q >= len(row) or not row[q].strip():
            continue
        title = _plain(re.sub(r"</?(?:u|ins)>", "", row[q]))
        shape = shapes.question_shape(title)
        unit = Unit(cue="table", title=shape.text or title, line=b.line + r + 1, ref=shape.ref, head=[b])
        unit.inline_answer = row[a].strip() if a < len(row) else ""
        unit.inline_line = unit.line
        unit.end = unit.line
        units.append(unit)
    return Found(units, open=False) if units else None


def rule_flashcard(blocks: Sequence[Block], i: int, ctx: Ctx) -> Found | None:
    """Flashcard lines: ``问题::答案`` (one card per line), ``问题？ #anki`` (answer on the
    following lines), and ``问题\\n?\\n答案``."""
    b = blocks[i]
    if b.kind is not Kind.PARAGRAPH:
        return None
    text = b.text
    if "::" not in text and "#" not in text and "?" not in text:
        return None
    lines = text.split("\n")
    src = ctx.doc.lines[b.line - 1 : b.end]
    code = [m for m in b.marks if m.kind in ("code", "link")]
    starts = [0]
    for t in lines[:-1]:
        starts.append(starts[-1] + len(t) + 1)

    def card_at(k: int, t: str) -> bool:
        at = t.find("::")
        if at <= 0 or ":::" in t or not t[:at].strip() or not t[at + 2 :].strip():
            return False
        pos = starts[k] + at
        return not any(m.start <= pos < m.end for m in code)

    if len(src) == len(lines) and any(card_at(k, t) for k, t in enumerate(lines)):
        units = []
        for k, (t, s) in enumerate(zip(lines, src, strict=True)):
            if not card_at(k, t):
                continue
            left, _, right = t.partition("::")
            _, _, right_src = s.partition("::")
            if left.strip() and right.strip():
                u = Unit(cue="flashcard", title=_plain(left), line=b.line + k, head=[b])
                u.inline_answer, u.inline_line, u.end = right_src.strip(), b.line + k, b.line + k
                units.append(u)
        if units and len(units) * 2 >= len([t for t in lines if t.strip()]):
            return Found(units, open=False)
    if _FLASH_TAG_RE.search(lines[0]):
        title = _plain(_FLASH_TAG_RE.sub("", lines[0]))
        u = Unit(cue="flashcard", title=title, line=b.line, head=[b])
        if len(lines) > 1:
            u.inline_answer, u.inline_line = _source_after_first_line(ctx.doc, b), b.line + 1
            return Found([u], open=False)
        return Found([u], open=True)
    if "?" in lines[1:-1] or "??" in lines[1:-1]:
        k = next(k for k, t in enumerate(lines) if k and t.strip() in ("?", "??"))
        u = Unit(cue="flashcard", title=_plain(" ".join(lines[:k])), line=b.line, head=[b])
        u.inline_answer = ctx.doc.source(b.line + k + 1, b.end, b.quote_depth)
        u.inline_line = b.line + k + 1
        return Found([u], open=False)
    return None


def para_lines(doc: Document, b: Block) -> list[str]:
    """A paragraph's source lines, block-quote markers removed."""
    lines = doc.lines[b.line - 1 : b.end]
    return [_strip_quote(t, b.quote_depth) for t in lines] if b.quote_depth else lines


def para_first_line(doc: Document, b: Block) -> str:
    """A paragraph's first source line, block-quote markers removed."""
    line = doc.lines[b.line - 1]
    return _strip_quote(line, b.quote_depth) if b.quote_depth else line


def marker_label(doc: Document, b: Block) -> shapes.LineLabel | None:
    """The label a paragraph starts with (``**答案：**``, ``答：``, ``Q:``, ``【问题】``)."""
    if b.kind is not Kind.PARAGRAPH:
        return None
    return shapes.label_line(para_first_line(doc, b))


# First characters of a question marker's plain text: Q: 问： 题目： 正面： 【问题】 Front:
_MARKER_FIRST = frozenset("QqＱ问题正【[FfＦ")


def may_be_marker(b: Block) -> bool:
    """Can `rule_marker` find a question marker in `b`? (A cheap test it starts with.)"""
    return b.kind is Kind.PARAGRAPH and b.text[:1] in _MARKER_FIRST


def rule_marker(blocks: Sequence[Block], i: int, ctx: Ctx) -> Found | None:
    """``Q: …`` / ``问：…`` / ``**问题：**…`` / ``【问题】…`` / ``正面：…``: a question marker;
    the answer comes at the next answer marker (``A:``, ``答：``, ``**答案：**``, ``背面：``),
    in the same paragraph (``Q:``/``A:`` on consecutive lines) or in a later block."""
    b = blocks[i]
    if not may_be_marker(b):
        return None
    first = marker_label(ctx.doc, b)
    if first is None or not shapes.is_prompt_label(first.label):
        return None
    src = para_lines(ctx.doc, b)
    units: list[Unit] = []
    cur: Unit | None = None
    in_answer = False
    answer: list[str] = []

    def finish() -> None:
        if cur is not None and answer:
            cur.inline_answer = "\n".join(answer).strip()

    for k, line in enumerate(src):
        lab = shapes.label_line(line)
        if lab is not None and shapes.is_prompt_label(lab.label):
            finish()
            answer = []
            in_answer = False
            cur = Unit(cue="marker", title=lab.rest, line=b.line + k, head=[b])
            units.append(cur)
        elif lab is not None and shapes.is_answer_label(lab.label) and cur is not None and not in_answer:
            in_answer = True
            cur.marked = True
            cur.inline_line = b.line + k
            answer = [lab.rest]
        elif cur is not None:
            if in_answer:
                answer.append(line)
            else:
                cur.title = f"{cur.title} {line.strip()}".strip()
    finish()
    consumed = 1
    if units and not units[0].title and i + 1 < len(blocks) and blocks[i + 1].kind is Kind.PARAGRAPH:
        units[0].title = blocks[i + 1].text.split("\n", 1)[0]
        units[0].head.append(blocks[i + 1])
        consumed = 2
    for u in units:
        u.title = _plain(_md_inline(u.title))
        shape = shapes.question_shape(u.title)
        if shape.ref is not None and shape.text:
            u.title, u.ref = shape.text, shape.ref
        u.end = u.inline_line or u.line
    units = [u for u in units if u.title]
    if not units:
        return None
    return Found(units, consumed=consumed, open=True)


_MD_INLINE_RE = re.compile(r"\*\*|__|(?<![\w*])\*(?!\s)|<[^>\n]+>")


def _md_inline(text: str) -> str:
    """Emphasis markers and tags out of a line of source (for a title read from source)."""
    return _MD_INLINE_RE.sub("", text)


def rule_answer_after(blocks: Sequence[Block], i: int, ctx: Ctx) -> Found | None:
    """A paragraph followed by ``答：…`` / ``A: …`` / ``**答案：**``: the paragraph is the question."""
    b = blocks[i]
    if b.kind is not Kind.PARAGRAPH or i + 1 >= len(blocks) or _links_only(b):
        return None
    nxt = marker_label(ctx.doc, blocks[i + 1])
    if nxt is None or not shapes.is_answer_label(nxt.label) or marker_label(ctx.doc, b) is not None:
        return None
    shape = shapes.question_shape(b.text)
    title = _plain(b.text.replace("\n", " "))
    if shape.ref is not None:
        title = _plain(shape.text)
    return Found([Unit(cue="answer-after", title=title, line=b.line, ref=shape.ref, head=[b])], open=True)


_REFERS_RE = re.compile(r"下列|下面|以下|如下|下表|下图|下文|后面")


def rule_instruction(blocks: Sequence[Block], i: int, ctx: Ctx) -> Found | None:
    """``请…完善下列对话。`` followed by the material (a list, a table, code): one question whose
    answer is that material (a cloze passage, a worked table)."""
    b = blocks[i]
    if b.kind is not Kind.PARAGRAPH or i + 1 >= len(blocks):
        return None
    text = b.text.replace("\n", "")
    last = re.split(r"(?<=[。；;！!])", text.rstrip("。；;！! "))[-1]
    if not (
        _REFERS_RE.search(last)
        and re.search(r"(?:^|[，,；;：:])\s*(?:请|试(?!验)|阅读|根据|完成|填写|补充|完善|回答)", last)
    ):
        return None
    if blocks[i + 1].kind not in (Kind.LIST, Kind.TABLE, Kind.CODE, Kind.CONTAINER, Kind.QUOTE):
        return None
    nxt = blocks[i + 1]
    cloze = re.search(r"填|完善|补全|补充", last)
    if nxt.kind is Kind.LIST and not cloze and _list_questions(nxt, ctx) is not None:
        return None  # the list asks its own questions: the paragraph introduces them
    return Found([Unit(cue="instruction", title=_plain(text), line=b.line, head=[b])], open=True)


def _item_unit(ctx: Ctx, item: Block) -> Unit | None:
    p = _first_para(item)
    if p is None:
        return None
    return _unit_from_first_paragraph(ctx, p, "list", item.children[1:])


def _item_asks(item: Block) -> bool:
    p = _first_para(item)
    if p is None or _links_only(p):
        return False
    first = p.text.split("\n", 1)[0]
    if shapes.question_shape(first).strong:
        return True
    if first.rstrip().endswith(("：", ":")) and len(first.strip()) <= 60:
        return True  # "抗体的概念：" with its answer below
    u = _u_marks(p, limit=len(first))
    return bool(u) and sum(m.end - m.start for m in u) < len(first.strip())


def _list_questions(b: Block, ctx: Ctx) -> list[Unit] | None:
    items = [c for c in b.children if c.kind is Kind.ITEM]
    if not items:
        return None
    ordered = b.info == "ordered"
    # at least half the items of a numbered list must ask (all of a bullet list's): stop
    # looking as soon as that can no longer happen (most lists are answers' lists)
    may_miss = len(items) // 2 if ordered else 0
    asks: list[bool] = []
    for it in items:
        asks.append(_item_asks(it))
        if asks.count(False) > may_miss:
            return None
    if not any(asks):
        return None
    units = []
    for it, it_asks in zip(items, asks, strict=True):
        p = _first_para(it)
        has_content = p is not None and ("\n" in p.text or len(it.children) > 1)
        if not (it_asks or (ordered and has_content)):
            continue
        u = _item_unit(ctx, it)
        if u is not None:
            u.end = it.end
            units.append(u)
    return units or None


def rule_list(blocks: Sequence[Block], i: int, ctx: Ctx) -> Found | None:
    """A list whose items ask (``1. 问题？`` with the answer on the next line, indented below, or
    in a code block; ``3. 免疫器官主要由<u>淋巴</u>组织构成``): one question per item. Also a
    paragraph numbered without the space CommonMark needs (``27.问题？<u>答案</u>``)."""
    b = blocks[i]
    if b.kind is Kind.LIST:
        units = _list_questions(b, ctx)
        if not units:
            return None
        last = units[-1]
        # an item with nothing under it takes the paragraphs that follow the list (they end
        # the list in CommonMark when they are not indented)
        open_ = not last.inline_answer and not last.body and not last.blanks
        return Found(units, open=open_)
    if b.kind is Kind.PARAGRAPH:
        first = b.text.split("\n", 1)[0]
        shape = shapes.question_shape(first)
        if shape.ref is None or not re.match(r"^\s*(?:\d{1,3}[.．、]|[(（]\d{1,3}[)）])", first):
            return None
        u_first = _u_marks(b, limit=len(first))
        prompt = first.rstrip().endswith(("：", ":")) and b.end > b.line
        if not shape.strong and not u_first and not prompt:
            return None
        u = _unit_from_first_paragraph(ctx, b, "list", [])
        if u is None:
            return None
        return Found([u], open=not u.inline_answer and not u.blanks)
    return None


def rule_quote(blocks: Sequence[Block], i: int, ctx: Ctx) -> Found | None:
    """``> <a name="q-1"></a> 问题？``: a block quote that asks; the answer follows it."""
    b = blocks[i]
    if b.kind is not Kind.QUOTE:
        return None
    p = _first_para(b)
    if p is None:
        return None
    text = _plain(p.text.replace("\n", " "))
    anchored = bool(_ANCHOR_RE.search(ctx.doc.lines[p.line - 1]))
    asks = shapes.ends_with_question_mark(text) or (
        re.search(r"[?？]", text) is not None and (anchored or len(text) <= 120)
    )
    if not asks:
        return None
    shape = shapes.question_shape(text)
    unit = Unit(cue="quote", title=shape.text if shape.ref else text, line=b.line, ref=shape.ref, head=[b])
    unit.body = list(b.children[1:])
    return Found([unit], open=True)


def rule_bold(blocks: Sequence[Block], i: int, ctx: Ctx) -> Found | None:
    """``**1. 什么是X？**`` on a line of its own."""
    b = blocks[i]
    if b.kind is not Kind.PARAGRAPH or "\n" in b.text.strip():
        return None
    text = b.text.strip()
    strong = [m for m in b.marks if m.kind == "strong"]
    if not strong or not any(
        m.start <= len(b.text) - len(b.text.lstrip()) and m.end >= len(text.rstrip("：:")) for m in strong
    ):
        return None
    shape = shapes.question_shape(text)
    if not shape.strong:
        return None
    return Found(
        [Unit(cue="bold", title=_plain(shape.text), line=b.line, ref=shape.ref, head=[b])], open=True
    )


def rule_paragraph(blocks: Sequence[Block], i: int, ctx: Ctx) -> Found | None:
    """(free-form) A paragraph whose first sentence asks or sets an exam task; the answer is
    the rest of it (after the last ？ that is followed by an answer, or after the ： that ends
    the task) or the paragraphs that follow."""
    b = blocks[i]
    if b.kind is not Kind.PARAGRAPH or _links_only(b):
        return None
    first = b.text.split("\n", 1)[0].strip()
    bracket = re.fullmatch(r"【([^】]{4,60})】", first)
    if bracket:
        first = bracket.group(1)
    title, answer = _split_same_line(ctx.doc, b, first) if not bracket else (first, "")
    if not answer and not bracket:
        m = re.match(r"^(?P<lead>[^：:。]{2,120})[:：](?P<rest>.*)$", first)
        if m and shapes.question_shape(m.group("lead")).strong and m.group("rest").strip():
            title = m.group("lead")
            src = para_first_line(ctx.doc, b)
            cut = src.find(":", 0) if "：" not in src else src.find("：")
            answer = src[cut + 1 :].strip() if cut >= 0 else m.group("rest").strip()
    shape = shapes.question_shape(title)
    if not shape.strong or len(title) > 400 or shapes.is_section_label(title):
        return None
    unit = Unit(
        cue="paragraph",
        title=_plain(shape.text if shape.ref else title),
        line=b.line,
        ref=shape.ref,
        head=[b],
    )
    if answer:
        unit.inline_answer, unit.inline_line = answer, b.line
        if b.end > b.line:
            unit.inline_answer += "\n" + _source_after_first_line(ctx.doc, b)
    elif b.end > b.line:
        unit.inline_answer = _source_after_first_line(ctx.doc, b)
        unit.inline_line = b.line + 1
    elif shapes.filled_blanks(title):
        return Found([unit], open=False)  # "…的机制__竞争性拮抗醛固酮_": answered in its blank
    return Found([unit], open=True)


_CARD_RE = re.compile(r"^(?P<lead>[^:：\n]{1,70}?)[:：](?P<rest>.*)$")
_TAGS_RE = re.compile(
    r"[（(【\[][^（）()【】\[\]]{0,12}(?:考|重点|常考|必考|强调|次)[^（）()【】\[\]]{0,12}[)）】\]]"
)


def rule_card(blocks: Sequence[Block], i: int, ctx: Ctx) -> Found | None:
    """(free-form) A memorised definition: ``*零级消除动力学*：指血中药物按恒定速率…``, the term
    emphasised before the colon (exam-frequency tags such as （考了三次） dropped)."""
    b = blocks[i]
    if b.kind is not Kind.PARAGRAPH:
        return None
    src = ctx.doc.lines[b.line - 1]
    m = _CARD_RE.match(src.strip())
    if not m or "*" not in m.group("lead"):
        return None
    lead = m.group("lead")
    term = _plain(_TAGS_RE.sub("", lead).replace("*", "").replace("_", " "))
    term = term.strip("：: ")
    if not term or shapes.label_of(term + "：", known_only=True) or shapes.is_section_label(term):
        return None
    unit = Unit(cue="card", title=term, line=b.line, head=[b])
    rest = m.group("rest").strip()
    if rest.replace("*", "").strip():
        unit.inline_answer = rest
        unit.inline_line = b.line
        if b.end > b.line:
            unit.inline_answer += "\n" + _source_after_first_line(ctx.doc, b)
    elif b.end > b.line:
        unit.inline_answer = _source_after_first_line(ctx.doc, b)
        unit.inline_line = b.line + 1
    return Found([unit], open=True)


def rule_pattern(blocks: Sequence[Block], i: int, ctx: Ctx) -> Found | None:
    """A teacher's own rule (``--rules``): a paragraph whose first line matches the pattern."""
    b = blocks[i]
    if ctx.question_re is None or b.kind is not Kind.PARAGRAPH:
        return None
    first = b.text.split("\n", 1)[0]
    m = ctx.question_re.search(first)
    if not m:
        return None
    title = _plain(first[m.end() :] if m.start() == 0 and first[m.end() :].strip() else first)
    unit = Unit(cue="pattern", title=title, line=b.line, head=[b])
    if b.end > b.line:
        unit.inline_answer = _source_after_first_line(ctx.doc, b)
        unit.inline_line = b.line + 1
    return Found([unit], open=True)


RULES: list[tuple[str, Rule]] = [
    ("pattern", rule_pattern),
    ("admonition", rule_admonition),
    ("details", rule_details),
    ("table", rule_table),
    ("flashcard", rule_flashcard),
    ("marker", rule_marker),
    ("answer-after", rule_answer_after),
    ("instruction", rule_instruction),
    ("list", rule_list),
    ("quote", rule_quote),
    ("bold", rule_bold),
    ("paragraph", rule_paragraph),
    ("card", rule_card),
]
RULE_NAMES = tuple(name for name, _ in RULES)

# The kinds of block each rule can find a question at (it turns the others down at once);
# the rules are only asked about blocks of these kinds (`rules_by_kind`).
RULE_KINDS: dict[str, frozenset[Kind]] = {
    "pattern": frozenset({Kind.PARAGRAPH}),
    "admonition": frozenset({Kind.CONTAINER}),
    "details": frozenset({Kind.HTML}),
    "table": frozenset({Kind.TABLE}),
    "flashcard": frozenset({Kind.PARAGRAPH}),
    "marker": frozenset({Kind.PARAGRAPH}),
    "answer-after": frozenset({Kind.PARAGRAPH}),
    "instruction": frozenset({Kind.PARAGRAPH}),
    "list": frozenset({Kind.LIST, Kind.PARAGRAPH}),
    "quote": frozenset({Kind.QUOTE}),
    "bold": frozenset({Kind.PARAGRAPH}),
    "paragraph": frozenset({Kind.PARAGRAPH}),
    "card": frozenset({Kind.PARAGRAPH}),
}


def rules_by_kind(rules: Sequence[tuple[str, Rule]]) -> dict[Kind, list[tuple[str, Rule]]]:
    """`rules` (in their order) for each kind of block."""
    out: dict[Kind, list[tuple[str, Rule]]] = {}
    for name, rule in rules:
        for kind in RULE_KINDS[name]:
            out.setdefault(kind, []).append((name, rule))
    return out
