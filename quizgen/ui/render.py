"""Rich renderings of bank records. All bank text goes in as `Text`, never as markup."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizgen.bank import Bank, Question


def render_question_list(bank: Bank) -> RenderableType:
    t = Table(title=Text(bank.title), show_lines=False, expand=False)
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("id", no_wrap=True, style="dim")
    t.add_column("title")
    t.add_column("sections", justify="right", no_wrap=True)
    t.add_column("note", no_wrap=True)
    for q in bank.questions:
        note = ""
        if q.duplicate_of:
            orig = bank.get(q.duplicate_of)
            note = f"duplicate of #{orig.number}" if orig else "duplicate"
        elif not q.has_answer:
            note = "no answer"
        t.add_row(str(q.number), q.id, Text(q.title), str(len(q.sections)), Text(note, style="yellow"))
    return t


def render_question(q: Question, bank: Bank | None = None) -> RenderableType:
    parts: list[RenderableType] = []
    meta = Text(f"id {q.id} · line {q.line}", style="dim")
    if q.group:
        meta.append(Text(f" · {q.group}", style="dim"))
    if q.duplicate_of:
        orig = bank.get(q.duplicate_of) if bank else None
        meta.append(Text(f" · duplicate of #{orig.number if orig else q.duplicate_of}", style="yellow"))
    parts.append(meta)
    if q.prompt:
        parts.append(Text.assemble(("题目：", "bold cyan"), q.prompt))
    if q.answer:
        parts.append(Text.assemble(("答案：", "bold green"), q.answer))
    else:
        parts.append(Text("（无答案）", style="bold yellow"))
    for s in q.sections:
        if s.kind.value == "answer":
            continue
        parts.append(Text.assemble((f"{s.label}：", "bold magenta"), s.lead))
        if s.items:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(justify="right", no_wrap=True)
            grid.add_column(overflow="fold")
            for i, it in enumerate(s.items, 1):
                body = Text.assemble((f"{it.term}：", "bold"), it.text) if it.term else Text(it.text)
                grid.add_row(f"{i}.", body)
            parts.append(grid)
        if s.text:
            parts.append(Text(s.text))
    if q.aliases:
        parts.append(Text("别名：" + "；".join(" = ".join(g) for g in q.aliases), style="dim"))
    return Panel(Group(*parts), title=Text(f"{q.number}. {q.title}"), title_align="left", expand=True)
