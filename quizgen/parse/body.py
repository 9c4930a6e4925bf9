"""A unit's blocks -> the question's fields: prompt, answer, labelled sections, and an authored
question's options and key.

Labels split a body into blocks (``**题目：**``, ``**答案：**``, ``答：``, ``A:``, ``【答案】``,
``#### 答案：D``, ``<details><summary>答案</summary>``, an admonition ``??? success "答案"``):
题目 is the prompt, 答案 the answer, every other label a section (``**解析：**`` with its lead
sentence, list and closing paragraph; a second list after a paragraph starts a new section
under the same label). A bold label of any text counts (``**局部感知：**``); a plain one only
when it is a label this parser knows, so ``注意：…`` in prose is a section but ``其中：…`` is not.

Text is kept as Markdown, as written (code fences, lists, tables, ``<u>`` marks), with the
label, layout-only HTML (``<details>``, ``<p>``, anchors) and navigation (``[[↑] 回到顶部]``)
left out.

Authored questions: options (``- A: …``, ``A. …`` lines, ``(A) …``, ``- [ ] …`` task items)
with the key marked by ``答案：B``, a bold option, ``- [x]`` or an answer admonition make a
choice question (kind CHOICE, answer the letters); T/F, 对/错, √/× options or answers make a
true/false question (kind TF, answer 对 or 错).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quizgen.bank import ListItem, QuestionKind, Section, SectionKind, kind_for_label
from quizgen.parse import shapes
from quizgen.parse.blocks import Block, Document, Kind, _strip_quote
from quizgen.parse.units import ANSWER_TYPES, Unit, is_answer_title, para_first_line, para_lines

_STRUCT_HTML_RE = re.compile(
    r"^(?:\s|<summary\b[^>]*>.*?</summary>|<!--.*?-->|</?(?:details|summary|p|div|br|hr|b|i|center|span|a|figure)\b[^>]*>)*$",
    re.I | re.S,
)
_NAV_RE = re.compile(r"回到顶部|返回顶部|back to top|\[\s*↑\s*\]|⬆|目录", re.I)
_ITEM_MARK_RE = re.compile(r"^\s*(?:\d{1,3}[.)．、]|[-*+•]|[(（]\d{1,3}[)）])[ \t]*(?:\[[ xX]\][ \t]*)?")
_RULE_LINE_RE = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_MARKER_PREFIX_RE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*[【\[]?[^\s:：*_【】\[\]]{1,16}?[】\]]?\s*(?:[:：]\s*(?:\*\*|__)?|(?:\*\*|__)\s*[:：]|(?<=[】\]])(?:\*\*|__)?)\s*"
)


@dataclass
class Built:
    prompt: str = ""
    answer: str = ""
    answer_line: int = 0
    sections: list[Section] = field(default_factory=list)
    marked: bool = False  # the answer had a marker (答案：, A:, …)
    unlabelled: str = ""
    unlabelled_line: int = 0
    kind: QuestionKind = QuestionKind.OPEN
    notes: list[tuple[int, str]] = field(default_factory=list)
    context: str = ""


def skip_block(b: Block) -> bool:
    """Layout-only HTML and navigation: never question text."""
    if b.kind is Kind.HTML:
        return bool(_STRUCT_HTML_RE.match(b.text.strip()))
    return (
        b.kind is Kind.PARAGRAPH
        and len(b.text) < 40
        and any(m.kind == "link" for m in b.marks)
        and bool(_NAV_RE.search(b.text))
    )


def clean_lines(lines: list[str]) -> str:
    """Lines -> text: first line stripped, the others' common indentation removed, blank and
    rule lines trimmed at the edges, runs of blank lines squeezed."""
    if len(lines) == 1:  # most list items and paragraphs
        t = lines[0].strip()
        return "" if not t or _RULE_LINE_RE.match(lines[0]) else t
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and (not lines[end - 1].strip() or _RULE_LINE_RE.match(lines[end - 1])):
        end -= 1
    if start == end:
        return ""
    lines = [t.rstrip() for t in lines[start:end]]
    if len(lines) == 1:
        return lines[0].strip()
    first, rest = lines[0].strip(), lines[1:]
    indents = [len(t) - len(t.lstrip()) for t in rest if t.strip()]
    cut = min(indents) if indents else 0
    if cut:
        rest = [t[cut:] if t[:cut].strip() == "" else t.lstrip() for t in rest]
    out = first + "\n" + "\n".join(rest)
    return re.sub(r"\n{3,}", "\n\n", out) if "\n\n\n" in out else out


class _Text:
    """Builds Markdown text from whole blocks and partial first lines, keeping the blank lines
    between blocks as written and leaving out layout-only blocks."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def lines_of(self, blocks: list[Block], first: str | None = None) -> list[str]:
        """Source lines of `blocks` (their span, skipped blocks blanked); `first` replaces the
        first block's first line (the text after a label)."""
        if not blocks:
            return [first] if first else []
        start = blocks[0].line
        if len(blocks) == 1:
            end, depth = blocks[0].end, blocks[0].quote_depth
        else:
            end = max(b.end for b in blocks)
            depth = min(b.quote_depth for b in blocks)
        lines = self.doc.lines[start - 1 : end]  # a copy: blanked below
        if depth:
            lines = [_strip_quote(t, depth) for t in lines]
        for b in blocks:
            if skip_block(b):
                for k in range(b.line - start, min(b.end - start + 1, len(lines))):
                    lines[k] = ""
        if first is not None:
            lines[0] = first
        return lines

    def text(self, blocks: list[Block], first: str | None = None) -> str:
        return clean_lines(self.lines_of(blocks, first))


