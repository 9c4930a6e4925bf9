"""Ordering items: put the steps of a real sequence in order.

Only lists that describe a sequence qualify (see `common.is_sequence`): labels 实现步骤/步骤/
流程/过程, a lead such as 主要包括以下几个步骤, or items marked 首先 … 然后 … 最后. Lists of
aspects, uses, advantages, principles or solutions never do, whatever their order in the notes.
The options are the steps shuffled, never in the right order; `answer` lists the option
letters in the right order. Scoring gives partial credit per correctly ordered pair (see
`quizgen.scoring`).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Set

from quizgen.generate.common import (
    Analysis,
    Plan,
    QInfo,
    Reason,
    Tally,
    item_line,
    lead_phrase,
    list_sections,
    make_item,
    options_distinct,
    quoted,
    usable_text,
)
from quizgen.items import LETTERS, Item, ItemType

MIN_STEPS = 3
MAX_STEPS = 8
MAX_TERM = 16


def shuffled_not_identity(rng: random.Random, n: int) -> list[int]:
    """A random permutation of range(n) that is not the identity (n >= 2)."""
    perm = list(range(n))
    while perm == list(range(n)):
        rng.shuffle(perm)
    return perm


def plans(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    from quizgen.generate.common import is_sequence

    q = qi.q
    typ = ItemType.ORDER
    for si, s in list_sections(q):
        if not s.items:
            continue
        if not is_sequence(s):
            tally.reject(typ, Reason.NOT_A_SEQUENCE)
            continue
        if len(s.items) < MIN_STEPS:
            tally.reject(typ, Reason.TOO_FEW_STEPS)
            continue
        if len(s.items) > MAX_STEPS:
            tally.reject(typ, Reason.TOO_MANY_ITEMS)
            continue
        if all(it.term and len(it.term) <= MAX_TERM for it in s.items):
            steps = [it.term or "" for it in s.items]
        elif all(usable_text(it.text) for it in s.items):
            steps = [item_line(it) for it in s.items]
        else:
            tally.reject(typ, Reason.TEXT_UNUSABLE)
            continue
        if not options_distinct(steps):
            tally.reject(typ, Reason.DUPLICATE_TERMS)
            continue
        if s.lead.strip() and len(s.lead) <= 60 and "\n" not in s.lead.strip():
            stem = f"{lead_phrase(s)}。请将下列步骤按正确的先后顺序排列："
        else:
            owner = qi.subject.display if qi.subject else quoted(q.title)
            stem = f"请将{owner}的{s.label}按正确的先后顺序排列："
        explanation = "\n".join(f"{i}. {item_line(it)}" for i, it in enumerate(s.items, 1))

        def build(
            rng: random.Random,
            shown: Set[str],
            steps: list[str] = steps,
            stem: str = stem,
            label: str = s.label,
            expl: str = explanation,
        ) -> Item:
            perm = shuffled_not_identity(rng, len(steps))  # perm[k] = index of the step shown at k
            options = [steps[i] for i in perm]
            answer = [LETTERS[perm.index(i)] for i in range(len(steps))]
            return make_item(
                typ,
                q,
                stem,
                answer,
                options=options,
                explanation=expl,
                section=label,
                id_key=steps,
                meta={"form": "order_steps"},
            )

        yield Plan(typ, q.id, f"{q.id}/{si}", build)
