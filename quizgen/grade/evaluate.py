"""Agreement with human graders: Pearson, Spearman, QWK, RMSE, per question, with grouped CV.

All metrics are on the fraction scale (score / max_score). QWK compares both sides rounded to
tenths (11 levels), so sets on 0-1 and 0-5 scales are measured alike.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizgen.errors import InputError
from quizgen.grade.combine import Combination
from quizgen.grade.io import read_rows

if TYPE_CHECKING:
    import numpy as np

    from quizgen.grade.grader import Grader

QWK_LEVELS = 11
Features = Mapping[str, float | None]


# ---------------------------------------------------------------------------- metrics


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    import numpy as np

    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def _ranks(x: np.ndarray) -> np.ndarray:
    import numpy as np

    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(len(x), dtype=float)
    xs = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and xs[j + 1] == xs[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0
        i = j + 1
    return ranks


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    import numpy as np

    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(a) < 2:
        return None
    return pearson(list(_ranks(a)), list(_ranks(b)))


def qwk(x: Sequence[float], y: Sequence[float], levels: int = QWK_LEVELS) -> float | None:
    """Quadratic weighted kappa of two fraction-scale scorings rounded to `levels` levels."""
    import numpy as np

    a = np.clip(np.rint(np.asarray(x, dtype=float) * (levels - 1)), 0, levels - 1).astype(int)
    b = np.clip(np.rint(np.asarray(y, dtype=float) * (levels - 1)), 0, levels - 1).astype(int)
    if len(a) < 2:
        return None
    obs = np.zeros((levels, levels))
    np.add.at(obs, (a, b), 1)
    w = (np.subtract.outer(np.arange(levels), np.arange(levels)) ** 2) / (levels - 1) ** 2
    exp = np.outer(obs.sum(1), obs.sum(0)) / obs.sum()
    den = (w * exp).sum()
    if den == 0:
        return None
    return float(1 - (w * obs).sum() / den)


def rmse(x: Sequence[float], y: Sequence[float]) -> float | None:
    import numpy as np

    if not len(x):
        return None
    d = np.asarray(x, dtype=float) - np.asarray(y, dtype=float)
    return float(math.sqrt(float((d * d).mean())))


def metrics(pred: Sequence[float], human: Sequence[float]) -> dict[str, float | int | None]:
    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 4)

    return {
        "n": len(pred),
        "pearson": r(pearson(pred, human)),
        "spearman": r(spearman(pred, human)),
        "qwk": r(qwk(pred, human)),
        "rmse": r(rmse(pred, human)),
    }


# ---------------------------------------------------------------------------- human-scored data


@dataclass(frozen=True)
class HumanRow:
    question_id: str
    question: str
    reference: str
    answer: str
    score: float
    max_score: float

    @property
    def fraction(self) -> float:
        return min(1.0, max(0.0, self.score / self.max_score))

    def request(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "answer": self.answer,
            "question": self.question,
            "max_score": self.max_score,
        }


@dataclass
class HumanSet:
    path: str
    rows: list[HumanRow]
    skipped: list[str] = field(default_factory=list)  # "line N: reason"

    @property
    def questions(self) -> int:
        return len({r.question_id for r in self.rows})


def _float(s: str) -> float | None:
    try:
        v = float(s.strip())
    except (ValueError, AttributeError):
        return None
    return v if math.isfinite(v) else None


def load_human(path: str | Path, *, encoding: str | None = None, fmt: str | None = None) -> HumanSet:
    """A human-scored pairs file: question, reference_answer, student_answer, score[, max_score,
    question_id]. Rows without a usable score are skipped (and listed)."""
    p = Path(path)
    rows: list[HumanRow] = []
    skipped: list[str] = []
    saw_score_column = False
    for r in read_rows(p, pairs=True, fmt=fmt, encoding=encoding):
        if "score" in r.fields:
            saw_score_column = True
        if r.error:
            skipped.append(f"line {r.line}: {r.error}")
            continue
        score = _float(r.get("score"))
        mx = _float(r.get("max_score")) if r.get("max_score").strip() else 1.0
        if score is None:
            skipped.append(f"line {r.line}: no score")
            continue
        if mx is None or mx <= 0:
            skipped.append(f"line {r.line}: bad max_score {r.get('max_score')!r}")
            continue
        if score < 0 or score > mx:
            skipped.append(f"line {r.line}: score {score} outside 0..{mx}")
            continue
        qid = r.get("question_id") or r.get("question") or r.get("reference_answer")
        rows.append(
            HumanRow(qid, r.get("question"), r.get("reference_answer"), r.get("student_answer"), score, mx)
        )
    if not saw_score_column and not rows:
        raise InputError(
            "missing column: score (human scores are needed to calibrate or evaluate)",
            where=str(p),
            hint="columns: question, reference_answer, student_answer, score, max_score",
        )
    if not rows:
        raise InputError(
            "no scored rows", where=str(p), hint="each row needs a numeric score (and max_score)"
        )
    return HumanSet(str(p), rows, skipped)


def compute_features(grader: Grader, rows: Iterable[HumanRow]) -> list[dict[str, float | None]]:
    return [dict(f) for _req, f in grader.features_many(r.request() for r in rows)]


def predict(comb: Combination, feats: Features) -> float:
    """The fraction a combination gives a row with these features, guards included (0 for empty
    answers): exactly what the grader gives."""
    from quizgen.grade.verdict import decide

    return decide(comb, feats).fraction


# ---------------------------------------------------------------------------- reports


@dataclass
class QuestionStat:
    question_id: str
    n: int
    human_mean: float
    auto_mean: float
    pearson: float | None
    mae: float


@dataclass
class Report:
    metrics: dict[str, float | int | None]
    per_question: list[QuestionStat]
    predictions: list[float]
    model: str
    cv: int | None = None
    review_rate: float | None = None
    review_mae: tuple[float | None, float | None] = (None, None)  # MAE of flagged / not flagged rows
    info: dict[str, Any] = field(default_factory=dict)
    mean: float = 0.0  # the grader's average score (fraction of full marks)
    human_mean: float = 0.0  # the teachers'

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = dict(self.metrics)
        d["mean"] = round(self.mean, 4)
        d["human_mean"] = round(self.human_mean, 4)
        d["model"] = self.model
        d["cv"] = self.cv
        if self.review_rate is not None:
            d["needs_review_rate"] = round(self.review_rate, 4)
            d["mae_needs_review"] = _r(self.review_mae[0])
            d["mae_confident"] = _r(self.review_mae[1])
        d.update(self.info)
        d["per_question"] = [
            {
                "question_id": q.question_id,
                "n": q.n,
                "human_mean": round(q.human_mean, 4),
                "auto_mean": round(q.auto_mean, 4),
                "pearson": _r(q.pearson),
                "mae": round(q.mae, 4),
            }
            for q in self.per_question
        ]
        return d


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 4)


def per_question(rows: Sequence[HumanRow], pred: Sequence[float]) -> list[QuestionStat]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[r.question_id].append(i)
    out = []
    for qid, idx in groups.items():
        h = [rows[i].fraction for i in idx]
        a = [pred[i] for i in idx]
        out.append(
            QuestionStat(
                qid,
                len(idx),
                sum(h) / len(h),
                sum(a) / len(a),
                pearson(a, h),
                sum(abs(x - y) for x, y in zip(a, h, strict=True)) / len(idx),
            )
        )
    return out


def make_report(
    rows: Sequence[HumanRow],
    feats: Sequence[Features],
    pred: Sequence[float],
    model: str,
    comb: Combination | None = None,
    cv: int | None = None,
) -> Report:
    human = [r.fraction for r in rows]
    rep = Report(metrics(pred, human), per_question(rows, pred), list(pred), model, cv)
    rep.mean = sum(pred) / len(pred) if pred else 0.0
    rep.human_mean = sum(human) / len(human) if human else 0.0
    if comb is not None:
        from quizgen.grade.verdict import decide

        flagged: list[float] = []
        calm: list[float] = []
        for f, p, h in zip(feats, pred, human, strict=True):
            review = bool(f) and decide(comb, f).needs_review
            (flagged if review else calm).append(abs(p - h))
        rep.review_rate = len(flagged) / max(1, len(pred))
        rep.review_mae = (
            sum(flagged) / len(flagged) if flagged else None,
            sum(calm) / len(calm) if calm else None,
        )
    return rep


# ---------------------------------------------------------------------------- grouped CV


def question_folds(rows: Sequence[HumanRow], k: int, seed: int = 0) -> list[int]:
    """Fold number of each row; all answers to one question share a fold."""
    qids = sorted({r.question_id for r in rows})
    if k < 2 or k > len(qids):
        raise InputError(
            f"--cv {k} needs between 2 and {len(qids)} folds (the file has {len(qids)} questions)",
            hint="folds are grouped by question",
        )
    rng = random.Random(seed)
    rng.shuffle(qids)
    fold_of = {q: i % k for i, q in enumerate(qids)}
    return [fold_of[r.question_id] for r in rows]


def cross_validate(
    rows: Sequence[HumanRow],
    feats: Sequence[Features],
    k: int,
    fit: Callable[[Sequence[Features], Sequence[float]], Combination],
    seed: int = 0,
) -> list[float]:
    """Out-of-fold predictions: fit on k-1 folds of questions, predict the held-out questions."""
    folds = question_folds(rows, k, seed)
    pred = [0.0] * len(rows)
    human = [r.fraction for r in rows]
    for f in range(k):
        train = [i for i, x in enumerate(folds) if x != f]
        comb = fit([feats[i] for i in train], [human[i] for i in train])
        for i, x in enumerate(folds):
            if x == f:
                pred[i] = predict(comb, feats[i])
    return pred
