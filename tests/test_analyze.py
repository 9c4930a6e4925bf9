"""quizgen.analyze: the figures equal an independent numpy computation; options, groups, flags;
`quizgen analyze` in the terminal, as JSON and as an HTML report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from quizgen.analyze import analyze
from quizgen.cli import app
from quizgen.errors import InputError
from quizgen.items import Item, ItemSource, ItemType, save_items
from quizgen.results import TableRow

runner = CliRunner()


def _items(k: int, points: list[float] | None = None) -> list[Item]:
    return [
        Item(
            id=f"i{j}",
            type=ItemType.CHOICE,
            question_id=f"q{j}",
            stem=f"第{j}题",
            answer=("A",),
            options=("甲", "乙", "丙", "丁"),
            points=(points or [1.0] * k)[j],
            source=ItemSource(number=j + 1),
        )
        for j in range(k)
    ]


def _rows(
    m: np.ndarray, items: list[Item], responses: dict[tuple[int, int], str] | None = None
) -> list[TableRow]:
    return [
        TableRow(f"s{i:03d}", it.id, (responses or {}).get((i, j), ""), float(m[i, j]), it.points)
        for i in range(m.shape[0])
        for j, it in enumerate(items)
        if not np.isnan(m[i, j])
    ]


def _independent(m: np.ndarray, maxes: np.ndarray) -> dict[str, object]:
    """The textbook formulas, written out separately from quizgen.analyze.stats."""
    k = m.shape[1]
    total = m.sum(axis=1)
    disc = []
    for j in range(k):
        rest = total - m[:, j]
        disc.append(np.corrcoef(m[:, j], rest)[0, 1] if m[:, j].std() > 0 and rest.std() > 0 else None)
    var = total.var(ddof=1)
    alpha = k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / var) if var > 0 else None
    return {
        "difficulty": m.mean(axis=0) / maxes,
        "discrimination": disc,
        "alpha": alpha,
        "mean": total.mean(),
        "sd": total.std(ddof=1),
    }


@st.composite
def score_matrices(draw: st.DrawFn) -> tuple[np.ndarray, list[float]]:
    n = draw(st.integers(3, 40))
    k = draw(st.integers(2, 8))
    points = [draw(st.sampled_from([1.0, 2.0, 5.0])) for _ in range(k)]
    ability = draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))
    partial = draw(st.booleans())
    m = np.zeros((n, k))
    for j in range(k):
        for i in range(n):
            u = draw(st.floats(0, 1))
            if partial:
                m[i, j] = round(points[j] * min(1.0, max(0.0, ability[i] + u - 0.5)) * 2) / 2
            else:
                m[i, j] = points[j] if u < ability[i] else 0.0
    return m, points


@settings(max_examples=60, deadline=None)
@given(case=score_matrices())
def test_figures_equal_an_independent_computation(case: tuple[np.ndarray, list[float]]) -> None:
    m, points = case
    items = _items(m.shape[1], points)
    a = analyze(items, _rows(m, items))
    ref = _independent(m, np.array(points))
    for j, st_ in enumerate(a.items):
        assert st_.n == m.shape[0]
        assert st_.difficulty == pytest.approx(ref["difficulty"][j], abs=1e-6)  # type: ignore[index]
        want = ref["discrimination"][j]  # type: ignore[index]
        if want is None:
            assert st_.discrimination is None
        else:
            assert st_.discrimination == pytest.approx(want, abs=1e-6)
    total_var = m.sum(axis=1).var(ddof=1)
    if total_var > 1e-12:
        assert a.test.alpha == pytest.approx(ref["alpha"], abs=1e-6)
    else:
        assert a.test.alpha is None
    assert a.test.mean == pytest.approx(ref["mean"], abs=1e-6)
    assert a.test.sd == pytest.approx(ref["sd"], abs=1e-6)
    assert sum(b.count for b in a.test.distribution) == m.shape[0]


def test_kr20_for_right_or_wrong_items() -> None:
    m = np.array([[1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0], [1, 1, 1, 1], [0, 1, 0, 0], [1, 1, 1, 0]], float)
    items = _items(4)
    a = analyze(items, _rows(m, items))
    p = m.mean(axis=0)
    kr20 = 4 / 3 * (1 - (p * (1 - p)).sum() / m.sum(axis=1).var())  # population variances, as KR-20 has it
    assert a.test.method == "KR-20"
    assert a.test.alpha == pytest.approx(kr20, abs=1e-9)
    assert a.test.sem == pytest.approx(m.sum(axis=1).std(ddof=1) * np.sqrt(1 - kr20), abs=1e-9)


def test_upper_lower_groups_and_options() -> None:
    # 10 students; item 0 separates the top from the bottom, item 1 the other way round.
    n = 10
    m = np.zeros((n, 4))
    m[:5, 0] = 1
    m[5:, 1] = 1
    m[:, 2] = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]
    m[:, 3] = [1, 1, 1, 1, 0, 1, 0, 0, 0, 0]
    items = _items(4)
    # Item 0: the top group all chose the key A; the others chose B; nobody chose C or D.
    responses = {(i, 0): ("A" if i < 5 else "B") for i in range(n)}
    # Item 1: the top group chose C, a distractor, more often than the key.
    responses |= {(i, 1): ("C" if i < 5 else "A") for i in range(n)}
    a = analyze(items, _rows(m, items, responses))
    top = a.items[0]
    g = round(0.27 * n)
    order = np.argsort(-m.sum(axis=1), kind="stable")
    want = m[order[:g], 0].mean() - m[order[-g:], 0].mean()
    assert top.upper_lower == pytest.approx(want)
    opts = {o.option: o for o in top.options}
    assert (opts["A"].count, opts["B"].count, opts["C"].count) == (5, 5, 0)
    assert opts["A"].key and opts["A"].share == 0.5 and opts["A"].upper == g and opts["A"].lower == 0
    codes = {f.code for f in top.flags}
    assert "dead_distractor" in codes and "too_easy" not in codes
    bad = {f.code for f in a.items[1].flags}
    assert {"negative_discrimination", "distractor_beats_key"} <= bad


def test_easy_hard_and_unanswered() -> None:
    m = np.array([[1, 0, 1], [1, 0, 0], [1, 0, 1], [1, 0, 0]], float)
    items = _items(3)
    a = analyze(items, _rows(m, items, {(0, 1): "", (1, 1): "B"}))
    assert {f.code for f in a.items[0].flags} >= {"too_easy"}
    assert {f.code for f in a.items[1].flags} >= {"too_hard"}
    assert a.items[0].discrimination is None  # no variance: no correlation, never a made-up number
    assert a.items[1].no_answer == 3


def test_students_without_every_item() -> None:
    m = np.array([[1, 1, 0], [1, 0, 0], [0, 1, 1], [1, 1, 1], [0, 0, np.nan]])
    items = _items(3)
    a = analyze(items, _rows(m, items))
    assert a.items[2].n == 4 and a.items[0].n == 5
    assert (a.test.students, a.test.complete) == (5, 4)
    assert "1 of 5 students did not get every item" in a.notes[0]
    ref = _independent(m[:4], np.ones(3))
    assert a.test.alpha == pytest.approx(ref["alpha"], abs=1e-9)


def test_table_problems_are_errors() -> None:
    items = _items(2)
    rows = [TableRow("s1", "i0", "A", 1, 1), TableRow("s1", "i0", "B", 0, 1)]
    with pytest.raises(InputError, match="two rows for student s1 and item i0"):
        analyze(items, rows)
    with pytest.raises(InputError, match="no results for these items"):
        analyze(items, [TableRow("s1", "other", "A", 1, 1)])


def test_bank_questions_of_flagged_items(seed_bank) -> None:  # type: ignore[no-untyped-def]
    q = seed_bank.questions[0]
    item = Item(id="x", type=ItemType.TF, question_id=q.id, stem="?", answer=("对",))
    a = analyze(
        [item, *_items(1)],
        [TableRow(f"s{i}", "x", "对", 1, 1) for i in range(3)]
        + [TableRow(f"s{i}", "i0", "A", i % 2, 1) for i in range(3)],
        bank=seed_bank,
    )
    assert a.items[0].question_title == q.title and a.items[0].question_number == q.number


# ---------------------------------------------------------------------------- the command


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, np.ndarray]:
    rng = np.random.default_rng(5)
    n, k = 25, 6
    ability = rng.random(n)
    m = (rng.random((n, k)) < 0.2 + 0.7 * ability[:, None]).astype(float)
    items = _items(k)
    items_path = tmp_path / "items.yaml"
    save_items(items, items_path, title="期中测验")
    lines = ["student,item_id,response,score,max_score,seconds"]
    for i in range(n):
        for j in range(k):
            lines.append(f"s{i:02d},i{j},{'A' if m[i, j] else 'B'},{m[i, j]:g},1,{3 + j}")
    results = tmp_path / "results.csv"
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return items_path, results, m


def test_json_keys(files: tuple[Path, Path, np.ndarray]) -> None:
    items_path, results, m = files
    r = runner.invoke(app, ["analyze", str(items_path), str(results), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    for it in d["items"]:
        assert {"item_id", "n", "difficulty", "discrimination", "options"} <= set(it)
    assert {"students", "mean", "sd", "alpha"} <= set(d["test"])
    ref = _independent(m, np.ones(m.shape[1]))
    assert d["test"]["alpha"] == pytest.approx(ref["alpha"], abs=1e-6)
    assert [i["difficulty"] for i in d["items"]] == pytest.approx(list(ref["difficulty"]), abs=1e-6)  # type: ignore[arg-type]
    assert d["items"][0]["options"][0] == {
        "option": "A",
        "text": "甲",
        "key": True,
        "count": int(m[:, 0].sum()),
        "share": pytest.approx(m[:, 0].mean(), abs=1e-6),
        "upper": d["items"][0]["options"][0]["upper"],
        "lower": d["items"][0]["options"][0]["lower"],
    }


def test_terminal_output_and_report(files: tuple[Path, Path, np.ndarray], tmp_path: Path) -> None:
    items_path, results, _ = files
    report = tmp_path / "report.html"
    r = runner.invoke(
        app, ["analyze", str(items_path), str(results), "-o", str(report)], env={"COLUMNS": "140"}
    )
    assert r.exit_code == 0, r.output
    assert "Cronbach's alpha" in r.stdout and "Score distribution" in r.stdout and "█" in r.stdout
    assert f"report -> {report}" in r.stderr
    html = report.read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and "期中测验 · item analysis" in html
    assert not re.search(r"https?://|<script|<link", html)


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["-o", "report.pdf"], 2, "Error: -o report.pdf: the report is HTML\n  Hint: name it report.html\n"),
    ],
)
def test_usage_errors(
    files: tuple[Path, Path, np.ndarray], extra: list[str], code: int, message: str
) -> None:
    items_path, results, _ = files
    r = runner.invoke(app, ["analyze", str(items_path), str(results), *extra])
    assert r.exit_code == code and r.stderr == message


def test_a_bank_is_not_an_items_file(files: tuple[Path, Path, np.ndarray]) -> None:
    from tests.conftest import SEED_BANK

    _, results, _ = files
    r = runner.invoke(app, ["analyze", str(SEED_BANK), str(results)])
    assert r.exit_code == 2
    assert r.stderr.startswith(f"Error: {SEED_BANK} is a bank, not an items file\n")


def test_bad_table(files: tuple[Path, Path, np.ndarray], tmp_path: Path) -> None:
    items_path, _, _ = files
    bad = tmp_path / "bad.csv"
    bad.write_text("student,item_id,score\ns1,i0,1\n", encoding="utf-8")
    r = runner.invoke(app, ["analyze", str(items_path), str(bad)])
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: {bad}:2: missing column(s): max_score\n")
    bad.write_text("student,item_id,score,max_score\ns1,i0,3,1\n", encoding="utf-8")
    r = runner.invoke(app, ["analyze", str(items_path), str(bad)])
    assert r.exit_code == 1 and "score 3 is not within 0..1" in r.stderr
