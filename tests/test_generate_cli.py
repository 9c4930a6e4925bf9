"""`quizgen generate`: options, output formats, the report, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizgen.cli import app
from quizgen.items import ItemType, load_items, loads_items

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
BANK = str(ROOT / "bank" / "deep_learning.yaml")


def test_generate_to_stdout_yaml() -> None:
    r = runner.invoke(app, ["generate", BANK, "-n", "12", "--seed", "3"])
    assert r.exit_code == 0, r.output
    items = loads_items(r.stdout)
    assert len(items) == 12
    assert "seed: 3" in r.stdout and "bank: 深度学习基础" in r.stdout
    assert r.stderr == ""


def test_same_seed_same_items_other_seed_other_items() -> None:
    a = runner.invoke(app, ["generate", BANK, "-n", "10", "--seed", "5"]).stdout
    b = runner.invoke(app, ["generate", BANK, "-n", "10", "--seed", "5"]).stdout
    c = runner.invoke(app, ["generate", BANK, "-n", "10", "--seed", "6"]).stdout
    assert a == b
    assert a != c


def test_default_seed_is_7() -> None:
    a = runner.invoke(app, ["generate", BANK, "-n", "5"]).stdout
    b = runner.invoke(app, ["generate", BANK, "-n", "5", "--seed", "7"]).stdout
    assert a == b


def test_types_and_per_question(tmp_path: Path) -> None:
    out = tmp_path / "items.yaml"
    r = runner.invoke(
        app, ["generate", BANK, "-n", "50", "--types", "order,fill", "--per-question", "1", "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    items = load_items(out)
    assert {i.type for i in items} <= {ItemType.ORDER, ItemType.FILL}
    assert len({i.question_id for i in items}) == len(items)
    assert f"Wrote {len(items)} items to {out}" in r.stderr
    assert "fewer than the 50 asked for" in r.stderr


def test_json_by_suffix_and_by_format(tmp_path: Path) -> None:
    out = tmp_path / "items.json"
    assert runner.invoke(app, ["generate", BANK, "-n", "4", "-o", str(out)]).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["items"]) == 4 and data["seed"] == 7
    r = runner.invoke(app, ["generate", BANK, "-n", "4", "--format", "json"])
    assert json.loads(r.stdout)["items"] == data["items"]


def test_report_goes_to_stderr() -> None:
    r = runner.invoke(app, ["generate", BANK, "-n", "20", "--seed", "1", "--report"])
    assert r.exit_code == 0
    assert "20 items (asked for 20) from" in r.stderr
    assert "11 near-duplicate questions skipped" in r.stderr
    assert "order   made" in r.stderr and "list is not a sequence of steps" in r.stderr
    assert "distractors turned down" in r.stderr
    assert len(loads_items(r.stdout)) == 20


def test_unknown_type_is_a_usage_error() -> None:
    r = runner.invoke(app, ["generate", BANK, "--types", "choice,essay"])
    assert r.exit_code == 2
    assert "Error: unknown item type 'essay' in --types" in r.stderr
    assert "Hint: valid types: choice, multi, fill, order, match, tf, short" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "0"], "Error: -n must be at least 1, got 0"),
        (["--per-question", "0"], "Error: --per-question must be at least 1, got 0"),
        (["--format", "xml"], "Error: unknown --format 'xml'"),
    ],
)
def test_bad_options(args: list[str], message: str) -> None:
    r = runner.invoke(app, ["generate", BANK, *args])
    assert r.exit_code == 2
    assert message in r.stderr


def test_notes_instead_of_bank() -> None:
    notes = str(ROOT / "bank" / "deep_learning.md")
    r = runner.invoke(app, ["generate", notes])
    assert r.exit_code == 2
    assert "expected a bank file (YAML/JSON), got notes" in r.stderr
    assert "quizgen parse" in r.stderr


def test_missing_bank() -> None:
    r = runner.invoke(app, ["generate", "no/such/bank.yaml"])
    assert r.exit_code == 1
    assert "no such file" in r.stderr


def test_no_items_of_the_asked_type(tmp_path: Path) -> None:
    bank = tmp_path / "b.yaml"
    bank.write_text("title: t\nquestions:\n- title: 如何安装？\n  answer: 用 pip 安装。\n", encoding="utf-8")
    r = runner.invoke(app, ["generate", str(bank), "--types", "order"])
    assert r.exit_code == 1
    assert "Error: " in r.stderr and "no items could be generated of type(s) order" in r.stderr


def test_help_does_not_import_jieba() -> None:
    code = "import sys, quizgen.cli, quizgen.ui.generate_cmd; print('jieba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


@pytest.mark.slow
def test_same_items_across_processes() -> None:
    """Set iteration order (PYTHONHASHSEED) must not leak into the items."""
    outs = []
    for hs in ("1", "2"):
        env = {"PYTHONHASHSEED": hs, "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
        p = subprocess.run(
            [sys.executable, "-m", "quizgen", "generate", BANK, "-n", "30", "--seed", "4"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        )
        outs.append(p.stdout)
    assert outs[0] == outs[1]