def _label_of_block(
    doc: Document, b: Block, answer_re: re.Pattern[str] | None = None
) -> tuple[str, str, bool] | None:
    """(label, rest of its first line as written, is-an-answer-container) or None."""
    if answer_re is not None and b.kind is Kind.PARAGRAPH:
        first = para_first_line(doc, b)
        m = answer_re.search(first)
        if m:
            return "答案", first[m.end() :].strip() if m.start() == 0 else first.strip(), False
    if b.kind is Kind.PARAGRAPH:
        lab = shapes.label_line(para_first_line(doc, b))
        if lab is None:
            return None
        if not lab.bold and not (
            shapes.is_answer_label(lab.label)
            or shapes.is_prompt_label(lab.label)
            or lab.label in shapes.EXPLANATION_LABELS
            or lab.label in ("举例", "例如", "示例", "注意", "注意事项", "优点", "缺点", "原理", "步骤")
        ):
            return None
        return lab.label, lab.rest, False
    if b.kind is Kind.HEADING:
        lab = shapes.label_line(b.text) or shapes.label_line(b.text + "：")
        if lab is not None and (shapes.is_answer_label(lab.label) or lab.label in shapes.KNOWN_LABELS):
            return lab.label, lab.rest, False
        if is_answer_title(b.text):
            return "答案", "", False
        return None
    if b.kind is Kind.HTML:
        m = re.search(r"<summary[^>]*>(?P<s>.*?)</summary>", b.text, re.I | re.S)
        if m and is_answer_title(m.group("s")):
            after = re.sub(r"<[^>]+>", "", b.text[m.end() :]).strip()
            return "答案", after, False
        return None
    if b.kind is Kind.CONTAINER and (b.info in ANSWER_TYPES or is_answer_title(b.title)):
        return "答案", "", True
    return None


# the kinds of block `_label_of_block` reads a label from
_LABELLED_KINDS = frozenset({Kind.PARAGRAPH, Kind.HEADING, Kind.HTML, Kind.CONTAINER})


@dataclass
class _Seg:
    label: str
    line: int
    first: str | None  # the rest of the label's line ("" when none); None: no label line
    blocks: list[Block]


def _unquote_labels(doc: Document, b: Block) -> list[Block]:
    """A block quote that starts with an answer label (``> 答案：B``) is the answer, not a
    quotation: its blocks are read as the body's own. (A quoted ``> **说明**：…`` stays a quote
    in the answer, as written.)"""
    if b.kind is not Kind.QUOTE or not b.children or b.children[0].kind is not Kind.PARAGRAPH:
        return [b]
    lab = _label_of_block(doc, b.children[0])
    if lab is None or not shapes.is_answer_label(lab[0]):
        return [b]
    return list(b.children)


