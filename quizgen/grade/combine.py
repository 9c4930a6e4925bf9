"""How features become a score: a small monotone model, shipped as YAML and refitted by teachers.

A model is ``fraction = clip(intercept + sum(weight_i * feature_i ** power_i), 0, 1) ** curve``
with every weight >= 0, so a better keyword or semantic match can never lower a score. The curve
(< 1) gives partial answers the partial credit teachers give, without lifting a wrong answer off 0
or a full one past 1. The shipped default (``quizgen/data/grader_default.yaml``, refitted by
``python scripts/fit_default.py``) has one model for graders with an embedder (``semantic``) and
one for keyword-only grading (``keyword``), and with each a review rule: the estimated chance that
a teacher's score differs from the grader's by more than 0.3 (`Review`); above its threshold the
answer is flagged ``needs_review``. A calibration file written by ``quizgen grade calibrate`` has
the same form.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from quizgen.errors import GradeError

SCHEMA_VERSION = 2  # 2: curve, coverage, review rules; version 1 files still load
DEFAULT_RESOURCE = "grader_default.yaml"

# Features a model may use (see quizgen.grade.keywords.Lexical and Grader):
FEATURES: dict[str, str] = {
    "recall": "question-demoted character-unigram recall of the reference",
    "recall2": "question-demoted character-bigram recall of the reference",
    "precision": "share of the answer's own characters found in the reference",
    "key_points": "share of the reference's key points matched (aliases, word order, typos)",
    "coverage": "mean strength of the key points' alignment (a contradicted point: 0)",
    "length_ratio": "answer length / reference length (capped at 3), divided by 3",
    "cosine": "cosine(answer, reference) of the embedder (negative as 0)",
    "semantic": "the cosine rescaled so that the cosine floor (unrelated texts) is 0",
}
SEMANTIC_FEATURES = frozenset({"cosine", "semantic"})


@dataclass(frozen=True)
class Term:
    feature: str
    weight: float
    power: float = 1.0

    def value(self, features: Mapping[str, float | None]) -> float:
        v = features.get(self.feature)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return 0.0
        x = min(1.0, max(0.0, float(v)))
        return self.weight * (x**self.power if self.power != 1.0 else x)


@dataclass(frozen=True)
class Model:
    intercept: float
    terms: tuple[Term, ...]
    curve: float = 1.0

    def raw(self, features: Mapping[str, float | None]) -> float:
        return self.intercept + sum(t.value(features) for t in self.terms)

    def predict(self, features: Mapping[str, float | None]) -> float:
        """The score as a fraction of the maximum, 0..1."""
        x = min(1.0, max(0.0, self.raw(features)))
        return x**self.curve if self.curve != 1.0 else x

    @property
    def uses_semantic(self) -> bool:
        return any(t.feature in SEMANTIC_FEATURES and t.weight > 0 for t in self.terms)

    def to_dict(self) -> dict[str, Any]:
        return {
            "intercept": round(self.intercept, 6) + 0.0,
            **({"curve": self.curve} if self.curve != 1.0 else {}),
            "terms": [
                {
                    "feature": t.feature,
                    "weight": round(t.weight, 6) + 0.0,
                    **({"power": t.power} if t.power != 1.0 else {}),
                }
                for t in self.terms
            ],
        }


# What a review rule reads about a graded answer (see `Review.signals`).
REVIEW_SIGNALS: dict[str, str] = {
    "middle": "1 - |2 * score - 1|: 1 for a score of one half, 0 for 0 or full marks",
    "score": "the score as a fraction",
    "keyword": "the keyword part (recall ** keyword_power)",
    "gap": "semantic part minus keyword part (0 without an embedder)",
    "length": "answer length / reference length, capped at 3, divided by 3",
    "precision": "share of the answer's own characters found in the reference",
}


@dataclass(frozen=True)
class Review:
    """A logistic estimate of the chance that a teacher would score an answer more than 0.3 away
    from the grader; `threshold` on that chance flags it for review."""

    intercept: float = 0.0
    weights: Mapping[str, float] = field(default_factory=dict)
    threshold: float = 0.5

    @staticmethod
    def signals(
        fraction: float, keyword: float, semantic: float | None, features: Mapping[str, float | None]
    ) -> dict[str, float]:
        def f(name: str) -> float:
            v = features.get(name)
            return 0.0 if v is None else float(v)

        return {
            "middle": 1.0 - abs(2.0 * fraction - 1.0),
            "score": fraction,
            "keyword": keyword,
            "gap": 0.0 if semantic is None else semantic - keyword,
            "length": f("length_ratio"),
            "precision": f("precision"),
        }

    def chance(self, signals: Mapping[str, float]) -> float:
        z = self.intercept + sum(w * signals.get(k, 0.0) for k, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "intercept": round(self.intercept, 4) + 0.0,
            "weights": {k: round(v, 4) + 0.0 for k, v in self.weights.items()},
            "threshold": round(self.threshold, 4),
        }


@dataclass(frozen=True)
class Combination:
    """Everything the grader needs to turn features into a score, a confidence and a review flag."""

    semantic: Model  # used when the grader has an embedder
    keyword: Model  # used with --embedder none
    cosine_floor: float = 0.0  # cosine of unrelated texts: semantic = (cos - floor) / (1 - floor)
    keyword_power: float = 1.0  # the "keyword part" shown is recall ** keyword_power
    review_semantic: Review = field(default_factory=Review)
    review_keyword: Review = field(default_factory=Review)
    embedder: str = "use-m3"  # the embedder the semantic model was fitted with
    source: str = "default"
    info: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def semantic_part(self, cosine: float | None) -> float | None:
        if cosine is None:
            return None
        f = self.cosine_floor
        return min(1.0, max(0.0, (cosine - f) / (1.0 - f))) if f < 1 else 0.0

    def keyword_part(self, recall: float) -> float:
        return min(1.0, max(0.0, recall)) ** self.keyword_power

    def model_for(self, has_semantic: bool) -> Model:
        return self.semantic if has_semantic else self.keyword

    def confidence(
        self,
        fraction: float,
        keyword: float,
        semantic: float | None,
        features: Mapping[str, float | None] | None = None,
    ) -> tuple[float, bool]:
        """(confidence 0..1, needs_review): the confidence is the estimated chance that a
        teacher's score is within 0.3 of this one; review when the chance of a larger
        difference reaches the rule's threshold."""
        rule = self.review_semantic if semantic is not None else self.review_keyword
        p = rule.chance(Review.signals(fraction, keyword, semantic, features or {}))
        return round(1.0 - p, 3), p >= rule.threshold

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "embedder": self.embedder,
            "cosine_floor": round(self.cosine_floor, 6),
            "keyword_power": self.keyword_power,
            "models": {"semantic": self.semantic.to_dict(), "keyword": self.keyword.to_dict()},
            "review": {"semantic": self.review_semantic.to_dict(), "keyword": self.review_keyword.to_dict()},
        }
        if self.info:
            d["info"] = dict(self.info)
        return d


