"""Attacks on the grader, built from a set of (question, reference) pairs: what a student who knows
how the grader works might write, and what a teacher gives for it.

==============  ============================================================  ===============
kind            the answer                                                    a teacher gives
==============  ============================================================  ===============
reference       the reference itself (the control)                            full marks
shuffled        the reference's own words, shuffled, no sentence              little or nothing
                (``数据结构 后进先出 栈``)
reversed        the reference with its key fact reversed: an antonym or        0, or a little
                mirror pair swapped (后进先出 -> 先进先出, > -> <), a negation
                removed or added, two roles swapped
question        the question copied                                           0
other           another question's reference (of the same course)             0
padded          the reference followed by filler and two other references     no more than
                                                                              the reference
==============  ============================================================  ===============

`build_attacks` makes them (seeded, reproducible); `run_attacks` grades them and summarises each
kind: mean score (fraction of full marks), the share flagged for review, and for reversed facts
the share that scores at most 0.5 or is flagged with a contradiction.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from quizgen.grade.align import same_answer
from quizgen.grade.keywords import grade_norm

if TYPE_CHECKING:
    from quizgen.grade.grader import Grader, GradeResult

KINDS = ("reference", "shuffled", "reversed", "question", "other", "padded")
# Issue 11's limits, per kind: (as said, test on the kind's summary).
LIMITS: dict[str, tuple[str, Callable[[KindSummary], bool]]] = {
    "shuffled": ("mean <= 0.35", lambda k: k.mean <= 0.35),
    "question": ("mean <= 0.1", lambda k: k.mean <= 0.1),
    "other": ("mean <= 0.2", lambda k: k.mean <= 0.2),
    "reversed": (">= 80% caught (<= 0.5 or flagged)", lambda k: (k.caught or 0.0) >= 0.8),
    "padded": ("never above the reference", lambda k: not k.above_reference),
}
FILLER = (
    "这个问题非常重要，我认为需要结合课堂所学认真思考。"
    "在实际应用中，我们应当具体问题具体分析，理论联系实际，不断总结经验。"
)
# Whole-word swaps for reversed facts, tried in this order.
_SYMBOL_SWAPS = (("大于", "小于"), ("高于", "低于"), (">", "<"), ("＞", "＜"), ("多于", "少于"))
_NEGATION_SWAPS = (
    ("没有", "有"),
    ("无法", "可以"),
    ("不能", "能"),
    ("不是", "是"),
    ("可以", "无法"),
    ("是", "不是"),
)
# 是 after these is no verb to negate (就是, 于是, 但是, 或是 ...).
_NOT_A_VERB_BEFORE = frozenset("不就即于但或也还都总正只若要凡像")


@dataclass(frozen=True)
class Source:
    """A question of the set attacks are built from."""

    question_id: str
    question: str
    reference: str


@dataclass(frozen=True)
class Attack:
    kind: str
    question_id: str
    question: str
    reference: str
    answer: str
    how: str = ""  # what was changed (reversed: "后进先出 -> 先进先出")

    def request(self) -> dict[str, Any]:
        return {"reference": self.reference, "question": self.question, "answer": self.answer}


@dataclass
class KindSummary:
    kind: str
    n: int = 0
    mean: float = 0.0
    max: float = 0.0
    flagged: float = 0.0  # share flagged needs_review
    caught: float | None = None  # reversed: share scoring <= 0.5 or flagged as contradicting
    above_reference: int | None = None  # padded: answers scoring more than the reference alone
    scores: list[float] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "kind": self.kind,
            "n": self.n,
            "mean": round(self.mean, 4),
            "max": round(self.max, 4),
            "flagged": round(self.flagged, 4),
        }
        if self.caught is not None:
            d["caught"] = round(self.caught, 4)
        if self.above_reference is not None:
            d["above_reference"] = self.above_reference
        return d


@functools.lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """jieba with its own dictionary only: the attacks must not depend on the words a bank taught
    the shared segmenter (then 局部感知 would stay whole in one run and split in another)."""
    from quizgen.text import segmenter

    t = segmenter().Tokenizer()
    t.initialize()
    return t


def _words(text: str) -> list[str]:
    """The reference's content words: jieba words without punctuation and function words."""
    from quizgen.grade.keywords import FUNCTION_WORDS

    out = []
    for w in _tokenizer().lcut(text):
        g = grade_norm(w)
        if g and g not in FUNCTION_WORDS and any(ch.isalnum() for ch in g):
            out.append(w.strip())
    return out


def shuffled(reference: str, rng: random.Random) -> str | None:
    words = _words(reference)
    if len(words) < 3:
        return None
    order = list(words)
    for _ in range(10):
        rng.shuffle(order)
        if order != words:
            break
    return " ".join(order)


_CLAUSE_END = re.compile(r"[，,；;。！？!?、\n：:]")


def _free(reference: str, i: int, table: Any) -> bool:
    """Whether the word at `i` is said plainly: no negation before it in its clause (reversing
    没有…显著 to 没有…不显著 would say the reference again, twice negated)."""
    start = max((m.end() for m in _CLAUSE_END.finditer(reference, 0, i)), default=0)
    return not table.negation_spans(reference[start:i])


