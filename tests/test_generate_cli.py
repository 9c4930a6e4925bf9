"""`quizgen generate`: options, output formats, the report, errors."""

from __future__ import annotations

import json
import re
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


def test_report_counts_candidates_considered_and_rejected() -> None:
    r = runner.invoke(app, ["generate", BANK, "-n", "20", "--seed", "1", "--report"])
    assert r.exit_code == 0
    # (how many of each type are made depends on the mix; the candidates do not)
    assert re.search(
        r"  choice  made +\d+; 245 candidates considered, 152 rejected \(option would give itself away 90, "
        r"too few good distractors 55, text too long or multi-line 4, gap in a slot many terms fit 3\)\n",
        r.stderr,
    )
    assert re.search(r"  short   made +\d+;  19 candidates considered, 0 rejected\n", r.stderr)
    assert " of " not in r.stderr.split("\n")[1]  # no more "made 3 of 97 candidates"


def test_report_of_a_type_with_nothing_usable(tmp_path: Path) -> None:
    bank = tmp_path / "b.yaml"
    bank.write_text("title: t\nquestions:\n- title: 如何安装？\n  answer: 用 pip 安装。\n", encoding="utf-8")
    r = runner.invoke(app, ["generate", str(bank), "--report", "-t", "choice,order,short"])
    assert r.exit_code == 0, r.output
    lines = r.stderr.splitlines()
    assert lines[:4] == [
        "1 item (asked for 20) from 1 question; 0 near-duplicate questions skipped",
        "  choice  made   0;   1 candidates considered, 1 rejected (no subject name found 1)",
        "  order   made   0; no candidates",
        "  short   made   1;   1 candidates considered, 0 rejected",
    ]
    assert (
        "Warning: made 1 item, fewer than the 20 asked for (the bank has no more good candidates "
        "of type(s) choice, order, short)" in r.stderr
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-n", "0"],
            "Error: Invalid value for '-n' / '--number': Input should be greater than or equal to 1",
        ),
        (
            ["--per-question", "0"],
            "Error: Invalid value for '--per-question': Input should be greater than or equal to 1",
        ),
        (["--format", "xml"], "Error: unknown --format 'xml'"),
        (
            ["--types", ""],
            "Error: --types is empty\n"
            "  Hint: give one or more of: choice, multi, fill, order, match, tf, short "
            "(e.g. --types choice,tf)\n",
        ),
        (["-t", " , "], "Error: --types is empty\n"),
        (["-t", "，"], "Error: --types is empty\n"),
    ],
)
def test_bad_options(args: list[str], message: str) -> None:
    r = runner.invoke(app, ["generate", BANK, *args])
    assert r.exit_code == 2
    assert message in r.stderr
    assert r.stdout == ""


def test_t_is_short_for_types() -> None:
    r = runner.invoke(app, ["generate", BANK, "-n", "4", "-t", "tf", "-t", "fill"])
    assert r.exit_code == 0, r.output
    assert {i.type for i in loads_items(r.stdout)} <= {ItemType.TF, ItemType.FILL}


def test_help_has_plain_metavars() -> None:
    r = runner.invoke(app, ["generate", "--help"], prog_name="quizgen")
    assert r.exit_code == 0
    assert "Usage: quizgen generate [OPTIONS] BANK\n" in r.stdout
    assert "\n  BANK  Bank file" in r.stdout
    for opt in ("-n, --number N", "-t, --types TYPES", "--seed N", "--per-question N", "-o, --output FILE"):
        assert opt in r.stdout, opt
    assert "{" not in r.stdout.split("Arguments")[0] and "<path>" not in r.stdout and "<int>" not in r.stdout


def test_notes_instead_of_bank() -> None:
    notes = str(ROOT / "bank" / "deep_learning.md")
    r = runner.invoke(app, ["generate", notes])
    assert r.exit_code == 1
    assert f"Error: {notes}: looks like notes, not a bank" in r.stderr
    assert "quizgen parse" in r.stderr


def test_items_file_instead_of_bank(tmp_path: Path) -> None:
    items = tmp_path / "items.yaml"
    assert runner.invoke(app, ["generate", BANK, "-n", "2", "-o", str(items)]).exit_code == 0
    r = runner.invoke(app, ["generate", str(items)])
    assert r.exit_code == 1
    assert f"Error: {items}: is an items file (from quizgen generate), not a bank" in r.stderr


def test_output_over_the_input_is_refused(tmp_path: Path) -> None:
    bank = tmp_path / "b.yaml"
    original = Path(BANK).read_bytes()
    bank.write_bytes(original)
    (tmp_path / "link.yaml").symlink_to(bank)
    for args in (["-o", str(bank)], ["-o", str(tmp_path / "link.yaml")], ["-o", f"{tmp_path}/./b.yaml"]):
        r = runner.invoke(app, ["generate", str(bank), *args])
        assert r.exit_code == 2, r.output
        assert r.stderr == (
            f"Error: -o {Path(args[1])} is the input file; choose another output path\n"
            "  Hint: e.g. -o items.yaml\n"
        )
    assert bank.read_bytes() == original


def test_output_to_a_folder_is_refused(tmp_path: Path) -> None:
    r = runner.invoke(app, ["generate", BANK, "-o", str(tmp_path)])
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: -o {tmp_path} is a folder\n  Hint: give a file name, e.g. -o {tmp_path / 'items.yaml'}\n"
    )


def test_parse_refuses_to_overwrite_its_notes(tmp_path: Path) -> None:
    notes = tmp_path / "same.md"
    text = (ROOT / "bank" / "deep_learning.md").read_text(encoding="utf-8")
    notes.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["parse", str(notes), "-o", str(notes)])
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: -o {notes} is the input file; choose another output path\n  Hint: e.g. -o bank.yaml\n"
    )
    assert notes.read_text(encoding="utf-8") == text


def test_short_explanations_keep_their_section_labels() -> None:
    r = runner.invoke(app, ["generate", BANK, "-n", "40", "-t", "short"])
    assert r.exit_code == 0, r.output
    by_stem = {i.stem: i for i in loads_items(r.stdout)}
    gan = next(i for s, i in by_stem.items() if "生成对抗网络" in s)
    assert gan.explanation.startswith("原理：\n1. 生成器：")
    assert "\n应用：\n1. 图像生成：" in gan.explanation
    # a lone 解析 section is not labelled again (quizzes and papers print it under 解析)
    assert not any(i.explanation.startswith("解析：解析") for i in by_stem.values())


def test_missing_bank() -> None:
    r = runner.invoke(app, ["generate", "no/such/bank.yaml"])
    assert r.exit_code == 1
    assert "no such file" in r.stderr


def test_no_items_of_the_asked_type(tmp_path: Path) -> None:
    bank = tmp_path / "b.yaml"
    bank.write_text("title: t\nquestions:\n- title: 如何安装？\n  answer: 用 pip 安装。\n", encoding="utf-8")
    r = runner.invoke(app, ["generate", str(bank), "--types", "order"])
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {bank}: no items could be generated of type(s) order\n"
        f"  Hint: try other --types, or see why candidates were rejected: quizgen generate {bank} "
        "--types order --report\n"
    )


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
