"""The command line: builds library objects, turns library errors into user errors.

Heavy modules (jieba, numpy, sentence-transformers, torch) are imported inside the
commands that need them so that `quizgen --help` starts fast.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from quizgen import __version__
from quizgen.ui.bank_cmds import bank_app, parse_cmd
from quizgen.ui.console import command_group
from quizgen.ui.registry import LazyRootGroup

# The root group loads generate, quiz, export, grade... only when they run (quizgen.ui.registry).
app = command_group(
    cls=LazyRootGroup,
    help="quizgen: Chinese Q&A notes -> question bank -> quiz items, terminal quizzes, exam papers, grading.",
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"quizgen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """quizgen: Chinese Q&A notes -> question bank -> quiz items, terminal quizzes, exam papers, grading."""


app.command("parse")(parse_cmd)
app.add_typer(bank_app, name="bank")


def main() -> None:
    try:
        app(prog_name="quizgen")
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
