"""Rich renderings of bank records. All bank text goes in as `Text`, never as markup,
so ``[b]`` in a question prints as typed."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizgen.bank import Bank, Question, Section, SectionKind
from quizgen.ui.flow import Flow


def _note(q: Question, bank: Bank) -> Text:
    if q.duplicate_of:
        orig = bank.get(q.duplicate_of)
        return Text(f"duplicate of #{orig.number}" if orig else "duplicate", style="yellow")
    if not q.has_answer:
        return Text("no answer", style="yellow")
    if "answer_unmarked" in q.flags:
        return Text("answer unmarked", style="yellow")
    return Text("")


def render_question_list(bank: Bank) -> RenderableType:
    t = Table(title=Text(bank.title), show_lines=False, expand=False)
    t.add_column("#", justify="right", no_wrap=True)
    t.add_column("id", no_wrap=True, style="dim")
    t.add_column("title")
    t.add_column("sections", justify="right", no_wrap=True)
    t.add_column("note", no_wrap=True)
    for q in bank.questions:
        t.add_row(str(q.number), Text(q.id), Text(q.title), str(len(q.sections)), _note(q, bank))
    return t


def _list_table(section: Section) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    options = section.kind is SectionKind.OPTIONS
    for i, it in enumerate(section.items, 1):
        if options:
            grid.add_row(Text(f"{it.term}." if it.term else f"{i}."), Flow(Text(it.text)))
        else:
            body = Flow(Text.assemble((f"{it.term}：", "bold"), it.text) if it.term else Text(it.text))
            grid.add_row(f"{i}.", body)
    return grid


def render_question(q: Question, bank: Bank | None = None) -> RenderableType:
    parts: list[RenderableType] = []
    meta = Text(f"id {q.id}", style="dim")
    if q.line:  # 0: written by hand, not parsed from notes
        meta.append(f" · line {q.line}", style="dim")
    if q.ref:
        meta.append(f" · written as {q.ref}", style="dim")
    if q.group:
        meta.append(f" · {q.group}", style="dim")
    if q.duplicate_of:
        orig = bank.get(q.duplicate_of) if bank else None
        meta.append(f" · duplicate of #{orig.number if orig else q.duplicate_of}", style="yellow")
    if q.flags:
        meta.append(f" · {', '.join(q.flags)}", style="yellow")
    parts.append(meta)
    if q.prompt:
        parts.append(Flow(Text.assemble(("题目：", "bold cyan"), q.prompt)))
    options = q.section(SectionKind.OPTIONS)
    if options is not None:
        parts.append(Text("选项：", style="bold magenta"))
        parts.append(_list_table(options))
    if q.answer:
        parts.append(Flow(Text.assemble(("答案：", "bold green"), q.answer)))
    else:
        parts.append(Text("（无答案）", style="bold yellow"))
    for s in q.sections:
        if s.kind in (SectionKind.ANSWER, SectionKind.OPTIONS):
            continue
        parts.append(Flow(Text.assemble((f"{s.label}：", "bold magenta"), s.lead)))
        if s.items:
            parts.append(_list_table(s))
        if s.text:
            parts.append(Flow(Text(s.text)))
    if q.aliases:
        parts.append(Text("别名：" + "；".join(" = ".join(g) for g in q.aliases), style="dim"))
    return Panel(Group(*parts), title=Text(f"{q.number}. {q.title}"), title_align="left", expand=True)
