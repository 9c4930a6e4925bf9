"""`quizgen parse` and `quizgen bank stats|show` through typer's CliRunner: exact messages
and exit codes (0 ok, 1 data error, 2 usage)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizgen.bank import Bank, Question, dumps, load, loads, save
from quizgen.cli import app
from quizgen.parse import parse_file

DATA = Path(__file__).parent / "data"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_parse_to_stdout(runner: CliRunner, seed_notes: Path) -> None:
    r = runner.invoke(app, ["parse", str(seed_notes)])
    assert r.exit_code == 0, r.stderr
    assert loads(r.stdout) == parse_file(seed_notes).bank
    assert r.stderr == f"Parsed 30 questions (11 near-duplicates) from {seed_notes} [cues: heading]\n"


def test_parse_to_file_is_the_bundled_bank(runner: CliRunner, seed_notes: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.yaml"
    r = runner.invoke(app, ["parse", str(seed_notes), "--title", "深度学习基础", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert r.stderr.endswith(f"[cues: heading] -> {out}\n")
    assert out.read_text(encoding="utf-8") == seed_notes.with_suffix(".yaml").read_text(encoding="utf-8")


def test_parse_json_and_dedup(runner: CliRunner, seed_notes: Path) -> None:
    r = runner.invoke(app, ["parse", str(seed_notes), "--format", "json", "--dedup"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert len(data["questions"]) == 19
    assert r.stderr == f"Parsed 19 questions from {seed_notes} [cues: heading]\n"


def test_parse_warnings_name_file_and_line(runner: CliRunner) -> None:
    path = DATA / "faq.md"
    r = runner.invoke(app, ["parse", str(path)])
    assert r.exit_code == 0
    assert r.stderr.splitlines() == [
        f"Warning: {path}:20: question '为什么启动很慢？' has no answer marker; "
        "its text (line 22) was taken as the answer and flagged answer_unmarked",
        f"Warning: {path}:24: question '怎样卸载？' has no answer; kept and flagged no_answer",
        f"Parsed 6 questions (1 near-duplicates, 1 without answer) from {path} [cues: heading]",
    ]


def test_parse_encodings(runner: CliRunner, tmp_path: Path) -> None:
    text = (DATA / "heading_answer.md").read_text(encoding="utf-8")
    gbk = tmp_path / "gbk.md"
    gbk.write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    auto = runner.invoke(app, ["parse", str(gbk)])
    forced = runner.invoke(app, ["parse", str(gbk), "--encoding", "gbk"])
    assert auto.exit_code == forced.exit_code == 0
    assert loads(auto.stdout).questions == loads(forced.stdout).questions
    assert loads(auto.stdout).questions[0].title == "什么是缓存击穿？"
    u16 = tmp_path / "u16.md"
    u16.write_bytes(text.encode("utf-16"))
    assert loads(runner.invoke(app, ["parse", str(u16)]).stdout).questions == loads(auto.stdout).questions


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (
            ["parse", "{tmp}/missing.md"],
            1,
            "Error: {tmp}/missing.md: no such file\n  Hint: check the path\n",
        ),
        (
            ["parse", "{data}/qa.md", "--encoding", "klingon"],
            2,
            "Error: unknown encoding 'klingon'\n  Hint: use e.g. utf-8, utf-16, gb18030, gbk, big5\n",
        ),
        (
            ["parse", "{data}/qa.md", "--format", "xml"],
            2,
            "Error: unknown --format 'xml'\n  Hint: use yaml or json\n",
        ),
        (
            ["parse", "{data}/qa.md", "--layout", "poem"],
            2,
            "Error: unknown layout 'poem'\n"
            "  Hint: use auto or one of: heading, admonition, details, table, flashcard, marker, "
            "answer-after, instruction, list, quote, bold, paragraph, card, heading-term, labelled, faq, "
            "heading-paragraph, choice, qa\n",
        ),
        (
            ["parse", "{data}/qa.md", "--encoding", "ascii"],
            1,
            "Error: {data}/qa.md: cannot decode as ascii: invalid byte 0xe6 at byte offset 0, line 1\n"
            "  Hint: check the file's encoding; --encoding forces it\n",
        ),
    ],
)
def test_parse_errors(runner: CliRunner, tmp_path: Path, args: list[str], code: int, stderr: str) -> None:
    fill = {"tmp": str(tmp_path), "data": str(DATA)}
    r = runner.invoke(app, [a.format(**fill) for a in args])
    assert (r.exit_code, r.stderr, r.stdout) == (code, stderr.format(**fill), "")


def test_parse_error_for_an_unrecognised_file(runner: CliRunner) -> None:
    r = runner.invoke(app, ["parse", str(DATA / "no_layout.md")])
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {DATA / 'no_layout.md'}: no questions found\n"
        "  Hint: quizgen looks for question headings (`### 1. 什么是X？`, `## 题目12：`), "
        "numbered items that ask (`1. 问题？` with the answer below), "
        "`Q:`/`问：`/`**问题：**` with `A:`/`答：`/`**答案：**`, "
        "block-quoted questions, `<details><summary>问题？</summary>`, admonitions (`??? question`), "
        "flashcards (`问题::答案`), Q&A tables; force a reading with --layout (e.g. --layout heading-term "
        "reads each heading as a term to explain) or --rules\n"
    )


def test_parse_explain_and_rules(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(app, ["parse", str(DATA / "faq.md"), "--explain"])
    assert r.exit_code == 0 and r.stderr == ""
    assert r.stdout.splitlines()[0] == "How faq.md was read (cues: heading):"
    assert "question  heading: 如何安装？" in r.stdout
    notes = tmp_path / "n.md"
    notes.write_text("例1 求导 x^2\n\n解：2x\n", encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text("question: '^例\\d+'\nanswer: '^解[:：]'\n", encoding="utf-8")
    r = runner.invoke(app, ["parse", str(notes), "--rules", str(rules)])
    assert r.exit_code == 0
    assert "title: 求导 x^2" in r.stdout and "answer: 2x" in r.stdout
    rules.write_text("cue: heading\n", encoding="utf-8")
    r = runner.invoke(app, ["parse", str(notes), "--rules", str(rules)])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {rules}: unknown rule 'cue'; "
        "expected one of cues, question_level, question, answer, free_form\n"
        "  Hint: see `quizgen parse --help` and the README's Notes layouts section\n",
    )


def test_parse_undecodable_file_names_the_offset(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"### 1. ok\n\xff\xfe\x00")
    r = runner.invoke(app, ["parse", str(bad)])
    assert (r.exit_code, r.stderr.splitlines()[0]) == (
        1,
        f"Error: {bad}: NUL byte at byte offset 12: a binary file, or UTF-16 without a byte-order mark",
    )


def test_parse_a_folder_says_which_file_to_give(runner: CliRunner, tmp_path: Path) -> None:
    notes = tmp_path / "my notes"
    notes.mkdir()
    r = runner.invoke(app, ["parse", str(notes)])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {notes}: is a directory, expected a notes file\n"
        "  Hint: give a notes file (.md, .markdown, .txt); there is none in this folder\n",
    )
    for name in ("b.md", "a.md", "c.txt", "bank.yaml"):
        (notes / name).write_text("### 1. x\n", encoding="utf-8")
    r = runner.invoke(app, ["parse", str(notes)])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {notes}: is a directory, expected a notes file\n"
        f"  Hint: give one notes file, e.g. quizgen parse '{notes / 'a.md'}' (here: a.md, b.md, c.txt)\n",
    )


def test_bank_show_refuses_an_alias_bomb(runner: CliRunner, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    qs = "".join(f"- title: *big\n  number: {i + 1}\n" for i in range(2000))
    bomb.write_text(f"title: &big {'长' * 100_000}\nquestions:\n{qs}", encoding="utf-8")
    r = runner.invoke(app, ["bank", "show", str(bomb)])
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr.startswith(
        f"Error: {bomb}:1: YAML aliases would expand this file from 0.2 to 200.1 million"
    )


def test_parse_usage_error_without_file(runner: CliRunner) -> None:
    r = runner.invoke(app, ["parse"])
    assert r.exit_code == 2
    assert "Missing argument 'FILE'" in r.stderr


# ---------------------------------------------------------------------------- bank stats / show


@pytest.fixture(scope="module")
def bank_file(tmp_path_factory: pytest.TempPathFactory, seed_notes: Path) -> Path:
    p = tmp_path_factory.mktemp("bank") / "b.yaml"
    save(parse_file(seed_notes, title="深度学习基础").bank, p)
    return p


def test_bank_stats_json(runner: CliRunner, bank_file: Path) -> None:
    r = runner.invoke(app, ["bank", "stats", str(bank_file), "--json"])
    assert r.exit_code == 0
    st = json.loads(r.stdout)
    assert {k: st[k] for k in ("questions", "unique", "duplicates", "without_answer")} == {
        "questions": 30,
        "unique": 19,
        "duplicates": 11,
        "without_answer": 0,
    }
    assert st["sections_by_kind"]["explanation"] == 11
    assert st["list_items"] == sum(len(s.items) for q in load(bank_file).questions for s in q.sections)


def test_bank_stats_table(runner: CliRunner, bank_file: Path) -> None:
    r = runner.invoke(app, ["bank", "stats", str(bank_file)])
    assert r.exit_code == 0
    lines = [" ".join(line.split()) for line in r.stdout.splitlines()]
    assert "Bank: 深度学习基础" in lines
    assert {"questions 30", "unique 19", "near-duplicates 11", "without answer 0"} <= set(lines)


def test_bank_show_question(runner: CliRunner, bank_file: Path) -> None:
    r = runner.invoke(app, ["bank", "show", str(bank_file), "7"])
    assert r.exit_code == 0
    assert "7. 什么是激活函数？其在神经网络中的作用" in r.stdout
    assert "sigmoid 函数：" in r.stdout
    listing = runner.invoke(app, ["bank", "show", str(bank_file)])
    assert listing.exit_code == 0 and "duplicate of #15" in listing.stdout


def test_bank_show_unknown_question(runner: CliRunner, bank_file: Path) -> None:
    r = runner.invoke(app, ["bank", "show", str(bank_file), "99"])
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: no question '99' in {bank_file}\n"
        f"  Hint: give a number 1-30 or an id; `quizgen bank show {bank_file}` lists them\n"
    )


def test_bank_text_is_never_markup(runner: CliRunner, tmp_path: Path) -> None:
    q = Question(id="[i]id", number=1, title="[red]标题[/red]", answer="记作 [b]lr[/b]。", group="[bold]组")
    p = tmp_path / "m.yaml"
    p.write_text(dumps(Bank(title="[b]题库[/b]", questions=(q,))), encoding="utf-8")
    shown = runner.invoke(app, ["bank", "show", str(p), "1"])
    assert shown.exit_code == 0
    assert (
        "[red]标题[/red]" in shown.stdout
        and "记作 [b]lr[/b]。" in shown.stdout
        and "[bold]组" in shown.stdout
    )
    listing = runner.invoke(app, ["bank", "show", str(p)])
    assert "[b]题库[/b]" in listing.stdout and "[i]id" in listing.stdout
    stats = runner.invoke(app, ["bank", "stats", str(p)])
    assert "Bank: [b]题库[/b]" in stats.stdout


def test_bank_errors(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: t\nquestions:\n- title: x\n  colour: 1\n", encoding="utf-8")
    r = runner.invoke(app, ["bank", "stats", str(bad)])
    assert r.exit_code == 1
    assert r.stderr.startswith(
        f"Error: {bad}:4: questions[0].colour: unknown field 'colour'; expected one of id,"
    )
    r = runner.invoke(app, ["bank", "show", str(tmp_path / "none.yaml")])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {tmp_path / 'none.yaml'}: no such file\n  Hint: check the path\n",
    )


# ---------------------------------------------------------------------------- the wrong kind of file


def _notes_error(path: Path | str, shown: str | None = None) -> str:
    return (
        f"Error: {path}: looks like notes, not a bank\n"
        f"  Hint: make a bank from the notes first: quizgen parse {shown or path} -o bank.yaml\n"
    )


@pytest.mark.parametrize("command", ["stats", "show"])
def test_bank_commands_refuse_notes(runner: CliRunner, seed_notes: Path, command: str) -> None:
    r = runner.invoke(app, ["bank", command, str(seed_notes)])
    assert (r.exit_code, r.stdout, r.stderr) == (1, "", _notes_error(seed_notes))


def test_bank_stats_of_qa_notes(runner: CliRunner) -> None:
    path = DATA / "qa.md"
    r = runner.invoke(app, ["bank", "stats", str(path)])
    assert (r.exit_code, r.stderr) == (1, _notes_error(path))


def test_bank_stats_of_notes_without_a_notes_name(runner: CliRunner, tmp_path: Path) -> None:
    only_headings = tmp_path / "headings.yaml"  # every line is a YAML comment
    only_headings.write_text("# 笔记\n\n## 一、基础\n\n### 1. 什么是梯度\n", encoding="utf-8")
    r = runner.invoke(app, ["bank", "stats", str(only_headings)])
    assert (r.exit_code, r.stderr) == (1, _notes_error(only_headings))
    spaced = tmp_path / "my notes.yaml"
    spaced.write_text("Q: 什么是张量？\nA: 张量是多维数组。\n", encoding="utf-8")  # YAML {Q: …, A: …}
    r = runner.invoke(app, ["bank", "show", str(spaced)])
    assert (r.exit_code, r.stderr) == (1, _notes_error(spaced, f"'{spaced}'"))


def test_bank_show_of_an_items_file(runner: CliRunner, tmp_path: Path) -> None:
    items = tmp_path / "items.yaml"
    items.write_text(
        "schema_version: 1\ngenerator: quizgen 0.1\nbank: t\nseed: 1\nitems:\n"
        "- id: i1\n  type: tf\n  question_id: a1\n  stem: 对吗？\n  answer: [对]\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["bank", "show", str(items)])
    assert (r.exit_code, r.stdout, r.stderr) == (
        1,
        "",
        f"Error: {items}: is an items file (from quizgen generate), not a bank\n"
        "  Hint: this needs a bank (from `quizgen parse`); an items file goes to `quizgen quiz` or "
        "`quizgen export`\n",
    )


def test_parse_refuses_a_bank_and_an_items_file(runner: CliRunner, tmp_path: Path) -> None:
    bank = tmp_path / "b.json"
    bank.write_text(dumps(Bank(title="t", questions=(Question(id="a", number=1, title="x"),)), "json"))
    r = runner.invoke(app, ["parse", str(bank)])
    assert (r.exit_code, r.stdout, r.stderr) == (
        1,
        "",
        f"Error: {bank}: is a bank (from quizgen parse), not notes\n"
        "  Hint: it is ready to use: quizgen bank stats, generate, quiz or export take it as it is\n",
    )
    items = tmp_path / "i.yaml"
    items.write_text("schema_version: 1\nitems: []\n", encoding="utf-8")
    r = runner.invoke(app, ["parse", str(items)])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {items}: is an items file (from quizgen generate), not notes\n"
        "  Hint: quizgen quiz and quizgen export take it as it is\n",
    )


def test_bank_show_leaves_out_line_0_of_a_hand_written_question(
    runner: CliRunner, tmp_path: Path, seed_notes: Path
) -> None:
    p = tmp_path / "hand.yaml"
    p.write_text("title: t\nquestions:\n- title: 手写的题\n  answer: 答。\n", encoding="utf-8")
    r = runner.invoke(app, ["bank", "show", str(p), "1"])
    assert r.exit_code == 0
    assert "line" not in r.stdout and f"id {load(p).questions[0].id}" in r.stdout
    parsed = runner.invoke(app, ["bank", "show", str(seed_notes.with_suffix(".yaml")), "1"])
    assert "· line 3" in parsed.stdout


# ---------------------------------------------------------------------------- nothing is dropped silently


def test_parse_reports_text_outside_the_questions(runner: CliRunner, tmp_path: Path) -> None:
    notes = tmp_path / "n.md"
    notes.write_text(
        "# 笔记\n\n这是前言，介绍本笔记。\n\n第二段前言。\n\n"
        "### 1. 什么是梯度\n\n**答案：** 增长最快的方向。\n\n"
        "## 附录\n\n参考资料：某书。\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["parse", str(notes), "-o", str(tmp_path / "b.yaml")])
    assert r.exit_code == 0
    assert r.stderr.splitlines() == [
        f"Warning: {notes}:3-5: text before the first question is not part of any question (2 lines)",
        f"Warning: {notes}:13: text after the last question is not part of any question (1 line)",
        f"Parsed 1 questions (0 near-duplicates) from {notes} [cues: heading] -> {tmp_path / 'b.yaml'}",
    ]
