"""Bank -> quiz items: choice, multi, fill, order, match, tf, short.

    from quizgen.generate import generate
    result = generate(bank, n=20, types=None, rng=random.Random(7))
    result.items   # list[Item]
    result.report  # made per type, candidates rejected per reason

Pure: randomness only through the `rng` passed in, so the same seed gives the same items.
Near-duplicate questions (``duplicate_of``) are skipped. Items are spread over the questions
(round robin in a seeded order) and over the types (each question's next item is of the type
used least so far), and one quiz does not test the same fact twice while other facts remain.

Every candidate item is planned from the bank once (the analysis is cached per bank); only
the choices among equally good distractors and the option order use the rng.
"""

from __future__ import annotations

import functools
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from quizgen.bank import Bank
from quizgen.generate import authored, choice, fill, match, order, prose, short, tf
from quizgen.generate.common import Analysis, Plan, QInfo, Reason, Tally, analyze
from quizgen.items import Item, ItemType

__all__ = ["ALL_TYPES", "GenerationReport", "GenerationResult", "generate", "parse_types"]

ALL_TYPES: tuple[ItemType, ...] = (
    ItemType.CHOICE,
    ItemType.MULTI,
    ItemType.FILL,
    ItemType.ORDER,
    ItemType.MATCH,
    ItemType.TF,
    ItemType.SHORT,
)

Planner = Callable[[Analysis, QInfo, Tally], Iterable[Plan]]

# Per type, the planners in order: from lists and definitions of "what is X" questions, then
# from facts read in prose (`quizgen.generate.prose`).
PLANNERS: dict[ItemType, tuple[Planner, ...]] = {
    ItemType.CHOICE: (choice.plans, prose.choice_plans),
    ItemType.MULTI: (choice.multi_plans,),
    ItemType.FILL: (fill.plans, prose.fill_plans),
    ItemType.ORDER: (order.plans,),
    ItemType.MATCH: (match.plans,),
    ItemType.TF: (tf.plans, prose.tf_plans),
    ItemType.SHORT: (short.plans,),
}


# How much one item of a type counts when types are balanced: a short answer counts twice, so a
# quiz of all types is mostly objective items (a paper of only 简答题 is not what was asked for)
# and a question with an objective candidate gives it before its short answer.
TYPE_WEIGHT: dict[ItemType, int] = {ItemType.SHORT: 2}


