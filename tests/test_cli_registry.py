"""Lazily loaded commands: listed without import, identical once loaded."""

from __future__ import annotations

import pytest
import typer.main
from typer.testing import CliRunner

from quizgen.cli import app
from quizgen.ui.registry import LAZY, load

runner = CliRunner()


@pytest.mark.parametrize("name", sorted(LAZY))
def test_listed_help_is_the_commands_own(name: str) -> None:
    cmd = load(name)
    assert cmd is not None, f"{LAZY[name].module}.register() does not add {name!r}"
    assert LAZY[name].help == cmd.get_short_help_str(limit=1000)


def test_root_help_lists_every_command_in_pipeline_order() -> None:
    r = runner.invoke(app, ["--help"])
    assert r.exit_code == 0
    listed = [
        line.split()[0]
        for line in r.stdout.split("Commands:")[1].splitlines()
        if line.startswith("  ") and line.strip()
    ]
    assert listed == ["parse", "bank", *LAZY]


def test_lazy_command_runs_through_the_root_group() -> None:
    r = runner.invoke(app, ["generate", "--help"])
    assert r.exit_code == 0
    assert "generate [OPTIONS] BANK" in r.stdout
    group = typer.main.get_group(app)
    assert group.get_command(None, "no-such-command") is None  # type: ignore[arg-type]
