"""From an answer's features to its score, the points it lost and whether a teacher should look.

The combination (``quizgen.grade.combine``) estimates the score from coverage, recall and
similarity; then the guards take away what the answer has not earned, each said in words:

- a contradicted key point earns nothing: its share of the score goes (``contradicts the
  reference``), and the answer is flagged with both phrases;
- an answer that mostly copies the question is scored on its words alone (its similarity to the
  reference comes from the question), so it earns only the key points it adds;
- an answer with no sentence structure (the reference's words in another order, or words torn out
  of a list's items) keeps the list items it names, in proportion to how much of it is items, and
  each statement of the reference earns it at most SALAD_CAP of its share; flagged;
- an answer that matches another question's reference better than its own (``off-topic``) earns
  only the share of its own key points it names; flagged.

The same function serves grading, `quizgen grade evaluate` and calibration, so the figures
measure what teachers get.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from quizgen.grade.combine import Combination

SALAD_CAP = 0.35
# Off-topic: another question's reference scores at least this, and this much more than its own.
OFF_TOPIC_MIN = 0.6
OFF_TOPIC_MARGIN = 0.3


@dataclass(frozen=True)
class Deduction:
    label: str  # what happened, e.g. "contradicts the reference (1 of 3 key points)"
    lost: float  # fraction of full marks taken away (0 when the score was capped to the same)


@dataclass(frozen=True)
class Verdict:
    fraction: float  # 0..1
    model: float  # the combination's estimate before the guards
    deductions: tuple[Deduction, ...] = ()
    flags: tuple[str, ...] = ()  # why a teacher must look: "contradiction", "salad", "off-topic"
    confidence: float = 1.0  # estimated chance that a teacher's score is within 0.3 of this one
    needs_review: bool = False  # a flag, or that chance too low (the combination's review rule)


def _f(features: Mapping[str, float | None], name: str) -> float:
    v = features.get(name)
    return 0.0 if v is None else float(v)


def decide(comb: Combination, features: Mapping[str, float | None]) -> Verdict:
    """The score of one answer from its features (an empty mapping: an empty answer, 0)."""
    if not features:
        return Verdict(0.0, 0.0)
    frac, model, deductions, flags = _guarded(comb, features)
    keyword = comb.keyword_part(_f(features, "recall"))
    cos = features.get("cosine")
    # a copied question was scored without its similarity; so is its confidence
    semantic = None if cos is None or _f(features, "copy") > 0 else comb.semantic_part(float(cos))
    conf, review = comb.confidence(frac, keyword, semantic, features)
    if flags:
        conf, review = min(conf, 0.5), True
    return Verdict(frac, model, deductions, flags, conf, review)


def _guarded(
    comb: Combination, features: Mapping[str, float | None]
) -> tuple[float, float, tuple[Deduction, ...], tuple[str, ...]]:
    has_semantic = features.get("cosine") is not None
    copied = _f(features, "copy") > 0
    if copied:
        # What the answer adds beyond the question: its recall (question words count for nothing)
        # bounds its coverage, and its similarity to the reference comes from the question.
        features = {**features, "coverage": min(_f(features, "coverage"), _f(features, "recall"))}
    model = comb.model_for(has_semantic and not copied).predict(features)
    frac = model
    deductions: list[Deduction] = []
    flags: list[str] = []
    if copied:
        without = comb.model_for(has_semantic).predict(features)
        if without > frac:
            deductions.append(Deduction("copies the question: scored on what it adds", without - frac))
    rival = features.get("rival")
    if rival is not None and rival >= OFF_TOPIC_MIN and rival >= model + OFF_TOPIC_MARGIN:
        # only the key points it does name count; partial overlaps are the course's shared words
        own = min(frac, _f(features, "key_points"))
        deductions.append(Deduction("off-topic: it answers another question", frac - own))
        frac = own
        flags.append("off-topic")
    share = _f(features, "contradicted")
    if share > 0:
        kept = frac * (1.0 - share)
        deductions.append(Deduction("contradicts the reference", frac - kept))
        frac = kept
        flags.append("contradiction")
    salad = _f(features, "salad")
    if salad > 0:
        # the list items it names and a little of each statement, in proportion to how much of
        # it is the reference's items (a pile of torn words around them earns less)
        cap = (_f(features, "term_share") + SALAD_CAP * _f(features, "sentence_share")) * salad
        if frac > cap:
            deductions.append(
                Deduction(
                    f"no sentence structure (the reference's words in another order): capped at {cap:.2g}",
                    frac - cap,
                )
            )
            frac = cap
            flags.append("salad")
    return min(1.0, max(0.0, frac)), model, tuple(deductions), tuple(flags)
