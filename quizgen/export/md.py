"""Markdown paper and key (CommonMark; GitHub and Typora show it as a paper).

Bank text is backslash-escaped: every ASCII punctuation character that CommonMark or a
common extension (tables, math, strikethrough, attributes) could read as markup, and
``<``/``&`` so raw HTML and entities never come through.
"""

from __future__ import annotations

import re

from quizgen.export.paper import (
    BRACKET,
    STUDENT_FIELDS,
    Doc,
    ItemView,
    KeyView,
    Paper,
    Part,
    item_view,
    key_view,
    score_table,
)
from quizgen.items import ItemType

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&$=:^])")
# Only where a line starts: list items, setext underlines, numbered lists.
_LINE_START = re.compile(r"^\s*(?:[-+]|\d+[.)])")
_BLANK_MD = r"\_" * 8


def esc(text: str) -> str:
    """Markdown-escape one line of bank text."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m[0][:-1] + "\\" + m[0][-1], text)


def esc_block(text: str) -> str:
    """Escape multi-line text; line breaks become hard breaks inside one paragraph."""
    return "\\\n".join(esc(line) for line in text.split("\n"))


def _item(v: ItemView) -> list[str]:
    stem = _BLANK_MD.join(esc_block(s) for s in v.stem)  # fill items: a blank between the pieces
    head = f"**{v.number}\\.** {stem}{BRACKET if v.bracket else ''}{v.points}"
    out = [head, ""]
    if v.terms:
        out += ["\\\n".join(f"（{n}）{esc(t)}" for n, t in v.terms), ""]
    if v.options:
        out += ["\\\n".join(f"{a}\\. {esc_block(t)}" for a, t in v.options), ""]
    if v.answer_label:
        slots = "　".join(f"（{s}）{_BLANK_MD}" if s else _BLANK_MD * 2 for s in v.answer_slots)
        out += [f"{v.answer_label}{slots}", ""]
    if v.lines:
        out += ["答：", "", *(["&nbsp;", ""] * v.lines)]
    return out


def render_paper(paper: Paper) -> str:
    head, marks = score_table(paper)
    out = [f"# {esc(paper.full_title)}", ""]
    out += [f"（满分{marks[-1]}分）", ""]
    out += ["　".join(f"{f}：{_BLANK_MD}" for f in STUDENT_FIELDS), ""]
    out += ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head), "| " + " | ".join(marks) + " |"]
    out += ["| 得分 |" + "  |" * (len(head) - 1), ""]
    for s in paper.sections:
        out += [f"## {s.heading()}", "", f"*{s.instruction}*", ""]
        for pi in s.items:
            out += _item(item_view(pi, s))
    return "\n".join(out).rstrip() + "\n"


def _key(k: KeyView) -> list[str]:
    if k.type is ItemType.SHORT:
        out = [f"**{k.number}\\.** 【参考答案】{esc_block(k.answer)}（{k.points}分）", ""]
        if k.key_points:
            out += ["【评分要点】", ""]
            out += [f"{i}. {esc(t)}（{p}分）" for i, (t, p) in enumerate(k.key_points, 1)] + [""]
    else:
        note = f"（{esc(k.note)}）" if k.note else ""
        out = [f"**{k.number}\\.** 【答案】{esc(k.answer)}{note}", ""]
        if k.detail:
            out += ["\\\n".join(esc(d) for d in k.detail), ""]
    if k.explanation:
        out += [f"【解析】{esc_block(k.explanation)}", ""]
    return out


def render_key(paper: Paper) -> str:
    out = [f"# {esc(paper.key_title)}", "", f"（满分{score_table(paper)[1][-1]}分）", ""]
    for s in paper.sections:
        out += [f"## {s.heading()}", ""]
        for pi in s.items:
            out += _key(key_view(pi))
    return "\n".join(out).rstrip() + "\n"


def render(docs: list[Doc]) -> str:
    """Papers and keys in one Markdown text, separated by a thematic break."""
    return "\n---\n\n".join(
        render_key(d.paper) if d.part is Part.KEY else render_paper(d.paper) for d in docs
    )
