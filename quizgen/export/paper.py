"""The exam paper every paper format draws: sections in Chinese order, numbers, points, variants.

`build_papers` is the only place that orders and shuffles. A writer walks `Paper.sections`
and prints; it never decides what comes first, so the md, html, docx and pdf forms of one
paper (and its key) always agree.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from quizgen.errors import ExportError
from quizgen.export.common import (
    MULTI_RULE_TEXT,
    SECTION_NAMES,
    SECTION_ORDER,
    answer_text,
    chinese_numeral,
    clean,
    fmt_points,
    key_note,
    key_points,
    match_pairs,
    order_steps,
    section_instruction,
    split_blanks,
    uniform_points,
)
from quizgen.items import LETTERS, Item, ItemType
from quizgen.scoring import MultiRule

VARIANT_LETTERS = "ABCDEFGHIJ"
MAX_VARIANTS = len(VARIANT_LETTERS)


@dataclass(frozen=True)
class PaperItem:
    number: int  # 1-based, running through the whole paper
    item: Item


@dataclass(frozen=True)
class PaperSection:
    ordinal: int  # 1 -> 一、
    type: ItemType
    items: tuple[PaperItem, ...]
    multi_rule: MultiRule = MultiRule.STRICT  # how a 多选题 is scored

    @property
    def name(self) -> str:
        return SECTION_NAMES[self.type]

    @property
    def numeral(self) -> str:
        return chinese_numeral(self.ordinal)

    @property
    def points(self) -> float:
        return sum(pi.item.points for pi in self.items)

    @property
    def each(self) -> float | None:
        """Points of every item when they are all the same, else None."""
        return uniform_points(pi.item for pi in self.items)

    @property
    def instruction(self) -> str:
        return section_instruction(self.type, self.multi_rule)

    @property
    def key_rule(self) -> str:
        """The scoring rule the key repeats under the section heading ("" when none)."""
        return f"评分标准：{MULTI_RULE_TEXT[self.multi_rule]}" if self.type is ItemType.MULTI else ""

    def heading(self) -> str:
        """``一、单选题（共5题，每题2分，共10分）``."""
        return f"{self.numeral}、{self.name}（{self.summary()}）"

    def summary(self) -> str:
        n = len(self.items)
        each = self.each
        if each is not None:
            return f"共{n}题，每题{fmt_points(each)}分，共{fmt_points(self.points)}分"
        return f"共{n}题，共{fmt_points(self.points)}分"

    def shows_item_points(self) -> bool:
        """Items say their own points when the heading cannot (mixed points) and in 简答题."""
        return self.each is None or self.type is ItemType.SHORT


@dataclass(frozen=True)
class PaperHeader:
    """Lines a teacher may want under the title: 考试科目, 考试时间 and 注意事项 (each one line)."""

    subject: str = ""
    time: str = ""
    notices: tuple[str, ...] = ()

    @classmethod
    def of(cls, subject: str = "", time: str = "", notices: Sequence[str] = ()) -> PaperHeader:
        """A header from user text: each field on one line, empty notices dropped."""

        def line(text: str) -> str:
            return " ".join(clean(text).split())

        return cls(line(subject), line(time), tuple(n for n in map(line, notices) if n))


NO_HEADER = PaperHeader()


@dataclass(frozen=True)
class Paper:
    title: str
    sections: tuple[PaperSection, ...]
    variant: str | None = None  # "A", "B", ... or None for a single paper
    header: PaperHeader = NO_HEADER

    @property
    def total(self) -> float:
        return sum(s.points for s in self.sections)

    @property
    def full_title(self) -> str:
        return f"{self.title}（{self.variant}卷）" if self.variant else self.title

    @property
    def key_title(self) -> str:
        return f"{self.full_title} 答案及评分标准"

    @property
    def info_line(self) -> str:
        """The line under the title: ``（满分40分）``, or with a subject or time
        ``考试科目：深度学习　考试时间：120分钟　满分：40分``."""
        total = fmt_points(self.total)
        h = self.header
        if not (h.subject or h.time):
            return f"（满分{total}分）"
        parts = [f"考试科目：{h.subject}" if h.subject else "", f"考试时间：{h.time}" if h.time else ""]
        return "　".join([*(p for p in parts if p), f"满分：{total}分"])

    def items(self) -> list[PaperItem]:
        return [pi for s in self.sections for pi in s.items]


class Part(str, Enum):
    PAPER = "paper"
    KEY = "key"


@dataclass(frozen=True)
class Doc:
    """One part of one paper; a file holds one or more, separated by page breaks."""

    paper: Paper
    part: Part

    @property
    def title(self) -> str:
        return self.paper.key_title if self.part is Part.KEY else self.paper.full_title


def docs_for(papers: Sequence[Paper], *, answer_key: bool) -> list[Doc]:
    """Every paper, each followed by its key when asked."""
    out = []
    for p in papers:
        out.append(Doc(p, Part.PAPER))
        if answer_key:
            out.append(Doc(p, Part.KEY))
    return out


# ---------------------------------------------------------------------------- shuffling


def _relabel(item: Item, perm: Sequence[int], answer: tuple[str, ...]) -> Item:
    """`perm[new] = old`: the options in their new order, answer letters given in new terms."""
    return replace(item, options=tuple(item.options[o] for o in perm), answer=answer)


def shuffle_options(item: Item, rng: random.Random) -> Item:
    """The same item with its options in a new order and the answer letters following them.

    Choice and multi keep their right options; an order item gets its steps reshuffled (the
    right sequence is unchanged); a match item shuffles its descriptions and its terms.
    TF, fill and short items have no options to move.
    """
    n = len(item.options)
    if item.type not in (ItemType.CHOICE, ItemType.MULTI, ItemType.ORDER, ItemType.MATCH) or n < 2:
        return item
    perm = list(range(n))
    rng.shuffle(perm)
    new_of_old = {old: new for new, old in enumerate(perm)}

    def moved(a: str) -> str:
        return LETTERS[new_of_old[LETTERS.index(a)]]

    if item.type is ItemType.MULTI:
        return _relabel(item, perm, tuple(sorted(moved(a) for a in item.answer)))
    if item.type is ItemType.MATCH:
        shuffled = _relabel(item, perm, tuple(moved(a) for a in item.answer))
        order = list(range(len(item.left)))
        rng.shuffle(order)
        return replace(
            shuffled,
            left=tuple(shuffled.left[i] for i in order),
            answer=tuple(shuffled.answer[i] for i in order),
        )
    return _relabel(item, perm, tuple(moved(a) for a in item.answer))


# ---------------------------------------------------------------------------- building


def _check(items: Sequence[Item]) -> None:
    if not items:
        raise ExportError(
            "there are no items to put on a paper", hint="generate some items first (-n, --types)"
        )
    for it in items:
        if it.type in (ItemType.CHOICE, ItemType.MULTI, ItemType.ORDER, ItemType.MATCH):
            bad = [a for a in it.answer if a not in LETTERS[: len(it.options)]]
            if bad or not it.answer:
                raise ExportError(
                    f"item {it.id}: answer {list(it.answer)} does not name its options",
                    hint="re-create the items with `quizgen generate`",
                )
        if it.type is ItemType.MATCH and len(it.left) != len(it.answer):
            raise ExportError(
                f"item {it.id}: {len(it.left)} terms but {len(it.answer)} answers",
                hint="re-create the items with `quizgen generate`",
            )


def build_paper(
    items: Sequence[Item],
    title: str,
    *,
    variant: str | None = None,
    rng: random.Random | None = None,
    multi_rule: MultiRule = MultiRule.STRICT,
    header: PaperHeader = NO_HEADER,
) -> Paper:
    """Group items into sections in paper order and number them.

    With an `rng` the questions inside each section and the options inside each item are
    shuffled (a variant); without one the generated order is kept. `multi_rule` is the
    scoring of 多选题 the paper states.
    """
    _check(items)
    by_type: dict[ItemType, list[Item]] = {t: [] for t in SECTION_ORDER}
    for it in items:
        by_type[it.type].append(it)
    sections: list[PaperSection] = []
    number = 0
    for t in SECTION_ORDER:
        group = by_type[t]
        if not group:
            continue
        if rng is not None:
            group = [shuffle_options(it, rng) for it in group]
            rng.shuffle(group)
        numbered = []
        for it in group:
            number += 1
            numbered.append(PaperItem(number, it))
        sections.append(PaperSection(len(sections) + 1, t, tuple(numbered), multi_rule))
    return Paper(
        title=" ".join(clean(title).split()), sections=tuple(sections), variant=variant, header=header
    )


def build_papers(
    items: Sequence[Item],
    title: str,
    *,
    variants: int = 1,
    rng: random.Random,
    multi_rule: MultiRule = MultiRule.STRICT,
    header: PaperHeader = NO_HEADER,
) -> list[Paper]:
    """One paper in the generated order, or `variants` papers A, B, ... each shuffled its own way.

    Every variant holds the same items; each has its own numbering, option letters and key.
    """
    if not 1 <= variants <= MAX_VARIANTS:
        raise ExportError(
            f"--variants must be between 1 and {MAX_VARIANTS}, got {variants}", hint="papers are lettered A-J"
        )
    if variants == 1:
        return [build_paper(items, title, multi_rule=multi_rule, header=header)]
    papers = []
    for v in VARIANT_LETTERS[:variants]:
        papers.append(
            build_paper(
                items,
                title,
                variant=v,
                rng=random.Random(rng.random()),
                multi_rule=multi_rule,
                header=header,
            )
        )
    return papers


def with_points(items: Sequence[Item], points: dict[ItemType, float]) -> list[Item]:
    """Items with their points replaced per type (``--points short=10``); others unchanged."""
    return [replace(it, points=points[it.type]) if it.type in points else it for it in items]


# ---------------------------------------------------------------------------- views

SHORT_ANSWER_LINES = 6
BRACKET = "（　　）"


@dataclass(frozen=True)
class ItemView:
    """One question as a paper shows it; writers only choose the markup."""

    number: int
    type: ItemType
    stem: tuple[str, ...]  # text around the blanks: fill items have len(stem) - 1 blanks
    points: str  # "（2分）" or ""
    bracket: bool  # an answer bracket （　　） after the stem (choice, multi, tf)
    options: tuple[tuple[str, str], ...] = ()  # (letter, text)
    terms: tuple[tuple[str, str], ...] = ()  # match: (number, term)
    answer_label: str = ""  # "正确顺序：" / "配对："
    answer_slots: tuple[str, ...] = ()  # labels of the blanks after answer_label ("" = unlabelled)
    lines: int = 0  # ruled lines of answer space (short items)


@dataclass(frozen=True)
class KeyView:
    """One question's entry in 答案及评分标准."""

    number: int
    type: ItemType
    answer: str  # B / AC / √ / 卷积神经网络 / CABD / 1-B，2-A / the reference answer
    note: str = ""  # 也可答：CNN
    detail: tuple[str, ...] = ()  # order: the steps in order; match: "term — description"
    key_points: tuple[tuple[str, str], ...] = ()  # (text, points) for short items
    explanation: str = ""
    points: str = ""  # "2"


