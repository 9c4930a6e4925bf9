"""Every command module outside `bank_cmds` registers itself here (one line each)."""

from __future__ import annotations

import typer


def register_all(app: typer.Typer) -> None:
    # Imports stay inside so a module's own heavy imports remain lazy at its command level.
    from quizgen.ui.quiz_cmd import register; register(app)  # noqa: E702, I001  # fmt: skip
    from quizgen.ui.export_cmd import register as reg_export; reg_export(app)  # noqa: E702, I001  # fmt: skip
    from quizgen.ui.generate_cmd import register as reg_generate; reg_generate(app)  # noqa: E702, I001  # fmt: skip
    from quizgen.ui.grade_cmd import register as reg_grade; reg_grade(app)  # noqa: E702, I001  # fmt: skip
    pass
