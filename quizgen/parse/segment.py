"""The document -> question units: headings first, then the block rules in what is left.

See `quizgen.parse.units` for the cues. This module decides which headings are questions,
groups or answer structure, runs the block rules over the stretches no question heading owns,
chooses whether the free-form rules apply, and attaches groups and shared context.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from quizgen.parse import shapes
from quizgen.parse.blocks import Block, Document, Kind
from quizgen.parse.units import (
    EXPLICIT,
    FREE_FORM,
    RULES,
    Ctx,
    Unit,
    is_answer_title,
    marker_label,
    may_be_marker,
    rule_marker,
    rules_by_kind,
)


@dataclass
class Heading:
    index: int  # in the top-level block list
    block: Block
    shape: shapes.Shape
    role: str = "group"  # question | group | context | label | title | body
    section_end: int = 0  # index of the first block after its section


@dataclass
class Segmentation:
    units: list[Unit]
    loose: list[list[Block]] = field(default_factory=list)  # stretches that are in no question
    headings: list[Heading] = field(default_factory=list)
    free_form: bool = False
    cues: Counter[str] = field(default_factory=Counter)
    question_level: int | None = None


def _new_note(doc: Document, cur: Unit, b: Block) -> bool:
    """In free-form notes, a paragraph that starts with an emphasised term
    (``Insulin*胰岛素*治疗糖尿病的副反应…``) after an answer is a note of its own, not more of
    that answer."""
    if b.kind is not Kind.PARAGRAPH or not (cur.inline_answer or cur.body):
        return False
    head = doc.lines[b.line - 1][:30]
    return bool(re.search(r"\*[^*\s][^*]{0,20}\*", head))


def _media(b: Block) -> bool:
    if b.kind is Kind.HTML:
        return bool(re.search(r"<(?:figure|img|picture|video|svg|table)\b", b.text, re.I))
    if b.kind is Kind.PARAGRAPH:
        return not b.text.strip() and "![" in b.text  # image-only paragraphs have no text
    return b.kind in (Kind.CODE,)


def _is_label_heading(text: str) -> bool:
    lab = shapes.label_line(text) or shapes.label_line(text + "：")
    if (
        lab is not None
        and lab.label in shapes.KNOWN_LABELS
        and (
            shapes.is_answer_label(lab.label)
            or lab.label in shapes.EXPLANATION_LABELS
            or lab.label in ("参考", "参考资料", "参考链接", "选项", "说明")
        )
    ):
        return not shapes.is_prompt_label(lab.label)
    return is_answer_title(text)


def _explicit_starts(blocks: Sequence[Block], ctx: Ctx) -> list[int]:
    """Where the explicit cues other than ``Q:`` markers (admonitions, ``<details>``, Q&A
    tables, flashcards) start a question: block indexes, in order. (A marker only matters
    where it ends a question heading's body: see `_body_end`.)"""
    rules = rules_by_kind([(n, r) for n, r in RULES if n in EXPLICIT and n != "marker"])
    out: list[int] = []
    for i, b in enumerate(blocks):
        for _name, rule in rules.get(b.kind, ()):
            if rule(blocks, i, ctx) is not None:
                out.append(i)
                break
    return out


def _lists_that_ask(blocks: Sequence[Block], ctx: Ctx) -> Callable[[int, int], bool]:
    """`asks_in(lo, hi)`: does blocks[lo:hi] hold a numbered list that asks questions of its own
    (at least two)? Asked only for merely numbered headings, so lists are looked at lazily."""
    from quizgen.parse.units import _list_questions

    seen: dict[int, bool] = {}

    def may_ask(b: Block) -> bool:
        # a cheap first look: a list of questions has items ending in ？ or ：, or blanks
        firsts = [c.children[0] for c in b.children if c.children and c.children[0].kind is Kind.PARAGRAPH]
        hits = sum(
            1
            for p in firsts
            if p.marks or re.search(r"[?？]|[:：]\s*$|[（(][ \u3000]*[)）]|_{3,}", p.text.split("\n", 1)[0])
        )
        return hits >= 2

    def asks(i: int) -> bool:
        if i not in seen:
            if not may_ask(blocks[i]):
                seen[i] = False
                return False
            units = _list_questions(blocks[i], ctx)
            seen[i] = units is not None and len(units) >= 2
        return seen[i]

    def asks_in(lo: int, hi: int) -> bool:
        return any(
            blocks[i].kind is Kind.LIST and blocks[i].info == "ordered" and asks(i) for i in range(lo, hi)
        )

    return asks_in


def _answers(doc: Document, b: Block) -> bool:
    """Is `b` an answer label (``**答案：**``, ``答：``, ``#### 答案``)?"""
    if b.kind is Kind.PARAGRAPH:
        lab = marker_label(doc, b)
        return lab is not None and shapes.is_answer_label(lab.label)
    return b.kind is Kind.HEADING and _is_label_heading(b.text)


def _body_end(blocks: list[Block], start: int, end: int, explicit: list[int], ctx: Ctx) -> int | None:
    """Where the body of the question heading `blocks[start]`, whose section ends at `end`,
    ends early: at an explicit cue, or at a ``Q:`` marker after an answer label (in labelled
    notes ``**问题：**`` under a question heading is its stem; after its answer it starts the
    next question)."""
    k = bisect.bisect_right(explicit, start)
    first = explicit[k] if k < len(explicit) and explicit[k] < end else None
    answered = False
    seen = start + 1  # blocks[start + 1 : seen] are known not to answer, unless `answered`
    for e in range(start + 1, end if first is None else first):
        if not may_be_marker(blocks[e]):
            continue
        while not answered and seen < e:
            answered = _answers(ctx.doc, blocks[seen])
            seen += 1
        if answered and rule_marker(blocks, e, ctx) is not None:
            return e
    return first


def _classify_headings(
    blocks: list[Block],
    explicit: list[int],
    forced_level: int | None,
    question_re: re.Pattern[str] | None,
    asks_in: Callable[[int, int], bool] | None = None,
) -> list[Heading]:
    # `explicit`: the explicit cues other than `Q:` markers (those sit under question headings
    # in labelled notes); only these turn a merely numbered heading into a group
    hs = [
        Heading(i, b, shapes.question_shape(b.text)) for i, b in enumerate(blocks) if b.kind is Kind.HEADING
    ]
    labels = {h.index for h in hs if _is_label_heading(h.block.text.strip())}
    for k, h in enumerate(hs):
        end = len(blocks)
        for j in range(k + 1, len(hs)):  # (not a slice of hs: that copies it for every heading)
            later = hs[j]
            # a label heading (``#### 答案：D`` under ``###### 1. …``) is part of the section
            if later.block.level <= h.block.level and later.index not in labels:
                end = later.index
                break
        h.section_end = end
    h1 = [h for h in hs if h.block.level == 1]
    for h in hs:
        text = h.block.text.strip()
        if not text:
            h.role = "body"
        elif h.index in labels:
            h.role = "label"
        elif len(h1) == 1 and h is h1[0] and h.index == min(x.index for x in hs) and not h.shape.strong:
            h.role = "title"
        elif question_re is not None and question_re.search(text):
            h.role = "candidate"
        elif forced_level is not None:
            h.role = "candidate" if h.block.level == forced_level else "group"
        elif shapes.is_group_title(text) and not shapes.ends_with_question_mark(text):
            h.role = "group"
        elif h.shape.strong or (h.shape.weak and h.shape.ref is not None and not explicit):
            h.role = "candidate"
        else:
            h.role = "group"
    cands = [h for h in hs if h.role == "candidate"]
    if not cands:
        return hs
    # the level the asking headings sit at: count the strong ones when there are any (a
    # "## 第 8 题" outranks the "#### 1. 智能缓存" steps inside its answer)
    strong = [h for h in cands if h.shape.strong]
    levels = Counter(h.block.level for h in (strong or cands))
    top = max(levels.values())
    qlevel = forced_level or max(lv for lv, n in levels.items() if n == top)
    at_qlevel = sorted(x.index for x in cands if x.block.level == qlevel)
    for h in cands:
        if h.block.level < qlevel and any_between(at_qlevel, h.index, h.section_end):
            h.role = "context"  # a case or passage shared by the questions under it
        elif not h.shape.strong and (
            any_between(explicit, h.index, h.section_end)
            or (asks_in is not None and asks_in(h.index + 1, h.section_end))
        ):
            # a merely numbered heading over questions of their own ("## 01.AJAX 概念" over a
            # numbered list of questions) is a section, not a question
            h.role = "group"
        else:
            h.role = "question"
    # a question heading's deeper headings are the structure of its answer, unless one asks
    # a question of its own after the answer has begun (``#### 2、什么是欠拟合？`` under
    # ``### 1. 什么是过拟合？`` in notes that vary their heading levels)
    current: Heading | None = None
    for h in hs:
        if current is not None and h.index < current.section_end and h.block.level > current.block.level:
            # numbered or ending in ？: a sub-heading such as "### 分页与分段的主要区别" is not
            asks = (
                h.role in ("candidate", "question")
                and h.shape.strong
                and (h.shape.ref is not None or shapes.ends_with_question_mark(h.block.text))
            )
            answered = any(
                blocks[k].kind is not Kind.HEADING and not _blank(blocks[k])
                for k in range(current.index + 1, min(h.index, current.index + 64))
            )
            if asks and answered:
                h.role = "question"
                current = h
                continue
            if h.role != "label":
                h.role = "body"
            continue
        current = h if h.role == "question" else None
    # a plain heading among question headings of its level, with its own text and no
    # questions under it, is a question too ("## unix进程间通信方式(IPC)" between "## 13 …")
    if not forced_level:
        next_heading = {
            x.index: (hs[k + 1].index if k + 1 < len(hs) else len(blocks)) for k, x in enumerate(hs)
        }

        def has_own_text(x: Heading) -> bool:
            return any(_says_something(b) for b in blocks[x.index + 1 : next_heading[x.index]])

        at_level = [
            x
            for x in hs
            if x.block.level == qlevel and (x.role == "question" or (x.role == "group" and has_own_text(x)))
        ]
        asked = sum(1 for x in at_level if x.role == "question")
        if at_level and asked >= 5 and asked >= 0.8 * len(at_level):
            asked_at = [x.index for x in hs if x.role == "question"]
            for h in hs:
                if h.role != "group" or h.block.level != qlevel or shapes.is_group_title(h.block.text):
                    continue
                if not any_between(asked_at, h.index, h.section_end) and has_own_text(h):
                    h.role = "question"
    # a group heading over questions whose own text is shared material (a case with its
    # tables, "请完成下面的查询") gives that material to its questions as context
    questions_at = [x.index for x in hs if x.role == "question"]
    for k, h in enumerate(hs):
        if h.role != "group":
            continue
        nxt = hs[k + 1].index if k + 1 < len(hs) else len(blocks)
        intro = blocks[h.index + 1 : nxt]
        has_q = any_between(questions_at, h.index, h.section_end)
        material = any(b.kind is Kind.TABLE for b in intro) or any(
            b.kind is Kind.PARAGRAPH
            and re.search(r"请.{0,12}(?:完成|回答|查询|计算|分析)|如下|下面的", b.text)
            for b in intro
        )
        if has_q and intro and material:
            h.role = "context"
    # a question's body stops at the next question heading, even a deeper one
    for k, h in enumerate(hs):
        if h.role != "question":
            continue
        for j in range(k + 1, len(hs)):
            x = hs[j]
            if x.index >= h.section_end:
                break
            if x.role == "question":
                h.section_end = x.index
                break
    return hs


def any_between(sorted_idx: list[int], lo: int, hi: int) -> bool:
    """Is some index of `sorted_idx` strictly between lo and hi?"""
    k = bisect.bisect_right(sorted_idx, lo)
    return k < len(sorted_idx) and sorted_idx[k] < hi


def _says_something(b: Block) -> bool:
    """Text of its own: not a link list, an anchor, an image or a rule."""
    from quizgen.parse.units import _links_only

    if b.kind is Kind.PARAGRAPH:
        return bool(b.text.strip()) and not _links_only(b)
    if b.kind is Kind.LIST:
        return any(_says_something(c) for it in b.children for c in it.children)
    return b.kind in (Kind.CODE, Kind.TABLE, Kind.QUOTE)


def _blank(b: Block) -> bool:
    return b.kind is Kind.HTML and not b.text.strip()


def segment(
    doc: Document,
    *,
    only: frozenset[str] | None = None,
    question_level: int | None = None,
    free_form: bool | None = None,
    question_re: re.Pattern[str] | None = None,
    answer_re: re.Pattern[str] | None = None,
) -> Segmentation:
    """Find the question units of `doc`. `only` limits the block rules (and headings, named
    ``heading``) to those cues; `question_level` forces the heading level of questions;
    `free_form` forces the free-form rules on or off (default: decided from the file)."""
    blocks = [b for b in doc.blocks if b.kind is not Kind.META]
    ctx = Ctx(doc, question_re=question_re)
    use_headings = only is None or "heading" in only or "heading-term" in only
    explicit = _explicit_starts(blocks, ctx) if use_headings else []
    hs = (
        _classify_headings(blocks, explicit, question_level, question_re, _lists_that_ask(blocks, ctx))
        if use_headings
        else [
            Heading(i, b, shapes.question_shape(b.text), role="group")
            for i, b in enumerate(blocks)
            if b.kind is Kind.HEADING
        ]
    )
    by_index = {h.index: h for h in hs}
    # stretches: (group name, context text, blocks) outside question headings
    units: list[Unit] = []
    stretches: list[tuple[str | None, str, list[Block]]] = []
    groups: dict[int, str] = {}
    context: dict[int, tuple[int, str]] = {}  # heading level -> (section end, context)
    i = 0

    def group_for(level: int) -> str | None:
        g = [groups[lv] for lv in sorted(groups) if lv < level]
        return g[-1] if g else None

    def context_for(at: int, level: int) -> str:
        c = [text for lv, (end, text) in sorted(context.items()) if lv < level and at < end and text]
        return c[-1] if c else ""

    cur_stretch: list[Block] = []

    def flush(level: int = 99) -> None:
        nonlocal cur_stretch
        if cur_stretch:
            stretches.append((group_for(level), context_for(cur_stretch[0].line, level), cur_stretch))
        cur_stretch = []

    while i < len(blocks):
        b = blocks[i]
        h = by_index.get(i)
        if h is None or h.role in ("body", "label"):
            cur_stretch.append(b)
            i += 1
            continue
        flush()
        if h.role == "question":
            end = h.section_end
            cut = _body_end(blocks, i, end, explicit, ctx)
            body_end = cut if cut is not None else end
            title = h.shape.text if h.shape.ref is not None and h.shape.text else h.block.text.strip()
            lab = shapes.label_line(title)
            if lab is not None and shapes.is_prompt_label(lab.label) and lab.rest:
                title = lab.rest  # "#### **题目**：什么是闭包？"
            unit = Unit(
                cue="heading",
                title=title,
                line=b.line,
                ref=h.shape.ref,
                group=group_for(b.level),
                head=[b],
                body=blocks[i + 1 : body_end],
                context=context_for(b.line, b.level),
            )
            units.append(unit)
            if cut is not None:
                cur_stretch = list(blocks[cut:end])
                flush(b.level + 1)
            i = end
            continue
        # group, context or document title
        for lv in [lv for lv in groups if lv >= b.level]:
            del groups[lv]
        for lv in [lv for lv in context if lv >= b.level]:
            del context[lv]
        if h.role in ("group", "context"):
            groups[b.level] = shapes.group_name(b.text)
        if h.role == "context":
            nxt = next((x.index for x in hs if x.index > i), h.section_end)
            intro = blocks[i + 1 : nxt]
            context[b.level] = (
                blocks[h.section_end - 1].end + 1 if h.section_end else 10**9,
                doc.source_of(intro),
            )
            i = nxt
            continue
        i += 1
    flush()

    enabled = [(n, r) for n, r in RULES if only is None or n in only]

    def run(use_free: bool) -> tuple[list[Unit], list[list[Block]]]:
        ctx.free_form = use_free
        rules = rules_by_kind([(n, r) for n, r in enabled if use_free or n not in FREE_FORM])
        found: list[Unit] = []
        loose: list[list[Block]] = []
        for group, ctx_text, stretch in stretches:
            cur: Unit | None = None
            parent: Unit | None = None
            orphan: list[Block] = []
            k = 0
            while k < len(stretch):
                b = stretch[k]
                if (
                    cur is not None
                    and not cur.body
                    and not cur.inline_answer
                    and not cur.blanks
                    and b.kind is Kind.LIST
                    and b.info != "ordered"
                ):
                    # "12. 三道防线的组成：" and a bullet list not indented enough to be
                    # nested in CommonMark: the list is that item's answer
                    cur.body.append(b)
                    k += 1
                    continue
                if (
                    cur is None
                    and found
                    and _media(b)
                    and found[-1].line >= (stretch[0].line if stretch else 0)
                ):
                    # a figure, image or code right after a closed question belongs to its answer
                    found[-1].body.append(b)
                    k += 1
                    continue
                hit = None
                for _name, rule in rules.get(b.kind, ()):
                    hit = rule(stretch, k, ctx)
                    if hit is not None:
                        break
                if hit is None:
                    parent = None
                    if cur is not None and use_free and _new_note(doc, cur, b):
                        cur = None
                    if cur is not None:
                        cur.body.append(stretch[k])
                    else:
                        orphan.append(stretch[k])
                    k += 1
                    continue
                if orphan:
                    loose.append(orphan)
                    orphan = []
                if parent is not None and all(u.cue == "card" for u in hit.units):
                    # "三种利尿剂作用机制：" over "*高效利尿药*：…" cards: each card is a
                    # question, and together they answer the one above them
                    parent.body.append(b)
                elif (
                    cur is not None
                    and cur.cue in FREE_FORM | {"answer-after", "list"}
                    and not cur.body
                    and not cur.inline_answer
                    and all(u.cue == "card" for u in hit.units)
                ):
                    parent = cur
                    parent.body.append(b)
                else:
                    parent = None
                for u in hit.units:
                    u.group = group
                    u.context = u.context or ctx_text
                    found.append(u)
                cur = hit.units[-1] if hit.open else None
                k += hit.consumed
            if orphan:
                loose.append(orphan)
        return found, loose

    if free_form is None:
        found, loose = run(False)
        structured = len(found) + len(units)
        # the free-form rules can only win where the stretches hold many paragraphs
        paragraphs = sum(1 for _g, _c, st in stretches for b in st if b.kind is Kind.PARAGRAPH)
        use_free = False
        if paragraphs >= 3 and paragraphs > 3 * structured:
            trial, trial_loose = run(True)
            free = sum(1 for u in trial if u.cue in FREE_FORM)
            if free >= 3 and free > 3 * structured:
                use_free = True
                found, loose = trial, trial_loose
    else:
        use_free = free_form
        found, loose = run(use_free)

    all_units = sorted(units + found, key=lambda u: u.line)
    seg = Segmentation(units=all_units, loose=loose, headings=hs, free_form=use_free)
    seg.cues.update(u.cue for u in all_units)
    qh = [h.block.level for h in hs if h.role == "question"]
    seg.question_level = Counter(qh).most_common(1)[0][0] if qh else None
    if only is not None and "heading-term" in only:
        seg = _heading_terms(doc, blocks, hs, seg)
    return seg


def _heading_terms(doc: Document, blocks: list[Block], hs: list[Heading], seg: Segmentation) -> Segmentation:
    """Nothing asks: read each deepest heading that has text under it as a term to define."""
    with_body = [h for h in hs if h.role not in ("label", "title") and h.section_end > h.index + 1]
    if not with_body:
        return seg
    level = max(h.block.level for h in with_body)
    units = []
    groups: dict[int, str] = {}
    for h in hs:
        lv = h.block.level
        for old in [x for x in groups if x >= lv]:
            del groups[old]
        if lv == level and h in with_body:
            g = [groups[x] for x in sorted(groups) if x < lv]
            units.append(
                Unit(
                    cue="heading-term",
                    title=h.block.text.strip(),
                    line=h.block.line,
                    ref=h.shape.ref,
                    group=g[-1] if g else None,
                    head=[h.block],
                    body=blocks[h.index + 1 : h.section_end],
                )
            )
        elif h.role != "title":
            groups[lv] = shapes.group_name(h.block.text)
    if not units:
        return seg
    seg.units = units
    seg.cues = Counter(u.cue for u in units)
    seg.loose = []
    return seg
