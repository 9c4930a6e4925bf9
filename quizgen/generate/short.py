"""Short-answer items: the 题目 with its reference answer and key points, for the grader.

`key_points` are the teacher's required points when the bank has a grading override, else the
bold terms of the question's lists (the points a full answer names), at most 8. `answer` is the
reference answer: the 答案 block plus one line per list section that supplies key points,
``作用：特征提取、特征融合、参数共享、平移不变性。`` — the 题目 asks for the concept and its
role / principle / applications, so a reference that a student could copy must name the key
points it is graded on. `explanation` is the rest of the model answer in full.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence, Set

from quizgen.bank import Section, SectionKind
from quizgen.generate.common import (
    Analysis,
    Plan,
    QInfo,
    Reason,
    Tally,
    asks_nothing,
    labels_a_figure,
    make_item,
)
from quizgen.generate.facts import BROKEN_START_RE, POINTS_ELSEWHERE_RE
from quizgen.items import Item, ItemType
from quizgen.reference import key_points, reference_answer
from quizgen.text import normalize_loose

# A reference answer that, besides its links, is this short and points elsewhere ("可以从这里下载：")
# gives a grader nothing to compare with.
MAX_POINTER = 30
_URL_RE = re.compile(r"(?:https?://|www\.)\S+")


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


def _says_something(answer: str) -> bool:
    """Does the answer hold a line that is neither a lead-in nor a heading (其他重点：) nor a broken
    fragment (/第二十八章：…)? Else it is nothing a student's answer could be graded against."""
    return any(
        ln.strip() and not ln.strip().endswith(("：", ":")) and not BROKEN_START_RE.match(ln.strip())
        for ln in answer.splitlines()
    )


def plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    q = qi.q
    typ = ItemType.SHORT
    if not q.has_answer:
        tally.reject(typ, Reason.NO_ANSWER)
        return
    if asks_nothing(q.title):
        tally.reject(typ, Reason.INSTRUCTION)
        return
    if not _says_something(q.answer):
        tally.reject(typ, Reason.NO_ANSWER)  # only headings and lead-ins (其他重点：)
        return
    if labels_a_figure(qi.raw.answer, q.answer):
        tally.reject(typ, Reason.FIGURE_ONLY)
        return
    rest = normalize_loose(_URL_RE.sub("", q.answer))
    if not rest or (
        len(rest) < MAX_POINTER and POINTS_ELSEWHERE_RE.search(rest) and _URL_RE.search(q.answer)
    ):
        tally.reject(typ, Reason.POINTER_ONLY)  # a link to elsewhere is nothing to grade against
        return
    rest = explanation_text([s for s in q.sections if s.kind is not SectionKind.ANSWER])
    points = key_points(q)
    reference = reference_answer(q, points)
    meta: dict[str, object] = {"form": "short_answer"}
    if q.grading and q.grading.forbidden:
        meta["forbidden"] = list(q.grading.forbidden)

    def build(rng: random.Random, shown: Set[str]) -> Item:
        return make_item(
            typ,
            q,
            q.stem,
            [reference],
            key_points=points,
            explanation=rest,
            section="答案",
            # the id stays that of the question's 答案 as written, so saved quiz progress keeps its items
            id_key=[qi.raw.answer],
            meta=meta,
        )

    # The fact is the whole question: a quiz that asks it as a short answer asks nothing else of
    # it while other questions remain (a match of its 原理 would give the answer away).
    yield Plan(typ, q.id, q.id, build)