# Options follow their stem closely: only the body's first blocks are looked at for them.
_STEM_BLOCKS = 12


def _before_answer(doc: Document, body: list[Block], answer_re: re.Pattern[str] | None) -> list[Block]:
    """The body's blocks before its answer starts (where options are written)."""
    out = []
    for k, b in enumerate(body[:_STEM_BLOCKS]):
        lab = _label_of_block(doc, b, answer_re)
        answers = lab is not None and (
            shapes.is_answer_label(lab[0]) or lab[2] or lab[0] in shapes.EXPLANATION_LABELS
        )
        if answers and not (lab is not None and lab[0] == "A" and _option_paragraphs(doc, body[k:])):
            break
        out.append(b)
    return out


def _split_at_labels(doc: Document, b: Block, answer_re: re.Pattern[str] | None) -> list[Block]:
    """A paragraph whose later lines start with labels (``**答案：**`` written on the line after
    ``**题目：**``, no blank line between) -> one paragraph per label."""
    if b.kind is not Kind.PARAGRAPH or b.end == b.line:
        return [b]
    src = para_lines(doc, b)
    texts = b.text.split("\n")
    cuts = [0]
    for k in range(1, len(src)):
        probe = Block(Kind.PARAGRAPH, b.line + k, b.line + k, quote_depth=b.quote_depth)
        if _label_of_block(doc, probe, answer_re) is not None:
            cuts.append(k)
    if len(cuts) == 1:
        return [b]
    out = []
    for a, z in zip(cuts, [*cuts[1:], len(src)], strict=True):
        text = "\n".join(texts[a:z]) if len(texts) == len(src) else ""
        out.append(Block(Kind.PARAGRAPH, b.line + a, b.line + z - 1, text=text, quote_depth=b.quote_depth))
    return out


def _segments(
    doc: Document, blocks: list[Block], answer_re: re.Pattern[str] | None = None
) -> tuple[list[Block], list[_Seg]]:
    split: list[Block] = []
    for b in blocks:
        if b.kind is Kind.PARAGRAPH and b.end > b.line:
            split.extend(_split_at_labels(doc, b, answer_re))
        else:
            split.append(b)
    pre: list[Block] = []
    segs: list[_Seg] = []
    cur = pre
    for b in split:
        lab = _label_of_block(doc, b, answer_re) if b.kind in _LABELLED_KINDS else None
        if lab is None:
            cur.append(b)
            continue
        label, rest, container = lab
        if container:
            segs.append(_Seg(label, b.line, None, list(b.children)))
            cur = segs[-1].blocks
            continue
        seg = _Seg(label, b.line, rest, [])
        segs.append(seg)
        cur = seg.blocks
        if b.kind is Kind.PARAGRAPH:
            # the label's paragraph: its other lines are part of the block
            seg.blocks.append(b)
    return pre, segs


def _seg_text(t: _Text, seg: _Seg) -> str:
    if seg.first is None:
        return t.text(seg.blocks)
    if seg.blocks and seg.blocks[0].line == seg.line:
        return t.text(seg.blocks, first=seg.first)
    return clean_lines([seg.first, *t.lines_of(seg.blocks)]) if seg.blocks else seg.first.strip()


def _item_text(t: _Text, item: Block) -> str:
    if item.end == item.line and not item.quote_depth:  # one line, the usual item: `lines_of` made short
        src = t.doc.lines[item.line - 1 : item.line]
        line = _ITEM_MARK_RE.sub("", src[0], count=1) if src else ""
        text = line.strip()
        return "" if not text or _RULE_LINE_RE.match(line) else text
    lines = t.lines_of([item])
    if lines:
        lines[0] = _ITEM_MARK_RE.sub("", lines[0], count=1)
    return clean_lines(lines)


_PSEUDO_ITEM_RE = re.compile(r"^\s*(?:\d{1,3}[、）)]|[(（]\d{1,3}[)）]|[①-⑳⑴-⒇])\s*")