def reversed_fact(reference: str, question: str, rng: random.Random) -> tuple[str, str] | None:
    """The reference with one key fact reversed, and what was changed; None if nothing applies.
    Tried in order: a listed antonym or mirror pair, a comparison, two roles the question contrasts,
    a negation removed or added. Only words said plainly are reversed (not 不正确 -> 不错误)."""
    from quizgen.grade.align import _question_roles
    from quizgen.grade.contradict import load_contradictions
    from quizgen.grade.keywords import AliasMap

    table = load_contradictions()
    words = sorted((w for w in table.opposites if len(w) >= 2 and w in reference), key=len, reverse=True)
    for w in words:
        # not inside a longer listed word (可靠 inside 不可靠)
        if any(w != o and w in o and o in reference for o in table.opposites):
            continue
        opposite = sorted(table.opposites[w])[0]
        if opposite in reference or not _free(reference, reference.find(w), table):
            continue
        # every mention, so the answer does not also say the fact the right way round
        return reference.replace(w, opposite), f"{w} -> {opposite}"
    for a, b in _SYMBOL_SWAPS:
        for x, y in ((a, b), (b, a)):
            i = reference.find(x)
            if i >= 0 and _free(reference, i, table):
                return reference[:i] + y + reference[i + len(x) :], f"{x} -> {y}"
    roles = _question_roles(question, reference, AliasMap()) if question else ()
    # the roles as the reference writes them (the comparison form is lower case)
    found = [m.group(0) for r in roles if (m := re.search(re.escape(r), reference, re.IGNORECASE))]
    if len(found) == 2 and found[0] not in found[1] and found[1] not in found[0]:
        a, b = found
        swapped = reference.replace(a, "\x00").replace(b, a).replace("\x00", b)
        return swapped, f"{a} <-> {b}"
    for x, y in _NEGATION_SWAPS:
        i = reference.find(x)
        if i < 0:
            continue
        before, after = reference[max(0, i - 1) : i], reference[i + len(x) : i + len(x) + 1]
        if x == "是" and (before in _NOT_A_VERB_BEFORE or after == "否"):
            continue
        if y.startswith(("不", "无")) and not _free(reference, i, table):
            continue
        return reference[:i] + y + reference[i + len(x) :], f"{x} -> {y}"
    m = re.search(r"不(?!是|仅|但|过|断|久|少|同)(\w{2})", reference)
    if m:
        return reference[: m.start()] + reference[m.start() + 1 :], f"不{m.group(1)} -> {m.group(1)}"
    return None


def build_attacks(sources: Sequence[Source], rng: random.Random) -> list[Attack]:
    """Every attack kind for every question that allows it (in source order, then kind order)."""
    out: list[Attack] = []
    for i, s in enumerate(sources):
        if not grade_norm(s.reference):
            continue

        def add(kind: str, answer: str, how: str = "", s: Source = s) -> None:
            out.append(Attack(kind, s.question_id, s.question, s.reference, answer, how))

        add("reference", s.reference)
        sh = shuffled(s.reference, rng)
        if sh is not None:
            add("shuffled", sh)
        rev = reversed_fact(s.reference, s.question, rng)
        if rev is not None:
            add("reversed", rev[0], rev[1])
        if grade_norm(s.question) and grade_norm(s.question) != grade_norm(s.reference):
            add("question", s.question)
        others = [
            o
            for j, o in enumerate(sources)
            if j != i and not same_answer(grade_norm(o.reference), grade_norm(s.reference))
        ]
        if others:
            add("other", rng.choice(others).reference)
        if len(others) >= 2:
            a, b = rng.sample(others, 2)
            add("padded", f"{s.reference}\n{FILLER}\n{a.reference}\n{b.reference}")
    return out


def sources_of(rows: Iterable[Any]) -> list[Source]:
    """One source per question of scored rows (anything with question_id, question, reference)."""
    seen: dict[str, Source] = {}
    for r in rows:
        seen.setdefault(r.question_id, Source(r.question_id, r.question, r.reference))
    return list(seen.values())


def summarise(attacks: Sequence[Attack], results: Sequence[Any]) -> list[KindSummary]:
    """Per kind: mean score and the rest (results: anything with fraction, needs_review, reason)."""
    by_kind: dict[str, KindSummary] = {k: KindSummary(k) for k in KINDS}
    reversed_caught = 0
    alone = {
        (a.question_id, a.reference): r.fraction
        for a, r in zip(attacks, results, strict=True)
        if a.kind == "reference"
    }
    above = 0
    for a, r in zip(attacks, results, strict=True):
        if a.kind == "padded":
            above += int(r.fraction > alone.get((a.question_id, a.reference), 1.0) + 1e-9)
        s = by_kind[a.kind]
        s.scores.append(r.fraction)
        s.n += 1
        s.flagged += int(r.needs_review)
        if a.kind == "reversed":
            reversed_caught += int(r.fraction <= 0.5 or (r.needs_review and "contradicts" in r.reason))
    for s in by_kind.values():
        if s.n:
            s.mean = sum(s.scores) / s.n
            s.max = max(s.scores)
            s.flagged /= s.n
    if by_kind["reversed"].n:
        by_kind["reversed"].caught = reversed_caught / by_kind["reversed"].n
    if by_kind["padded"].n:
        by_kind["padded"].above_reference = above
    return [s for s in by_kind.values() if s.n]


def run_attacks(
    grader: Grader, sources: Sequence[Source], seed: int = 0
) -> tuple[list[Attack], list[GradeResult], list[KindSummary]]:
    attacks = build_attacks(sources, random.Random(seed))
    results = list(grader.grade_many(a.request() for a in attacks))
    return attacks, results, summarise(attacks, results)
