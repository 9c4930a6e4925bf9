"""`quizgen export`: bank or items file in, papers and LMS files out (CliRunner transcripts)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lh
from typer.testing import CliRunner

from quizgen.cli import app
from quizgen.items import save_items
from tests.conftest import SEED_BANK
from tests.test_export_data import hostile_items

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


@pytest.fixture
def items_file(tmp_path: Path) -> Path:
    p = tmp_path / "items.yaml"
    save_items(hostile_items(), p, title="危险 <题库>")
    return p


def test_bank_to_html_papers_with_keys_and_variants(tmp_path: Path) -> None:
    out = tmp_path / "paper.html"
    r = run(
        "export", str(SEED_BANK), "-o", str(out), "--answer-key", "--variants", "2", "--seed", "3", "-n", "12"
    )
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["paper-A-key.html", "paper-A.html", "paper-B-key.html", "paper-B.html"]
    assert "12 items generated from" in r.stderr and "seed 3" in r.stderr
    assert re.search(r"answer key B -> .*paper-B-key\.html", r.stderr)
    a = lh.document_fromstring((tmp_path / "paper-A.html").read_text(encoding="utf-8"))
    b = lh.document_fromstring((tmp_path / "paper-B.html").read_text(encoding="utf-8"))
    assert a.xpath("//h1")[0].text_content() == "深度学习基础（A卷）"
    assert len(a.xpath("//div[@class='item']")) == len(b.xpath("//div[@class='item']")) == 12
    stems_a = sorted(re.sub(r"^\d+\.", "", s.text_content()) for s in a.xpath("//p[@class='stem']"))
    stems_b = sorted(re.sub(r"^\d+\.", "", s.text_content()) for s in b.xpath("//p[@class='stem']"))
    assert stems_a == stems_b
    # same seed -> same files
    out2 = tmp_path / "again" / "paper.html"
    args = (
        "export",
        str(SEED_BANK),
        "-o",
        str(out2),
        "--answer-key",
        "--variants",
        "2",
        "--seed",
        "3",
        "-n",
        "12",
    )
    assert run(*args).exit_code == 0
    assert (tmp_path / "again" / "paper-B-key.html").read_bytes() == (
        tmp_path / "paper-B-key.html"
    ).read_bytes()


def test_items_file_to_moodle_on_stdout(items_file: Path) -> None:
    r = run("export", str(items_file), "-f", "moodle")
    assert r.exit_code == 0, r.output
    quiz = etree.fromstring(r.stdout.encode("utf-8"))
    assert len(quiz.findall("question")) == 8
    assert quiz.findtext("question/category/text") == "$course$/top/危险 <题库>"
    assert "7 items from" in r.stderr


def test_format_from_extension_title_and_points(items_file: Path, tmp_path: Path) -> None:
    import docx

    out = tmp_path / "卷.docx"
    r = run(
        "export", str(items_file), "-o", str(out), "--title", "期末 & 补考", "--points", "short=20,choice=4"
    )
    assert r.exit_code == 0, r.output
    d = docx.Document(str(out))
    assert d.paragraphs[0].text == "期末 & 补考" and d.paragraphs[0].style.name == "Heading 1"
    text = "\n".join(p.text for p in d.paragraphs)
    assert "七、简答题（共1题，每题20分，共20分）" in text and "一、单选题（共1题，每题4分，共4分）" in text
    assert d.tables[0].rows[1].cells[-1].text == str(24 - 10 + 20 - 2 + 4)


def test_types_filter_and_csv_to_stdout(items_file: Path) -> None:
    r = run("export", str(items_file), "-f", "csv", "--types", "choice,tf")
    assert r.exit_code == 0, r.output
    assert not r.stdout.startswith("\ufeff")  # the BOM is for files Excel opens, not for a terminal
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert [row[0] for row in rows] == ["题型", "单选题", "判断题"]


def test_pdf_and_apkg_files(items_file: Path, tmp_path: Path) -> None:
    from quizgen.errors import ExportError
    from quizgen.export.pdf import find_font

    r = run("export", str(items_file), "-o", str(tmp_path / "deck.apkg"))
    assert r.exit_code == 0, r.output
    assert (tmp_path / "deck.apkg").read_bytes()[:2] == b"PK"
    try:
        find_font()
    except ExportError:
        pytest.skip("no CJK font here")
    r = run("export", str(items_file), "-o", str(tmp_path / "p.pdf"), "--answer-key")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "p.pdf").read_bytes()[:4] == b"%PDF" and (tmp_path / "p-key.pdf").exists()


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (
            ["-f", "pdf"],
            "Error: pdf is a binary format and cannot go to the terminal\n  Hint: give a file: -o paper.pdf",
            2,
        ),
        (["-f", "word"], "Error: unknown --format 'word'", 2),
        ([], "Error: which format?\n  Hint: give --format", 2),
        (
            ["-f", "gift", "--variants", "2"],
            "Error: --variants applies to papers (md, html, docx, pdf), not to gift",
            2,
        ),
        (["-f", "md", "--variants", "11"], "Error: --variants must be between 1 and 10, got 11", 2),
        (["-f", "md", "--points", "short=lots"], "Error: bad --points entry 'short=lots'", 2),
        (["-f", "md", "--types", "essay"], "Error: unknown item type 'essay'", 2),
        (
            ["-f", "md", "-n", "0"],
            "Error: Invalid value for '-n' / '--number': Input should be greater than or equal to 1",
            2,
        ),
        (["-f", "md", "-t", " , "], "Error: --types is empty\n", 2),
    ],
)
def test_usage_errors(items_file: Path, args: list[str], message: str, code: int) -> None:
    r = run("export", str(items_file), *args)
    assert r.exit_code == code, r.output
    assert message in r.stderr


def test_no_items_of_that_type(tmp_path: Path) -> None:
    p = tmp_path / "few.yaml"
    save_items([hostile_items()[0]], p)
    r = run("export", str(p), "-f", "md", "--types", "short")
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {p}: no items of type(s) short in this items file\n"
        "  Hint: it has: choice; use --types with those, "
        "or make more items: quizgen generate BANK --types short -o ITEMS\n"
    )


def test_empty_items_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.yaml"
    save_items([], p)
    r = run("export", str(p), "-f", "md")
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {p}: the items file holds no items\n"
        "  Hint: make items from a bank: quizgen generate BANK -o ITEMS\n"
    )


def test_output_over_the_input_is_refused(items_file: Path, tmp_path: Path) -> None:
    before = items_file.read_bytes()
    r = run("export", str(items_file), "-f", "md", "-o", str(items_file))
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: -o {items_file} is the input file; choose another output path\n  Hint: e.g. -o paper.md\n"
    )
    # a name made from -o (here the key's) must not hit the input either
    key_named = tmp_path / "p-key.yaml"
    key_named.write_bytes(before)
    r = run("export", str(key_named), "-f", "md", "--answer-key", "-o", str(tmp_path / "p.yaml"))
    assert r.exit_code == 2
    assert r.stderr.startswith(
        f"Error: {key_named} (named after -o {tmp_path / 'p.yaml'}) is the input file; "
        "choose another output path\n"
    )
    assert not (tmp_path / "p.yaml").exists()
    assert items_file.read_bytes() == key_named.read_bytes() == before


def test_output_to_a_folder_writes_inside_it(items_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "papers"
    out.mkdir()
    r = run("export", str(items_file), "-f", "md", "--answer-key", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["paper-key.md", "paper.md"]
    assert not (tmp_path / "papers.md").exists()
    assert f"  paper -> {out / 'paper.md'}" in r.stderr
    r = run("export", str(items_file), "-f", "gift", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert (out / "quiz.gift.txt").exists()
    r = run("export", str(items_file), "-o", str(out))
    assert r.exit_code == 2
    assert "Error: which format?" in r.stderr


def test_extension_and_format_that_disagree_are_warned(items_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.html"
    r = run("export", str(items_file), "-f", "md", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert (
        f"Warning: -o {out} has the extension of html, but the format is md: writing md into it "
        "(name it *.md, or give --format html)\n" in r.stderr
    )
    assert out.read_text(encoding="utf-8").startswith("# 危险 \\<题库>\n")
    r = run("export", str(items_file), "-f", "md", "-o", str(tmp_path / "p.markdown"))
    assert r.exit_code == 0 and "Warning" not in r.stderr


def test_items_file_title_comes_from_its_header(tmp_path: Path) -> None:
    p = tmp_path / "items.yaml"
    save_items(hostile_items()[:1], p, generator="quizgen test", bank="深度学习基础", seed=7)
    r = run("export", str(p), "-f", "md")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("# 深度学习基础\n")


def test_missing_input_file(tmp_path: Path) -> None:
    r = run("export", str(tmp_path / "nope.yaml"), "-f", "md")
    assert r.exit_code == 1
    assert f"Error: {tmp_path / 'nope.yaml'}: no such file" in r.stderr


def test_missing_pdf_font_is_a_clear_error(items_file: Path, tmp_path: Path) -> None:
    r = run("export", str(items_file), "-o", str(tmp_path / "p.pdf"), "--font", "No Such Family Sans")
    assert r.exit_code == 1
    assert "Error: font family 'No Such Family Sans' is not installed" in r.stderr
    assert "apt-get install fonts-noto-cjk" in r.stderr


def test_bank_export_matches_generate_then_export(tmp_path: Path) -> None:
    items = tmp_path / "items.yaml"
    r = run(
        "generate", str(SEED_BANK), "-n", "8", "--seed", "5", "--types", "choice,fill,short", "-o", str(items)
    )
    assert r.exit_code == 0, r.output
    via_items = run("export", str(items), "-f", "md")
    direct = run(
        "export", str(SEED_BANK), "-f", "md", "-n", "8", "--seed", "5", "--types", "choice,fill,short"
    )
    assert via_items.exit_code == direct.exit_code == 0
    assert via_items.stdout == direct.stdout
    assert via_items.stdout.startswith("# 深度学习基础\n")


# ---------------------------------------------------------------------------- an items file exports whole


@pytest.fixture(scope="module")
def many_items(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """25 items made with seed 5 (more than the 20 a bank export makes by default)."""
    p = tmp_path_factory.mktemp("many") / "items.yaml"
    r = run("generate", str(SEED_BANK), "-n", "25", "--seed", "5", "-o", str(p))
    assert r.exit_code == 0, r.output
    return p


def _md_items(md: str) -> int:
    return len(re.findall(r"^\*\*\d+\.\*\* ", md, re.M))


def test_items_file_exports_whole_with_its_own_seed(many_items: Path) -> None:
    from quizgen.items import load_items

    n = len(load_items(many_items))
    assert n > 20
    r = run("export", str(many_items), "-f", "md")
    assert r.exit_code == 0, r.output
    assert _md_items(r.stdout) == n
    assert r.stderr.strip() == f"{n} items from {many_items} (generated with seed 5) · md"
    r = run(
        "export", str(many_items), "-f", "html", "--variants", "2", "-o", str(many_items.parent / "p.html")
    )
    assert r.exit_code == 0, r.output
    assert f"{n} items from {many_items} (generated with seed 5) · variants shuffled with seed 7" in r.stderr


def test_items_file_says_what_is_left_out(many_items: Path) -> None:
    from quizgen.items import load_items

    items = load_items(many_items)
    n = len(items)
    r = run("export", str(many_items), "-f", "md", "-n", "10")
    assert r.exit_code == 0, r.output
    assert _md_items(r.stdout) == 10
    assert (
        f"Warning: exporting the first 10 of {n} items in {many_items} (-n 10): {n - 10} left out" in r.stderr
    )
    chosen = sum(1 for i in items if i.type.value in ("choice", "tf"))
    r = run("export", str(many_items), "-f", "md", "--types", "choice,tf")
    assert r.exit_code == 0, r.output
    assert _md_items(r.stdout) == chosen
    assert (
        f"Warning: exporting {chosen} of {n} items in {many_items}: "
        f"{n - chosen} of other types left out (--types choice,tf)"
    ) in r.stderr


def test_per_question_applies_to_banks_only(many_items: Path) -> None:
    r = run("export", str(many_items), "-f", "md", "--per-question", "1")
    assert r.exit_code == 2
    assert r.stderr.startswith(
        "Error: --per-question applies when items are generated from a bank; "
        f"{many_items} is an items file, exported as it is\n"
    )


def test_items_file_with_python_tag_or_alias_bomb_is_refused(tmp_path: Path) -> None:
    evil = tmp_path / "evil.yaml"
    evil.write_text(
        "schema_version: 1\nitems:\n- !!python/object/apply:os.system ['echo hi']\n", encoding="utf-8"
    )
    r = run("export", str(evil), "-f", "md")
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr == (
        f"Error: {evil}:3: the tag !!python/object/apply:os.system is not allowed: an items file holds plain "
        "text, numbers, lists and mappings\n"
        "  Hint: remove the tag (quizgen never creates objects from YAML tags)\n"
    )
    bomb = tmp_path / "bomb.yaml"
    item = "- id: c{n}\n  type: tf\n  question_id: q\n  stem: *big\n  answer: [对]\n"
    body = "".join(item.format(n=i) for i in range(2000))
    bomb.write_text(f"schema_version: 1\nbank: &big {'长' * 100_000}\nitems:\n{body}", encoding="utf-8")
    r = run("export", str(bomb), "-f", "md")
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr.startswith(f"Error: {bomb}:2: YAML aliases would expand this file")


# ---------------------------------------------------------------------------- one 多选题 rule per export


def test_multi_scoring_is_said_on_the_paper_and_key_and_applied_by_moodle(
    items_file: Path, tmp_path: Path
) -> None:
    from quizgen.export.common import MULTI_RULE_TEXT
    from quizgen.scoring import MultiRule

    r = run(
        "export", str(items_file), "-o", str(tmp_path / "p.md"), "--answer-key", "--multi-scoring", "half"
    )
    assert r.exit_code == 0, r.output
    half = MULTI_RULE_TEXT[MultiRule.HALF]
    assert half in (tmp_path / "p.md").read_text(encoding="utf-8")
    assert f"评分标准：{half}" in (tmp_path / "p-key.md").read_text(encoding="utf-8")
    r = run("export", str(items_file), "-f", "moodle")  # strict by default: Moodle can only come close
    assert r.exit_code == 0
    assert "Warning: moodle: Moodle cannot withhold credit from an incomplete 多选题 answer" in r.stderr
    r = run("export", str(items_file), "-f", "moodle", "--multi-scoring", "partial")
    assert r.exit_code == 0 and "Warning" not in r.stderr
    fractions = [
        a.get("fraction")
        for a in etree.fromstring(r.stdout.encode()).findall("question")[2].findall("answer")
    ]
    assert fractions == ["33.33333", "-33.33333", "33.33333", "33.33333"]


def test_unknown_multi_scoring_rule(items_file: Path) -> None:
    r = run("export", str(items_file), "-f", "md", "--multi-scoring", "lenient")
    assert (r.exit_code, r.stderr) == (
        2,
        "Error: unknown --multi-scoring 'lenient'\n"
        "  Hint: use strict (多选、少选、错选均不得分, the default), half (少选得一半分) or partial "
        "(1/n per right option, -1/n per wrong one)\n",
    )


def test_paper_header_options(items_file: Path, tmp_path: Path) -> None:
    r = run(
        "export", str(items_file), "-f", "md", "--subject", "深度学习", "--exam-time", "120分钟",
        "--notice", "答案写在答题纸上。", "--notice", "考试结束后交回试卷。",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert "考试科目：深度学习　考试时间：120分钟　满分：24分" in lines
    assert (
        lines.index("**注意事项：**")
        < lines.index("1. 答案写在答题纸上。")
        < lines.index("2. 考试结束后交回试卷。")
    )
    r = run("export", str(items_file), "-f", "csv", "--subject", "深度学习")
    assert r.exit_code == 0
    assert (
        "Warning: --subject, --exam-time and --notice are printed on papers, not written to csv" in r.stderr
    )