def _pseudo_items(t: _Text, b: Block) -> list[str] | None:
    """Lines numbered in ways CommonMark does not know (``1、`` ``(1)`` ``（1）`` ``①``): list
    items all the same, when every line of the paragraph starts so."""
    first = [_strip_quote(x, b.quote_depth) for x in t.doc.lines[b.line - 1 : b.line]]
    if first and first[0].strip() and not _PSEUDO_ITEM_RE.match(first[0]):
        return None  # (the first of `lines` below, not numbered)
    lines = [x for x in t.lines_of([b]) if x.strip()]
    if not lines or not all(_PSEUDO_ITEM_RE.match(x) for x in lines):
        return None
    return [_PSEUDO_ITEM_RE.sub("", x, count=1).strip() for x in lines]


def split_term(text: str) -> tuple[str | None, str]:
    """``**数据预处理：** 对图像…`` -> (数据预处理, 对图像…); also ``**术语**：…``, ``** 术语: **``
    and ``**术语** — …``. Without a bold term: (None, text)."""
    if not text.startswith("**"):
        return None, text.strip()
    end = text.find("**", 2)
    if end < 0:
        return None, text.strip()
    inner = text[2:end].strip()
    after = text[end + 2 :].lstrip()
    if inner[-1:] in (":", "："):
        term = inner[:-1].strip()
    elif after[:1] in (":", "：", "—", "–", "-"):
        term = inner
        after = after.lstrip(":：—–-").lstrip()
    else:
        return None, text.strip()
    if not term or "\n" in term:
        return None, text.strip()
    return term, after.strip()


def _pseudo_list(t: _Text, b: Block, first: str | None, line: int) -> list[str] | None:
    """`_pseudo_items` of a paragraph of a labelled block, other than the label's own line."""
    if b.kind is not Kind.PARAGRAPH or (b.line == line and first is not None):
        return None
    return _pseudo_items(t, b)


def _holds_list(t: _Text, first: str | None, blocks: list[Block], line: int) -> bool:
    """Does `sections_of` find a list among these blocks (without building the sections)?"""
    return any(b.kind is Kind.LIST or _pseudo_list(t, b, first, line) is not None for b in blocks)


def sections_of(t: _Text, label: str, first: str | None, blocks: list[Block], line: int) -> list[Section]:
    """One labelled block -> one section, or several when it holds several lists."""
    kind = kind_for_label(label)
    out: list[Section] = []
    lead: list[Block] = []
    items: list[ListItem] = []
    tail: list[Block] = []
    lead_first = first

    def flush() -> None:
        nonlocal lead, items, tail, lead_first
        lead_text = ""
        if lead:
            lead_text = t.text(lead, first=lead_first if lead[0].line == line else None)
            if lead_first is not None and lead[0].line != line:
                lead_text = clean_lines([lead_first, *t.lines_of(lead)])
        elif lead_first:
            lead_text = lead_first.strip()
        if lead_text or items or tail:
            out.append(
                Section(
                    label=label,
                    kind=kind,
                    lead=lead_text,
                    items=tuple(items),
                    text=t.text(tail) if tail else "",
                )
            )
        lead, items, tail, lead_first = [], [], [], None

    for b in blocks:
        pseudo = _pseudo_list(t, b, first, line)
        if b.kind is Kind.LIST or pseudo is not None:
            if tail:
                new_lead = tail
                tail = []
                flush()
                lead = new_lead
            texts = [_item_text(t, it) for it in b.children] if pseudo is None else pseudo
            for text in texts:
                term, rest = split_term(text)
                items.append(ListItem(term, rest))
            continue
        if skip_block(b):
            continue
        if not items:
            lead.append(b)
        else:
            tail.append(b)
    flush()
    return out or [Section(label=label, kind=kind)]


# ---------------------------------------------------------------------------- choice and tf


@dataclass
class _Choice:
    options: list[ListItem]
    key: list[str]
    blocks: set[int]  # lines of the blocks that held the options (left out of the text)


