"""The reference answer and key points of a bank question, shared by the short-answer
generator and the grader so a student is graded on exactly what the reference names.

The 题目 usually asks for a concept and its role / principle / applications, so the reference
is the 答案 block plus one line per list section that supplies key points:
``作用：特征提取、特征融合、参数共享、平移不变性。``
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from quizgen.bank import Question, Section, SectionKind
from quizgen.text import normalize_loose

MAX_KEY_POINTS = 8
# What a generic 解析 section's lead says its list is: "…的作用主要体现在以下几个方面：" -> 作用.
# The word nearest the end of the lead wins ("…的应用主要包括以下几个步骤：" -> 步骤).
LEAD_TOPICS = ("作用", "步骤", "优点", "缺点", "特点", "原理", "应用", "方法", "类型", "组成")
# "常见的激活函数包括：" -> 常见的激活函数
_INCLUDES_RE = re.compile(r"^(.{2,16}?)(?:主要)?(?:包括|有)\s*[：:]?$")


def key_points(q: Question) -> list[str]:
    """The points a full answer names: a teacher's `grading.required`, else the bold terms of
    the question's lists (at most MAX_KEY_POINTS)."""
    if q.grading and q.grading.required:
        return list(q.grading.required)
    points: list[str] = []
    for s in q.sections:
        if s.kind in (SectionKind.NOTE, SectionKind.OPTIONS):
            continue
        for it in s.items:
            if it.term and it.term not in points and len(it.term) <= 16:
                points.append(it.term)
    return points[:MAX_KEY_POINTS]


def points_label(s: Section) -> str:
    """The label of a section's key-point line in the reference answer: the section's own label
    (原理, 应用, 解决方法), or for a generic 解析 section what its lead says the list is."""
    lead = s.lead.strip()
    if s.kind is SectionKind.EXPLANATION and lead:
        found = [(lead.rfind(t), t) for t in LEAD_TOPICS if t in lead]
        if found:
            return max(found)[1]
        m = _INCLUDES_RE.match(lead)
        if m:
            return m.group(1).strip()
    return s.label or "要点"


def reference_answer(q: Question, points: Sequence[str] | None = None) -> str:
    """The 答案 text, then ``{label}：{term}、{term}。`` for each list section with key points
    (only the terms that are key points, in the section's order). Key points no section
    names (a teacher's own required points) that the text does not contain yet go on a last
    ``要点：`` line."""
    if points is None:
        points = key_points(q)
    lines = [q.answer.strip()]
    wanted = set(points)
    used: set[str] = set()
    for s in q.sections:
        if s.kind in (SectionKind.NOTE, SectionKind.OPTIONS, SectionKind.ANSWER):
            continue
        terms = []
        for it in s.items:
            if it.term in wanted and it.term not in used:
                terms.append(it.term)
                used.add(it.term)
        if terms:
            lines.append(f"{points_label(s)}：{'、'.join(terms)}。")
    text = normalize_loose("\n".join(lines))
    rest = [p for p in points if p not in used and normalize_loose(p) not in text]
    if rest:
        lines.append(f"要点：{'、'.join(rest)}。")
    return "\n".join(line for line in lines if line)
