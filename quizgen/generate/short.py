"""Short-answer items: the 题目 with its reference answer and key points, for the grader.

`answer` is the reference answer (the 答案 block); `key_points` are the teacher's required
points when the bank has a grading override, else the bold terms of the question's lists (the
points a full answer names), at most 8; `explanation` is the rest of the model answer.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from quizgen.bank import Section, SectionKind
from quizgen.generate.common import Analysis, Plan, QInfo, Reason, Tally, make_item
from quizgen.items import Item, ItemType

MAX_KEY_POINTS = 8


def key_points(qi: QInfo) -> list[str]:
    q = qi.q
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


def explanation_text(sections: Sequence[Section]) -> str:
    """The sections after the 答案 as one text, each under its own label (``原理：``, ``应用：``)
    so two numbered lists do not run together as 1 2 3 1 2 3 4. A lone 解析 section needs no
    label: quizzes and papers print the explanation under 解析 already."""
    if len(sections) == 1 and sections[0].kind is SectionKind.EXPLANATION:
        return sections[0].full_text()
    parts = []
    for s in sections:
        body = s.full_text()
        if not body:
            continue
        # a list starts on the line after its label; a lead sentence follows the label
        sep = "\n" if not s.lead and s.items else ""
        parts.append(f"{s.label}：{sep}{body}" if s.label else body)
    return "\n".join(parts)


def plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    q = qi.q
    typ = ItemType.SHORT
    if not q.has_answer:
        tally.reject(typ, Reason.NO_ANSWER)
        return
    if q.options:
        # a choice question's answer is a letter: it is asked as written (choice/multi)
        tally.reject(typ, Reason.CHOICE_QUESTION)
        return
    rest = explanation_text([s for s in q.sections if s.kind is not SectionKind.ANSWER])
    points = key_points(qi)
    meta: dict[str, object] = {"form": "short_answer"}
    if q.grading and q.grading.forbidden:
        meta["forbidden"] = list(q.grading.forbidden)

    def build(rng: random.Random) -> Item:
        return make_item(
            typ,
            q,
            q.stem,
            [q.answer],
            key_points=points,
            explanation=rest,
            section="答案",
            meta=meta,
        )

    # The fact is the whole question: a quiz that asks it as a short answer asks nothing else of
    # it while other questions remain (a match of its 原理 would give the answer away).
    yield Plan(typ, q.id, q.id, build)