def _options_in(doc: Document, blocks: list[Block]) -> _Choice | None:
    for b in blocks:
        if b.kind is Kind.LIST:
            items = [
                c for c in b.children if c.kind is Kind.ITEM and c.children and c.children[0].text.strip()
            ]
            texts = [c.children[0].text for c in items]
            opts = [shapes.OPTION_RE.match(x) for x in texts]
            if len(items) >= 2 and all(opts):
                letters = [m.group("letter").upper() for m in opts if m]
                if letters == [chr(65 + k) for k in range(len(letters))]:
                    key = [
                        letters[k]
                        for k, c in enumerate(items)
                        if c.checked or _all_strong(c.children[0] if c.children else None)
                    ]
                    t = _Text(doc)
                    options = []
                    for letter, c in zip(letters, items, strict=True):
                        item_text = _item_text(t, c)
                        m = shapes.OPTION_RE.match(item_text)
                        options.append(ListItem(letter, (m.group("text") if m else item_text).strip()))
                    return _Choice(options, key, {b.line})
            if len(items) >= 2 and all(c.checked is not None for c in items):
                t = _Text(doc)
                options = [ListItem(chr(65 + k), _item_text(t, c)) for k, c in enumerate(items)]
                key = [chr(65 + k) for k, c in enumerate(items) if c.checked]
                return _Choice(options, key, {b.line})
        if b.kind is Kind.PARAGRAPH and "\n" in b.text:
            lines = [x for x in b.text.split("\n") if x.strip()]
            opts = [shapes.OPTION_RE.match(x) for x in lines]
            if len(lines) >= 2 and all(opts):
                letters = [m.group("letter").upper() for m in opts if m]
                if letters == [chr(65 + k) for k in range(len(letters))]:
                    src = para_lines(doc, b)
                    options = []
                    for letter, raw in zip(letters, [x for x in src if x.strip()], strict=False):
                        line = re.sub(r"<br\s*/?>\s*$", "", raw.strip(), flags=re.I)
                        m = shapes.OPTION_RE.match(line)
                        options.append(ListItem(letter, (m.group("text") if m else line).strip()))
                    return _Choice(options, [], {b.line})
            if 2 <= len(lines) <= 3 and any(
                frozenset(x.strip() for x in lines) == s for s in shapes.TF_OPTION_SETS
            ):
                return _Choice([ListItem(None, x.strip()) for x in lines], [], {b.line})
    return _option_paragraphs(doc, blocks)


def _option_paragraphs(doc: Document, blocks: list[Block]) -> _Choice | None:
    """Options written one per paragraph (``A: obj.a``, a blank line, ``B: obj()a``)."""
    for k, b in enumerate(blocks):
        if b.kind is not Kind.PARAGRAPH or "\n" in b.text.strip():
            continue
        m = shapes.OPTION_RE.match(b.text)
        if not m or m.group("letter").upper() != "A":
            continue
        found: list[Block] = []
        for c in blocks[k:]:
            one_line = c.kind is Kind.PARAGRAPH and "\n" not in c.text.strip()
            mc = shapes.OPTION_RE.match(c.text) if one_line else None
            if not mc or mc.group("letter").upper() != chr(65 + len(found)):
                break
            found.append(c)
        if len(found) >= 2:
            options: list[ListItem] = []
            for c in found:
                m2 = shapes.OPTION_RE.match(para_lines(doc, c)[0].strip())
                options.append(ListItem(chr(65 + len(options)), (m2.group("text") if m2 else c.text).strip()))
            return _Choice(options, [], {c.line for c in found})
    return None


def _inline_options(text: str) -> list[ListItem] | None:
    """A question's own lines that are all options (``A. CTRL`` … ``D. CTRL+TAB``)."""
    raw = [re.sub(r"^\s*(?:\*\*|__)|(?:\*\*|__)\s*$|<br\s*/?>\s*$", "", x).strip() for x in text.split("\n")]
    lines = [x for x in raw if x]
    opts = [shapes.OPTION_RE.match(x) for x in lines]
    if len(lines) < 2 or not all(opts):
        return None
    letters = [m.group("letter").upper() for m in opts if m]
    if letters != [chr(65 + k) for k in range(len(letters))]:
        return None
    return [ListItem(letter, m.group("text").strip()) for letter, m in zip(letters, opts, strict=True) if m]


