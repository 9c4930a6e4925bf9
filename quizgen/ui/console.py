"""Consoles and the error boundary shared by every command.

Data goes to stdout, messages to stderr. Bank text is always passed as `rich.text.Text`
or printed with ``markup=False`` so ``[b]`` in a question prints as typed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from quizgen.errors import EXIT_INTERRUPTED, QuizgenError


def _no_color() -> bool:
    return bool(os.environ.get("NO_COLOR"))


def out() -> Console:
    # Built on each call so tests that swap sys.stdout (CliRunner) see the output.
    return Console(file=sys.stdout, no_color=_no_color(), highlight=False, soft_wrap=False)


def err() -> Console:
    return Console(file=sys.stderr, no_color=_no_color(), highlight=False, soft_wrap=True)


def error(message: str) -> None:
    err().print(Text("Error: ", style="bold red") + Text(message))


def warn(message: str) -> None:
    err().print(Text("Warning: ", style="yellow") + Text(message))


def info(message: str) -> None:
    err().print(Text(message, style="dim"))


def write_data(text: str) -> None:
    """Raw data (YAML, JSON, CSV) to stdout, untouched by rich."""
    sys.stdout.write(text)
    sys.stdout.flush()


class QuizgenGroup(TyperGroup):
    """One error boundary for every command: library errors become ``Error: ...`` on stderr
    and their exit code; Ctrl-C exits 130 (a command that must print a summary on Ctrl-C
    handles KeyboardInterrupt itself first)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except QuizgenError as e:
            error(e.render())
            raise typer.Exit(e.exit_code) from None
        except KeyboardInterrupt:
            err().print(Text("Interrupted.", style="yellow"))
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            # `quizgen parse x | head`: the reader went away; not an error of ours.
            try:
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            finally:
                raise typer.Exit(0) from None


def command_group(**kwargs: Any) -> typer.Typer:
    return typer.Typer(cls=QuizgenGroup, no_args_is_help=True, rich_markup_mode=None, **kwargs)


Callback = Callable[..., Any]