def dumps_combination(c: Combination, header: str = "") -> str:
    from quizgen.bank import dumps_yaml

    text = dumps_yaml(c.to_dict())
    if header:
        text = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) + text
    return text


# ---------------------------------------------------------------------------- loading


def _num(v: Any, path: str, where: str, *, lo: float | None = None, hi: float | None = None) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or math.isnan(float(v)):
        raise GradeError(f"{path}: expected a number, got {v!r}", where=where, hint=_HINT)
    x = float(v)
    if (lo is not None and x < lo) or (hi is not None and x > hi):
        raise GradeError(f"{path}: {x} is outside {lo}..{hi}", where=where, hint=_HINT)
    return x


_HINT = "re-create it with `quizgen grade calibrate HUMAN.csv -o FILE`"


def _model(d: Any, path: str, where: str) -> Model:
    if not isinstance(d, Mapping):
        raise GradeError(f"{path}: expected a mapping with intercept and terms", where=where, hint=_HINT)
    terms = []
    raw_terms = d.get("terms") or []
    if not isinstance(raw_terms, list):
        raise GradeError(f"{path}.terms: expected a list", where=where, hint=_HINT)
    for i, t in enumerate(raw_terms):
        tp = f"{path}.terms[{i}]"
        if not isinstance(t, Mapping):
            raise GradeError(f"{tp}: expected {{feature, weight}}", where=where, hint=_HINT)
        feat = t.get("feature")
        if feat not in FEATURES:
            raise GradeError(
                f"{tp}.feature: unknown feature {feat!r}; expected one of {', '.join(FEATURES)}",
                where=where,
                hint=_HINT,
            )
        terms.append(
            Term(
                feature=str(feat),
                weight=_num(t.get("weight"), f"{tp}.weight", where, lo=0.0),
                power=_num(t.get("power", 1.0), f"{tp}.power", where, lo=0.05, hi=20.0),
            )
        )
    return Model(
        intercept=_num(d.get("intercept", 0.0), f"{path}.intercept", where),
        terms=tuple(terms),
        curve=_num(d.get("curve", 1.0), f"{path}.curve", where, lo=0.1, hi=10.0),
    )


