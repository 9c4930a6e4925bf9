"""The notes' own objective questions, asked as written (a teacher's question beats a generated
one): choice questions with their options and marked key, true/false statements, fill-in
sentences with their blanks. Their items carry ``source.authored`` and are chosen before
generated items of the same type (see `quizgen.generate._select`).

- choice / multi: the options in the author's order (an option may say 以上都对), CHOICE for
  one right letter, MULTI for several.
- tf: ``判断正误：`` and the statement; the key is the author's 对/错 (T/F, √/×, 正确/错误…).
- fill: one item per blank, the other blanks filled in with their answers: a quiz asks one of
  them (they test one sentence), and scoring stays one answer per item.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Set

from quizgen.bank import BLANK, QuestionKind, SectionKind
from quizgen.generate.common import Analysis, Plan, QInfo, Reason, Tally, make_item, options_distinct
from quizgen.generate.fill import forms_of
from quizgen.generate.tf import STEM_PREFIX
from quizgen.items import LETTERS, Item, ItemType
from quizgen.scoring import tf_value

# Before any generated candidate of the question (priorities of generated plans are >= 0).
PRIORITY = -1


def is_authored(qi: QInfo) -> bool:
    """A question of the notes' own objective kinds (or with its own options), never read for
    generated items: its answer is a letter, 对/错 or blank fillers."""
    return qi.q.kind is not QuestionKind.OPEN or bool(qi.q.options)


def _explanation(qi: QInfo) -> str:
    return "\n".join(
        s.full_text() for s in qi.q.sections if s.kind not in (SectionKind.OPTIONS, SectionKind.ANSWER)
    )


def _choice(qi: QInfo, tally: Tally, typ: ItemType) -> Iterator[Plan]:
    q = qi.q
    opts = q.options
    right = q.correct_options
    if not opts or not right:
        tally.reject(typ, Reason.NO_ANSWER)
        return
    if (len(right) == 1) != (typ is ItemType.CHOICE):
        return
    texts = [it.text for it in opts]
    letters_ = [it.term or "" for it in opts]
    if (
        not options_distinct(texts)
        or letters_ != list(LETTERS[: len(opts)])
        or any(r not in letters_ for r in right)
    ):
        tally.reject(typ, Reason.DUPLICATE_TERMS)
        return
    explanation = _explanation(qi)

    def build(rng: random.Random, shown: Set[str]) -> Item:
        return make_item(
            typ,
            q,
            q.stem,
            list(right),
            options=texts,
            explanation=explanation,
            section="选项",
            authored=True,
            meta={"form": "authored"},
        )

    yield Plan(typ, q.id, q.id, build, priority=PRIORITY)


def _tf(qi: QInfo, tally: Tally) -> Iterator[Plan]:
    q = qi.q
    key = tf_value(q.answer)
    if key is None:
        tally.reject(ItemType.TF, Reason.NO_ANSWER)
        return
    stem = STEM_PREFIX + q.stem
    explanation = _explanation(qi)

    def build(rng: random.Random, shown: Set[str]) -> Item:
        return make_item(
            ItemType.TF, q, stem, [key], explanation=explanation, authored=True, meta={"form": "authored"}
        )

    yield Plan(ItemType.TF, q.id, q.id, build, priority=PRIORITY)


def _fill(an: Analysis, qi: QInfo, tally: Tally) -> Iterator[Plan]:
    q = qi.q
    title = q.stem
    n = title.count(BLANK)
    fillers = list(q.blanks) if q.blanks else ([q.answer.strip()] if n == 1 and q.has_answer else [])
    if n == 0 or len(fillers) != n or not all(f.strip() for f in fillers):
        tally.reject(ItemType.FILL, Reason.NO_BLANK)
        return
    pieces = title.split(BLANK)
    explanation = _explanation(qi) or "".join(p + (fillers[i] if i < n else "") for i, p in enumerate(pieces))
    for k, answer in enumerate(fillers):
        stem = "".join(p + (BLANK if i == k else fillers[i] if i < n else "") for i, p in enumerate(pieces))
        accept = forms_of(an, answer)

        def build(
            rng: random.Random,
            shown: Set[str],
            stem: str = stem,
            answer: str = answer,
            accept: tuple[str, ...] = accept,
            index: int | None = k + 1 if n > 1 else None,
        ) -> Item:
            return make_item(
                ItemType.FILL,
                q,
                stem,
                [answer],
                accept=accept,
                explanation=explanation,
                index=index,
                authored=True,
                meta={"form": "authored"},
            )

        yield Plan(ItemType.FILL, q.id, q.id, build, priority=PRIORITY)


def plans(an: Analysis, qi: QInfo, tally: Tally, typ: ItemType) -> Iterator[Plan]:
    """The items of type `typ` an authored question gives as written (none for other types)."""
    kind = qi.q.kind
    if typ in (ItemType.CHOICE, ItemType.MULTI) and (kind is QuestionKind.CHOICE or qi.q.options):
        yield from _choice(qi, tally, typ)
    elif typ is ItemType.TF and kind is QuestionKind.TF:
        yield from _tf(qi, tally)
    elif typ is ItemType.FILL and kind is QuestionKind.FILL:
        yield from _fill(an, qi, tally)
