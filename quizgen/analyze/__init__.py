"""Classical item analysis of a results table (`quizgen analyze`).

    from quizgen.analyze import analyze
    a = analyze(items, load_table("results.csv"))
    a.items[0].difficulty, a.items[0].discrimination, a.test.alpha

Per item: n, difficulty (mean score / max score), discrimination (corrected item-total
correlation: Pearson between the item's score and the total of the *other* items), the
upper-lower index (share of the item's points earned by the top 27% minus the bottom 27% by
total score), and for choice, multi and tf items how often each option was chosen, overall and
by the top and bottom groups. Flags: too easy (> 0.9), too hard (< 0.2), discrimination below
0.2 or negative, distractors nobody chose, distractors the top group chose more than the key.

For the test: students, mean, SD (n - 1), Cronbach's alpha (equal to KR-20 when every item was
scored right or wrong), the standard error of measurement SD * sqrt(1 - alpha), and the score
distribution. A student who has no row for an item did not get it (a terminal quiz of part of
the items): item difficulty uses everyone who got the item; the correlations, groups and test
figures use the students who got every item (`TestStats.complete`).
"""

from __future__ import annotations

from quizgen.analyze.stats import (
    EASY,
    HARD,
    LOW_DISCRIMINATION,
    UPPER_LOWER_SHARE,
    Analysis,
    Bin,
    Flag,
    ItemStats,
    OptionStats,
    TestStats,
    analyze,
)

__all__ = [
    "EASY",
    "HARD",
    "LOW_DISCRIMINATION",
    "UPPER_LOWER_SHARE",
    "Analysis",
    "Bin",
    "Flag",
    "ItemStats",
    "OptionStats",
    "TestStats",
    "analyze",
]
