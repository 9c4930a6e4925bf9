"""quizgen.generate on real notes written by others (../shared/eval) and on every notes file of
tests/data: item text is plain text, and a bank of 10+ answered questions gives a quiz of 20 with
at least 10 objective items. Files the parser cannot read yet are skipped with the reason."""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest

from quizgen.bank import Bank
from quizgen.errors import QuizgenError
from quizgen.generate import generate
from quizgen.items import Item, ItemType
from quizgen.markup import syntax_left
from tests.conftest import EVAL_DIR, ROOT

TEST_NOTES = [*sorted((ROOT / "tests" / "data").glob("*.md")), ROOT / "bank" / "deep_learning.md"]
EVAL_NOTES = sorted(EVAL_DIR.glob("layout_*.md")) + sorted((EVAL_DIR / "notes").glob("notes_*.md"))
SEEDS = (1, 2, 3)


@functools.cache
def parsed(path: Path) -> Bank | str:
    """The bank of a notes file, or why it cannot be read (today's parser reads fewer layouts)."""
    from quizgen.parse import parse_file

    try:
        return parse_file(path).bank
    except QuizgenError as e:
        return str(e).splitlines()[0]


def bank_of(path: Path) -> Bank:
    bank = parsed(path)
    if isinstance(bank, str):
        pytest.skip(f"not parsed: {bank}")
    return bank


def lint(items: list[Item]) -> list[str]:
    bad = []
    for it in items:
        for field, texts in (
            ("stem", [it.stem]),
            ("options", it.options),
            ("left", it.left),
            ("answer", it.answer),
            ("accept", it.accept),
        ):
            for t in texts:
                left = syntax_left(t)
                if left:
                    bad.append(f"{it.type.value} {field}: {', '.join(left)}: {t[:80]!r}")
    return bad


@pytest.mark.parametrize("path", TEST_NOTES, ids=lambda p: p.name)
def test_items_of_the_test_notes_are_plain_text(path: Path) -> None:
    bank = bank_of(path)
    for seed in SEEDS[:2]:
        assert lint(generate(bank, n=500, rng=random.Random(seed)).items) == []


@pytest.mark.parametrize("name", [p.name for p in EVAL_NOTES] or ["none"])
def test_items_of_real_notes_are_plain_text(eval_dir: Path, name: str) -> None:
    path = next(p for p in EVAL_NOTES if p.name == name)
    bank = bank_of(path)
    for seed in SEEDS[:2]:
        assert lint(generate(bank, n=500, rng=random.Random(seed)).items) == []


@pytest.mark.parametrize("name", [p.name for p in EVAL_NOTES] or ["none"])
def test_real_notes_give_mostly_objective_items(eval_dir: Path, name: str) -> None:
    """The issue's bar: a bank of 10+ answered questions, asked for 20 items, gives 10+ that are
    not short answers, for three seeds."""
    bank = bank_of(next(p for p in EVAL_NOTES if p.name == name))
    answered = sum(1 for q in bank.unique() if q.has_answer or q.blanks)
    if answered < 10:
        pytest.skip(f"{answered} answered questions")
    for seed in SEEDS:
        items = generate(bank, n=20, rng=random.Random(seed)).items
        objective = [i for i in items if i.type is not ItemType.SHORT]
        assert len(objective) >= 10, (seed, [i.type.value for i in items])
