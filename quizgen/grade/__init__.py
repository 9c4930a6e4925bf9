"""Grading free-text answers: keyword coverage plus semantic similarity, calibrated on human scores.

    from quizgen.grade import Grader
    g = Grader()                                   # use-m3 embedder, shipped default combination
    r = g.grade_text(reference, answer, question=stem, key_points=("局部感知", "共享权重"))
    r.score, r.marks, r.deductions, r.needs_review, r.reason

Importing this package is cheap: numpy, jieba and the embedding models load on first use.
"""

from __future__ import annotations

from quizgen.grade.combine import Combination, default_combination, load_combination
from quizgen.grade.embedders import DEFAULT_EMBEDDER, make_embedder
from quizgen.grade.grader import Grader, GradeRequest, GradeResult, KeyPointMark, grade_exact

__all__ = [
    "DEFAULT_EMBEDDER",
    "Combination",
    "GradeRequest",
    "GradeResult",
    "Grader",
    "KeyPointMark",
    "default_combination",
    "grade_exact",
    "load_combination",
    "make_embedder",
]