def _all_strong(p: Block | None) -> bool:
    if p is None or not p.text.strip():
        return False
    text = p.text
    m = shapes.OPTION_RE.match(text)
    start = m.start("text") if m else 0
    return any(k.kind == "strong" and k.start <= start and k.end >= len(text.rstrip()) for k in p.marks)


# "A选项正确", "选 B", "B 是正确的"
_KEY_SAID_RE = re.compile(
    r"^(?:选|应选|正确的是)?\s*(?P<letters>[A-H](?:\s*[、,，和]\s*[A-H])*)(?![A-Za-z])\s*(?:选项|项)?\s*(?:正确|对|是正确的|是对的)?"
    r"\s*[。.]?\s*(?P<rest>.*)$",
    re.S,
)


def _key_of(answer: str) -> tuple[list[str], str] | None:
    """(letters, rest) from an answer text that gives the key: ``D``, ``答案：A、C``, ``B。因为…``."""
    first, _, more = answer.strip().partition("\n")
    first = re.sub(r"[*_`]", "", first).strip()
    m = shapes.KEY_RE.match(first) or shapes.LETTERS_ONLY_RE.match(first) or _KEY_SAID_RE.match(first)
    if not m:
        m2 = re.match(r"^(?P<letters>[A-H])(?:\s*[.。:：,，、]\s*|\s+)(?P<rest>.*)$", first, re.S)
        if not m2 or len(first) > 200:
            return None
        m = m2
    letters = re.findall(r"[A-H]", m.group("letters"))
    rest = (m.groupdict().get("rest") or "").strip()
    rest = (rest + ("\n" + more if more else "")).strip()
    return letters, rest


# ---------------------------------------------------------------------------- build


