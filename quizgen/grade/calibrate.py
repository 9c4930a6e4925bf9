"""Fit the combination to a teacher's own scored answers.

The model stays monotone and small: ``fraction = clip(b + sum(w_j * f_j ** p_j)) ** curve`` with
every ``w_j >= 0``, fitted by non-negative ridge regression (coordinate descent) that shrinks
towards the shipped default, so a few dozen answers cannot drag it far from something that works.
The feature powers and the curve are fixed (the shipped default's): only weights and intercept are
fitted, on the teacher's scores taken to the power 1 / curve. The guards (contradictions, copied
question, salad, off-topic) apply on top, as in grading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from quizgen.errors import GradeError
from quizgen.grade.combine import SEMANTIC_FEATURES, Combination, Model, Term
from quizgen.grade.evaluate import Features

if TYPE_CHECKING:
    import numpy as np

# Candidate terms (feature, power) a calibration may weight besides the base model's own.
# Measured with question-grouped CV (benchmarks/bench_grade.py): recall carries most of it;
# coverage, recall2, precision and length add a little.
CALIBRATION_TERMS: tuple[tuple[str, float], ...] = (
    ("recall", 0.8),
    ("coverage", 1.0),
    ("recall2", 0.7),
    ("precision", 1.0),
    ("key_points", 1.0),
    ("length_ratio", 1.0),
    ("cosine", 1.0),
)
DEFAULT_L2 = 0.02
MIN_ROWS = 10


def design(feats: Sequence[Features], terms: Sequence[tuple[str, float]]) -> np.ndarray:
    import numpy as np

    x = np.zeros((len(feats), len(terms)), dtype=float)
    for i, f in enumerate(feats):
        for j, (name, power) in enumerate(terms):
            v = f.get(name)
            if v is not None:
                x[i, j] = min(1.0, max(0.0, float(v))) ** power
    return x


def nonneg_ridge(
    x: np.ndarray, y: np.ndarray, prior: np.ndarray, l2: float, iters: int = 300
) -> tuple[float, np.ndarray]:
    """min ||y - b - Xw||^2 + l2*n*||w - prior||^2 subject to w >= 0 (b free)."""
    import numpy as np

    n, k = x.shape
    xm, ym = x.mean(0), y.mean()
    xc, yc = x - xm, y - ym
    lam = l2 * n
    w = np.clip(prior.astype(float).copy(), 0, None)
    col_sq = (xc * xc).sum(0)
    r = yc - xc @ w
    for _ in range(iters):
        delta = 0.0
        for j in range(k):
            old = w[j]
            rho = xc[:, j] @ r + col_sq[j] * old + lam * prior[j]
            new = max(0.0, rho / (col_sq[j] + lam)) if col_sq[j] + lam > 0 else 0.0
            if new != old:
                r -= xc[:, j] * (new - old)
                w[j] = new
                delta = max(delta, abs(new - old))
        if delta < 1e-9:
            break
    return float(ym - xm @ w), w


def _prior(model: Model, terms: Sequence[tuple[str, float]]) -> np.ndarray:
    import numpy as np

    weights = {(t.feature, t.power): t.weight for t in model.terms}
    return np.array([weights.get(t, 0.0) for t in terms], dtype=float)


def fit_model(
    feats: Sequence[Features],
    y: Sequence[float],
    terms: Sequence[tuple[str, float]],
    prior_model: Model,
    l2: float = DEFAULT_L2,
) -> Model:
    import numpy as np

    keep = [i for i, f in enumerate(feats) if f]
    if len(keep) < 2:
        return prior_model
    # the base model's own terms first (their weights are the prior), then the candidates
    terms = list(dict.fromkeys([*((t.feature, t.power) for t in prior_model.terms), *terms]))
    x = design([feats[i] for i in keep], terms)
    yy = np.clip(np.asarray([y[i] for i in keep], dtype=float), 0.0, 1.0) ** (1.0 / prior_model.curve)
    b, w = nonneg_ridge(x, yy, _prior(prior_model, terms), l2)
    return Model(
        intercept=b,
        terms=tuple(
            Term(name, float(wj), power) for (name, power), wj in zip(terms, w, strict=True) if wj > 1e-6
        ),
        curve=prior_model.curve,
    )


def calibrate(
    feats: Sequence[Features],
    y: Sequence[float],
    base: Combination,
    *,
    embedder: str,
    terms: Sequence[tuple[str, float]] = CALIBRATION_TERMS,
    l2: float = DEFAULT_L2,
    info: dict[str, Any] | None = None,
) -> Combination:
    """A combination fitted to (features, human fraction) pairs, starting from `base`."""
    usable = sum(1 for f in feats if f)
    if usable < MIN_ROWS:
        raise GradeError(
            f"only {usable} scored non-empty answers; calibration needs at least {MIN_ROWS}",
            hint="score more answers by hand, or keep the shipped default",
        )
    has_semantic = any(f.get("cosine") is not None for f in feats if f)
    kw_terms = [t for t in terms if t[0] not in SEMANTIC_FEATURES]
    keyword = fit_model(feats, y, kw_terms, base.keyword, l2)
    semantic = fit_model(feats, y, terms, base.semantic, l2) if has_semantic else base.semantic
    return replace(
        base,
        semantic=semantic,
        keyword=keyword,
        embedder=embedder if has_semantic else base.embedder,
        source="calibration",
        info=info or {},
    )