def item_view(pi: PaperItem, section: PaperSection) -> ItemView:
    it = pi.item
    pts = f"（{fmt_points(it.points)}分）" if section.shows_item_points() else ""
    opts = tuple((LETTERS[i], clean(o)) for i, o in enumerate(it.options))
    base = ItemView(number=pi.number, type=it.type, stem=(clean(it.stem),), points=pts, bracket=False)
    t = it.type
    if t in (ItemType.CHOICE, ItemType.MULTI):
        return replace(base, bracket=True, options=opts)
    if t is ItemType.TF:
        return replace(base, bracket=True)
    if t is ItemType.FILL:
        return replace(base, stem=tuple(split_blanks(clean(it.stem))))
    if t is ItemType.ORDER:
        return replace(base, options=opts, answer_label="正确顺序：", answer_slots=("",))
    if t is ItemType.MATCH:
        terms = tuple((str(i), clean(term)) for i, term in enumerate(it.left, 1))
        slots = tuple(f"{i}" for i in range(1, len(it.left) + 1))
        return replace(base, options=opts, terms=terms, answer_label="配对：", answer_slots=slots)
    return replace(base, lines=SHORT_ANSWER_LINES)


def key_view(pi: PaperItem) -> KeyView:
    it = pi.item
    kv = KeyView(
        number=pi.number,
        type=it.type,
        answer=clean(answer_text(it)),
        note=clean(key_note(it)),
        explanation=clean(it.explanation),
        points=fmt_points(it.points),
    )
    if it.type is ItemType.ORDER:
        return replace(
            kv, detail=tuple(f"{a}. {clean(s)}" for a, s in zip(it.answer, order_steps(it), strict=True))
        )
    if it.type is ItemType.MATCH:
        return replace(
            kv, detail=tuple(f"{i}. {clean(t)} — {clean(d)}" for i, (t, d) in enumerate(match_pairs(it), 1))
        )
    if it.type is ItemType.SHORT:
        return replace(kv, key_points=tuple((clean(k.text), fmt_points(k.points)) for k in key_points(it)))
    return kv


def score_table(paper: Paper) -> tuple[list[str], list[str]]:
    """Header (题号 一 二 … 总分) and full marks (满分 10 20 … 100) of the 得分 table."""
    head = ["题号", *(s.numeral for s in paper.sections), "总分"]
    marks = ["满分", *(fmt_points(s.points) for s in paper.sections), fmt_points(paper.total)]
    return head, marks


STUDENT_FIELDS = ("姓名", "班级", "学号", "得分")