@dataclass(frozen=True)
class GenerationReport:
    """What `generate` made and what it left out, and why."""

    made: dict[ItemType, int]  # items returned, per type
    candidates: dict[ItemType, int]  # candidate items planned, per type
    rejected: dict[ItemType, dict[str, int]]  # candidate items rejected, per type and reason
    distractors_rejected: dict[ItemType, dict[str, int]]  # distractors turned down, per reason
    questions: int  # questions in the bank
    questions_used: int  # unique questions with at least one item
    skipped_duplicates: int
    skipped_no_answer: int
    requested: int
    types: tuple[ItemType, ...]

    @property
    def total(self) -> int:
        return sum(self.made.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "requested": self.requested,
            "made": self.total,
            "by_type": {
                t.value: {
                    "made": self.made.get(t, 0),
                    "candidates": self.candidates.get(t, 0),
                    "rejected": dict(self.rejected.get(t, {})),
                    "distractors_rejected": dict(self.distractors_rejected.get(t, {})),
                }
                for t in self.types
            },
            "questions": self.questions,
            "questions_used": self.questions_used,
            "skipped_duplicates": self.skipped_duplicates,
            "skipped_no_answer": self.skipped_no_answer,
        }

    def lines(self) -> list[str]:
        """A plain-text report, one line per fact.

        Per type: the items made, then the candidates considered (usable + rejected) and the
        rejected ones by reason, so "made 0; 8 candidates considered, 8 rejected (...)" cannot
        read as "made 0 of 0 candidates" next to 8 rejections."""

        def n_of(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        out = [
            f"{n_of(self.total, 'item')} (asked for {self.requested}) from "
            f"{n_of(self.questions_used, 'question')}; "
            f"{self.skipped_duplicates} near-duplicate questions skipped"
            + (f", {self.skipped_no_answer} without answer" if self.skipped_no_answer else "")
        ]
        for t in self.types:
            rej = self.rejected.get(t, {})
            n_rej = sum(rej.values())
            considered = self.candidates.get(t, 0) + n_rej
            line = f"  {t.value:<7} made {self.made.get(t, 0):>3}; "
            if not considered:
                line += "no candidates"
            else:
                line += f"{considered:>3} candidates considered, {n_rej} rejected"
            if rej:
                line += (
                    " (" + ", ".join(f"{r} {n}" for r, n in sorted(rej.items(), key=lambda kv: -kv[1])) + ")"
                )
            out.append(line)
            drej = self.distractors_rejected.get(t, {})
            if drej:
                out.append(
                    "          distractors turned down: "
                    + ", ".join(f"{r} {n}" for r, n in sorted(drej.items(), key=lambda kv: -kv[1]))
                )
        return out


@dataclass(frozen=True)
class GenerationResult:
    items: list[Item]
    report: GenerationReport = field(compare=False)


@dataclass(frozen=True)
class _Planned:
    plans: tuple[Plan, ...]
    tally: Tally


@functools.lru_cache(maxsize=32)
def _planned(bank: Bank, typ: ItemType) -> _Planned:
    an = analyze(bank)
    if typ not in (ItemType.ORDER, ItemType.SHORT):  # the others segment text with jieba
        _prepare_words(an)
    tally = Tally()
    plans: list[Plan] = []
    for qi in an.questions:
        if authored.is_authored(qi):
            # asked as written; its answer (a letter, 对/错, blank fillers) is no text to read
            plans.extend(authored.plans(an, qi, tally, typ))
            if typ is ItemType.SHORT:
                tally.reject(typ, Reason.AUTHORED)
            continue
        if not qi.q.has_answer and typ in (ItemType.SHORT,):
            tally.reject(typ, Reason.NO_ANSWER)
            continue
        for planner in PLANNERS[typ]:
            plans.extend(planner(an, qi, tally))
    return _Planned(tuple(plans), tally)


def _prepare_words(an: Analysis) -> None:
    """Teach jieba the bank's terms so 卷积神经网络 stays one word. (jieba's dictionary is
    process-wide: words of a bank planned earlier stay known, which can only keep more terms
    whole.)"""
    from quizgen.text import add_words

    add_words(an.vocabulary)


def parse_types(spec: str | Sequence[str] | None) -> tuple[ItemType, ...]:
    """'choice,fill' -> (CHOICE, FILL); None or 'all' -> every type. ValueError names the bad one."""
    if spec is None:
        return ALL_TYPES
    parts = [p.strip().lower() for p in (spec.split(",") if isinstance(spec, str) else spec)]
    parts = [p for p in parts if p]
    if not parts or parts == ["all"]:
        return ALL_TYPES
    out: list[ItemType] = []
    for p in parts:
        try:
            t = ItemType(p)
        except ValueError:
            raise ValueError(p) from None
        if t not in out:
            out.append(t)
    return tuple(out)


def generate(
    bank: Bank,
    *,
    n: int = 20,
    types: Sequence[ItemType] | None = None,
    rng: random.Random,
    per_question: int | None = None,
) -> GenerationResult:
    """Up to `n` items of the given types (None = all), at most `per_question` per question.

    Deterministic for a given rng state. Fewer than `n` items come back when the bank has no
    more good candidates; the report says which and why.
    """
    wanted: tuple[ItemType, ...] = tuple(dict.fromkeys(types)) if types else ALL_TYPES
    an = analyze(bank)
    planned = {t: _planned(bank, t) for t in wanted}
    by_q: dict[str, list[Plan]] = {qi.q.id: [] for qi in an.questions}
    for t in wanted:
        for p in planned[t].plans:
            by_q[p.qid].append(p)
    items = _select(by_q, wanted, n, per_question, rng)
    tally_items: Counter[tuple[ItemType, Reason]] = Counter()
    tally_dis: Counter[tuple[ItemType, Reason]] = Counter()
    for t in wanted:
        tally_items.update(planned[t].tally.items)
        tally_dis.update(planned[t].tally.distractors)
    made = Counter(it.type for it in items)
    report = GenerationReport(
        made={t: made.get(t, 0) for t in wanted},
        candidates={t: len(planned[t].plans) for t in wanted},
        rejected=_by_type(tally_items, wanted),
        distractors_rejected=_by_type(tally_dis, wanted),
        questions=len(bank.questions),
        questions_used=len({it.question_id for it in items}),
        skipped_duplicates=an.skipped_duplicates,
        skipped_no_answer=an.skipped_no_answer,
        requested=n,
        types=wanted,
    )
    return GenerationResult(items=items, report=report)


def _by_type(
    c: Counter[tuple[ItemType, Reason]], types: Sequence[ItemType]
) -> dict[ItemType, dict[str, int]]:
    out: dict[ItemType, dict[str, int]] = {t: {} for t in types}
    for (t, r), k in sorted(c.items(), key=lambda kv: (kv[0][0].value, kv[0][1].value)):
        if t in out:
            out[t][r.value] = k
    return out


def _conflicts(fact: str, used: set[str]) -> bool:
    """Facts are paths (``q``, ``q/def``, ``q/2``, ``q/2/1``); two conflict when one is the
    other or contains it: a list asked as a whole gives its items away, and a short answer
    (fact ``q``) the whole question."""
    return any(fact == u or fact.startswith(u + "/") or u.startswith(fact + "/") for u in used)


def _select(
    by_q: dict[str, list[Plan]],
    types: Sequence[ItemType],
    n: int,
    per_question: int | None,
    rng: random.Random,
) -> list[Item]:
    order = [qid for qid, ps in by_q.items() if ps]
    rng.shuffle(order)
    # The notes' own questions come round first (asked as written before generated items), then
    # those that can give an objective item: a short quiz from a large bank is not all 简答题.
    order.sort(
        key=lambda qid: (
            min(p.priority for p in by_q[qid]) >= 0,
            all(p.type is ItemType.SHORT for p in by_q[qid]),
        )
    )
    # Within a question and type: best priority first, ties in a seeded order.
    pools: dict[str, list[Plan]] = {}
    for qid in order:
        ps = list(by_q[qid])
        rng.shuffle(ps)
        ps.sort(key=lambda p: p.priority)
        pools[qid] = ps
    type_rank = {t: i for i, t in enumerate(types)}
    used_type: Counter[ItemType] = Counter()
    per_q: Counter[str] = Counter()
    facts: dict[str, set[str]] = {qid: set() for qid in order}
    keys: set[str] = set()
    taken: set[int] = set()
    out: list[Item] = []
    ids: set[str] = set()
    shown: set[str] = set()  # option texts of the items so far: later items offer others first
    for strict in (True, False):
        progress = True
        while len(out) < n and progress:
            progress = False
            for qid in order:
                if len(out) >= n:
                    break
                if per_question is not None and per_q[qid] >= per_question:
                    continue
                avail = [
                    p
                    for p in pools[qid]
                    if id(p) not in taken
                    # once a question's facts run out its lists may be asked again, but a term
                    # asked anywhere is never asked twice (the same gap in two answers' sentences)
                    and not (p.keys & keys or (strict and _conflicts(p.fact, facts[qid])))
                ]
                if not avail:
                    continue
                present = {p.type for p in avail}
                jitter = {t: rng.random() for t in sorted(present, key=type_rank.__getitem__)}
                typ = min(present, key=lambda t: (used_type[t] * TYPE_WEIGHT.get(t, 1), jitter[t]))
                plan = next(p for p in avail if p.type is typ)
                taken.add(id(plan))
                progress = True
                item = plan.build(rng, shown)
                if item.id in ids:
                    continue
                ids.add(item.id)
                out.append(item)
                shown.update(item.options)
                used_type[typ] += 1
                per_q[qid] += 1
                facts[qid].add(plan.fact)
                keys.update(plan.keys)
    return out
