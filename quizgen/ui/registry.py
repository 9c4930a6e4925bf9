"""Every command module outside `bank_cmds` registers itself here (one line each)."""

from __future__ import annotations

import typer


def register_all(app: typer.Typer) -> None:
    # Imports stay inside so a module's own heavy imports remain lazy at its command level.
    pass