def build(doc: Document, unit: Unit, *, answer_re: re.Pattern[str] | None = None) -> Built:
    """The fields of `unit`'s question."""
    t = _Text(doc)
    out = Built()
    body = list(unit.body)
    # containers of material at the head of the body (a poem, a passage) are the question's
    # context, not its answer
    lead_ctx = []
    while body and body[0].kind is Kind.CONTAINER and body[0].level == 2 and body[0].info not in ANSWER_TYPES:
        lead_ctx.append(body.pop(0))
    if lead_ctx:
        out.context = "\n\n".join(
            (f"{c.title}\n\n" if c.title else "") + t.text(list(c.children)) for c in lead_ctx
        ).strip()
    body = [x for b in body for x in _unquote_labels(doc, b)]
    head_blocks = _before_answer(doc, body, answer_re)
    early = (
        _options_in(doc, [*unit.prompt_blocks, *head_blocks]) if head_blocks or unit.prompt_blocks else None
    )
    if early is not None:
        body = [b for b in body if b.line not in early.blocks]
    if unit.answer_blocks is not None:
        pre, segs = _segments(doc, body, answer_re)
        segs.insert(
            0,
            _Seg(
                "答案",
                unit.answer_blocks[0].line if unit.answer_blocks else unit.line,
                None,
                list(unit.answer_blocks),
            ),
        )
    else:
        pre, segs = _segments(doc, body, answer_re)
    choice = early or _options_in(
        doc,
        [
            *unit.prompt_blocks,
            *pre,
            *(b for s in segs if s.label in shapes.PROMPT_LABELS or s.label == "选项" for b in s.blocks),
        ],
    )
    if choice is not None and early is None:
        segs = [
            _Seg(s.label, s.line, s.first, [b for b in s.blocks if b.line not in choice.blocks])
            if s.label == "选项"
            else s
            for s in segs
        ]
        segs = [s for s in segs if not (s.label == "选项" and not s.blocks)]
    if choice is not None:
        pre = [b for b in pre if b.line not in choice.blocks]
    prompt_parts: list[str] = [unit.prompt] if unit.prompt else []
    if unit.prompt_blocks:
        stem = [b for b in unit.prompt_blocks if not (choice and b.line in choice.blocks)]
        prompt_parts.append(t.text(stem))
    answer = _inline_answer(unit.inline_answer)
    if answer != unit.inline_answer.strip():
        out.marked = True
    if choice is None and answer:
        inline = _inline_options(answer)
        if inline is not None:  # the question's own lines are its options
            choice = _Choice(inline, [], set())
            answer = ""
    out.answer_line = unit.inline_line if answer else 0
    out.marked = out.marked or unit.marked
    for seg in segs:
        if shapes.is_prompt_label(seg.label):
            if choice is not None:
                seg_blocks = [b for b in seg.blocks if b.line not in choice.blocks]
                text = (
                    t.text(seg_blocks, first=seg.first)
                    if seg_blocks and seg_blocks[0].line == seg.line
                    else clean_lines([seg.first or "", *t.lines_of(seg_blocks)])
                )
            else:
                text = _seg_text(t, seg)
            prompt_parts.append(text)
            continue
        if shapes.is_answer_label(seg.label):
            text = _seg_text(t, seg)
            out.marked = True
            if answer:
                answer = f"{answer}\n\n{text}".strip()
            else:
                answer = text
                out.answer_line = seg.line
            if _holds_list(t, seg.first, seg.blocks, seg.line):
                lists = sections_of(t, "答案", seg.first, seg.blocks, seg.line)
                if any(s.items for s in lists):
                    out.sections.extend(lists)
            continue
        out.sections.extend(sections_of(t, seg.label, seg.first, seg.blocks, seg.line))
    pre_text = t.text(pre) if pre else ""
    asks_to_choose = shapes.is_stem(unit.title) or choice is not None
    if pre_text and asks_to_choose and not answer and not any(shapes.is_answer_label(s.label) for s in segs):
        # "6. 以下代码输出什么（）" then the code: the question's material; its answer is missing
        prompt_parts.insert(0, pre_text)
        pre_text = ""
    if pre_text:
        if answer and unit.inline_answer and not any(shapes.is_answer_label(s.label) for s in segs):
            # "答：…例如：" then a list: the answer goes on after its first line
            answer = f"{answer}\n\n{pre_text}"
            if _holds_list(t, None, pre, pre[0].line):
                lists = sections_of(t, "答案", None, pre, pre[0].line)
                out.sections[:0] = [s for s in lists if s.items]
        elif not answer:
            # (lists in a plain answer are read by the generators from the text)
            answer = pre_text
            out.answer_line = pre[0].line
            out.unlabelled = pre_text
            out.unlabelled_line = pre[0].line
        else:
            prompt_parts.insert(0, pre_text)
    if not answer and out.sections and not any(shapes.is_answer_label(s.label) for s in segs):
        # only other labels (优点： … 缺点： …): the whole body answers the question
        answer = t.text([b for b in body if not (choice and b.line in choice.blocks)])
        out.answer_line = body[0].line if body else 0
    if _placeholder(answer):
        answer = ""
    out.prompt = "\n\n".join(p for p in prompt_parts if p).strip()
    if choice is not None:
        _apply_choice(out, choice, answer, unit)
        return out
    if unit.blanks:
        out.kind = QuestionKind.FILL
    elif _is_tf_answer(answer) and _statement(unit.title):
        out.kind = QuestionKind.TF
        value, rest = _tf_split(answer)
        if _explanation(rest):
            out.sections.insert(
                0, Section(label="解析", kind=SectionKind.EXPLANATION, lead=_explanation(rest))
            )
        answer = value or answer
    out.answer = answer
    return out


_PLACEHOLDER_RE = re.compile(
    r"^(?:todo|tbd|待补充|待完善|待更新|待写|略|暂无|空|无|\.\.\.|…+)[。.!！]?$", re.I
)


_STRAY_EMPHASIS_RE = re.compile(r"^(?:\*{1,3}|_{1,3})(?=\S)")


