"""Shortcuts of the segmenter that keep big files fast: each cue rule is asked only about the
kinds of block it can start a question at, and ``Q:`` markers are looked for only where they
can end a question heading's body. Both must find exactly what asking every rule finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizgen.parse.blocks import Block, Document, Kind, parse
from quizgen.parse.decode import clean_text
from quizgen.parse.segment import _body_end, _explicit_starts, _is_label_heading
from quizgen.parse.shapes import is_answer_label
from quizgen.parse.units import EXPLICIT, RULE_KINDS, RULES, Ctx, marker_label

DATA = Path(__file__).parent / "data"

_FRAGMENTS = [
    "### 1. 什么是X？",
    "## 一、基础",
    "#### 答案",
    "**题目：** 解释。",
    "**答案：** 答。",
    "**解析：**",
    "Q: 问？",
    "A: 答。",
    "问：什么？",
    "答：这个。",
    "【问题】这是什么？",
    "正面：词",
    "背面：义",
    "词::义",
    "问题？ #anki",
    "| 问题 | 答案 |",
    "|---|---|",
    "| 什么是Z？ | 是Z |",
    "<details><summary>什么是Y？</summary>",
    "</details>",
    '??? question "PTA 1"',
    "    什么是W？",
    "> [!question] 什么是V？",
    "1. 什么是A？",
    "   答：A是A。",
    "- 一项",
    "普通的一行文字。",
    "```",
    "",
]


def _notes() -> list[str]:
    files = [Path(__file__).parent.parent / "bank" / "deep_learning.md", *sorted(DATA.glob("*.md"))]
    return [f.read_text(encoding="utf-8") for f in files]


def _doc(text: str) -> tuple[Document, list[Block]]:
    doc = parse(clean_text(text)[0])
    return doc, [b for b in doc.blocks if b.kind is not Kind.META]


def _answers(doc: Document, b: Block) -> bool:
    lab = marker_label(doc, b) if b.kind is Kind.PARAGRAPH else None
    if lab is not None and is_answer_label(lab.label):
        return True
    return b.kind is Kind.HEADING and _is_label_heading(b.text)


def _reference_body_end(blocks: list[Block], start: int, end: int, ctx: Ctx) -> int | None:
    """Every explicit rule asked at every block: the first explicit cue, where a marker counts
    only after an answer label."""
    for e in range(start + 1, end):
        name = next((n for n, rule in RULES if n in EXPLICIT and rule(blocks, e, ctx) is not None), None)
        if name is None:
            continue
        if name != "marker" or any(_answers(ctx.doc, b) for b in blocks[start + 1 : e]):
            return e
    return None


def _check_body_ends(text: str) -> None:
    doc, blocks = _doc(text)
    ctx = Ctx(doc)
    explicit = _explicit_starts(blocks, ctx)
    assert explicit == [
        i
        for i in range(len(blocks))
        if any(n in EXPLICIT and n != "marker" and rule(blocks, i, ctx) for n, rule in RULES)
    ]
    for i, b in enumerate(blocks):
        if b.kind is Kind.HEADING:
            for end in (len(blocks), min(i + 4, len(blocks))):
                assert _body_end(blocks, i, end, explicit, ctx) == _reference_body_end(blocks, i, end, ctx)


def test_body_ends_where_every_rule_says_in_real_notes() -> None:
    for text in _notes():
        _check_body_ends(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=30))
def test_body_ends_where_every_rule_says(parts: list[str]) -> None:
    _check_body_ends("\n".join(parts))


@pytest.mark.parametrize("free_form", [False, True])
def test_rules_find_nothing_at_other_kinds_of_block(free_form: bool) -> None:
    import re

    texts = [*_notes(), "\n".join(_FRAGMENTS), "\n\n".join(_FRAGMENTS)]
    for text in texts:
        doc, blocks = _doc(text)
        ctx = Ctx(doc, free_form=free_form, question_re=re.compile(r"^\S"))
        for i, b in enumerate(blocks):
            for name, rule in RULES:
                if b.kind not in RULE_KINDS[name]:
                    assert rule(blocks, i, ctx) is None, (name, b.kind, b.line)
    assert set(RULE_KINDS) == {n for n, _ in RULES}
