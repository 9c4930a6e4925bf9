"""`quizgen doctor`: check the progress store and the caches; `--repair` recovers a damaged store."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from quizgen.errors import SessionError
from quizgen.i18n import ENV_VARS, _, language
from quizgen.session import DAMAGE_HINT
from quizgen.ui.console import out, write_data
from quizgen.ui.quiz_cmd import LangOpt, _language


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    size = float(n)
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            break
    return f"{size:.1f} {unit}"


def doctor_cmd(
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Move a damaged progress store aside (progress.sqlite3.damaged-DATE) and rebuild it "
            "from every row SQLite can still read.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lang: LangOpt = None,
) -> None:
    """Check the progress store and caches; --repair recovers what it can from a damaged store."""
    from quizgen.paths import cache_dir
    from quizgen.recovery import check_store, repair_store

    _language(lang)
    check = check_store()
    jieba_cache = cache_dir("jieba", "prefix-dict.marshal")
    source = next((f"{v}={os.environ[v]}" for v in ENV_VARS if os.environ.get(v)), "")
    report = {
        "store": {
            "path": str(check.path),
            "exists": check.exists,
            "size": check.size,
            "ok": check.ok,
            "problems": list(check.problems),
            "schema_version": check.schema_version,
            "rows": check.rows,
            "running": list(check.running),
        },
        "cache": {"path": str(cache_dir()), "jieba_dictionary": jieba_cache.is_file()},
        "language": language(),
    }
    recovery = None
    if repair and check.exists and not check.ok:
        recovery = repair_store(check.path)
        report["repair"] = {
            "damaged_copy": str(recovery.damaged_copy),
            "recovered": recovery.recovered,
            "unreadable": recovery.unreadable,
            "complete": recovery.complete,
        }
    if as_json:
        write_data(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        console = out()
        t = Table.grid(padding=(0, 2))
        t.add_column(style="bold", no_wrap=True)
        t.add_column()
        t.add_row(_("Progress store"), Text(str(check.path)))
        if not check.exists:
            t.add_row("", _("not created yet (the first quiz creates it)"))
        else:
            rows = check.rows
            t.add_row(
                "",
                _("{size} · schema {version} · {sessions} sessions, {answers} answers, {cards} cards").format(
                    size=_size(check.size),
                    version=check.schema_version if check.schema_version is not None else "?",
                    sessions=rows.get("sessions", "?"),
                    answers=rows.get("answers", "?"),
                    cards=rows.get("cards", "?"),
                ),
            )
            if check.ok:
                t.add_row("", Text(_("integrity: ok"), style="green"))
            else:
                t.add_row("", Text(_("integrity: damaged"), style="bold red"))
                for p in check.problems[:5]:
                    t.add_row("", Text(p, style="red"))
            if check.running:
                pids = ", ".join(map(str, check.running))
                t.add_row("", _("a quiz is running on it now (process {pids})").format(pids=pids))
        t.add_row(_("Cache"), Text(str(cache_dir())))
        t.add_row(
            "",
            _("jieba dictionary: ready")
            if jieba_cache.is_file()
            else _("jieba dictionary: made on first use"),
        )
        t.add_row(_("Language"), language() + (f" ({source})" if source else ""))
        console.print(t)
        if recovery is not None:
            console.print(
                Text(_("Moved the damaged store to {path}").format(path=recovery.damaged_copy)),
                soft_wrap=True,
            )
            for table, n in recovery.recovered.items():
                lost = recovery.unreadable[table]
                what = _("{table}: {n} rows recovered").format(table=table, n=n)
                if lost is None:
                    what += " · " + _("the table could not be read")
                elif lost:
                    what += " · " + _("{n} unreadable").format(n=lost)
                console.print(Text("  " + what))
    if check.exists and not check.ok and recovery is None:
        raise SessionError(_("the progress store is damaged"), where=str(check.path), hint=_(DAMAGE_HINT))


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor_cmd)