def _inline_answer(text: str) -> str:
    """An answer found on the question's own line(s): without a leading answer marker
    (``答：``) and without the closing emphasis marker the question left behind
    (``*问题？*答案``)."""
    text = text.strip()
    lab = shapes.label_line(text.split("\n", 1)[0])
    if lab is not None and shapes.is_answer_label(lab.label):
        rest = text.split("\n", 1)[1] if "\n" in text else ""
        text = (lab.rest + ("\n" + rest if rest else "")).strip()
    m = _STRAY_EMPHASIS_RE.match(text)
    if m and text.count("*") % 2 == 1 and "*" in m.group():
        text = text[m.end() :]
    return text


def _placeholder(answer: str) -> bool:
    """An answer that is only a to-do mark (``TODO``, ``待补充``) is no answer."""
    return bool(_PLACEHOLDER_RE.match(answer.strip()))


def _explanation(rest: str) -> str:
    """The text after a key, without the rule (``---``) that often separates them."""
    return re.sub(r"^(?:\s*(?:-{3,}|\*{3,}|_{3,})\s*(?:\n|$))+", "", rest.strip()).strip()


_EMPHASIS_CHARS_RE = re.compile(r"[*_`]")
_TF_SPLIT_RE = re.compile(r"^([^\s。，,.；;：:！!\n]{1,5})[\s。，,.；;：:！!]*(.*)$", re.S)


def _tf_split(answer: str) -> tuple[str | None, str]:
    """("错", "因为不可逆。") from "错。因为不可逆。"."""
    text = _EMPHASIS_CHARS_RE.sub("", answer.strip())
    m = _TF_SPLIT_RE.match(text)
    if not m:
        return None, answer
    return shapes.tf_value(m.group(1)), m.group(2).strip()


def _is_tf_answer(answer: str) -> bool:
    return _tf_split(answer)[0] is not None


def _statement(title: str) -> bool:
    """A sentence to judge true or false: declarative, long enough, not a question."""
    t = shapes.strip_tail(title)
    return len(t) >= 8 and not shapes.question_shape(title).strong and not t.endswith(("：", ":"))


def _apply_choice(out: Built, choice: _Choice, answer: str, unit: Unit) -> None:
    tf_set = frozenset(shapes.strip_symbols(o.text) for o in choice.options)
    if any(tf_set == s for s in shapes.TF_OPTION_SETS) or all(o.term is None for o in choice.options):
        value = None
        rest = answer
        if answer:
            first, _, more = answer.partition("\n")
            value = shapes.tf_value(re.sub(r"[*_`]", "", first))
            rest = more.strip()
            if value is None:
                got = _key_of(answer)
                if got is not None and len(got[0]) == 1 and ord(got[0][0]) - 65 < len(choice.options):
                    value = shapes.tf_value(shapes.strip_symbols(choice.options[ord(got[0][0]) - 65].text))
                    rest = got[1]
        if value is None and choice.key:
            picked = choice.options[ord(choice.key[0]) - 65].text
            value = shapes.tf_value(shapes.strip_symbols(picked))
        out.kind = QuestionKind.TF
        out.answer = value or ""
        if _explanation(rest):
            out.sections.insert(
                0, Section(label="解析", kind=SectionKind.EXPLANATION, lead=_explanation(rest))
            )
        return
    letters = list(choice.key)
    rest = answer
    if not letters and answer:
        got = _key_of(answer)
        if got is not None:
            letters, rest = got
    out.kind = QuestionKind.CHOICE
    out.sections.insert(0, Section(label="选项", kind=SectionKind.OPTIONS, items=tuple(choice.options)))
    valid = {o.term for o in choice.options}
    bad = [x for x in letters if x not in valid]
    if bad:
        out.notes.append(
            (
                out.answer_line or unit.line,
                f"answer {', '.join(bad)} is not one of the options "
                f"{'/'.join(o.term or '' for o in choice.options)}",
            )
        )
    out.answer = ", ".join(dict.fromkeys(letters))
    if _explanation(rest) and not any(s.kind is SectionKind.EXPLANATION for s in out.sections):
        out.sections.append(Section(label="解析", kind=SectionKind.EXPLANATION, lead=_explanation(rest)))