def _review(d: Any, path: str, where: str, default: Review) -> Review:
    if d is None:
        return default
    if not isinstance(d, Mapping):
        raise GradeError(
            f"{path}: expected a mapping with intercept, weights, threshold", where=where, hint=_HINT
        )
    weights = d.get("weights") or {}
    if not isinstance(weights, Mapping):
        raise GradeError(f"{path}.weights: expected a mapping", where=where, hint=_HINT)
    for k in weights:
        if k not in REVIEW_SIGNALS:
            raise GradeError(
                f"{path}.weights: unknown signal {k!r}; expected one of {', '.join(REVIEW_SIGNALS)}",
                where=where,
                hint=_HINT,
            )
    return Review(
        intercept=_num(d.get("intercept", 0.0), f"{path}.intercept", where),
        weights={str(k): _num(v, f"{path}.weights.{k}", where) for k, v in weights.items()},
        threshold=_num(d.get("threshold", 0.5), f"{path}.threshold", where, lo=0.0, hi=1.0),
    )


def combination_from_dict(data: Any, where: str) -> Combination:
    if not isinstance(data, Mapping):
        raise GradeError("expected a mapping (a grader calibration file)", where=where, hint=_HINT)
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise GradeError(
            f"schema_version {version!r} is not one this quizgen understands", where=where, hint=_HINT
        )
    models = data.get("models")
    if not isinstance(models, Mapping) or "semantic" not in models or "keyword" not in models:
        raise GradeError("models: expected models.semantic and models.keyword", where=where, hint=_HINT)
    info = data.get("info") or {}
    review = data.get("review") or {}
    if not isinstance(review, Mapping):
        raise GradeError("review: expected review.semantic and review.keyword", where=where, hint=_HINT)
    # A file without review rules (schema 1, or a hand-written one) takes the shipped ones.
    base = None if where == "default" else default_combination()
    return Combination(
        semantic=_model(models["semantic"], "models.semantic", where),
        keyword=_model(models["keyword"], "models.keyword", where),
        cosine_floor=_num(data.get("cosine_floor", 0.0), "cosine_floor", where, lo=-1.0, hi=0.99),
        keyword_power=_num(data.get("keyword_power", 1.0), "keyword_power", where, lo=0.05, hi=20.0),
        review_semantic=_review(
            review.get("semantic"), "review.semantic", where, base.review_semantic if base else Review()
        ),
        review_keyword=_review(
            review.get("keyword"), "review.keyword", where, base.review_keyword if base else Review()
        ),
        embedder=str(data.get("embedder") or "use-m3"),
        source=where,
        info=dict(info) if isinstance(info, Mapping) else {},
    )


def loads_combination(text: str, where: str) -> Combination:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise GradeError(f"not valid YAML: {getattr(e, 'problem', e)}", where=where, hint=_HINT) from None
    return combination_from_dict(data, where)


def load_combination(path: str | Path) -> Combination:
    from quizgen.bank import read_text_file

    p = Path(path)
    return loads_combination(read_text_file(p), str(p))


_DEFAULT: Combination | None = None


def default_combination() -> Combination:
    """The shipped default (package data), read once."""
    global _DEFAULT
    if _DEFAULT is None:
        from importlib.resources import files

        res = files("quizgen") / "data" / DEFAULT_RESOURCE
        try:
            text = res.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise GradeError(
                "the shipped grader default is missing from the installation",
                where=str(res),
                hint="reinstall quizgen, or refit it with `python scripts/fit_default.py`",
            ) from None
        _DEFAULT = replace(loads_combination(text, "default"), source="default")
    return _DEFAULT
