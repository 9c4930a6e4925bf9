"""Commands outside `bank_cmds`, loaded only when they run.

`quizgen --help` lists them from the short help below without importing their modules, so
start-up pays for none of quiz, export, generate or grade (their own imports stay lazy too).
tests/test_cli_registry.py checks each entry's help against the loaded command's.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import typer.main

from quizgen.ui.console import QuizgenGroup, command_group


@dataclass(frozen=True)
class LazyCommand:
    module: str  # a module with `register(app)` that adds this command to a typer app
    help: str  # its short help, shown by `quizgen --help`


LAZY: dict[str, LazyCommand] = {
    "generate": LazyCommand(
        "quizgen.ui.generate_cmd",
        "Generate quiz items (choice, multi, fill, order, match, tf, short) from a question bank.",
    ),
    "quiz": LazyCommand(
        "quizgen.ui.quiz_cmd", "Quiz yourself on a bank: answers are checked at once and saved as you go."
    ),
    "review": LazyCommand(
        "quizgen.ui.quiz_cmd", "Review the items due today (spaced repetition), wrong answers first (错题本)."
    ),
    "resume": LazyCommand("quizgen.ui.quiz_cmd", "Continue an interrupted quiz or review where it stopped."),
    "history": LazyCommand("quizgen.ui.quiz_cmd", "Past quiz and review sessions, newest first."),
    "stats": LazyCommand(
        "quizgen.ui.quiz_cmd",
        "Your progress on a bank: accuracy per type and question, the weakest questions, what is due.",
    ),
    "doctor": LazyCommand(
        "quizgen.ui.doctor_cmd",
        "Check the progress store and caches; --repair recovers what it can from a damaged store.",
    ),
    "export": LazyCommand(
        "quizgen.ui.export_cmd",
        "Export a paper with answer key (md/html/docx/pdf) or a Moodle/GIFT/QTI/Anki/CSV file.",
    ),
    "grade": LazyCommand(
        "quizgen.ui.grade_cmd",
        "Grade free-text answers (keywords + semantic similarity); calibrate and evaluate on human scores.",
    ),
    "results": LazyCommand(
        "quizgen.ui.results_cmd",
        "Students' results back into quizgen: collect and score the web quiz's results files; export a "
        "terminal quiz session as one.",
    ),
    "analyze": LazyCommand(
        "quizgen.ui.analyze_cmd",
        "Item analysis of a results table: difficulty, discrimination, distractors, Cronbach's alpha.",
    ),
}


def load(name: str) -> Any:
    """The click command `name`, built from its module's `register`."""
    holder = command_group()
    importlib.import_module(LAZY[name].module).register(holder)
    return typer.main.get_group(holder).get_command(None, name)  # type: ignore[arg-type]


class LazyRootGroup(QuizgenGroup):
    """The root group: eager commands as usual, `LAZY` ones imported on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        eager = list(super().list_commands(ctx))
        return eager + [n for n in LAZY if n not in eager]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        cmd = super().get_command(ctx, cmd_name)
        if cmd is None and cmd_name in LAZY:
            cmd = load(cmd_name)
            self.add_command(cmd, cmd_name)
        return cmd

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        # click's version calls get_command() for every row, which would import them all.
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            if name in self.commands:
                cmd = self.commands[name]
                if cmd.hidden:
                    continue
                rows.append((name, cmd.get_short_help_str(limit)))
            else:
                text = LAZY[name].help
                rows.append(
                    (name, text if len(text) <= limit else text[: max(limit - 3, 1)].rstrip() + "...")
                )
        with formatter.section("Commands"):
            formatter.write_dl(rows)
